// Heading recognition (see outline_headings.h).
#include "wenyuan/doc/outline_headings.h"

#include <algorithm>

#include "wenyuan/text/chars.h"
#include "wenyuan/text/cn_number.h"

namespace wenyuan::doc::outline_detail {

using text::ar_digit;
using text::cn_digit;
using text::is_heading_space;
using text::is_cn_numeral;
using text::parse_ar_number;
using text::parse_cn_number;
using U32View = std::u32string_view;

size_t skip_space(U32View s, size_t i) {
  while (i < s.size() && is_heading_space(s[i])) ++i;
  return i;
}


namespace {

// Title of an in-paragraph heading: up to the first 。；： (or end of line).
size_t title_stop(U32View line, size_t from) {
  for (size_t i = from; i < line.size(); ++i) {
    const char32_t c = line[i];
    if (c == U'。' || c == U'；' || c == U'：' || c == U';' || c == U':' || c == U'！' || c == U'？') return i;
  }
  return line.size();
}

void set_title(HeadingMatch& m, U32View line, size_t from, size_t to) {
  from = skip_space(line, from);
  while (to > from && is_heading_space(line[to - 1])) --to;
  m.title_begin = from;
  m.title_end = std::max(from, to);
}

// 第X编/章/节/条 at `i`.
std::optional<HeadingMatch> match_ordinal(U32View line, size_t i) {
  if (line[i] != U'第') return std::nullopt;
  size_t j = i + 1;
  const size_t num_begin = j;
  bool arabic = false;
  while (j < line.size() && (is_cn_numeral(line[j]) || ar_digit(line[j]) >= 0)) {
    if (ar_digit(line[j]) >= 0) arabic = true;
    ++j;
  }
  if (j == num_begin || j >= line.size() || j - num_begin > 8) return std::nullopt;
  const U32View num = line.substr(num_begin, j - num_begin);
  HeadingMatch m;
  const char32_t unit = line[j];
  if (unit == U'编')
    m.kind = OutlineKind::kPart;
  else if (unit == U'章')
    m.kind = OutlineKind::kChapter;
  else if (unit == U'节')
    m.kind = OutlineKind::kSection;
  else if (unit == U'条')
    m.kind = OutlineKind::kArticle;
  else
    return std::nullopt;
  m.number = arabic ? parse_ar_number(num) : parse_cn_number(num);
  if (arabic && std::any_of(num.begin(), num.end(), [](char32_t c) { return ar_digit(c) < 0; })) return std::nullopt;
  size_t k = j + 1;
  if (m.kind == OutlineKind::kArticle && k + 1 < line.size() && line[k] == U'之' && cn_digit(line[k + 1]) > 0) {
    m.sub = true;
    k += 2;
  }
  m.marker_begin = i;
  m.marker_end = k;
  if (m.kind == OutlineKind::kArticle) {
    // "第一条 为了…" or "第一条（立法目的）…": the article itself has no title
    // unless a bracketed one follows. "第十条修改为…" (an amendment) is no heading.
    if (k < line.size() && !is_heading_space(line[k]) && line[k] != U'（' && line[k] != U'(' && line[k] != U'【') {
      return std::nullopt;
    }
    const size_t b = skip_space(line, k);
    if (b < line.size() && (line[b] == U'（' || line[b] == U'(' || line[b] == U'【')) {
      const char32_t close = line[b] == U'（' ? U'）' : line[b] == U'(' ? U')' : U'】';
      const size_t c = line.find(close, b + 1);
      if (c != U32View::npos && c - b <= 30) {
        set_title(m, line, b + 1, c);
        return m;
      }
    }
    m.title_begin = m.title_end = k;
    return m;
  }
  // 编/章/节 headings stand on a short line of their own.
  const U32View rest = line.substr(k);
  if (rest.size() > 50 || rest.find(U'。') != U32View::npos) return std::nullopt;
  set_title(m, line, k, line.size());
  return m;
}

}  // namespace

std::optional<HeadingMatch> match_heading_at(U32View line) {
  const size_t i = skip_space(line, 0);
  if (i >= line.size()) return std::nullopt;
  if (auto m = match_ordinal(line, i)) return m;
  HeadingMatch m;
  m.marker_begin = i;
  const char32_t c = line[i];
  if (c == U'（' || c == U'(') {
    size_t j = i + 1;
    bool cn = false, ar = false;
    while (j < line.size() && j - i <= 4) {
      if (is_cn_numeral(line[j]))
        cn = true;
      else if (ar_digit(line[j]) >= 0)
        ar = true;
      else
        break;
      ++j;
    }
    if ((cn == ar) || j >= line.size() || (line[j] != U'）' && line[j] != U')')) return std::nullopt;
    const U32View num = line.substr(i + 1, j - i - 1);
    m.kind = cn ? OutlineKind::kParenCn : OutlineKind::kParenArabic;
    m.number = cn ? parse_cn_number(num) : parse_ar_number(num);
    m.marker_end = j + 1;
  } else if (is_cn_numeral(c)) {
    size_t j = i;
    while (j < line.size() && is_cn_numeral(line[j]) && j - i < 4) ++j;
    if (j >= line.size() || line[j] != U'、') return std::nullopt;
    m.kind = OutlineKind::kCnNum;
    m.number = parse_cn_number(line.substr(i, j - i));
    m.marker_end = j + 1;
  } else if (ar_digit(c) >= 0) {
    size_t j = i;
    while (j < line.size() && ar_digit(line[j]) >= 0 && j - i < 3) ++j;
    if (j >= line.size()) return std::nullopt;
    const char32_t p = line[j];
    if (p != U'.' && p != U'、' && p != U'．') return std::nullopt;
    if (j + 1 < line.size() && ar_digit(line[j + 1]) >= 0) return std::nullopt;  // 1.5亿, 3.2.1
    m.kind = OutlineKind::kArabic;
    m.number = parse_ar_number(line.substr(i, j - i));
    m.marker_end = j + 1;
  } else {
    return std::nullopt;
  }
  if (m.number <= 0) return std::nullopt;
  set_title(m, line, m.marker_end, title_stop(line, m.marker_end));
  if (m.title_end == m.title_begin) return std::nullopt;  // "1." alone is no heading
  return m;
}

}  // namespace wenyuan::doc::outline_detail
