// Engine: exactness kept across segments, deletes, updates, merges and
// reopen (against the brute-force oracle of tests/support), ranking order,
// pagination, date sort, paragraph unit, match ranges, concurrent searches
// during commits.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <unistd.h>

#include "support/search_oracle.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/collapse.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::search {
namespace {

using oracle::OracleDoc;

std::vector<OracleDoc> sample_docs() {
  std::vector<OracleDoc> docs;
  oracle::for_each_line(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl", [&](const std::string& l) {
    if (auto d = oracle::doc_from_json(l, "s" + std::to_string(docs.size()))) docs.push_back(std::move(*d));
  });
  for (auto& d : docs) oracle::find_simple_headings(d);
  return docs;
}

// Compares `n` random substring queries and `nb` boolean ones; returns mismatches.
int compare(const Engine& e, const std::vector<OracleDoc>& live, uint32_t seed, int n, int nb) {
  oracle::Oracle o(live);
  oracle::QueryGen gen(live, seed);
  int bad = 0, nonempty = 0;
  auto check = [&](const std::string& q) {
    auto parsed = parse_query(q);
    if (!parsed.is_ok()) return;
    auto want = o.ids(parsed->root);
    auto got = e.matching_ids(*parsed);
    std::sort(got.begin(), got.end());
    nonempty += !want.empty();
    if (got != want && bad++ < 5) ADD_FAILURE() << q << "\n" << oracle::first_difference(want, got);
  };
  for (int i = 0; i < n; ++i) {
    const std::string s = gen.substring(40, 0.2);
    if (text::Normalizer::instance().normalize(s).empty()) continue;
    if (auto q = oracle::as_term(s, gen.chance(0.5))) check(*q);
  }
  for (int i = 0; i < nb; ++i) check(gen.boolean());
  EXPECT_GT(nonempty, n / 2);
  return bad;
}

TEST(EngineTest, ExactAcrossSegmentsDeletesUpdatesMergesAndReopen) {
  auto docs = sample_docs();
  ASSERT_EQ(docs.size(), 40u);
  const auto path = std::filesystem::temp_directory_path() / ("wenyuan_engine_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  const index::IndexOptions opts{.segment_chars = 150'000, .build_threads = 2};
  auto idx = index::Index::open(path, opts);
  ASSERT_TRUE(idx.is_ok()) << idx.status().message();
  for (size_t i = 0; i < docs.size(); ++i) {
    ASSERT_TRUE((*idx)->add(oracle::to_document(docs[i])).is_ok());
    if (i % 15 == 14) {
      ASSERT_TRUE((*idx)->commit(i).is_ok());
    }
  }
  ASSERT_TRUE((*idx)->commit(100).is_ok());
  EXPECT_GT((*idx)->stats().segments, 3u);
  Engine e(**idx);
  EXPECT_EQ(compare(e, docs, 1, 600, 150), 0);

  // Delete every fifth document, update every seventh (new title and text).
  std::vector<OracleDoc> live;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (i % 5 == 0) {
      ASSERT_TRUE((*idx)->remove(docs[i].id).is_ok());
      continue;
    }
    if (i % 7 == 0) {
      docs[i].title = "修订：" + docs[i].title;
      docs[i].text = "本次修订新增加的段落，含扩展区字\U00030F84。\n" + docs[i].text.substr(0, docs[i].text.size() / 2);
      docs[i].text = text::make_valid_utf8(docs[i].text);
      oracle::find_simple_headings(docs[i]);
      ASSERT_TRUE((*idx)->add(oracle::to_document(docs[i])).is_ok());
    }
    live.push_back(docs[i]);
  }
  ASSERT_TRUE((*idx)->commit(101).is_ok());
  EXPECT_EQ((*idx)->snapshot()->doc_count(), live.size());
  EXPECT_EQ(compare(e, live, 2, 600, 150), 0);
  auto upd = e.matching_ids("本次修订新增加");
  ASSERT_TRUE(upd.is_ok());
  EXPECT_EQ(upd->size(), 4u);  // i = 7, 14, 21, 28 (0 and 35 were deleted)

  ASSERT_TRUE((*idx)->optimize().is_ok());
  EXPECT_EQ((*idx)->stats().segments, 1u);
  EXPECT_EQ(compare(e, live, 3, 600, 150), 0);

  idx->reset();
  auto re = index::Index::open(path, opts);
  ASSERT_TRUE(re.is_ok()) << re.status().message();
  EXPECT_EQ((*re)->catalog_seq(), 101u);
  Engine e2(**re);
  EXPECT_EQ(compare(e2, live, 4, 400, 100), 0);
  std::filesystem::remove_all(path);
}

class SmallIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    auto idx = index::Index::open(std::make_shared<index::MemDirectory>());
    ASSERT_TRUE(idx.is_ok());
    index_ = std::move(*idx);
  }
  void add(const std::string& id, const std::string& title, const std::string& text, std::optional<int> year = {},
           std::vector<doc::Span> headings = {}) {
    OracleDoc d;
    d.id = id;
    d.title = title;
    d.text = text;
    d.year = year;
    d.headings = std::move(headings);
    doc::Document x = oracle::to_document(d);
    if (year) x.date = std::to_string(*year) + "-01-01";
    x.paragraphs = oracle::line_paragraphs(text);
    ASSERT_TRUE(index_->add(x).is_ok());
  }
  SearchResult run(const std::string& q, SearchRequest r = {}) {
    r.query = q;
    Engine e(*index_);
    auto res = e.search(r);
    EXPECT_TRUE(res.is_ok()) << q << ": " << res.status().message();
    return res.is_ok() ? std::move(*res) : SearchResult{};
  }
  static std::vector<std::string> ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.id);
    return out;
  }
  std::unique_ptr<index::Index> index_;
};

TEST_F(SmallIndex, TitleThenHeadingThenBody) {
  const std::string filler = "各地区各部门要认真贯彻落实，结合实际抓好工作。";
  add("body", "工作要点", filler + "加强公文处理的规范化。" + filler);
  add("title", "关于公文处理的通知", filler + "加强公文处理的规范化。" + filler);
  add("heading", "工作要点", "一、公文处理\n" + filler + filler, {}, {{0, 6}});
  add("none", "工作要点", filler + filler);
  ASSERT_TRUE(index_->commit(1).is_ok());
  SearchResult r = run("公文处理");
  EXPECT_EQ(r.total, 3u);
  EXPECT_EQ(ids(r), (std::vector<std::string>{"title", "heading", "body"}));
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
  EXPECT_EQ(ids(run("heading:公文处理")), (std::vector<std::string>{"heading"}));
  EXPECT_EQ(ids(run("title:公文")), (std::vector<std::string>{"title"}));
  EXPECT_EQ(run("公文处理 -title:通知").total, 2u);
  EXPECT_EQ(run("title:通知 | heading:公文").total, 2u);
}

TEST_F(SmallIndex, PaginationDateSortAndFilters) {
  for (int i = 0; i < 25; ++i) {
    add("d" + std::to_string(i), "报告" + std::to_string(i), std::string("政府工作报告") + std::string(static_cast<size_t>(i % 5) + 1, 'x'),
        2000 + (i * 7) % 25);
  }
  ASSERT_TRUE(index_->commit(1).is_ok());
  SearchRequest all;
  all.limit = 100;
  all.snippets = false;
  const SearchResult full = run("工作报告", all);
  ASSERT_EQ(full.total, 25u);
  ASSERT_EQ(full.hits.size(), 25u);
  std::vector<std::string> paged;
  for (size_t off = 0; off < 25; off += 10) {
    SearchRequest r;
    r.offset = off;
    r.limit = 10;
    const SearchResult p = run("工作报告", r);
    EXPECT_EQ(p.total, 25u);
    for (const auto& h : p.hits) paged.push_back(h.id);
  }
  EXPECT_EQ(paged, ids(full));
  SearchRequest by_date = all;
  by_date.sort = SearchRequest::Sort::kDate;
  const SearchResult d = run("工作报告", by_date);
  for (size_t i = 1; i < d.hits.size(); ++i) EXPECT_GE(*d.hits[i - 1].year, *d.hits[i].year);
  EXPECT_EQ(run("工作报告 year:2010..2014", all).total, 5u);
  EXPECT_EQ(run("工作报告 -year:2010..2014", all).total, 20u);
  SearchRequest none;
  none.limit = 0;
  const SearchResult c = run("工作报告", none);
  EXPECT_EQ(c.total, 25u);
  EXPECT_TRUE(c.hits.empty());
}

// An ids-only full set (ids_only, as `search --batch --limit 0` asks) has the
// same total, ids, order and scores as the full hits, packed, and no Hit; in
// date order too, and for an offset page. The relevance order of a whole set is
// a radix sort (collection.cc sort_by_score): scores tie here (equal texts) and
// differ (lengths), and the order must equal the comparator's partial_sort of a
// page, ties in index order.
TEST_F(SmallIndex, IdsOnlyFullSetKeepsTheOrder) {
  for (int i = 0; i < 30; ++i) {
    add("d" + std::to_string(i), "报告" + std::to_string(i),
        std::string("政府工作报告") + std::string(static_cast<size_t>(i % 4) * 3, 'y') + "工作报告", 2000 + (i * 11) % 17);
  }
  ASSERT_TRUE(index_->commit(1).is_ok());
  for (auto sort : {SearchRequest::Sort::kRelevance, SearchRequest::Sort::kDate}) {
    SearchRequest full;
    full.limit = SIZE_MAX;
    full.snippets = false;
    full.matches = false;
    full.sort = sort;
    SearchRequest bare = full;
    bare.ids_only = true;
    const SearchResult a = run("工作报告", full), b = run("工作报告", bare);
    ASSERT_EQ(a.total, 30u);
    EXPECT_EQ(b.total, a.total);
    EXPECT_TRUE(b.hits.empty());
    ASSERT_EQ(b.ids.size(), a.hits.size());
    for (size_t i = 0; i < b.ids.size(); ++i) {
      EXPECT_EQ(b.ids.id(i), a.hits[i].id);
      EXPECT_EQ(b.ids.scores[i], a.hits[i].score);
    }
    // A page (partial_sort with result_order) agrees with the whole set's order.
    SearchRequest page = full;
    page.limit = 7;
    page.offset = 5;
    const SearchResult p = run("工作报告", page);
    ASSERT_EQ(p.hits.size(), 7u);
    for (size_t i = 0; i < p.hits.size(); ++i) EXPECT_EQ(p.hits[i].id, a.hits[i + 5].id);
    bare.limit = 7;
    bare.offset = 5;
    const SearchResult bp = run("工作报告", bare);
    ASSERT_EQ(bp.ids.size(), 7u);
    for (size_t i = 0; i < bp.ids.size(); ++i) EXPECT_EQ(bp.ids.id(i), p.hits[i].id);
  }
  int distinct = 0;  // the fixture must hold both ties and differing scores
  SearchRequest full;
  full.limit = SIZE_MAX;
  full.snippets = false;
  full.matches = false;
  const SearchResult a = run("工作报告", full);
  for (size_t i = 1; i < a.hits.size(); ++i) distinct += a.hits[i].score != a.hits[i - 1].score;
  EXPECT_GT(distinct, 0);
  EXPECT_LT(distinct, 29);
}

// Folding reads text for the page only (search_folded: the query executed once,
// its ranked ids folded, text read for the page's hits). Its pages,
// and the count of hits left after folding, must equal the
// one-search way, the reference here: the whole window searched with snippets,
// folded with collapse(), the page cut. Clusters of several sizes, pages deep
// enough that the window grows, member and non-member, relevance and date.
TEST_F(SmallIndex, FoldedPagesReadTextForThePageAloneAndMatchOneSearch) {
  std::map<std::string, uint64_t> cluster;
  for (int i = 0; i < 80; ++i) {
    const std::string id = "d" + std::to_string(i);
    add(id, "报告" + std::to_string(i),
        "今年政府工作报告提出" + std::string(static_cast<size_t>(i % 7) * 2, 'x') + "，工作报告要求抓好落实。" +
            std::string(static_cast<size_t>(i % 3), 'y') + "报告\n" +
            // Half the documents repeat the first paragraph: hits of equal score, adjacent in rank.
            (i % 2 == 0 ? "今年政府工作报告提出" + std::string(static_cast<size_t>(i % 7) * 2, 'x') + "，工作报告要求抓好落实。" +
                              std::string(static_cast<size_t>(i % 3), 'y') + "报告"
                        : "第二段也有报告" + std::string(static_cast<size_t>(i % 5), 'z') + "。"),
        2000 + i % 9);
    if (i % 5 != 0) cluster[id] = static_cast<uint64_t>(i % 4);  // four big clusters and singletons
  }
  ASSERT_TRUE(index_->commit(1).is_ok());
  const ClusterOf of = [&](const std::string& id) -> std::optional<uint64_t> {
    auto it = cluster.find(id);
    return it == cluster.end() ? std::nullopt : std::optional<uint64_t>(it->second);
  };
  Engine e(*index_);
  int compared = 0, same_document_on_a_page = 0, paragraph_counts_known = 0;
  for (auto unit : {SearchRequest::Unit::kDocument, SearchRequest::Unit::kParagraph})
  for (auto sort : {SearchRequest::Sort::kRelevance, SearchRequest::Sort::kDate}) {
    for (bool vis : {false, true}) {
      for (size_t offset : {0, 3, 10, 15}) {
        SearchRequest r;
        r.query = "报告";
        r.unit = unit;
        r.sort = sort;
        r.visible_only = vis;
        r.offset = offset;
        r.limit = 5;
        auto q = parse_query(r.query);
        ASSERT_TRUE(q.is_ok());
        auto got = search_folded(e, *q, r, of);
        ASSERT_TRUE(got.is_ok()) << got.status().message();
        // The reference: one search of a window big enough for every page, with text.
        SearchRequest wide = r;
        wide.offset = 0;
        wide.limit = 1000;
        auto all = e.search(*q, wide);
        ASSERT_TRUE(all.is_ok());
        std::vector<Hit> hits = all->hits;
        const auto folded = collapse(hits, of);
        EXPECT_EQ(got->result.total, all->total);
        // 「共 N 篇」: every match folded. The document unit knows it (80
        // matches fit the fold window), whether or not the window it ordered
        // reached them all; the paragraph unit when its window did.
        if (unit == SearchRequest::Unit::kDocument) {
          ASSERT_TRUE(got->shown_total.has_value());
          EXPECT_EQ(*got->shown_total, hits.size());
        } else if (got->shown_total) {
          EXPECT_EQ(*got->shown_total, hits.size());
          ++paragraph_counts_known;
        }
        ASSERT_EQ(got->result.hits.size(), std::min<size_t>(5, hits.size() > offset ? hits.size() - offset : 0));
        for (size_t i = 0; i < got->result.hits.size(); ++i) {
          const Hit& a = got->result.hits[i];
          const Hit& b = hits[offset + i];
          EXPECT_EQ(a.id, b.id);
          EXPECT_EQ(a.score, b.score);
          ASSERT_EQ(a.paragraph.has_value(), unit == SearchRequest::Unit::kParagraph);
          if (a.paragraph) {
            ASSERT_TRUE(b.paragraph.has_value());
            EXPECT_EQ(a.paragraph->start, b.paragraph->start) << a.id;
            EXPECT_EQ(a.paragraph->end, b.paragraph->end) << a.id;
          }
          ASSERT_EQ(a.snippets.size(), b.snippets.size()) << a.id;
          ASSERT_FALSE(a.snippets.empty()) << a.id;
          for (size_t k = 0; k < a.snippets.size(); ++k) {
            EXPECT_EQ(a.snippets[k].text, b.snippets[k].text);
            EXPECT_EQ(a.snippets[k].highlights, b.snippets[k].highlights);
          }
          ASSERT_EQ(a.matches.size(), b.matches.size());
          for (size_t k = 0; k < a.matches.size(); ++k) {
            EXPECT_EQ(a.matches[k].start, b.matches[k].start);
            EXPECT_EQ(a.matches[k].end, b.matches[k].end);
          }
          EXPECT_FALSE(a.matches.empty());
          ++compared;
          for (size_t k = 0; k < i; ++k) same_document_on_a_page += got->result.hits[k].id == a.id;
        }
      }
    }
  }
  // 20 kept documents (four clusters, 16 singletons), and in the paragraph unit
  // both paragraphs of each singleton: every page is full; pages of the
  // paragraph unit hold two hits of one document.
  EXPECT_EQ(compared, 2 * 2 * 2 * 4 * 5);
  EXPECT_GT(same_document_on_a_page, 0);
  EXPECT_GT(paragraph_counts_known, 0);  // the deep pages' windows grew to every paragraph
  EXPECT_LT(paragraph_counts_known, 2 * 2 * 4);  // the first pages' did not
}

TEST_F(SmallIndex, ParagraphUnit) {
  add("p", "段落测试", "第一段只有甲方。\n第二段有甲方也有乙方。\n第三段只有乙方。\n第四段甲方乙方甲方。");
  add("q", "另一篇", "甲方与乙方在同一段。\n丙方。");
  ASSERT_TRUE(index_->commit(1).is_ok());
  SearchRequest r;
  r.unit = SearchRequest::Unit::kParagraph;
  r.limit = 10;
  const SearchResult res = run("甲方 乙方", r);
  EXPECT_EQ(res.total, 3u);
  ASSERT_EQ(res.hits.size(), 3u);
  for (const auto& h : res.hits) {
    ASSERT_TRUE(h.paragraph.has_value());
    EXPECT_FALSE(h.matches.empty());
    for (const auto& m : h.matches) {
      EXPECT_GE(m.start, h.paragraph->start);
      EXPECT_LE(m.end, h.paragraph->end);
    }
  }
  EXPECT_EQ(res.hits[0].id, "p");  // four matches in a short paragraph
  // A paragraph hit's snippet is its paragraph, nothing of the neighbours.
  for (const auto& h : res.hits) {
    ASSERT_EQ(h.snippets.size(), 1u);
    EXPECT_EQ(h.snippets[0].start, h.paragraph->start);
    EXPECT_EQ(h.snippets[0].end, h.paragraph->end);
  }
  EXPECT_EQ(res.hits[0].snippets[0].text, "第四段甲方乙方甲方。");
  EXPECT_EQ(run("甲方 乙方 -丙方", r).total, 2u);  // NOT is per document
  EXPECT_EQ(run("甲方 | 丙方", r).total, 5u);
  // A title-only query holds in every paragraph of the document.
  const SearchResult t = run("title:段落测试", r);
  EXPECT_EQ(t.total, 4u);
  for (const auto& h : t.hits) {
    ASSERT_EQ(h.snippets.size(), 1u);
    EXPECT_EQ(h.snippets[0].start, h.paragraph->start);
    EXPECT_EQ(h.snippets[0].end, h.paragraph->end);
  }
  EXPECT_EQ(run("title:段落测试 | 丙方", r).total, 5u);
  // Document unit: the snippet stays in the matching paragraph too.
  const SearchResult d = run("丙方");
  ASSERT_EQ(d.hits.size(), 1u);
  ASSERT_EQ(d.hits[0].snippets.size(), 1u);
  EXPECT_EQ(d.hits[0].snippets[0].text, "丙方。");
}

TEST_F(SmallIndex, JinjuRanksASentenceAboveAShortHeading) {
  // 金句 (issue 13): "二、国旗管理" was ranked first because the length norm
  // favours short paragraphs; a sentence worth quoting must come first.
  add("h", "国旗法", "二、国旗管理\n国旗及其图案不得用作商标、授予专利权的外观设计和商业广告，不得用于私人丧事活动等不适当的场合。");
  ASSERT_TRUE(index_->commit(1).is_ok());
  SearchRequest r;
  r.unit = SearchRequest::Unit::kParagraph;
  r.limit = 10;
  const SearchResult res = run("国旗", r);
  ASSERT_EQ(res.total, 2u);
  ASSERT_TRUE(res.hits[0].paragraph.has_value());
  EXPECT_GT(res.hits[0].paragraph->end - res.hits[0].paragraph->start, 40u) << res.hits[0].snippets[0].text;
  EXPECT_GT(res.hits[0].score, res.hits[1].score);
}

TEST_F(SmallIndex, TypeFilterUsesTheWenzhong) {
  OracleDoc a;
  a.id = "a";
  a.title = "关于开展检查的通知";
  a.text = "开展安全检查。";
  doc::Document x = oracle::to_document(a);
  x.type = "通知";
  ASSERT_TRUE(index_->add(x).is_ok());
  a.id = "b";
  a.title = "安全检查工作总结";
  x = oracle::to_document(a);
  x.type = "工作总结";
  ASSERT_TRUE(index_->add(x).is_ok());
  ASSERT_TRUE(index_->commit(1).is_ok());
  EXPECT_EQ(ids(run("安全检查 type:通知")), (std::vector<std::string>{"a"}));
  EXPECT_EQ(ids(run("安全检查 type:工作总结")), (std::vector<std::string>{"b"}));
  EXPECT_EQ(run("安全检查 -type:通知").total, 1u);
  EXPECT_EQ(run("安全检查 type:通").total, 0u);  // exact, not a prefix
  EXPECT_EQ(run("安全检查").hits[0].type.empty(), false);
}

TEST_F(SmallIndex, MatchesAreOriginalOffsets) {
  // Traditional and full-width forms in the text; the query is simplified, half-width.
  add("t", "測試", "前言。經濟發展ＧＤＰ增長２０２４年。\n再談经济。");
  ASSERT_TRUE(index_->commit(1).is_ok());
  const SearchResult r = run("经济");
  ASSERT_EQ(r.hits.size(), 1u);
  ASSERT_EQ(r.hits[0].matches.size(), 2u);
  EXPECT_EQ(r.hits[0].matches[0].start, 3u);
  EXPECT_EQ(r.hits[0].matches[0].end, 5u);
  EXPECT_EQ(r.hits[0].matches[1].start, 21u);  // 前言。經濟發展ＧＤＰ增長２０２４年。\n再談 = 21 code points
  EXPECT_FALSE(r.hits[0].snippets.empty());
  const SearchResult g = run("gdp增长2024");
  ASSERT_EQ(g.hits.size(), 1u);
  ASSERT_EQ(g.hits[0].matches.size(), 1u);
  EXPECT_EQ(g.hits[0].matches[0].start, 7u);
  EXPECT_EQ(g.hits[0].matches[0].end, 16u);
  EXPECT_EQ(run("title:测试").total, 1u);
  EXPECT_EQ(run("试前").total, 0u);  // never across title and text
}

TEST_F(SmallIndex, SearchesRunWhileWriterCommits) {
  add("seed", "种子", "公文处理工作条例");
  ASSERT_TRUE(index_->commit(0).is_ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      Engine e(*index_);
      uint64_t last = 0;
      while (!stop) {
        SearchRequest r;
        r.query = "公文处理";
        auto res = e.search(r);
        EXPECT_TRUE(res.is_ok());
        if (!res.is_ok()) break;
        EXPECT_GE(res->total, last);
        last = res->total;
      }
    });
  }
  for (int round = 1; round <= 20; ++round) {
    for (int k = 0; k < 3; ++k) add("r" + std::to_string(round * 10 + k), "通知", "关于公文处理的第" + std::to_string(k) + "项规定");
    EXPECT_TRUE(index_->commit(static_cast<uint64_t>(round)).is_ok());
    if (round % 6 == 0) {
      EXPECT_TRUE(index_->optimize().is_ok());
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(run("公文处理").total, 61u);
}

TEST_F(SmallIndex, BadQueryIsAnError) {
  add("a", "x", "y");
  ASSERT_TRUE(index_->commit(1).is_ok());
  Engine e(*index_);
  SearchRequest r;
  r.query = "(unbalanced";
  EXPECT_FALSE(e.search(r).is_ok());
}

}  // namespace
}  // namespace wenyuan::search
