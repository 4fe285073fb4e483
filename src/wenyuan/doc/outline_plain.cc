#include "wenyuan/doc/outline_plain.h"

#include <algorithm>
#include <cstddef>

namespace wenyuan::doc {
namespace {

using U32View = std::u32string_view;

// Any Unicode space a line may carry (ASCII, ideographic, no-break, the
// U+2000 block, zero-width ones).
bool is_blank_char(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\r' || c == 0x3000 || c == 0xA0 || c == 0xFEFF || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x2060;
}

U32View trim(U32View s) {
  size_t b = 0, e = s.size();
  while (b < e && is_blank_char(s[b])) ++b;
  while (e > b && is_blank_char(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool is_han(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }
bool is_circled_number(char32_t c) { return c >= 0x2460 && c <= 0x2473; }  // ①..⑳

bool contains(U32View s, U32View chars) {
  return std::any_of(s.begin(), s.end(), [&](char32_t c) { return chars.find(c) != U32View::npos; });
}

bool starts_with_any(U32View s, std::initializer_list<U32View> words) {
  return std::any_of(words.begin(), words.end(), [&](U32View w) { return s.substr(0, w.size()) == w; });
}

constexpr size_t kMinChars = 3;  // 结束语, 前言
constexpr size_t kMaxChars = 40;
constexpr U32View kStops = U"。！？；：!?;:…";
constexpr size_t kLabelChars = 6;

// Reads as a title: the first rule of outline_plain.h.
bool title_like(U32View t) {
  if (t.size() < kMinChars || t.size() > kMaxChars) return false;
  const char32_t first = t.front(), last = t.back();
  if (!is_han(first) && first != U'（' && first != U'“' && !is_circled_number(first)) return false;
  if (!is_han(last) && last != U'）') return false;
  if (U32View(U"吧呢吗啊呀哦嘛").find(last) != U32View::npos) return false;
  if (contains(t, kStops) || contains(t, U"《》|｜/") ) return false;
  if (std::any_of(t.begin(), t.end(), is_blank_char)) return false;
  if (std::count(t.begin(), t.end(), U'“') != std::count(t.begin(), t.end(), U'”') ||
      std::count(t.begin(), t.end(), U'（') != std::count(t.begin(), t.end(), U'）'))
    return false;
  // Mostly Han; digits count with them ("2025年工作回顾").
  const size_t han = static_cast<size_t>(std::count_if(t.begin(), t.end(), is_han));
  const size_t digits = static_cast<size_t>(std::count_if(t.begin(), t.end(), [](char32_t c) {
    return (c >= U'0' && c <= U'9') || (c >= 0xFF10 && c <= 0xFF19);
  }));
  if (han < kMinChars || (han + digits) * 10 < t.size() * 8) return false;
  for (U32View w : {U32View(U"供图"), U32View(U"摄"), U32View(U"图为"), U32View(U"图片")}) {
    if (t.find(w) != U32View::npos) return false;
  }
  return !starts_with_any(t, {U"下面", U"以下", U"最后", U"首先", U"其次", U"现在", U"先说", U"再说", U"接着"});
}

// The line above ends what came before: a sentence (。 or a quotation closed
// after one), a lead-in (：), or it is a short numbered heading.
bool ends_a_block(U32View p, bool numbered) {
  if (p.empty()) return false;
  const char32_t last = p.back();
  // A bare label ("来源：", "分享:") introduces its value, not a section.
  if ((last == U'：' || last == U':') && p.size() <= kLabelChars) return false;
  if (kStops.find(last) != U32View::npos) return true;
  if ((last == U'”' || last == U'’' || last == U'）') && p.size() > 1 && U32View(U"。！？…!?").find(p[p.size() - 2]) != U32View::npos)
    return true;
  return numbered && p.size() <= kMaxChars && p.find(U'。') == U32View::npos;
}

bool body_text(U32View n, size_t heading_chars) {
  return n.size() >= 20 && n.size() >= 2 * heading_chars && contains(n, U"。！？；!?;");
}

// A paragraph never opens with a closing mark or with a word that continues a
// sentence: such a line is the rest of one split where the heading-like line stands.
bool opens_a_paragraph(U32View n) {
  return !n.empty() && U32View(U"》”’）)，、。；：！？,.;:和与及或并的等而").find(n.front()) == U32View::npos;
}

}  // namespace

std::vector<bool> plain_heading_lines(const std::vector<std::u32string_view>& lines, const std::vector<bool>& numbered) {
  const size_t n = lines.size();
  std::vector<bool> out(n, false);
  // Whether the document indents its paragraphs: half of its long lines start with a space.
  size_t long_lines = 0, indented = 0;
  for (U32View l : lines) {
    if (trim(l).size() < 40) continue;
    ++long_lines;
    indented += !l.empty() && is_blank_char(l.front());
  }
  const bool indents = long_lines > 0 && indented * 2 >= long_lines;

  size_t first = 0;
  while (first < n && trim(lines[first]).empty()) ++first;
  for (size_t i = first + 1; i < n; ++i) {
    if (numbered[i]) continue;
    const U32View t = trim(lines[i]);
    if (!title_like(t)) continue;
    if (indents && !lines[i].empty() && is_blank_char(lines[i].front())) continue;
    // The line above, skipping blank lines; a line of nothing but an indent in
    // between means this line is where an indented paragraph begins.
    size_t j = i;
    bool lone_indent = false;
    while (j > 0 && trim(lines[j - 1]).empty()) {
      lone_indent = lone_indent || !lines[j - 1].empty();
      --j;
    }
    if (j == 0 || (indents && lone_indent)) continue;
    if (!ends_a_block(trim(lines[j - 1]), numbered[j - 1])) continue;
    // The line below, skipping blank lines.
    size_t k = i + 1;
    while (k < n && trim(lines[k]).empty()) ++k;
    if (k >= n || !opens_a_paragraph(trim(lines[k]))) continue;
    const U32View below = trim(lines[k]);
    if (body_text(below, t.size())) {
      out[i] = true;
      continue;
    }
    // A salutation (各位代表！ 同志们：) between the heading and its text.
    if (below.size() <= 12 && U32View(U"：！:!").find(below.back()) != U32View::npos) {
      size_t m = k + 1;
      while (m < n && trim(lines[m]).empty()) ++m;
      if (m < n && body_text(trim(lines[m]), t.size())) out[i] = true;
    }
  }
  return out;
}

}  // namespace wenyuan::doc
