// Which characters count as space, in the two senses wenyuan needs.
//
//  - is_space: Unicode White_Space (PropList.txt), the separators a query
//    splits on: U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A,
//    U+2028, U+2029, U+202F, U+205F, U+3000.
//  - is_blank: what may stand around the content of one line of a 公文 without
//    meaning anything: U+0020, U+0009, U+000D, U+3000 (ideographic space, the
//    indent of Chinese paragraphs), U+00A0, and the invisible format characters
//    that copying from web pages and Word leaves behind: U+FEFF (BOM), U+200B
//    (zero width space), U+200C, U+200D (zero width (non-)joiner), U+2060 (word
//    joiner). Not '\n': the text is cut into lines there before anything asks.
//    Cleaning and the promo filter trim and skip with it.
//  - is_heading_space: is_blank plus the typographic spaces of White_Space
//    (U+1680, U+2000..U+200A, U+202F, U+205F) that a heading may carry between
//    its numeral and its title ("一、\u2002聚焦" from a Word file's en space).
//    The outline, and the title, year and issuer read from lines, use it.
#pragma once

#include <string_view>

namespace wenyuan::text {

bool is_space(char32_t c);
bool is_blank(char32_t c);
bool is_heading_space(char32_t c);

// `s` without is_blank characters at either end.
std::u32string_view trim_blank(std::u32string_view s);
// The same on UTF-8 (the blank characters' UTF-8 forms).
std::string_view trim_blank(std::string_view s);

// `s` without is_heading_space characters at either end.
std::u32string_view trim_heading_space(std::u32string_view s);

}  // namespace wenyuan::text
