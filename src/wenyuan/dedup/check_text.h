// CheckText: the characters 查重 compares, with the way back to the original.
//
// A text is read as the search reads it (text::Normalizer: NFKC, lowercase,
// traditional->simplified, whitespace deleted) and then every punctuation mark
// and symbol (Unicode general categories P* and S*) is deleted as well, so two
// passages that differ only in punctuation, whitespace, width or
// traditional/simplified characters have the same CheckText (docs/check.md).
// What is left are the "counted characters" of a text: letters, digits and
// 汉字. `origin[i]` is the code point of the input that chars[i] came from, so
// every position maps back exactly (the mapping is per code point, as
// normalization's is).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::dedup {

struct CheckText {
  std::u32string chars;          // counted characters, in order
  std::vector<uint32_t> origin;  // same size: code point offset in the input
  uint32_t code_points = 0;      // code points of the input
};

// True for a normalized code point 查重 ignores (punctuation and symbols).
bool is_ignored(char32_t c);

CheckText to_check_text(std::string_view utf8);

}  // namespace wenyuan::dedup
