// Turning the lines a PDF's text layer gives into paragraphs.
//
// A PDF has no paragraphs, only lines placed on pages: a sentence that reaches
// the right margin continues on the next line (or the next page). These rules
// undo that wrapping for Chinese 公文 without merging headings into body text:
// a line is joined to the next one (without a newline) when
//   - it does not end in sentence-final punctuation (。！？；：” and the like),
//   - it is "full": about as wide as the page's typical line (a short line is a
//     heading, a signature or the last line of a paragraph), and
//   - the next line does not begin a heading or numbered item (一、 （一） 1. （1）
//     第一条 一是 ① 附件) and is not indented.
// Page-number lines ("- 3 -", "第3页", "3/12") at the top or bottom of a page are
// dropped by import_pdf before joining.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::doc {

// True if `line` (spaces around it ignored) is only a page number:
// "3", "- 3 -", "—3—", "第3页", "第 3 页 共 12 页", "3/12", "3 / 12", "Page 3".
bool is_page_number_line(std::string_view line);

// True if `line` (leading spaces ignored) begins with a 公文 numbering marker.
bool starts_numbered_item(std::string_view line);

// Joins wrapped lines (in reading order, all pages) into paragraphs, one a line
// of the result ('\n' after each). Empty lines end a paragraph.
std::string join_pdf_lines(const std::vector<std::string>& lines);

}  // namespace wenyuan::doc
