// The two space rules of text/chars.h, each checked against its exact set over
// every code point, and the numerals of text/cn_number.h.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "wenyuan/text/chars.h"
#include "wenyuan/text/cn_number.h"

namespace wenyuan::text {
namespace {

std::set<char32_t> members(bool (*pred)(char32_t)) {
  std::set<char32_t> out;
  for (char32_t c = 0; c <= 0x10FFFF; ++c)
    if (pred(c)) out.insert(c);
  return out;
}

TEST(TextChars, IsSpaceIsUnicodeWhiteSpace) {
  // PropList.txt, White_Space.
  const std::set<char32_t> want = {0x09,   0x0A,   0x0B,   0x0C,   0x0D,   0x20,   0x85,   0xA0,
                                   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
                                   0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
                                   0x3000};
  EXPECT_EQ(members(is_space), want);
}

TEST(TextChars, IsBlankIsLineSpaceAndInvisibleFormatCharacters) {
  const std::set<char32_t> want = {U' ', U'\t', U'\r', 0x3000, 0xA0, 0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060};
  EXPECT_EQ(members(is_blank), want);
  EXPECT_FALSE(is_blank(U'\n'));  // lines are cut there first
}

TEST(TextChars, IsHeadingSpaceAddsTheTypographicSpaces) {
  const std::set<char32_t> want = {U' ',   U'\t',  U'\r',  0x3000, 0xA0,   0xFEFF, 0x200B, 0x200C, 0x200D,
                                   0x2060, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
                                   0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F};
  EXPECT_EQ(members(is_heading_space), want);
  EXPECT_EQ(trim_heading_space(std::u32string_view(U"\u2002聚焦\u3000")), U"聚焦");
}

TEST(TextChars, TrimBlankBothForms) {
  EXPECT_EQ(trim_blank(std::u32string_view(U"\u3000\u200B 第一条 \r")), U"第一条");
  EXPECT_EQ(trim_blank(std::u32string_view(U" \n ")), U"\n");
  EXPECT_EQ(trim_blank(std::u32string_view(U"\u3000\u00A0")), U"");
  EXPECT_EQ(trim_blank(std::string_view("\xEF\xBB\xBF\xE3\x80\x80 标题\xE2\x81\xA0\t")), "标题");
  EXPECT_EQ(trim_blank(std::string_view(" a b ")), "a b");
  // Ill-formed bytes inside are kept as they are.
  EXPECT_EQ(trim_blank(std::string_view(" \xFF\xFE ")), "\xFF\xFE");
}

TEST(TextCnNumber, DigitsAndNumerals) {
  EXPECT_EQ(cn_digit(U'〇'), 0);
  EXPECT_EQ(cn_digit(U'零'), 0);
  EXPECT_EQ(cn_digit(U'两'), 2);
  EXPECT_EQ(cn_digit(U'九'), 9);
  EXPECT_EQ(cn_digit(U'十'), -1);
  EXPECT_TRUE(is_cn_numeral(U'千'));
  EXPECT_FALSE(is_cn_numeral(U'万'));
  EXPECT_EQ(ar_digit(U'7'), 7);
  EXPECT_EQ(ar_digit(U'７'), 7);
  EXPECT_EQ(ar_digit(U'a'), -1);
}

TEST(TextCnNumber, ParsesNumeralsAsHeadingsWriteThem) {
  EXPECT_EQ(parse_cn_number(U"一"), 1);
  EXPECT_EQ(parse_cn_number(U"十"), 10);
  EXPECT_EQ(parse_cn_number(U"十二"), 12);
  EXPECT_EQ(parse_cn_number(U"二十"), 20);
  EXPECT_EQ(parse_cn_number(U"一百二十三"), 123);
  EXPECT_EQ(parse_cn_number(U"一百零五"), 105);
  EXPECT_EQ(parse_cn_number(U"两百"), 200);
  EXPECT_EQ(parse_cn_number(U"一千"), 1000);
  EXPECT_EQ(parse_cn_number(U""), -1);
  EXPECT_EQ(parse_ar_number(U"2023"), 2023);
  EXPECT_EQ(parse_ar_number(U"１２"), 12);
  EXPECT_EQ(parse_ar_number(U"1２"), 12);
}

}  // namespace
}  // namespace wenyuan::text
