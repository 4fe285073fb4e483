// Understanding a 公文: title, year, issuing body (发文机关), the outline of
// numbered headings (第一章 / 第一条 / 一、 / （一） / 1. / （1）) with 一是… 二是…
// enumerations under them, unnumbered headings of older reports and of laws
// whose numbers a source dropped (kind "plain", doc/outline_plain.h: ranked
// right above the numbered headings that follow them), and the paragraph and
// sentence spans.
//
// Invariants of Analysis (all offsets are code points into the analysed text,
// half-open [start, end)):
//  - a heading starts a line (after leading whitespace); inside a sentence
//    ("依照本法第十条") nothing is a heading;
//  - headings of one kind are numbered in sequence under their parent (一、 then
//    二、; 第X条 strictly increasing over the whole document), so a stray "3." is
//    not taken for a heading;
//  - siblings are ordered and do not overlap; a child lies inside its parent;
//    a node's extent runs to the next sibling (or the parent's end);
//  - paragraphs are the non-blank lines (without '\n'); sentences never are
//    empty or whitespace-only, and lie inside one paragraph.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/doc/document.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc {

struct Analysis {
  std::string title;        // given title, else the first line if it reads as a title, else empty
  std::optional<int> year;  // from the title, else the most salient date of the text
  std::string issuer;       // 发文机关 where the document states it, else empty
  std::vector<OutlineNode> outline;
  std::vector<Span> paragraphs;
  std::vector<Span> sentences;
  // Units of work the outline took (lines, heading-hint lookups, stack and
  // sibling steps): a count, so tests can check analysis stays linear.
  uint64_t outline_steps = 0;
};

// `hints` are headings the source format marked (docx styles, html <h1>..<h6>);
// a line equal to a hint's text (ignoring surrounding whitespace) is a heading:
// of its numbered kind when it is numbered (so run-in headings after it stay in
// its sequence), else of kind "heading" at the hint's level.
Analysis analyze(std::string_view text, const std::vector<HeadingHint>& hints, std::string_view given_title);

// True if `line` begins like a numbered 公文 heading (第一章, 第一节, 第一条, 一、,
// （一）, 1., （1）) or is a table-of-contents line (目录). Cleaning uses it to keep
// such lines however often they recur across documents.
bool is_structural_line(std::string_view line);

// True if `line` (leading whitespace aside) starts with a numbered heading
// (is_structural_line without 目录): a first line that does is not a title.
bool begins_with_heading(std::u32string_view line);

}  // namespace wenyuan::doc
