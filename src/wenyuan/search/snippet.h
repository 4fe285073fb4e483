// Snippets: whole sentences around matches, with exact highlight ranges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wenyuan/doc/document.h"

namespace wenyuan::search {

struct Snippet {
  std::string text;                                      // UTF-8, a slice of the document text
  uint32_t start = 0;                                    // code point offset of `text` in the document text
  uint32_t end = 0;
  std::vector<std::pair<uint32_t, uint32_t>> highlights; // [start, end) code point offsets into `text`
};

// The default length bound of a snippet, in code points: about two lines of a results
// list at desktop width, so five or more hits fit on one screen.
inline constexpr size_t kSnippetChars = 100;

// Builds up to `max_snippets` snippets of `text` (the document's cleaned text,
// paragraphs separated by '\n').
// `matches` are [start, end) code point ranges of matches in `text`, sorted.
// `sentences` are the document's sentence spans. A snippet is one or more whole
// sentences around a match (widened by whole neighbouring sentences of the same
// paragraph while it fits in `max_chars`), cut to a window of about `max_chars`
// code points around the match if the sentence is longer; such a window starts
// and ends at clause marks (，；。、…) where the slack holds one, and never cuts
// through a match (a match across its edge is taken whole or left out). A snippet never runs
// across a paragraph boundary (a '\n'), except where a match itself does (the
// normalized text has no whitespace, so a term can match across a line break).
// With `within` (a paragraph hit: that paragraph's span), snippets and matches
// are confined to that range: a paragraph that fits in `max_chars` is its own
// snippet. `text` of a snippet is always a verbatim slice of the document text
// (no ellipsis is inserted: the UI adds one when `start` > 0 or `end` is before
// the end of the text); leading and trailing whitespace is trimmed. Highlights
// are sorted, overlapping ones merged, and clipped to the snippet. Snippets do
// not overlap and come best first: most distinct highlighted strings, then most
// highlights, then earliest in the text. With no matches (a title-only hit) the
// result is one lead snippet (of the document, or of `within`) without highlights.
std::vector<Snippet> make_snippets(std::string_view text, const std::vector<doc::Span>& sentences,
                                   const std::vector<doc::Span>& matches, size_t max_snippets = 3,
                                   size_t max_chars = kSnippetChars, std::optional<doc::Span> within = std::nullopt);

// make_snippets in two steps, for a caller that chooses among several pieces of
// one text before cutting any (hit_snippets: the islands around a long
// document's matches). choose_snippets makes the same choice as make_snippets,
// best first, without cutting text; cut_snippet(text, matches, c) is then the
// snippet make_snippets gives for c.
struct SnippetChoice {
  uint32_t start = 0, end = 0;          // code points of the text, as Snippet::start, end
  size_t byte_start = 0, byte_end = 0;  // the same as byte offsets into the text
  uint32_t distinct = 0;                // distinct highlighted strings
  uint32_t highlights = 0;              // highlights (overlapping matches merged)
};
std::vector<SnippetChoice> choose_snippets(std::string_view text, const std::vector<doc::Span>& sentences,
                                           const std::vector<doc::Span>& matches, size_t max_snippets = 3,
                                           size_t max_chars = kSnippetChars,
                                           std::optional<doc::Span> within = std::nullopt);
Snippet cut_snippet(std::string_view text, const std::vector<doc::Span>& matches, const SnippetChoice& c);

// The candidate ranges make_snippets chooses among, in the order the matches
// propose them (each match its sentence(s) or window, trimmed; a run of equal
// ones once; with no matches, the lead). For the tests' reference choice, which
// scores and picks among them by brute force.
std::vector<std::pair<uint32_t, uint32_t>> snippet_candidates(std::string_view text,
                                                             const std::vector<doc::Span>& sentences,
                                                             const std::vector<doc::Span>& matches,
                                                             size_t max_chars = kSnippetChars,
                                                             std::optional<doc::Span> within = std::nullopt);

}  // namespace wenyuan::search
