// THE ORACLE TEST: exact search must find exactly the documents a brute-force
// scan of the normalized fields finds. On the 40 real documents of
// tests/data/corpus_sample.jsonl plus a few made to hit edge cases
// (supplementary-plane characters, whitespace inside a phrase, traditional and
// full-width forms), for random substrings, absent strings, mixed scripts and
// random boolean queries.
//
// The harness is checked on its own too: a second, naive oracle (per-document
// u32string::find) must agree with the memmem one, every substring must find the
// document it was cut from, and highlight ranges from the normalizer's origin map
// fed through make_snippets must normalize back to exactly the term.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/search_oracle.h"
#include "wenyuan/search/snippet.h"
#include <unistd.h>

#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::search {
namespace {

using oracle::Oracle;
using oracle::OracleDoc;
using oracle::QueryGen;

std::vector<OracleDoc> load_sample() {
  std::vector<OracleDoc> docs;
  const bool ok = oracle::for_each_line(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl", [&](const std::string& l) {
    if (auto d = oracle::doc_from_json(l, "sample-" + std::to_string(docs.size()))) docs.push_back(std::move(*d));
  });
  EXPECT_TRUE(ok);
  // Edge cases the real sample lacks.
  OracleDoc sup;
  sup.id = "edge-supplementary";
  sup.title = "生僻字测试";
  sup.text = "这里有一个扩展区字\U00030F84和鋂字，还有\U00030F84鋂连写。";
  sup.year = 2024;
  sup.source = "edge";
  docs.push_back(sup);
  OracleDoc ws;
  ws.id = "edge-whitespace";
  ws.title = "加强党 建工作的通知";
  ws.text = "各单位要把党 建\n工作放在首位，坚持“两个维护”，落实（一）项要求。經濟發展，ＧＤＰ增长２０２４年。";
  ws.year = 2024;
  ws.source = "edge";
  ws.category = "通知";
  docs.push_back(ws);
  for (auto& d : docs) oracle::find_simple_headings(d);
  return docs;
}

// The naive oracle: per-document std::u32string::find, no shared code with the
// memmem scan but the tree walk.
struct NaiveDoc {
  const OracleDoc* d;
  std::u32string title, text;
};

bool naive_match(const QueryNode& n, const NaiveDoc& nd) {
  using K = QueryNode::Kind;
  const auto& norm = text::Normalizer::instance();
  const OracleDoc& d = *nd.d;
  switch (n.kind) {
    case K::kTerm: {
      const bool in_title = nd.title.find(n.normalized) != std::u32string::npos;
      const bool in_text = nd.text.find(n.normalized) != std::u32string::npos;
      if (n.field == Field::kTitle) return in_title;
      if (n.field == Field::kAny) return in_title || in_text;
      for (const auto& h : d.headings) {
        if (norm.normalize(text::substr_code_points(d.text, h.start, h.end)).find(n.normalized) != std::u32string::npos)
          return true;
      }
      return false;
    }
    case K::kAnd:
      return std::all_of(n.children.begin(), n.children.end(), [&](const QueryNode& c) { return naive_match(c, nd); });
    case K::kOr:
      return std::any_of(n.children.begin(), n.children.end(), [&](const QueryNode& c) { return naive_match(c, nd); });
    case K::kNot:
      return !naive_match(n.children.at(0), nd);
    case K::kYear:
      return d.year && *d.year >= n.year_from && *d.year <= n.year_to;
    case K::kSource:
      return d.source == n.text;
    case K::kCategory:
      return d.category == n.text;
    case K::kType:  // the oracle's documents have no 文种 (OracleDoc): none matches
      return false;
  }
  return false;
}

std::vector<std::string> naive_ids(const QueryNode& root, const std::vector<NaiveDoc>& docs) {
  std::vector<std::string> out;
  for (const auto& d : docs)
    if (naive_match(root, d)) out.push_back(d.d->id);
  std::sort(out.begin(), out.end());
  return out;
}

class OracleHarness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    docs_ = new std::vector<OracleDoc>(load_sample());
    oracle_ = new Oracle(*docs_);
    naive_ = new std::vector<NaiveDoc>;
    const auto& norm = text::Normalizer::instance();
    for (const auto& d : *docs_) naive_->push_back({&d, norm.normalize(d.title), norm.normalize(d.text)});
  }
  static void TearDownTestSuite() {
    delete naive_;
    delete oracle_;
    delete docs_;
  }
  static std::vector<OracleDoc>* docs_;
  static Oracle* oracle_;
  static std::vector<NaiveDoc>* naive_;
};
std::vector<NaiveDoc>* OracleHarness::naive_ = nullptr;
std::vector<OracleDoc>* OracleHarness::docs_ = nullptr;
Oracle* OracleHarness::oracle_ = nullptr;

TEST_F(OracleHarness, SampleLoaded) {
  ASSERT_EQ(docs_->size(), 42u);
  EXPECT_EQ((*docs_)[0].year, 2002);
  EXPECT_FALSE((*docs_)[0].text.empty());
}

// Every substring of a real text or title finds at least the document it came
// from, and the memmem oracle agrees with the naive one.
TEST_F(OracleHarness, SubstringsFindTheirDocumentAndBothOraclesAgree) {
  QueryGen gen(*docs_, 1);
  size_t checked = 0, unexpressible = 0;
  for (int i = 0; i < 3000; ++i) {
    size_t from = 0;
    bool in_title = false;
    const std::string s = gen.substring(40, 0.2, &from, &in_title);
    if (text::Normalizer::instance().normalize(s).empty()) continue;  // only whitespace
    const auto q = oracle::as_term(s, gen.chance(0.5));
    if (!q) {
      ++unexpressible;
      continue;
    }
    auto parsed = parse_query(*q);
    ASSERT_TRUE(parsed.is_ok()) << *q << " -> " << parsed.status().message();
    const auto got = oracle_->ids(parsed->root);
    ASSERT_TRUE(std::binary_search(got.begin(), got.end(), (*docs_)[from].id)) << *q;
    ASSERT_EQ(got, naive_ids(parsed->root, *naive_)) << *q;
    ++checked;
  }
  EXPECT_GT(checked, 2800u);
  EXPECT_LT(unexpressible, 50u);
}

TEST_F(OracleHarness, BooleanQueriesAgreeWithTheNaiveOracle) {
  QueryGen gen(*docs_, 2);
  size_t parsed_ok = 0, nonempty = 0;
  for (int i = 0; i < 500; ++i) {
    const std::string q = gen.boolean();
    auto parsed = parse_query(q);
    ASSERT_TRUE(parsed.is_ok()) << q << " -> " << parsed.status().message();
    ++parsed_ok;
    const auto got = oracle_->ids(parsed->root);
    ASSERT_EQ(got, naive_ids(parsed->root, *naive_)) << q;
    nonempty += !got.empty();
  }
  EXPECT_EQ(parsed_ok, 500u);
  EXPECT_GT(nonempty, 100u);  // the generator must produce queries that match
}

TEST_F(OracleHarness, EdgeCasesMatchAsTheContractSays) {
  auto ids = [&](const char* q) {
    auto parsed = parse_query(q);
    EXPECT_TRUE(parsed.is_ok()) << q << " -> " << parsed.status().message();
    return parsed.is_ok() ? oracle_->ids(parsed->root) : std::vector<std::string>{};
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("\U00030F84鋂"), V{"edge-supplementary"});
  EXPECT_EQ(ids("党建 source:edge -title:党建"), V{});  // the title has "党 建" too
  EXPECT_EQ(ids("把党建工作放在首位"), V{"edge-whitespace"});  // "党 建\n工作" in the text
  EXPECT_EQ(ids("\"党建工作\""), V{"edge-whitespace"});
  EXPECT_EQ(ids("title:党建"), V{"edge-whitespace"});
  EXPECT_EQ(ids("经济发展,gdp增长2024年"), V{"edge-whitespace"});  // 經濟發展，ＧＤＰ增长２０２４年
  EXPECT_EQ(ids("2024年 source:edge"), V{"edge-whitespace"});
  EXPECT_EQ(ids("“两个维护” category:通知"), V{"edge-whitespace"});
  // ２００１年 in the 2002 report is found by ASCII digits too.
  const auto y2001 = ids("首先报告2001年的工作");
  EXPECT_EQ(y2001, ids("首先报告２００１年的工作"));
  EXPECT_EQ(y2001, V{"sample-0"});
}

// The normalizer's origin map turns normalized matches into original ranges;
// make_snippets keeps them exact: every highlight that covers one match
// normalizes to exactly the term.
TEST_F(OracleHarness, HighlightsNormalizeBackToTheTerm) {
  QueryGen gen(*docs_, 3);
  const auto& norm = text::Normalizer::instance();
  size_t highlights = 0;
  for (int i = 0; i < 300; ++i) {
    size_t from = 0;
    const std::u32string term = norm.normalize(gen.substring(8, 0.0, &from));
    if (term.empty()) continue;
    const OracleDoc& d = (*docs_)[from];
    std::u32string nt;
    std::vector<uint32_t> origin;
    norm.normalize(d.text, nt, &origin);
    std::vector<doc::Span> matches;
    std::vector<bool> aligned;  // the match starts and ends on whole original code points
    for (size_t p = nt.find(term); p != std::u32string::npos; p = nt.find(term, p + 1)) {
      const size_t q = p + term.size() - 1;
      const uint32_t b = origin[p], e = origin[q] + 1;
      if (!matches.empty() && b < matches.back().end) continue;  // overlapping occurrence: keep the first
      matches.push_back({b, e});
      aligned.push_back((p == 0 || origin[p - 1] != b) && (q + 1 == origin.size() || origin[q + 1] != origin[q]));
    }
    ASSERT_FALSE(matches.empty());
    const auto snippets = make_snippets(d.text, {}, matches, 3, 60);
    ASSERT_FALSE(snippets.empty());
    for (const auto& s : snippets) {
      for (const auto& [hb, he] : s.highlights) {
        const doc::Span abs{s.start + hb, s.start + he};
        const auto it = std::find_if(matches.begin(), matches.end(),
                                     [&](const doc::Span& m) { return m.start == abs.start && m.end == abs.end; });
        if (it == matches.end()) continue;  // cut by the window edge
        const std::u32string h = norm.normalize(text::substr_code_points(s.text, hb, he));
        if (aligned[it - matches.begin()]) {
          ASSERT_EQ(h, term) << d.id << " at " << abs.start;
          ++highlights;
        } else {  // a match inside an expansion (NFKC ㈠ -> (一)): the term is inside
          ASSERT_NE(h.find(term), std::u32string::npos);
        }
      }
    }
  }
  EXPECT_GT(highlights, 200u);
}

// ---------------------------------------------------------------------------
// The engine against the oracle.
class EngineVsOracle : public OracleHarness {
 protected:
  static void SetUpTestSuite() {
    OracleHarness::SetUpTestSuite();
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("wenyuan_search_oracle_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    auto idx = index::Index::open(*dir_);
    ASSERT_TRUE(idx.is_ok()) << idx.status().message();
    index_ = std::move(*idx).release();
    for (const auto& d : *docs_) {
      const Status st = index_->add(oracle::to_document(d));
      ASSERT_TRUE(st.is_ok()) << d.id << ": " << st.message();
    }
    const Status st = index_->commit(1);
    ASSERT_TRUE(st.is_ok()) << st.message();
    engine_ = new Engine(*index_);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete index_;
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    OracleHarness::TearDownTestSuite();
  }

  // Compares one query; returns false (after reporting) on a mismatch.
  static bool same(const std::string& q) {
    auto parsed = parse_query(q);
    if (!parsed.is_ok()) {
      ADD_FAILURE() << "query does not parse: " << q << " -> " << parsed.status().message();
      return false;
    }
    const auto want = oracle_->ids(parsed->root);
    auto got = engine_->matching_ids(q);
    if (!got.is_ok()) {
      ADD_FAILURE() << "engine failed on " << q << ": " << got.status().message();
      return false;
    }
    std::vector<std::string> ids = *got;
    std::sort(ids.begin(), ids.end());
    if (ids != want) {
      ADD_FAILURE() << "query: " << q << "\n" << oracle::first_difference(want, ids);
      return false;
    }
    ++compared_;
    nonempty_ += !want.empty();
    return true;
  }

  void SetUp() override { compared_ = nonempty_ = 0; }

  static std::filesystem::path* dir_;
  static index::Index* index_;
  static Engine* engine_;
  static size_t compared_, nonempty_;
};
std::filesystem::path* EngineVsOracle::dir_ = nullptr;
index::Index* EngineVsOracle::index_ = nullptr;
Engine* EngineVsOracle::engine_ = nullptr;
size_t EngineVsOracle::compared_ = 0;
size_t EngineVsOracle::nonempty_ = 0;

constexpr int kMaxReported = 10;

TEST_F(EngineVsOracle, RandomSubstringsOfTextsAndTitles) {
  QueryGen gen(*docs_, 11);
  int failures = 0;
  for (int i = 0; i < 3000 && failures < kMaxReported; ++i) {
    const std::string s = gen.substring(40, 0.2);
    if (text::Normalizer::instance().normalize(s).empty()) continue;
    const auto q = oracle::as_term(s, gen.chance(0.5));
    if (q && !same(*q)) ++failures;
  }
  EXPECT_GT(compared_, 2800u);
  EXPECT_EQ(nonempty_, compared_);  // a real substring always finds its document
}

TEST_F(EngineVsOracle, SubstringsOfTheNormalizedText) {
  QueryGen gen(*docs_, 16);
  int failures = 0;
  for (int i = 0; i < 500 && failures < kMaxReported; ++i) {
    const auto q = oracle::as_term(gen.normalized_substring(20), true);
    if (q && !same(*q)) ++failures;
  }
  EXPECT_GT(compared_, 480u);
  EXPECT_EQ(nonempty_, compared_);
}

TEST_F(EngineVsOracle, AbsentStrings) {
  QueryGen gen(*docs_, 12);
  int failures = 0;
  for (int i = 0; i < 300 && failures < kMaxReported; ++i) {
    const std::string s = gen.mutated(12);
    if (text::Normalizer::instance().normalize(s).empty()) continue;
    const auto q = oracle::as_term(s, true);
    if (q && !same(*q)) ++failures;
  }
  EXPECT_GT(compared_, 280u);
  EXPECT_LT(nonempty_, compared_);  // most mutated strings are absent
}

TEST_F(EngineVsOracle, MixedScriptsFullWidthAndTraditional) {
  for (const char* q : {"2001年", "２００１年", "首先报告２００１年的工作", "首先报告2001年的工作", "经济", "經濟",
                        "經濟發展", "GDP", "ＧＤＰ", "gdp增长", "WTO", "第一条", "第一章", "（一）", "(一)",
                        "“两个维护”", "两个维护", "1.", "10%", "５％", "中华人民共和国", "國務院", "CPI", "2026年",
                        "二〇二三年", "《中华人民共和国", "title:条例", "heading:总则", "heading:第一章"}) {
    same(q);
  }
  EXPECT_GT(nonempty_, 20u);
}

TEST_F(EngineVsOracle, SupplementaryPlaneAndWhitespaceInsideAPhrase) {
  for (const char* q : {"\U00030F84", "鋂", "\U00030F84鋂", "\U00030F84和鋂", "字\U00030F84", "党建", "党建工作",
                        "把党建工作放在首位", "\"党 建\"", "title:党建", "title:\"加强党建\"", "建工"}) {
    same(q);
  }
  EXPECT_EQ(nonempty_, compared_);
}

TEST_F(EngineVsOracle, RandomBooleanQueries) {
  QueryGen gen(*docs_, 13);
  int failures = 0;
  for (int i = 0; i < 500 && failures < kMaxReported; ++i) {
    if (!same(gen.boolean())) ++failures;
  }
  EXPECT_EQ(compared_, 500u);
  EXPECT_GT(nonempty_, 100u);
}

TEST_F(EngineVsOracle, FiltersSourceCategoryYearHeading) {
  QueryGen gen(*docs_, 14);
  for (int i = 0; i < 60; ++i) {
    const OracleDoc& d = (*docs_)[gen.uniform(0, docs_->size() - 1)];
    // A two-character term cut from this document, so its filters are met.
    const std::u32string u = text::decode_utf8(d.text);
    if (u.size() < 2) continue;
    const std::string cut = text::encode_utf8(u.substr(gen.uniform(0, u.size() - 2), 2));
    const auto t = oracle::as_term(cut, true);
    if (!t || text::Normalizer::instance().normalize(cut).empty()) continue;
    const std::string& term = *t;
    if (!d.source.empty() && d.source.find('"') == std::string::npos) same(term + " source:\"" + d.source + "\"");
    if (!d.category.empty()) same(term + " category:\"" + d.category + "\"");
    same(term + " " + gen.year_filter());
    same(term + " -" + gen.year_filter());
    if (!d.headings.empty()) {
      const auto& h = d.headings[gen.uniform(0, d.headings.size() - 1)];
      same("heading:\"" + text::substr_code_points(d.text, h.start, h.end) + "\"");
    }
  }
  EXPECT_GT(nonempty_, 60u);
}

// For hits of a one-term query, every match range and every whole highlight,
// mapped to the original text, normalizes to exactly normalize(term) (a match
// starting or ending inside an expanding character, NFKC ㈠ -> (一), contains it).
TEST_F(EngineVsOracle, HighlightsAreExact) {
  QueryGen gen(*docs_, 15);
  const auto& norm = text::Normalizer::instance();
  size_t exact = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string s = gen.substring(6, 0.0);
    const std::u32string term = norm.normalize(s);
    const auto q = oracle::as_term(s, true);
    if (term.empty() || !q) continue;
    SearchRequest r;
    r.query = *q;
    r.limit = 5;
    auto res = engine_->search(r);
    ASSERT_TRUE(res.is_ok()) << *q << ": " << res.status().message();
    ASSERT_FALSE(res->hits.empty()) << *q;
    for (const Hit& h : res->hits) {
      const auto it = std::find_if(docs_->begin(), docs_->end(), [&](const OracleDoc& d) { return d.id == h.id; });
      ASSERT_NE(it, docs_->end());
      for (const auto& m : h.matches) {
        const std::u32string got = norm.normalize(text::substr_code_points(it->text, m.start, m.end));
        ASSERT_NE(got.find(term), std::u32string::npos) << *q << " in " << h.id << " at " << m.start;
        ASSERT_LE(got.size(), term.size() + 8) << *q << " in " << h.id << " at " << m.start;
        exact += got == term;
      }
      for (const auto& sn : h.snippets) {
        ASSERT_EQ(sn.text, text::substr_code_points(it->text, sn.start, sn.end));
        for (const auto& [b, e] : sn.highlights) {
          const doc::Span abs{sn.start + b, sn.start + e};
          const bool whole = std::any_of(h.matches.begin(), h.matches.end(),
                                         [&](const doc::Span& m) { return m.start == abs.start && m.end == abs.end; });
          if (!whole) continue;  // merged with an overlapping match or cut by the window
          const std::u32string got = norm.normalize(text::substr_code_points(sn.text, b, e));
          ASSERT_NE(got.find(term), std::u32string::npos) << *q << " in " << h.id;
        }
      }
    }
  }
  EXPECT_GT(exact, 300u);
}

}  // namespace
}  // namespace wenyuan::search
