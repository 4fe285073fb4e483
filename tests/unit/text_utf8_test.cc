#include <gtest/gtest.h>

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

}  // namespace
}  // namespace wenyuan::text
