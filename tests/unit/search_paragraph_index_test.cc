// The paragraph unit from the index (paragraph_index.cc): on the real documents
// of tests/data/corpus_sample.jsonl (some made paid, with one or several preview
// regions), for 1-, 2-, 3+-character terms, AND/OR/NOT, title:/heading:, as a
// member and as a non-member:
//  * the index path gives exactly the answers of the text path (every matching
//    document's text read and re-normalized): total, order, scores, paragraph
//    spans, matches, snippets;
//  * for single terms, `total` is what a brute-force scan finds: every
//    paragraph (clipped to each visible region for a non-member) normalized on
//    its own, counted when the normalized term occurs in it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "support/search_oracle.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {
namespace {

using oracle::OracleDoc;

struct Corpus {
  std::vector<index::IndexDoc> docs;
  std::vector<OracleDoc> odocs;
};

// The sample, paragraphs one per line; every third document paid: its first
// line(s) previewed, for every sixth two separate preview regions.
Corpus load() {
  Corpus c;
  oracle::for_each_line(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl", [&](const std::string& l) {
    if (auto d = oracle::doc_from_json(l, "s-" + std::to_string(c.odocs.size()))) c.odocs.push_back(std::move(*d));
  });
  OracleDoc edge;  // ends of fields: title and body ending in the same character
  edge.id = "edge-ends";
  edge.title = "关于发展的通知";
  edge.text = "第一段讲发展\n第二段也讲通知\n\n知";
  c.odocs.push_back(edge);
  for (size_t i = 0; i < c.odocs.size(); ++i) {
    auto& od = c.odocs[i];
    oracle::find_simple_headings(od);
    index::IndexDoc d = index::to_index_doc(oracle::to_document(od));
    d.paragraphs = oracle::line_paragraphs(od.text);
    if (i % 3 == 1 && d.text_chars > 40) {
      const uint32_t n = d.text_chars;
      if (i % 6 == 1) d.visible = std::vector<doc::Span>{{0, n / 5}, {n / 3, n / 2}};
      else d.visible = std::vector<doc::Span>{{0, n / 4}};
    }
    c.docs.push_back(std::move(d));
  }
  return c;
}

struct Lib {
  std::filesystem::path path;
  std::unique_ptr<index::Index> idx;
  explicit Lib(const std::vector<index::IndexDoc>& docs, const std::string& tag = "a") {
    path = std::filesystem::temp_directory_path() / ("wenyuan_para_index_" + tag + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    auto i = index::Index::open(path);
    EXPECT_TRUE(i.is_ok());
    idx = std::move(i.value());
    // Two commits: several segments.
    for (size_t k = 0; k < docs.size(); ++k) {
      EXPECT_TRUE(idx->add(docs[k]).is_ok());
      if (k == docs.size() / 2) {
        EXPECT_TRUE(idx->commit(1).is_ok());
      }
    }
    EXPECT_TRUE(idx->commit(2).is_ok());
  }
  ~Lib() { std::filesystem::remove_all(path); }
  SearchResult search(const std::string& q, bool visible, bool from_text, size_t limit = 10, size_t offset = 0,
                      SearchRequest::Sort sort = SearchRequest::Sort::kRelevance) {
    Engine e(*idx);
    SearchRequest r;
    r.query = q;
    r.visible_only = visible;
    r.unit = SearchRequest::Unit::kParagraph;
    r.paragraphs_from_text = from_text;
    r.limit = limit;
    r.offset = offset;
    r.sort = sort;
    auto res = e.search(r);
    EXPECT_TRUE(res.is_ok()) << q << ": " << res.status().message();
    return res.is_ok() ? *res : SearchResult{};
  }
};

// Brute force: paragraphs (pieces) whose own normalized text holds the term.
uint64_t brute_count(const Corpus& c, const std::u32string& term, bool visible) {
  const auto& nz = text::Normalizer::instance();
  uint64_t n = 0;
  for (const auto& d : c.docs) {
    std::vector<doc::Span> pieces;
    for (const auto& p : d.paragraphs) {
      if (!visible || !d.visible) {
        pieces.push_back(p);
        continue;
      }
      for (const auto& v : *d.visible) {
        const uint32_t a = std::max(p.start, v.start), b = std::min(p.end, v.end);
        if (a < b) pieces.push_back({a, b});
      }
    }
    for (const auto& p : pieces)
      if (nz.normalize(text::substr_code_points(d.text, p.start, p.end)).find(term) != std::u32string::npos) ++n;
  }
  return n;
}

void expect_same(const SearchResult& a, const SearchResult& b, const std::string& what) {
  ASSERT_EQ(a.total, b.total) << what;
  ASSERT_EQ(a.hits.size(), b.hits.size()) << what;
  for (size_t i = 0; i < a.hits.size(); ++i) {
    const Hit &x = a.hits[i], &y = b.hits[i];
    EXPECT_EQ(x.id, y.id) << what << " #" << i;
    EXPECT_EQ(x.score, y.score) << what << " #" << i;
    ASSERT_TRUE(x.paragraph && y.paragraph) << what;
    EXPECT_EQ(x.paragraph->start, y.paragraph->start) << what << " #" << i;
    EXPECT_EQ(x.paragraph->end, y.paragraph->end) << what << " #" << i;
    ASSERT_EQ(x.matches.size(), y.matches.size()) << what << " #" << i;
    for (size_t k = 0; k < x.matches.size(); ++k) EXPECT_EQ(x.matches[k].start, y.matches[k].start) << what;
    ASSERT_EQ(x.snippets.size(), y.snippets.size()) << what << " #" << i;
    for (size_t k = 0; k < x.snippets.size(); ++k) EXPECT_EQ(x.snippets[k].text, y.snippets[k].text) << what;
  }
}

class ParagraphIndex : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = new Corpus(load());
    lib_ = new Lib(corpus_->docs);
  }
  static void TearDownTestSuite() {
    delete lib_;
    delete corpus_;
  }
  static Corpus* corpus_;
  static Lib* lib_;
};
Corpus* ParagraphIndex::corpus_ = nullptr;
Lib* ParagraphIndex::lib_ = nullptr;

TEST_F(ParagraphIndex, SingleTermsCountWhatABruteForceScanCounts) {
  ASSERT_GT(corpus_->docs.size(), 20u);
  oracle::QueryGen gen(corpus_->odocs, 4242);
  const auto& nz = text::Normalizer::instance();
  size_t nonzero = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string q = gen.substring(i % 4 == 0 ? 1 : i % 4 == 1 ? 2 : i % 4 == 2 ? 3 : 7, 0.1);
    const std::u32string term = nz.normalize(q);
    if (term.empty() || q.find_first_of(" \t\n\"\\()-:") != std::string::npos) continue;
    for (bool vis : {false, true}) {
      const SearchResult idx = lib_->search("\"" + q + "\"", vis, false);
      EXPECT_EQ(idx.total, brute_count(*corpus_, term, vis)) << q << (vis ? " (non-member)" : " (member)");
      nonzero += idx.total > 0;
      expect_same(idx, lib_->search("\"" + q + "\"", vis, true), q);
    }
  }
  EXPECT_GT(nonzero, 60u);  // the queries are cut from the text: most match
}

TEST_F(ParagraphIndex, BooleanAndFieldQueriesMatchTheTextPath) {
  oracle::QueryGen gen(corpus_->odocs, 77);
  std::vector<std::string> qs = {"发展 通知", "发展 OR 工作", "发展 -通知", "title:通知 发展", "title:通知 OR 知",
                                 "title:通知", "heading:第一章", "heading:一 工作", "知", "的 -的", "工作 OR title:意见",
                                 "year:2020..2024 发展"};
  auto clean = [](std::string s) {
    for (char& ch : s)
      if (std::string_view(" \t\n\"\\()-:").find(ch) != std::string_view::npos) ch = '_';
    return s;
  };
  for (int i = 0; i < 60; ++i) {
    const std::string a = clean(gen.substring(i % 3 + 1, 0.1)), b = clean(gen.substring(2 + i % 4, 0.2));
    switch (i % 5) {
      case 0: qs.push_back("\"" + a + "\" \"" + b + "\""); break;
      case 1: qs.push_back("\"" + a + "\" OR \"" + b + "\""); break;
      case 2: qs.push_back("\"" + a + "\" -\"" + b + "\""); break;
      case 3: qs.push_back("title:\"" + b + "\" OR \"" + a + "\""); break;
      default: qs.push_back("heading:\"" + a + "\" OR \"" + b + "\""); break;
    }
  }
  size_t matched = 0;
  for (const auto& q : qs) {
    for (bool vis : {false, true}) {
      for (size_t limit : {size_t{10}, size_t{1000}}) {
        const SearchResult idx = lib_->search(q, vis, false, limit);
        matched += idx.total > 0;
        expect_same(idx, lib_->search(q, vis, true, limit), q + (vis ? " (non-member)" : " (member)"));
      }
    }
  }
  EXPECT_GT(matched, qs.size());
}

// One-character terms (paragraph_index.cc marks their occurrences in a bitmap
// and counts them per paragraph, densely or mark by mark, and keeps only the
// best offset+limit hits while scanning): the commonest characters of the
// sample (punctuation and 的: most paragraphs, far more than are kept) and the
// rarest (in one document only), alone, paged, sorted by date, and combined,
// against the brute-force count and the text path.
TEST_F(ParagraphIndex, CommonAndRareOneCharacterTermsMatchTheTextPath) {
  const auto& nz = text::Normalizer::instance();
  std::map<char32_t, size_t> occ, docs_with;
  for (const auto& d : corpus_->docs) {
    const std::u32string t = nz.normalize(d.text);
    std::map<char32_t, size_t> here;
    for (char32_t ch : t) ++here[ch];
    for (auto [ch, n] : here) {
      occ[ch] += n;
      ++docs_with[ch];
    }
  }
  std::vector<std::pair<size_t, char32_t>> by_count;
  for (auto [ch, n] : occ)
    if (ch != U'"' && ch != U'\\' && ch != U'-' && ch != U':' && ch != U'(' && ch != U')' && ch > U' ') by_count.push_back({n, ch});
  std::sort(by_count.rbegin(), by_count.rend());
  ASSERT_GT(by_count.size(), 100u);
  std::vector<char32_t> common, rare;
  for (size_t i = 0; i < 6; ++i) common.push_back(by_count[i].second);
  for (auto it = by_count.rbegin(); it != by_count.rend() && rare.size() < 6; ++it)
    if (docs_with[it->second] == 1) rare.push_back(it->second);
  ASSERT_EQ(rare.size(), 6u);
  auto q1 = [](char32_t ch) { return "\"" + text::encode_utf8(std::u32string(1, ch)) + "\""; };
  // The commonest character matches many more paragraphs than a page keeps
  // (the cut in paragraph_hits_from_index is exercised).
  ASSERT_GT(lib_->search(q1(common[0]), false, false).total, 1000u);
  for (bool vis : {false, true}) {
    const std::string who = vis ? " (non-member)" : " (member)";
    for (char32_t ch : common) {
      const std::string q = q1(ch);
      const SearchResult idx = lib_->search(q, vis, false);
      EXPECT_EQ(idx.total, brute_count(*corpus_, std::u32string(1, ch), vis)) << q << who;
      expect_same(idx, lib_->search(q, vis, true), q + who);
      for (size_t offset : {size_t{7}, size_t{300}})
        expect_same(lib_->search(q, vis, false, 10, offset), lib_->search(q, vis, true, 10, offset),
                    q + who + " offset " + std::to_string(offset));
      expect_same(lib_->search(q, vis, false, 1), lib_->search(q, vis, true, 1), q + who + " limit 1");
      expect_same(lib_->search(q, vis, false, 0), lib_->search(q, vis, true, 0), q + who + " limit 0");
      expect_same(lib_->search(q, vis, false, 10, 0, SearchRequest::Sort::kDate),
                  lib_->search(q, vis, true, 10, 0, SearchRequest::Sort::kDate), q + who + " by date");
      expect_same(lib_->search("heading:" + q, vis, false), lib_->search("heading:" + q, vis, true), "heading:" + q + who);
    }
    size_t rare_hits = 0;
    for (char32_t ch : rare) {
      const std::string q = q1(ch);
      const SearchResult idx = lib_->search(q, vis, false);
      EXPECT_EQ(idx.total, brute_count(*corpus_, std::u32string(1, ch), vis)) << q << who;
      rare_hits += idx.total;
      expect_same(idx, lib_->search(q, vis, true), q + who);
    }
    if (!vis) {
      EXPECT_GE(rare_hits, rare.size());  // each occurs in some paragraph
    }
    // Several terms, one-character ones among them.
    const std::vector<std::string> multi = {
        q1(common[0]) + " " + q1(common[1]),        q1(common[0]) + " OR " + q1(rare[0]),
        q1(common[1]) + " -" + q1(common[0]),       q1(rare[1]) + " " + q1(common[2]),
        q1(common[0]) + " " + q1(common[0]),        "title:" + q1(common[3]) + " " + q1(common[4]),
        q1(common[2]) + " OR 发展 OR " + q1(rare[2]), q1(common[5]) + " 通知"};
    for (const auto& q : multi)
      for (size_t limit : {size_t{10}, size_t{1000}})
        expect_same(lib_->search(q, vis, false, limit), lib_->search(q, vis, true, limit), q + who);
  }
}

// The differential rule (docs/paywall.md) on the index path: a library whose
// paid text is different (every paid character but line breaks replaced) gives
// a non-member the same paragraph answers.
TEST_F(ParagraphIndex, PaidTextChangesNothingForNonMembers) {
  std::vector<index::IndexDoc> other = corpus_->docs;
  size_t changed = 0;
  for (auto& d : other) {
    if (!d.visible) continue;
    std::u32string u = text::decode_utf8(d.text);
    for (uint32_t i = 0; i < u.size(); ++i) {
      bool vis = false;
      for (const auto& v : *d.visible) vis |= v.start <= i && i < v.end;
      if (!vis && u[i] != U'\n') {
        u[i] = i % 2 ? U'甲' : U'的';
        ++changed;
      }
    }
    d.text = text::encode_utf8(u);
  }
  ASSERT_GT(changed, 1000u);
  Lib b(other, "b");
  oracle::QueryGen gen(corpus_->odocs, 99);
  std::vector<std::string> qs = {"的", "甲", "发展", "的 工作", "通知 OR 甲"};
  for (int i = 0; i < 40; ++i) {
    std::string q = gen.substring(1 + i % 4, 0.1);
    if (q.find_first_of(" \t\n\"\\()-:") != std::string::npos) continue;
    qs.push_back("\"" + q + "\"");
  }
  for (const auto& q : qs) {
    const SearchResult x = lib_->search(q, true, false, 50), y = b.search(q, true, false, 50);
    expect_same(x, y, q + " (non-member, paid text differs)");
    expect_same(lib_->search(q, true, true, 50), b.search(q, true, true, 50), q + " (text path, paid text differs)");
    if (x.total != y.total) {
      const SearchResult xa = lib_->search(q, true, false, 100000), ya = b.search(q, true, false, 100000);
      std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> ma, mb;
      for (const auto& h : xa.hits) ma[h.id].push_back({h.paragraph->start, h.paragraph->end});
      for (const auto& h : ya.hits) mb[h.id].push_back({h.paragraph->start, h.paragraph->end});
      for (auto& [id, v] : ma) {
        std::sort(v.begin(), v.end());
        std::sort(mb[id].begin(), mb[id].end());
        if (v != mb[id]) {
          ADD_FAILURE() << id << " " << v.size() << " vs " << mb[id].size();
          for (auto [a, z] : v) std::cerr << "A " << a << "-" << z << "\n";
          for (auto [a, z] : mb[id]) std::cerr << "B " << a << "-" << z << "\n";
        }
      }
    }
  }
  // And the member sees the difference.
  EXPECT_NE(lib_->search("甲", false, false).total, b.search("甲", false, false).total);
}

}  // namespace
}  // namespace wenyuan::search
