// UTF-8 helpers. wenyuan keeps text as UTF-8 std::string and speaks of offsets in
// code points ("characters"); these are the only conversions between the two.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::text {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Decodes one code point at s[i], advancing i. Ill-formed bytes yield U+FFFD and
// advance by one byte, so decoding always terminates.
char32_t decode_one(std::string_view s, size_t& i);

std::u32string decode_utf8(std::string_view s);
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view s);

// Number of code points in `s` (ill-formed bytes count one each, as decode_one).
size_t count_code_points(std::string_view s);

// Byte offsets of code point boundaries: result[k] is the byte offset of code
// point k; result.back() == s.size(). Size is count_code_points(s) + 1.
std::vector<uint32_t> code_point_byte_offsets(std::string_view s);

// The byte offset n code points after byte offset i of `s` (s.size() at most).
size_t skip_code_points(std::string_view s, size_t i, size_t n);

// The substring of code points [start, end) of `s` (clamped to its length).
std::string substr_code_points(std::string_view s, size_t start, size_t end);

// Replaces ill-formed sequences with U+FFFD so the result is valid UTF-8.
std::string make_valid_utf8(std::string_view s);

}  // namespace wenyuan::text
