// Counts the lines of a law that start an article: after indentation, 第…条
// (or 第…条之一) followed by a space. The tests compare this independent count
// with the outline's "article" nodes.
#pragma once

#include <string>
#include <string_view>

#include "wenyuan/text/utf8.h"

namespace wenyuan::testing_support {

inline size_t count_article_lines(const std::string& text) {
  const std::u32string u = text::decode_utf8(text);
  static constexpr std::u32string_view kNum = U"一二三四五六七八九十百千零〇两";
  size_t n = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    if (i > 0 && u[i - 1] != U'\n') continue;
    size_t k = i;
    while (k < u.size() && (u[k] == U' ' || u[k] == 0x3000)) ++k;
    if (k >= u.size() || u[k] != U'第') continue;
    size_t m = k + 1;
    while (m < u.size() && kNum.find(u[m]) != std::u32string_view::npos) ++m;
    if (m == k + 1 || m >= u.size() || u[m] != U'条') continue;
    ++m;
    if (m + 1 < u.size() && u[m] == U'之') m += 2;
    if (m < u.size() && (u[m] == U' ' || u[m] == 0x3000)) ++n;
  }
  return n;
}

}  // namespace wenyuan::testing_support
