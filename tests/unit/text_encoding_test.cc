// Encoding detection on real 公文 text: committed GB18030 and UTF-16LE fixtures
// (made with the iconv CLI from tests/data/corpus_sample.jsonl, see
// tests/data/README.md), round trips of every corpus document, short lines that
// are the hard case for detection, and inputs that are not text.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.h"
#include "wenyuan/text/encoding.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::text {
namespace {

std::string read_file(const std::string& path) {
  EXPECT_TRUE(std::filesystem::exists(path)) << "cannot open " << path;
  return ::wenyuan::testing::read_file(path);
}

struct CorpusDoc {
  std::string title;
  std::string text;
};

const std::vector<CorpusDoc>& corpus() {
  static const std::vector<CorpusDoc> docs = [] {
    std::vector<CorpusDoc> out;
    std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      out.push_back({j.at("title").get<std::string>(), j.at("text").get<std::string>()});
    }
    return out;
  }();
  return docs;
}

const std::string& corpus_text(const std::string& title) {
  for (const auto& d : corpus()) {
    if (d.title == title) return d.text;
  }
  ADD_FAILURE() << "no corpus document titled " << title;
  static const std::string empty;
  return empty;
}

std::string crlf_to_lf(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out.push_back(s[i]);
  }
  return out;
}

TEST(DecodeText, CommittedGb18030LawFile) {
  const std::string bytes = read_file(std::string(WENYUAN_TEST_DATA) + "/gb18030_law.txt");
  ASSERT_FALSE(is_valid_utf8(bytes));  // the fixture really is not UTF-8
  auto r = decode_text(bytes, "gb18030_law.txt");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->encoding, "GB18030");
  EXPECT_EQ(r->utf8, corpus_text("禁毒法"));
}

TEST(DecodeText, CommittedGb18030ReportWithCrlf) {
  const std::string bytes = read_file(std::string(WENYUAN_TEST_DATA) + "/gb18030_report_crlf.txt");
  ASSERT_NE(bytes.find("\r\n"), std::string::npos);
  auto r = decode_text(bytes, "gb18030_report_crlf.txt");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->encoding, "GB18030");
  EXPECT_EQ(r->utf8.find('\r'), std::string::npos);
  const std::string& full = corpus_text("2002年中华人民共和国国务院政府工作报告");
  ASSERT_GT(r->utf8.size(), 1000u);
  EXPECT_EQ(r->utf8, full.substr(0, r->utf8.size()));  // the fixture is a prefix, in whole lines
  EXPECT_NE(r->utf8.find("２００１"), std::string::npos);  // fullwidth digits survive decoding
}

TEST(DecodeText, CommittedUtf16LeWithBom) {
  const std::string bytes = read_file(std::string(WENYUAN_TEST_DATA) + "/utf16le_bom_rules.txt");
  ASSERT_EQ(bytes.substr(0, 2), "\xFF\xFE");
  auto r = decode_text(bytes, "utf16le_bom_rules.txt");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->encoding, "UTF-16LE");
  EXPECT_EQ(r->utf8, corpus_text("北京市人民代表大会常务委员会组成人员守则"));
}

TEST(DecodeText, EveryCorpusDocumentRoundTripsThroughGb18030AndUtf16) {
  ASSERT_EQ(corpus().size(), 40u);
  for (const auto& doc : corpus()) {
    const std::string expected = crlf_to_lf(doc.text);
    auto gb = encode_text(doc.text, "GB18030");
    ASSERT_TRUE(gb.is_ok()) << doc.title << ": " << gb.status().message();
    auto r = decode_text(*gb, doc.title);
    ASSERT_TRUE(r.is_ok()) << doc.title << ": " << r.status().message();
    EXPECT_EQ(r->encoding, "GB18030") << doc.title;
    EXPECT_EQ(r->utf8, expected) << doc.title;

    for (const char* enc : {"UTF-16LE", "UTF-16BE"}) {
      auto u16 = encode_text(doc.text, enc);
      ASSERT_TRUE(u16.is_ok()) << u16.status().message();
      const std::string bom = std::string(enc) == "UTF-16LE" ? "\xFF\xFE" : "\xFE\xFF";
      auto with_bom = decode_text(bom + *u16, doc.title);
      ASSERT_TRUE(with_bom.is_ok()) << with_bom.status().message();
      EXPECT_EQ(with_bom->encoding, enc);
      EXPECT_EQ(with_bom->utf8, expected);
      // Without BOM: official documents have enough ASCII (newlines, digits) for the NUL pattern.
      auto bare = decode_text(*u16, doc.title);
      ASSERT_TRUE(bare.is_ok()) << doc.title << ": " << bare.status().message();
      EXPECT_EQ(bare->encoding, enc) << doc.title;
      EXPECT_EQ(bare->utf8, expected) << doc.title;
    }

    auto utf8 = decode_text(doc.text, doc.title);
    ASSERT_TRUE(utf8.is_ok());
    EXPECT_EQ(utf8->encoding, "UTF-8");
    EXPECT_EQ(utf8->utf8, expected);
    auto utf8_bom = decode_text("\xEF\xBB\xBF" + doc.text, doc.title);
    ASSERT_TRUE(utf8_bom.is_ok());
    EXPECT_EQ(utf8_bom->encoding, "UTF-8-BOM");
    EXPECT_EQ(utf8_bom->utf8, expected);
  }
}

// Random runs of 1..12 characters of real text (no newline), encoded as GB18030:
// the hard case, since short GBK text can be valid UTF-8 by accident.
TEST(DecodeText, ShortGb18030LinesAreDetected) {
  std::mt19937 rng(20260);
  size_t tried = 0, wrong = 0, wrong_long = 0, gbk_valid_utf8 = 0;
  std::string example;
  for (int n = 0; n < 20000; ++n) {
    const auto& doc = corpus()[rng() % corpus().size()];
    const std::u32string text = decode_utf8(doc.text);
    const size_t len = 1 + rng() % 12;
    const size_t start = rng() % (text.size() - len);
    const std::u32string piece = text.substr(start, len);
    if (piece.find(U'\n') != std::u32string::npos || piece.find(U'\r') != std::u32string::npos) continue;
    bool ascii_only = true;
    for (char32_t c : piece) ascii_only &= c < 0x80;
    if (ascii_only) continue;
    const std::string utf8 = encode_utf8(piece);
    auto gb = encode_text(utf8, "GB18030");
    ASSERT_TRUE(gb.is_ok());
    ++tried;
    gbk_valid_utf8 += is_valid_utf8(*gb);
    auto r = decode_text(*gb, "short.txt");
    if (!r.is_ok() || r->utf8 != utf8) {
      ++wrong;
      if (len >= 6) ++wrong_long;
      if (example.empty()) example = utf8;
    }
  }
  ASSERT_GT(tried, 15000u);
  EXPECT_GT(gbk_valid_utf8, 20u) << "the sample should contain the ambiguous case";
  EXPECT_EQ(wrong_long, 0u);
  EXPECT_EQ(wrong, 0u) << wrong << " of " << tried << " misdetected, e.g. " << example;
}

TEST(DecodeText, TenCharacterLineInGb18030) {
  const std::string line = "第一条为了预防和惩治毒";
  auto gb = encode_text(line, "GB18030");
  ASSERT_TRUE(gb.is_ok());
  EXPECT_EQ(gb->size(), 22u);
  auto r = decode_text(*gb, "line.txt");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->encoding, "GB18030");
  EXPECT_EQ(r->utf8, line);
}

TEST(DecodeText, Gb18030FourByteSequences) {
  // Characters outside GBK (CJK Ext. B, ©, emoji) take 4 bytes in GB18030.
  const std::string text = "第三条 本条例所称“𠀀𠀁”，见附件一。©😀\n";
  auto gb = encode_text(text, "GB18030");
  ASSERT_TRUE(gb.is_ok());
  ASSERT_NE(gb->find("\x95\x32\x82\x36"), std::string::npos);  // U+20000 in GB18030
  auto r = decode_text(*gb, "four.txt");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->encoding, "GB18030");
  EXPECT_EQ(r->utf8, text);
}

TEST(DecodeText, GbkThatIsAlsoValidUtf8PrefersChinese) {
  // 党建 in GBK is B5 B3 BD A8: not UTF-8. Find real two-character words whose GBK
  // bytes are valid UTF-8 and check they still come back as Chinese.
  size_t checked = 0;
  const std::u32string text = decode_utf8(corpus_text("禁毒法"));
  for (size_t i = 0; i + 2 <= text.size() && checked < 50; ++i) {
    const std::string word = encode_utf8(text.substr(i, 2));
    if (text[i] < 0x4E00 || text[i + 1] < 0x4E00) continue;
    auto gb = encode_text(word, "GB18030");
    ASSERT_TRUE(gb.is_ok());
    if (!is_valid_utf8(*gb)) continue;
    ++checked;
    auto r = decode_text(*gb, "word.txt");
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->utf8, word) << "GBK bytes of " << word << " taken as " << r->encoding;
  }
  EXPECT_GT(checked, 5u);
}

TEST(DecodeText, Utf8AccentedLatinStaysUtf8) {
  // "résumé" in UTF-8 is also clean GB2312 (C3 A9 is a hanzi); the accents sit
  // between ASCII letters, so it stays UTF-8.
  auto r = decode_text("r\xC3\xA9sum\xC3\xA9 caf\xC3\xA9", "latin.txt");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->encoding, "UTF-8");
  EXPECT_EQ(r->utf8, "r\xC3\xA9sum\xC3\xA9 caf\xC3\xA9");
  // Cyrillic and Greek are 2-byte UTF-8 like GBK pairs, but not GB2312-shaped.
  for (const std::string s : {"Закон о защите прав потребителей", "Νόμος για την προστασία του καταναλωτή"}) {
    auto other = decode_text(s, "other.txt");
    ASSERT_TRUE(other.is_ok());
    EXPECT_EQ(other->encoding, "UTF-8") << s;
    EXPECT_EQ(other->utf8, s);
  }
}

TEST(DecodeText, EmptyInputIsEmptyText) {
  auto r = decode_text("", "empty.txt");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->utf8, "");
}

TEST(DecodeText, NewlinesAreNormalized) {
  auto r = decode_text("一\r\n二\r三\n\r\n四\r", "nl.txt");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->utf8, "一\n二\n三\n\n四\n");
}

TEST(DecodeText, RandomBytesAreRejectedWithOriginAndOffset) {
  std::mt19937 rng(7);
  size_t rejected = 0;
  for (int n = 0; n < 50; ++n) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    auto r = decode_text(bytes, "noise.bin");
    if (r.is_ok()) {
      ADD_FAILURE() << "random bytes decoded as " << r->encoding;
      continue;
    }
    ++rejected;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("noise.bin: ", 0), 0u) << r.status().message();
    EXPECT_NE(r.status().message().find("offset"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(rejected, 50u);
}

TEST(DecodeText, HighBytesWithoutNulsAreRejectedAtTheFirstBadByte) {
  // No NULs, not UTF-8 (0xFF never is), not GB18030 (0xFF never is).
  std::string bytes = "第一章 总则";
  const size_t bad = bytes.size();
  bytes += "\xFF\xFE\xFF\x80\x80";
  auto r = decode_text(bytes, "bad.txt");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("byte 0xFF at offset " + std::to_string(bad)), std::string::npos)
      << r.status().message();
}

TEST(DecodeText, BinaryWithNulsIsRejected) {
  std::string elf("\x7F" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3E\0\x01\0\0\0", 24);
  for (int i = 0; i < 200; ++i) elf += static_cast<char>((i * 37) & 0xFF);
  auto r = decode_text(elf, "a.out");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("a.out: not text"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("NUL byte at offset 7"), std::string::npos) << r.status().message();
}

TEST(DecodeText, BrokenUtf16WithBomIsRejected) {
  // A lone high surrogate (D800) followed by a BMP character.
  const std::string bytes("\xFF\xFE\x2D\x4E\x00\xD8\x87\x65", 8);
  auto r = decode_text(bytes, "broken16.txt");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("broken16.txt: not valid UTF-16LE"), std::string::npos)
      << r.status().message();
}

// Big5 and Shift_JIS bytes often decode "cleanly" as GB18030 into nonsense; their
// trail bytes below 0xA1 give them away and uchardet names them.
TEST(DecodeText, Big5AndShiftJisAreNotTakenForGb18030) {
  const std::string traditional = "這是中華人民共和國國務院的政府工作報告，經濟發展，第一條為了預防和懲治毒品違法犯罪行為。";
  const std::string japanese = "これは日本語のテキストです。東京都の条例について説明します。";
  for (const auto& [text, enc] : {std::pair{traditional, "BIG5"}, std::pair{japanese, "SHIFT_JIS"}}) {
    auto bytes = encode_text(text, enc);
    ASSERT_TRUE(bytes.is_ok());
    auto r = decode_text(*bytes, "other.txt");
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    EXPECT_EQ(r->encoding, enc);
    EXPECT_EQ(r->utf8, text);
  }
}

// Traditional characters in GBK (outside GB2312) still decode as GB18030.
TEST(DecodeText, TraditionalTextInGbkStaysGb18030) {
  const std::string text = corpus_text("論聯合政府 (七大)");
  auto gb = encode_text(text, "GBK");
  ASSERT_TRUE(gb.is_ok());
  auto r = decode_text(*gb, "trad.txt");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->encoding, "GB18030");
  EXPECT_EQ(r->utf8, text);
}

TEST(EncodeText, ReportsUnencodableCharacter) {
  auto r = encode_text("党建😀", "GB2312");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("U+1F600 at byte offset 6"), std::string::npos) << r.status().message();
  auto bad = encode_text("\xC0\xAF", "GB18030");
  ASSERT_FALSE(bad.is_ok());
}

}  // namespace
}  // namespace wenyuan::text
