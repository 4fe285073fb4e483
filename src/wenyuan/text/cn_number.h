// Numbers as 公文 write them: Chinese numerals (一百二十三, 二〇二三, 两百) and
// ASCII or full-width digits (12, １２). The outline numbers its headings with
// them (第十二条, （三）, 1.) and metadata reads years and dates (二〇二三年三月五日).
#pragma once

#include <string_view>

namespace wenyuan::text {

// Value of a Chinese digit, or -1. 两 counts (两百); 〇 and 零 are zero. The
// units 十 百 千 are not digits.
int cn_digit(char32_t c);

// A digit or one of the units 十 百 千: a character of a Chinese numeral.
bool is_cn_numeral(char32_t c);

// Value of an ASCII or full-width digit (0-9, ０-９), or -1.
int ar_digit(char32_t c);

// A Chinese numeral of digits and units: 一百二十三 -> 123, 十二 -> 12, 二十 -> 20,
// 一百零五 -> 105. -1 for an empty string. `s` must hold only is_cn_numeral
// characters (callers scan the numeral first).
int parse_cn_number(std::u32string_view s);

// Digits (ASCII or full-width, mixed) -> their value. `s` must hold only
// ar_digit characters; 0 for an empty string.
int parse_ar_number(std::u32string_view s);

}  // namespace wenyuan::text
