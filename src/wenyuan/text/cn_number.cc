#include "wenyuan/text/cn_number.h"

namespace wenyuan::text {

int cn_digit(char32_t c) {
  switch (c) {
    case U'〇':
    case U'零': return 0;
    case U'一': return 1;
    case U'二':
    case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}

bool is_cn_numeral(char32_t c) { return cn_digit(c) >= 0 || c == U'十' || c == U'百' || c == U'千'; }

int ar_digit(char32_t c) {
  if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
  if (c >= 0xFF10 && c <= 0xFF19) return static_cast<int>(c - 0xFF10);
  return -1;
}

int parse_cn_number(std::u32string_view s) {
  if (s.empty()) return -1;
  int total = 0, digit = 0;
  for (char32_t c : s) {
    const int d = cn_digit(c);
    if (d >= 0) {
      digit = d;
      continue;
    }
    // A unit multiplies the digit before it; a bare unit (十二) means one of it.
    const int unit = c == U'十' ? 10 : c == U'百' ? 100 : 1000;
    total += (digit == 0 ? 1 : digit) * unit;
    digit = 0;
  }
  return total + digit;
}

int parse_ar_number(std::u32string_view s) {
  int v = 0;
  for (char32_t c : s) v = v * 10 + ar_digit(c);
  return v;
}

}  // namespace wenyuan::text
