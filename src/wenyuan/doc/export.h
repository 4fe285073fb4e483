// Exporters: text a reader may see -> a file to download (.txt, .docx).
//
// The exporter writes exactly what it is given. Which parts of a document a user
// may see is decided by access::Policy; callers cut the text first and pass only
// the visible part.
//
// The .docx looks like a 公文 as far as a file can say it (GB/T 9704-2012): A4,
// margins 37/35/28/26 mm (top/bottom/left/right); the title in 方正小标宋简体 二号
// (22 pt) centred, in the Title style; body text in 仿宋_GB2312 三号 (16 pt), first
// line indented two characters, exactly 28 pt line spacing; headings of outline
// level 1 (一、) in 黑体, level 2 (（一）) in 楷体_GB2312, deeper levels in the body
// font; page numbers "— 1 —" at the foot, odd pages right, even pages left. Fonts
// an office may lack name their fallbacks (word/fontTable.xml w:altName: 宋体,
// 仿宋, 楷体), and Latin text is Times New Roman.
//
// Parts: [Content_Types].xml, _rels/.rels, word/document.xml, word/styles.xml
// (Normal, Title, Heading1..Heading6 with built-in names "heading N"),
// word/fontTable.xml, word/settings.xml, word/footer1.xml (odd), word/footer2.xml
// (even), word/_rels/document.xml.rels, docProps/core.xml (title). All XML is
// built with pugixml. import_docx reads the file back to the same paragraphs
// (without leading indentation, which the layout carries) and heading levels.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

struct ExportBlock {
  enum class Kind { kParagraph, kHeading };
  Kind kind = Kind::kParagraph;
  int level = 0;       // 1..6 for headings (deeper levels are written as 6)
  std::string text;    // UTF-8; a '\n' inside becomes a line break within the paragraph
  // For a paragraph: its first `run_in` bytes are a run-in heading of outline
  // level `level` ("一、聚焦思想过硬，持续强化理论武装。" followed by body text in
  // the same paragraph). The paragraph stays body text; only that run takes the
  // level's heading font.
  size_t run_in = 0;
  // The GB/T 9704 numbering layer of the heading (1 一、 2 （一） 3 1. 4 （1）)
  // when it is numbered so: its font goes by the layer, whatever the level
  // (一、 stays 黑体 under an unnumbered part title). 0: by the level.
  int layer = 0;
};

// Headings longer than this many code points are body text with a run-in
// heading: a heading line of a 公文 is a short phrase, never a paragraph.
inline constexpr size_t kMaxHeadingChars = 60;

// "title\n\ntext\n": the title line is left out when empty or when `text`
// already begins with it (the 公文 title is usually the first line).
std::string export_txt(std::string_view title, std::string_view text);

// A .docx holding `blocks` in order. The title goes into docProps/core.xml and
// into a Title-styled first paragraph (the first block itself when it says the
// title). A heading block that goes on after a sentence end ("一、总体要求。各地…")
// or is longer than kMaxHeadingChars is written as a paragraph whose run-in
// heading is its text up to that sentence end.
Result<std::string> export_docx(std::string_view title, const std::vector<ExportBlock>& blocks);

// The blocks of a whole prepared Document: each line of `doc.text` is a
// paragraph, or a heading when an outline node (of any kind but "enum") has its
// heading span starting at that line; its level is the node's outline level.
// Numbered kinds give the block its layer (cn_num 1, paren_cn 2, arabic 3,
// paren_arabic 4; article 1: 第X条 in 黑体). When the line goes on past the heading span (and the punctuation closing it),
// the line is a paragraph with that span as its run-in heading ("第一条" of an
// article, "一、加强领导。" before the body of a 一、 paragraph).
std::vector<ExportBlock> export_blocks(const Document& doc);

}  // namespace wenyuan::doc
