#include <gtest/gtest.h>

#include <random>

#include "wenyuan/text/utf8.h"

namespace wenyuan::text {
namespace {

TEST(Utf8, RoundTripsChineseAndSupplementaryPlane) {
  const std::string s = "党建\xF0\xB0\xBE\x84x";  // U+30F84, outside the BMP
  const std::u32string u = decode_utf8(s);
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u[2], U'\U00030F84');
  EXPECT_EQ(encode_utf8(u), s);
  EXPECT_EQ(count_code_points(s), 4u);
}

TEST(Utf8, RejectsOverlongSurrogateAndTruncated) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xE5\x85"));
  EXPECT_TRUE(is_valid_utf8("公文"));
  EXPECT_EQ(make_valid_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
}

TEST(Utf8, SubstrAndOffsetsCountCodePoints) {
  const std::string s = "一、总则";
  EXPECT_EQ(substr_code_points(s, 2, 4), "总则");
  const auto offs = code_point_byte_offsets(s);
  ASSERT_EQ(offs.size(), 5u);
  EXPECT_EQ(offs[2], 6u);
  EXPECT_EQ(offs.back(), s.size());
}

// count_code_points and substr_code_points step over code points without
// decoding them (a fast path for ASCII and CJK): on random bytes, heavy in
// lead bytes, truncated, overlong and surrogate sequences, they must cut where
// decode_one does.
TEST(Utf8, CountAndSubstrStepAsDecodeOneOnIllFormedBytes) {
  std::mt19937 rng(11);
  const unsigned char pick[] = {'a', 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xA0, 0xE1, 0xEC, 0xED, 0x9F, 0xEE, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const size_t len = rng() % 24;
    for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(pick[rng() % sizeof pick]));
    std::vector<size_t> at{0};  // byte offsets of the code points, by decode_one
    for (size_t i = 0; i < s.size();) {
      decode_one(s, i);
      at.push_back(i);
    }
    ASSERT_EQ(count_code_points(s), at.size() - 1);
    const size_t a = rng() % at.size(), b = a + rng() % (at.size() - a + 2);
    const size_t e = std::min(b, at.size() - 1);
    ASSERT_EQ(substr_code_points(s, a, b), s.substr(at[a], at[e] - at[a]));
  }
}

}  // namespace
}  // namespace wenyuan::text
