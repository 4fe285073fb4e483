#include "wenyuan/text/utf8.h"

#include <algorithm>

namespace wenyuan::text {

namespace {
constexpr char32_t kReplacement = 0xFFFD;

// Returns the length of a well-formed sequence starting at s[i], or 0.
size_t valid_sequence_length(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  const size_t n = s.size();
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

// How many bytes decode_one consumes at s[i] (one for an ill-formed byte),
// without building the code point. ASCII and the 3-byte lead bytes with no
// overlong or surrogate case (E1-EC, EE, EF: all of CJK) skip the general
// check: the hot path of cutting snippets out of Chinese text.
size_t step(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  if (i + 2 < s.size() && ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) &&
      (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80 && (static_cast<unsigned char>(s[i + 2]) & 0xC0) == 0x80)
    return 3;
  const size_t len = valid_sequence_length(s, i);
  return len == 0 ? 1 : len;
}
}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = valid_sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

char32_t decode_one(std::string_view s, size_t& i) {
  const size_t len = valid_sequence_length(s, i);
  const auto b0 = static_cast<unsigned char>(s[i]);
  char32_t cp;
  switch (len) {
    case 1: cp = b0; break;
    case 2: cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu); break;
    case 3:
      cp = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      break;
    case 4:
      cp = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      break;
    default:
      ++i;
      return kReplacement;
  }
  i += len;
  return cp;
}

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  // Exactly the code points: reserving s.size() (bytes) made every decode of
  // Chinese text take 12 bytes a character instead of 4 (issue 14, memory).
  out.reserve(count_code_points(s));
  for (size_t i = 0; i < s.size();) out.push_back(decode_one(s, i));
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char32_t cp : s) append_utf8(out, cp);
  return out;
}

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) i += step(s, i);
  return n;
}

std::vector<uint32_t> code_point_byte_offsets(std::string_view s) {
  std::vector<uint32_t> offsets;
  offsets.reserve(s.size() / 2 + 1);
  for (size_t i = 0; i < s.size();) {
    offsets.push_back(static_cast<uint32_t>(i));
    decode_one(s, i);
  }
  offsets.push_back(static_cast<uint32_t>(s.size()));
  return offsets;
}

size_t skip_code_points(std::string_view s, size_t i, size_t n) {
  for (; i < s.size() && n > 0; --n) i += step(s, i);
  return std::min(i, s.size());
}

std::string substr_code_points(std::string_view s, size_t start, size_t end) {
  size_t i = 0, k = 0;
  while (i < s.size() && k < start) { i += step(s, i); ++k; }
  const size_t begin_byte = i;
  while (i < s.size() && k < end) { i += step(s, i); ++k; }
  return std::string(s.substr(begin_byte, i - begin_byte));
}

std::string make_valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) append_utf8(out, decode_one(s, i));
  return out;
}

}  // namespace wenyuan::text
