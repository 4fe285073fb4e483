// 查重 against a brute-force oracle on real text (tests/data/corpus_sample.jsonl):
// a draft character is copied iff some window of min_chars counted characters
// around it stands verbatim (as counted characters) in a document. The engine
// must report exactly those characters (no more: no false positive; no fewer:
// the winnowing guarantee at min_chars >= 13), per source exactly that
// source's windows, and every source offset must point at text that
// normalizes to the span. Also: the paywall differential (a reader without
// paid access gets the same report from two libraries that differ only in
// paid text), the change path (add/remove/replace) and the --json contract.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <unordered_set>

#include "support/check_drafts.h"
#include "wenyuan/dedup/check.h"
#include "wenyuan/dedup/check_json.h"
#include "wenyuan/dedup/check_text.h"
#include "wenyuan/dedup/draft.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::dedup {
namespace {

std::vector<doc::Document> load_sample() {
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  EXPECT_EQ(lines.size(), 40u);
  return check_drafts::documents_from_jsonl_lines(lines, "doc-");
}

struct U32Hash {
  size_t operator()(const std::u32string& s) const { return std::hash<std::u32string_view>()(s); }
};

// The oracle: every window of m counted characters of each document.
struct Oracle {
  uint32_t m;
  std::vector<std::unordered_set<std::u32string, U32Hash>> windows;  // per document
  std::vector<std::u32string> chars;

  Oracle(const std::vector<doc::Document>& docs, uint32_t m_, const std::vector<uint32_t>* visible = nullptr) : m(m_) {
    for (size_t d = 0; d < docs.size(); ++d) {
      std::u32string c = to_check_text(docs[d].text).chars;
      if (visible) c.resize(std::min<size_t>(c.size(), (*visible)[d]));
      std::unordered_set<std::u32string, U32Hash> w;
      for (size_t i = 0; i + m <= c.size(); ++i) w.insert(c.substr(i, m));
      windows.push_back(std::move(w));
      chars.push_back(std::move(c));
    }
  }
  // covered[i] for each counted character of the draft, for document d (or any if d < 0).
  std::vector<uint8_t> covered(const std::u32string& draft, int d) const {
    std::vector<uint8_t> cov(draft.size(), 0);
    for (size_t i = 0; i + m <= draft.size(); ++i) {
      const std::u32string w = draft.substr(i, m);
      bool hit = false;
      for (size_t k = 0; k < windows.size() && !hit; ++k)
        if ((d < 0 || static_cast<size_t>(d) == k) && windows[k].count(w)) hit = true;
      if (hit) std::fill(cov.begin() + i, cov.begin() + i + m, 1);
    }
    return cov;
  }
};

// The engine's covered counted characters (from spans, via code point offsets).
std::vector<uint8_t> engine_covered(const CheckText& t, const CheckReport& r, int doc_slot) {
  std::vector<uint8_t> cov(t.chars.size(), 0);
  for (const auto& s : r.spans) {
    bool take = doc_slot < 0;
    for (const auto& x : s.sources) take = take || static_cast<int>(x.doc) == doc_slot;
    if (!take) continue;
    for (size_t i = 0; i < t.origin.size(); ++i)
      if (t.origin[i] >= s.start && t.origin[i] < s.end) cov[i] = 1;
  }
  return cov;
}

class CheckOracle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    docs_ = new std::vector<doc::Document>(load_sample());
    index_ = new FingerprintIndex();
    for (const auto& d : *docs_) index_->add(d);
  }
  static void TearDownTestSuite() {
    delete index_;
    delete docs_;
  }
  static std::vector<doc::Document>* docs_;
  static FingerprintIndex* index_;
};
std::vector<doc::Document>* CheckOracle::docs_ = nullptr;
FingerprintIndex* CheckOracle::index_ = nullptr;

TEST_F(CheckOracle, ReportsExactlyTheCopiedCharactersOfRandomDrafts) {
  for (uint32_t m : {13u, 20u, 9u}) {
    const Oracle oracle(*docs_, m);
    std::mt19937 rng(42 + m);
    for (int round = 0; round < 6; ++round) {
      const auto draft = check_drafts::make_draft(*docs_, 1500, rng);
      CheckOptions o;
      o.min_chars = m;
      o.paid_visible = true;
      o.max_sources_per_span = 1000;
      o.max_sources = 1000;
      const CheckReport r = check(*index_, draft.text, o);
      const CheckText t = to_check_text(draft.text);
      const auto want = oracle.covered(t.chars, -1);
      const auto got = engine_covered(t, r, -1);
      uint32_t want_n = 0;
      for (auto c : want) want_n += c;
      ASSERT_GT(want_n, 0u) << "the draft must contain copied text";
      if (m >= kGuaranteed) {
        EXPECT_EQ(r.copied_chars, want_n);
        EXPECT_EQ(got, want) << "min_chars " << m << " round " << round;
      } else {
        // Below the guarantee: a subset (never a false positive).
        for (size_t i = 0; i < got.size(); ++i) ASSERT_LE(got[i], want[i]) << i;
      }
      // Each source's offsets hold exactly the span's counted characters.
      for (const auto& s : r.spans) {
        const std::u32string span_chars =
            to_check_text(text::substr_code_points(draft.text, s.start, s.end)).chars;
        EXPECT_EQ(span_chars.size(), s.chars);
        EXPECT_EQ(s.source_count, s.sources.size());
        for (const auto& x : s.sources) {
          const auto& src = (*docs_)[std::stoi(index_->doc(x.doc).id.substr(4))];
          ASSERT_EQ(index_->doc(x.doc).id, src.id);
          EXPECT_EQ(to_check_text(text::substr_code_points(src.text, x.start, x.end)).chars, span_chars);
        }
      }
      if (m >= kGuaranteed) {
        // Per source: exactly that document's windows.
        for (const auto& c : r.sources) {
          const int d = std::stoi(index_->doc(c.doc).id.substr(4));
          const auto want_d = Oracle(*docs_, m).covered(t.chars, d);
          uint32_t n = 0;
          for (auto x : want_d) n += x;
          EXPECT_EQ(c.copied_chars, n) << index_->doc(c.doc).id;
          EXPECT_EQ(engine_covered(t, r, static_cast<int>(c.doc)), want_d);
        }
      }
    }
  }
}

TEST_F(CheckOracle, FindsPassagesThatDifferOnlyInPunctuationWidthCaseAndScript) {
  const std::u32string src = text::decode_utf8((*docs_)[0].text);
  const std::string passage = text::encode_utf8(src.substr(200, 120));
  std::string edited;
  for (char32_t c : text::decode_utf8(passage)) {
    if (c == U'，' || c == U'。') c = U' ';  // punctuation to spaces
    text::append_utf8(edited, check_drafts::to_traditional(c));
  }
  CheckOptions o;
  o.paid_visible = true;
  const CheckReport r = check(*index_, "甲乙丙丁戊己庚辛。" + edited + "子丑寅卯。", o);
  ASSERT_FALSE(r.spans.empty());
  const CheckText t = to_check_text(passage);
  EXPECT_GE(r.copied_chars, t.chars.size() - 2);
  EXPECT_EQ(index_->doc(r.sources.at(0).doc).id, (*docs_)[0].id);
}

TEST_F(CheckOracle, TextInNoDocumentFindsNothing) {
  CheckOptions o;
  o.paid_visible = true;
  const CheckReport r = check(*index_, "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥鼠牛虎兔龙蛇马羊猴鸡狗猪", o);
  EXPECT_EQ(r.copied_chars, 0u);
  EXPECT_TRUE(r.spans.empty());
  EXPECT_DOUBLE_EQ(r.share, 0.0);
  EXPECT_EQ(r.paragraphs.size(), 1u);
}

TEST_F(CheckOracle, JsonFollowsTheContract) {
  std::u32string src = text::decode_utf8((*docs_)[3].text);
  std::erase(src, U'\n');  // the copied paragraph stays one paragraph of the draft
  const std::string draft = "第一段没有抄袭的文字甲乙丙。\n" + text::encode_utf8(src.substr(100, 60)) + "\n末段。";
  CheckOptions o;
  o.paid_visible = true;
  const auto j = report_json(*index_, check(*index_, draft, o), true);
  for (const char* k : {"chars", "copied_chars", "share", "spans", "paragraphs", "sources"}) EXPECT_TRUE(j.contains(k)) << k;
  ASSERT_FALSE(j["spans"].empty());
  const auto& s = j["spans"][0];
  for (const char* k : {"start", "end", "sources"}) EXPECT_TRUE(s.contains(k)) << k;
  for (const char* k : {"id", "title", "start", "end"}) EXPECT_TRUE(s["sources"][0].contains(k)) << k;
  EXPECT_EQ(s["sources"][0]["id"], (*docs_)[3].id);
  ASSERT_EQ(j["paragraphs"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["paragraphs"][0]["share"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["paragraphs"][1]["share"].get<double>(), 1.0);
  for (const char* k : {"id", "title", "copied_chars"}) EXPECT_TRUE(j["sources"][0].contains(k)) << k;
  // The spans' draft offsets are code points of the draft: together they hold the passage.
  std::u32string joined;
  for (const auto& x : j["spans"])
    joined += to_check_text(text::substr_code_points(draft, x["start"].get<uint32_t>(), x["end"].get<uint32_t>())).chars;
  EXPECT_EQ(joined, to_check_text(text::encode_utf8(src.substr(100, 60))).chars);
  EXPECT_EQ(j["copied_chars"].get<size_t>(), joined.size());
}

TEST(CheckIndex, FollowsAddsRemovesAndReplacements) {
  FingerprintIndex index;
  const std::string a = "各地区各部门要坚持以人民为中心的发展思想，扎实推进共同富裕，着力解决群众急难愁盼问题。";
  const std::string b = "加快构建新发展格局，着力推动高质量发展，全面深化改革开放，增强发展内生动力和活力。";
  index.add(check_drafts::make_document("a", "甲", a));
  index.add(check_drafts::make_document("b", "乙", b));
  CheckOptions o;
  o.paid_visible = true;
  EXPECT_EQ(check(index, b, o).sources.size(), 1u);
  index.remove("b");
  EXPECT_TRUE(check(index, b, o).spans.empty());
  index.add(check_drafts::make_document("a", "甲", b));  // a replaced by b's text
  const auto r = check(index, b, o);
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(index.doc(r.sources[0].doc).id, "a");
  EXPECT_TRUE(check(index, a, o).spans.empty());
}

// Paywall differential: two libraries whose documents differ only in paid text.
TEST(CheckPaywall, NonMembersLearnOnlyVisibleText) {
  const auto sample = load_sample();
  std::vector<doc::Document> lib1, lib2;
  std::vector<uint32_t> visible;
  std::mt19937 rng(7);
  for (size_t i = 0; i < 12; ++i) {
    const std::u32string t1 = text::decode_utf8(sample[i].text);
    const std::u32string t2 = text::decode_utf8(sample[i + 12].text);
    const auto cut = static_cast<uint32_t>(std::min(t1.size(), t2.size()) / 3);
    const std::u32string paid1 = t1.substr(cut), paid2 = t2.substr(cut);
    for (int v = 0; v < 2; ++v) {
      auto d = check_drafts::make_document("p" + std::to_string(i), sample[i].title,
                                           text::encode_utf8(t1.substr(0, cut) + (v ? paid2 : paid1)), 2020);
      d.access = doc::Access::kPaid;
      d.regions = {{doc::RegionKind::kPreview, 0, cut}, {doc::RegionKind::kPaid, cut, d.text_chars}};
      d.public_year = std::nullopt;
      (v ? lib2 : lib1).push_back(d);
    }
    visible.push_back(static_cast<uint32_t>(to_check_text(text::encode_utf8(t1.substr(0, cut))).chars.size()));
  }
  FingerprintIndex i1, i2;
  for (const auto& d : lib1) i1.add(d);
  for (const auto& d : lib2) i2.add(d);
  // Drafts copy from the visible parts and both libraries' paid parts.
  std::vector<doc::Document> all = lib1;
  all.insert(all.end(), lib2.begin(), lib2.end());
  int differed_for_members = 0;
  for (int round = 0; round < 8; ++round) {
    const auto draft = check_drafts::make_draft(all, 2000, rng);
    for (uint32_t m : {13u, 8u}) {
      CheckOptions o;
      o.min_chars = m;
      o.paid_visible = false;
      const auto j1 = report_json(i1, check(i1, draft.text, o), false);
      const auto j2 = report_json(i2, check(i2, draft.text, o), false);
      EXPECT_EQ(j1, j2) << "round " << round;
      for (const auto& s : j1["spans"])
        for (const auto& x : s["sources"]) {
          const int d = std::stoi(x["id"].get<std::string>().substr(1));
          EXPECT_LE(x["end"].get<uint32_t>(), lib1[d].regions[0].end) << "evidence from a paid region";
        }
      for (const auto& x : j1["sources"]) EXPECT_TRUE(x["year"].is_null()) << "the year of paid text";
      o.paid_visible = true;
      differed_for_members += report_json(i1, check(i1, draft.text, o), true) !=
                              report_json(i2, check(i2, draft.text, o), true);
    }
  }
  // The test can fail: a member's reports do see the paid text.
  EXPECT_GT(differed_for_members, 0);
  // And a non-member's report equals the oracle over visible text.
  const Oracle vis(lib1, 13, &visible);
  const auto draft = check_drafts::make_draft(all, 3000, rng);
  CheckOptions o;
  const auto r = check(i1, draft.text, o);
  const CheckText t = to_check_text(draft.text);
  EXPECT_EQ(engine_covered(t, r, -1), vis.covered(t.chars, -1));
}

TEST(CheckDraft, ReadsFilesAndRefusesWhatIsNotADraft) {
  EXPECT_EQ(draft_text("a.txt", "第一段\n第二段", 0).value(), "第一段\n第二段");
  auto big = draft_text("a.txt", std::string(300, 'x'), 100);
  ASSERT_FALSE(big);
  EXPECT_NE(big.status().message().find("草稿过长"), std::string::npos);
  auto jsonl = draft_text("a.jsonl", "{}", 0);
  ASSERT_FALSE(jsonl);
  EXPECT_NE(jsonl.status().message().find(".jsonl"), std::string::npos);
  EXPECT_FALSE(draft_text("a.exe", "x", 0));
  auto empty = draft_from_text(" \n ", 0);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.status().message().find("空"), std::string::npos);
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/gb18030_law.txt", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto law = draft_text("law.txt", bytes, 0);
  ASSERT_TRUE(law);
  EXPECT_NE(law->find("禁毒"), std::string::npos);
}

}  // namespace
}  // namespace wenyuan::dedup

namespace wenyuan::dedup {
namespace {

// The index follows the catalog through its change log only: puts and removes
// made after the build are seen by sync(), as the server's check sees them.
TEST(CheckCatalog, BuildsFromTheCatalogAndFollowsItsChangeLog) {
  const auto dir = std::filesystem::temp_directory_path() / ("wenyuan-dedup-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto cat = store::Catalog::open(dir / "catalog.db");
  ASSERT_TRUE(cat) << cat.status().message();
  auto put = [&](const std::string& title, const std::string& text) {
    doc::RawDocument raw;
    raw.title = title;
    raw.text = text;
    raw.format = "txt";
    auto d = doc::prepare(raw, doc::PrepareOptions{});
    EXPECT_TRUE(d) << d.status().message();
    EXPECT_TRUE((*cat)->put(*d));
    return d->id;
  };
  const std::string a = "各地区各部门要坚持以人民为中心的发展思想，扎实推进共同富裕，着力解决群众急难愁盼问题。";
  const std::string b = "加快构建新发展格局，着力推动高质量发展，全面深化改革开放，增强发展内生动力和活力。";
  const std::string id_a = put("甲", a);
  FingerprintIndex index;
  ASSERT_TRUE(index.build(**cat));
  CheckOptions o;
  o.paid_visible = true;
  ASSERT_EQ(check(index, a, o).sources.size(), 1u);
  EXPECT_TRUE(check(index, b, o).spans.empty());
  const std::string id_b = put("乙", b);
  ASSERT_TRUE(index.sync(**cat));
  const auto r = check(index, b, o);
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(index.doc(r.sources[0].doc).id, id_b);
  ASSERT_TRUE((*cat)->remove(id_a));
  ASSERT_TRUE(index.sync(**cat));
  EXPECT_TRUE(check(index, a, o).spans.empty());
  EXPECT_EQ(index.seq(), (*cat)->last_seq());
  cat->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wenyuan::dedup
