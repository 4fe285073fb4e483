#include "wenyuan/text/chars.h"

namespace wenyuan::text {

bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_blank(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\r' || c == 0x3000 || c == 0xA0 || c == 0xFEFF || c == 0x200B ||
         c == 0x200C || c == 0x200D || c == 0x2060;
}

bool is_heading_space(char32_t c) {
  return is_blank(c) || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

std::u32string_view trim_heading_space(std::u32string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_heading_space(s[b])) ++b;
  while (e > b && is_heading_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::u32string_view trim_blank(std::u32string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string_view trim_blank(std::string_view s) {
  // Byte by byte, so ill-formed UTF-8 in the middle stays as it is.
  auto starts = [](std::string_view v, std::string_view p) { return v.substr(0, p.size()) == p; };
  auto ends = [](std::string_view v, std::string_view p) {
    return v.size() >= p.size() && v.substr(v.size() - p.size()) == p;
  };
  static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0",     "\xEF\xBB\xBF", "\xE2\x80\x8B",
                                               "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0"};
  for (bool changed = true; changed;) {
    changed = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
      s.remove_prefix(1), changed = true;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1), changed = true;
    for (std::string_view w : kWide) {
      if (starts(s, w)) s.remove_prefix(w.size()), changed = true;
      if (ends(s, w)) s.remove_suffix(w.size()), changed = true;
    }
  }
  return s;
}

}  // namespace wenyuan::text
