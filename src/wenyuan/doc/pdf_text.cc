#include "wenyuan/doc/pdf_text.h"

#include <algorithm>
#include <cctype>

#include "wenyuan/text/cn_number.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

// What a PDF text layer puts between and around words: spaces, tabs, \r, the
// form feed that ends a page, ideographic space and NBSP. Deliberately not
// text::is_blank: the invisible format characters (ZWSP, BOM, …) are left in the
// text here for cleaning to take out, as it does for every format; and \f, which
// no other format's lines carry, must count.
bool is_layout_space(char32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x3000 || c == 0xA0; }

std::u32string_view trim(std::u32string_view s) {
  while (!s.empty() && is_layout_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_layout_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char32_t c) { return text::ar_digit(c) >= 0; }
using text::is_cn_numeral;

bool is_dash(char32_t c) { return c == '-' || c == U'－' || c == U'—' || c == U'–' || c == U'―' || c == U'─'; }

// Skips a run of characters satisfying `pred`; returns how many.
template <typename Pred>
size_t skip(std::u32string_view& s, Pred pred) {
  size_t n = 0;
  while (!s.empty() && pred(s.front())) {
    s.remove_prefix(1);
    ++n;
  }
  return n;
}

bool consume(std::u32string_view& s, char32_t c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

bool consume_word(std::u32string_view& s, std::u32string_view w) {
  if (s.substr(0, w.size()) != w) return false;
  s.remove_prefix(w.size());
  return true;
}

bool spaces_then_end(std::u32string_view s) { return trim(s).empty(); }

bool page_number(std::u32string_view s) {
  s = trim(s);
  if (s.empty()) return false;
  std::u32string_view t = s;
  // "第 3 页" optionally followed by "共 12 页" / "，共12页"
  if (consume(t, U'第')) {
    skip(t, is_layout_space);
    if (skip(t, is_digit) == 0) return false;
    skip(t, is_layout_space);
    if (!consume(t, U'页')) return false;
    skip(t, [](char32_t c) { return is_layout_space(c) || c == U'，' || c == ',' || c == U'/'; });
    if (t.empty()) return true;
    if (!consume(t, U'共')) return false;
    skip(t, is_layout_space);
    if (skip(t, is_digit) == 0) return false;
    skip(t, is_layout_space);
    return consume(t, U'页') && spaces_then_end(t);
  }
  t = s;
  if (consume_word(t, U"Page") || consume_word(t, U"page") || consume_word(t, U"PAGE")) {
    skip(t, is_layout_space);
    if (skip(t, is_digit) == 0) return false;
    skip(t, is_layout_space);
    if (t.empty()) return true;
    if (!(consume_word(t, U"of") || consume(t, '/'))) return false;
    skip(t, is_layout_space);
    return skip(t, is_digit) > 0 && spaces_then_end(t);
  }
  // "- 3 -", "—3—", "3", "3/12", "3 / 12"
  t = s;
  const size_t lead = skip(t, is_dash);
  skip(t, is_layout_space);
  const size_t digits = skip(t, is_digit);
  if (digits == 0 || digits > 4) return false;
  skip(t, is_layout_space);
  if (lead == 0 && (consume(t, '/') || consume(t, U'／'))) {
    skip(t, is_layout_space);
    return skip(t, is_digit) > 0 && spaces_then_end(t);
  }
  const size_t trail = skip(t, is_dash);
  if (lead > 0 && trail == 0) return false;  // "-3" is more likely a list item than a page number
  return spaces_then_end(t);
}

bool numbered(std::u32string_view s) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() >= 0x2460 && s.front() <= 0x24FF) return true;  // ① ⑴ ⒈ ...
  std::u32string_view t = s;
  if (skip(t, is_cn_numeral) > 0) return !t.empty() && (t.front() == U'、' || t.front() == U'是' || t.front() == U'．');
  t = s;
  if (consume(t, U'（') || consume(t, '(')) {
    if (skip(t, is_cn_numeral) == 0 && skip(t, is_digit) == 0) return false;
    return consume(t, U'）') || consume(t, ')');
  }
  t = s;
  if (skip(t, is_digit) > 0) {
    if (t.empty()) return false;
    if (t.front() == U'、' || t.front() == U'．') return true;
    // "1." but not "2.5%" and not a year such as "2024."
    if (t.front() == '.' && (t.size() < 2 || !is_digit(t[1]))) return s.size() - t.size() <= 2;
    return false;
  }
  t = s;
  if (consume(t, U'第')) {
    if (skip(t, is_cn_numeral) == 0 && skip(t, is_digit) == 0) return false;
    return !t.empty() && std::u32string_view(U"章节条编部分款项").find(t.front()) != std::u32string_view::npos;
  }
  return s.substr(0, 2) == U"附件" || s.substr(0, 2) == U"附：";
}

bool sentence_final(char32_t c) {
  return std::u32string_view(U"。！？；：”」』…!?;:").find(c) != std::u32string_view::npos;
}

bool is_wide(char32_t c) { return c >= 0x1100 && !(c >= 0xFF61 && c <= 0xFFDC); }

// Display width in half-width cells: a Chinese character counts 2, ASCII 1.
size_t width(std::u32string_view s) {
  size_t w = 0;
  for (char32_t c : s) w += is_wide(c) ? 2 : 1;
  return w;
}

bool ascii_word_char(char32_t c) { return c < 0x80 && (std::isalnum(static_cast<int>(c)) || c == ',' || c == '.'); }

}  // namespace

bool is_page_number_line(std::string_view line) { return page_number(text::decode_utf8(line)); }

bool starts_numbered_item(std::string_view line) { return numbered(text::decode_utf8(line)); }

std::string join_pdf_lines(const std::vector<std::string>& lines) {
  std::vector<std::u32string> u;
  u.reserve(lines.size());
  for (const std::string& l : lines) u.push_back(text::decode_utf8(l));

  // The typical full line width: the 80th percentile of line widths. With too few
  // lines to tell, every line counts as full and punctuation alone decides.
  std::vector<size_t> widths;
  for (const auto& l : u) {
    if (!trim(l).empty()) widths.push_back(width(trim(l)));
  }
  size_t full = 0;
  if (widths.size() >= 4) {
    std::sort(widths.begin(), widths.end());
    full = widths[widths.size() * 8 / 10] * 8 / 10;
  }

  std::string out;
  std::u32string_view prev;  // the previous line, trimmed; empty at a paragraph start
  for (const auto& raw : u) {
    const std::u32string_view line = trim(raw);
    if (line.empty()) {
      if (!prev.empty()) out.push_back('\n');
      prev = {};
      continue;
    }
    if (!prev.empty()) {
      const bool indented = !raw.empty() && is_layout_space(raw.front());
      const bool join = !sentence_final(prev.back()) && width(prev) >= full && !numbered(line) && !indented;
      if (join) {
        if (ascii_word_char(prev.back()) && ascii_word_char(line.front()) && prev.back() != '-') out.push_back(' ');
      } else {
        out.push_back('\n');
      }
    }
    out += text::encode_utf8(line);
    prev = line;
  }
  if (!prev.empty()) out.push_back('\n');
  return out;
}

}  // namespace wenyuan::doc
