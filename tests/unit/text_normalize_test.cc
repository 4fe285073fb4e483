// Normalization (the 精准搜索 contract): the chain on real words, the origin map,
// the context-free and idempotence properties on real 公文 text from
// tests/data/corpus_sample.jsonl, the table against the unabridged chain computed
// with ICU and OpenCC's own converter. (Speed: bench/normalize_bench.cc.)
#include <gtest/gtest.h>
#include <opencc/Config.hpp>
#include <opencc/Converter.hpp>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::text {
namespace {

const std::vector<std::string>& corpus_texts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    return out;
  }();
  return texts;
}

std::string norm(std::string_view s) { return Normalizer::instance().normalize_utf8(s); }

TEST(Normalizer, FullwidthDigitsAndLetters) {
  EXPECT_EQ(norm("首先报告２００１年的工作"), "首先报告2001年的工作");
  EXPECT_EQ(norm("ＡＢＣｘｙｚ"), "abcxyz");
  EXPECT_EQ(norm("（一）"), "(一)");
  EXPECT_EQ(norm("第１０条"), "第10条");
}

TEST(Normalizer, WhitespaceIsDeleted) {
  EXPECT_EQ(norm("各位代表：\n\n　　现在，我代表国务院"), "各位代表:现在,我代表国务院");
  EXPECT_EQ(norm("党\t建\r\n工\u00A0作\u2003总\u200B结\uFEFF"), "党建工作总结");
  EXPECT_EQ(norm(" \n\t　"), "");
  EXPECT_TRUE(Normalizer::instance().map(U'\u3000').empty());
  EXPECT_TRUE(Normalizer::instance().map(U' ').empty());
}

TEST(Normalizer, TraditionalToSimplifiedOnRealWords) {
  EXPECT_EQ(norm("經濟發展"), "经济发展");
  EXPECT_EQ(norm("黨"), "党");
  EXPECT_EQ(norm("論聯合政府"), "论联合政府");
  EXPECT_EQ(norm("毛澤東選集"), "毛泽东选集");
  EXPECT_EQ(norm("中華人民共和國國務院"), "中华人民共和国国务院");
  // OpenCC maps some characters outside the BMP: 鋂 -> U+30F84.
  EXPECT_EQ(Normalizer::instance().normalize("鋂"), std::u32string(U"\U00030F84"));
  // Already simplified text is unchanged.
  EXPECT_EQ(norm("经济发展"), "经济发展");
}

TEST(Normalizer, Case) {
  EXPECT_EQ(norm("WTO和GDP"), "wto和gdp");
  EXPECT_EQ(norm("ΣΑΣ Привет"), "σασпривет");
}

TEST(Normalizer, CompatibilityCharacters) {
  EXPECT_EQ(norm("㍿"), "株式会社");  // U+337F, one code point -> four
  EXPECT_EQ(norm("ﬁle"), "file");
  EXPECT_EQ(norm("①"), "1");
  EXPECT_EQ(norm("Ⅻ"), "xii");  // NFKC, then lowercase
}

TEST(Normalizer, OriginMapsEachOutputToItsInputCodePoint) {
  const std::string s = "ＡＢ　經濟\n㍿x";  // code points: Ａ Ｂ 　 經 濟 \n ㍿ x
  std::u32string out;
  std::vector<uint32_t> origin;
  Normalizer::instance().normalize(s, out, &origin);
  EXPECT_EQ(encode_utf8(out), "ab经济株式会社x");
  EXPECT_EQ(origin, (std::vector<uint32_t>{0, 1, 3, 4, 6, 6, 6, 6, 7}));

  // Appending with a base continues the numbering and keeps earlier output.
  Normalizer::instance().normalize("黨 員", out, &origin, 8);
  EXPECT_EQ(encode_utf8(out), "ab经济株式会社x党员");
  EXPECT_EQ(origin, (std::vector<uint32_t>{0, 1, 3, 4, 6, 6, 6, 6, 7, 8, 10}));
}

TEST(Normalizer, OriginOnRealTextPointsAtCodePointsThatMapThere) {
  const Normalizer& n = Normalizer::instance();
  for (const std::string& text : corpus_texts()) {
    const std::u32string in = decode_utf8(text);
    std::u32string out;
    std::vector<uint32_t> origin;
    n.normalize(text, out, &origin);
    ASSERT_EQ(out.size(), origin.size());
    // Rebuild the output from the origins: each run of equal origins is the map
    // of that input code point, runs are in order, and skipped inputs map to nothing.
    std::u32string rebuilt;
    size_t k = 0;
    for (uint32_t i = 0; i < in.size(); ++i) {
      const std::u32string_view m = n.map(in[i]);
      size_t run = 0;
      while (k + run < origin.size() && origin[k + run] == i) ++run;
      ASSERT_EQ(run, m.size()) << "input code point " << i;
      rebuilt += m;
      k += run;
    }
    EXPECT_EQ(k, origin.size());
    EXPECT_EQ(rebuilt, out);
  }
}

TEST(Normalizer, InvalidUtf8BytesAreOneCodePointEach) {
  std::u32string out;
  std::vector<uint32_t> origin;
  Normalizer::instance().normalize("a\xFF\xE5\x85" "B", out, &origin);
  EXPECT_EQ(out, std::u32string(U"a\uFFFD\uFFFD\uFFFDb"));
  EXPECT_EQ(origin, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
}

// normalize(a + b) == normalize(a) + normalize(b), with origins shifted by |a|,
// over thousands of random splits of real text.
TEST(Normalizer, ContextFreeOverRandomSplitsOfRealText) {
  const Normalizer& n = Normalizer::instance();
  std::mt19937 rng(42);
  std::vector<std::u32string> docs;
  for (const std::string& t : corpus_texts()) docs.push_back(decode_utf8(t));
  for (int trial = 0; trial < 5000; ++trial) {
    const std::u32string& doc = docs[rng() % docs.size()];
    const size_t len = std::min<size_t>(doc.size(), 1 + rng() % 600);
    const size_t start = rng() % (doc.size() - len + 1);
    const size_t cut = rng() % (len + 1);
    const std::string a = encode_utf8(doc.substr(start, cut));
    const std::string b = encode_utf8(doc.substr(start + cut, len - cut));
    std::u32string whole, parts;
    std::vector<uint32_t> whole_origin, parts_origin;
    n.normalize(a + b, whole, &whole_origin);
    n.normalize(a, parts, &parts_origin);
    n.normalize(b, parts, &parts_origin, static_cast<uint32_t>(cut));
    ASSERT_EQ(whole, parts) << "split of " << a << " | " << b;
    ASSERT_EQ(whole_origin, parts_origin);
  }
}

// find(s, c) gives the positions of c in normalize(s), and its length, for
// characters of the text itself, characters only an expansion or a
// traditional form gives, a deleted one (a space), on real text, text mixing
// every kind of mapping, and ill-formed UTF-8.
TEST(Normalizer, FindEqualsSearchingTheNormalizedText) {
  const Normalizer& n = Normalizer::instance();
  std::vector<std::string> texts = corpus_texts();
  texts.push_back("ＡＢ　經濟\n㍿x 株式會社 ㈠ ﬁ 𠀀𝐀 a\u3000b");
  texts.push_back(std::string("ab\xE4\xB8\n\xFF\x80 cd\xF0\x9F\xE7", 14));
  texts.push_back("");
  std::mt19937 rng(7);
  size_t found = 0;
  for (const std::string& t : texts) {
    const std::u32string whole = n.normalize(t);
    std::vector<char32_t> cs = {U'的', U'经', U'株', U'(', U'a', U'i', U'x', U' ', 0xFFFD, U'𝐀', U'𠀀'};
    for (int k = 0; k < 6 && !whole.empty(); ++k) cs.push_back(whole[rng() % whole.size()]);
    for (const char32_t c : cs) {
      std::vector<uint32_t> want, got = {7};  // appended after what is there, plus base
      for (size_t p = whole.find(c); p != std::u32string::npos; p = whole.find(c, p + 1))
        want.push_back(static_cast<uint32_t>(p + 100));
      want.insert(want.begin(), 7);
      ASSERT_EQ(n.find(t, c, got, 100), whole.size());
      ASSERT_EQ(got, want) << "char U+" << std::hex << static_cast<uint32_t>(c);
      found += want.size() - 1;
    }
  }
  EXPECT_GT(found, 1000u);
}

TEST(Normalizer, IdempotentOnRealText) {
  for (const std::string& text : corpus_texts()) {
    const std::string once = norm(text);
    EXPECT_EQ(norm(once), once);
  }
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt");
  const std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(seed.empty());
  EXPECT_EQ(norm(norm(seed)), norm(seed));
}

// Every output code point of every mapping is a fixpoint, so normalization is
// idempotent on any text, not only the corpus.
TEST(Normalizer, EveryMappedCodePointIsAFixpoint) {
  const Normalizer& n = Normalizer::instance();
  size_t changed = 0;
  for (char32_t cp = 0; cp < 0x110000; ++cp) {
    const std::u32string_view m = n.map(cp);
    if (m.size() == 1 && m[0] == cp) continue;
    ++changed;
    for (char32_t y : m) {
      const std::u32string_view my = n.map(y);
      ASSERT_TRUE(my.size() == 1 && my[0] == y) << std::hex << "U+" << static_cast<uint32_t>(cp) << " -> U+"
                                                << static_cast<uint32_t>(y) << " is not stable";
    }
  }
  EXPECT_GT(changed, 5000u);  // NFKC, case and t2s each change thousands
}

// The unabridged chain, written independently of the table: ICU's full NFKC on
// the code point, u_tolower, OpenCC's converter on each single character, the
// whitespace set of docs/normalization.md; repeated until stable.
class ReferenceChain {
 public:
  ReferenceChain() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_ = icu::Normalizer2::getNFKCInstance(status);
    converter_ = opencc::Config().NewFromFile("/usr/share/opencc/t2s.json");
  }

  std::u32string operator()(char32_t cp) const {
    std::u32string s(1, cp);
    for (int round = 0; round < 10; ++round) {
      std::u32string next;
      for (char32_t c : s) next += step(c);
      if (next == s) break;
      s = next;
    }
    return s;
  }

 private:
  std::u32string step(char32_t cp) const {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString nf = nfkc_->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), status);
    std::u32string out;
    for (int32_t i = 0; i < nf.length(); i += U16_LENGTH(nf.char32At(i))) {
      const auto lower = static_cast<char32_t>(u_tolower(nf.char32At(i)));
      std::string utf8;
      append_utf8(utf8, lower);
      for (char32_t c : decode_utf8(converter_->Convert(utf8))) {
        const bool space = u_isUWhiteSpace(static_cast<UChar32>(c)) || c == 0x200B || c == 0x2060 ||
                           c == 0xFEFF || c == 0x180E;
        if (!space) out.push_back(c);
      }
    }
    return out;
  }

  const icu::Normalizer2* nfkc_ = nullptr;
  opencc::ConverterPtr converter_;
};

TEST(Normalizer, TableEqualsTheUnabridgedChain) {
  const Normalizer& n = Normalizer::instance();
  const ReferenceChain reference;
  size_t checked = 0;
  // Every code point of planes 0-3 (all of CJK) and every 61st beyond.
  for (char32_t cp = 1; cp < 0x110000; cp += cp < 0x40000 ? 1 : 61) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // not encodable; decoding never yields them
    const std::u32string expected = reference(cp);
    ASSERT_EQ(std::u32string(n.map(cp)), expected) << std::hex << "U+" << static_cast<uint32_t>(cp);
    ++checked;
  }
  EXPECT_GT(checked, 250000u);
}

TEST(Normalizer, ConcurrentFirstUseOfSupplementaryPlanes) {
  // Threads race to touch planes 1, 2 and 3 (built lazily) and must agree.
  const std::string text = "𝐀𝐁𝐂 鋂 𠀀𠀁 \U00030000 經濟";
  std::vector<std::u32string> results(8);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] { results[t] = Normalizer::instance().normalize(text); });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, results[0]);
  EXPECT_EQ(encode_utf8(results[0]), "abc\U00030F84𠀀𠀁\U00030000经济");
}

}  // namespace
}  // namespace wenyuan::text
