// Duplicate clusters decided at import (store/clusters.h, dedup/sketch.h) on
// real text (tests/data/corpus_sample.jsonl): the same document imported twice
// is an exact duplicate; a repost with another title, an extra header and
// footer and a few edited sentences is a near duplicate; an amended law with
// the same title family and another date is a version, not a duplicate; the
// other documents stay alone. The clusters the catalog keeps are checked
// against a brute-force oracle (the rule applied to every pair, then connected
// components) in two import orders and after removals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "support/check_drafts.h"
#include "wenyuan/dedup/clusters.h"
#include "wenyuan/dedup/sketch.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/schema.h"

namespace wenyuan::dedup {
namespace {

namespace fs = std::filesystem;
using Partition = std::set<std::set<std::string>>;

std::vector<doc::Document> sample() {
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return check_drafts::documents_from_jsonl_lines(lines, "doc-");
}

// Every 8th sentence (cut at 。) gets a sentence added.
std::string edit_sentences(const std::string& text) {
  std::u32string t = text::decode_utf8(text), out;
  int sentence = 0;
  for (char32_t c : t) {
    out.push_back(c);
    if (c == U'。' && ++sentence % 8 == 0) out += U"这一句是改写过的新内容。";
  }
  return text::encode_utf8(out);
}

// The sample plus the duplicates and versions the tests expect.
struct Library {
  std::vector<doc::Document> docs;
  std::string report_id, law_id;
};

Library library() {
  Library l;
  l.docs = sample();
  const doc::Document report = l.docs[0];  // a 政府工作报告
  l.report_id = report.id;
  l.docs.push_back(check_drafts::make_document("exact-copy", report.title + "（转载）", report.text));
  l.docs.push_back(check_drafts::make_document("repost", "转发：" + report.title,
                                               "来源：某某网 发布时间：2024年3月6日\n" + edit_sentences(report.text) +
                                                   "\n（责任编辑：张三）扫码关注公众号获取更多资料"));
  size_t law = 0;
  for (size_t i = 0; i < l.docs.size(); ++i)
    if (l.docs[i].title.find("法") != std::string::npos && l.docs[i].text_chars > 3000) law = i;
  l.law_id = l.docs[law].id;
  auto v1 = check_drafts::make_document("law-2010", l.docs[law].title, l.docs[law].text);
  v1.date = "2010-01-01";
  auto v2 = check_drafts::make_document("law-2018", l.docs[law].title + "（2018年修正）", edit_sentences(l.docs[law].text));
  v2.date = "2018-10-26";
  l.docs.push_back(v1);
  l.docs.push_back(v2);
  return l;
}

class ClustersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("wenyuan_clusters_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<store::Catalog> open(const std::string& name) {
    auto c = store::Catalog::open(dir_ / name);
    EXPECT_TRUE(c) << c.status().message();
    return c ? std::move(c).value() : nullptr;
  }
  // The catalog wants a content hash (doc::prepare makes one on import).
  static doc::Document stamped(doc::Document d) {
    d.content_hash = std::to_string(std::hash<std::string>{}(d.title + '\n' + d.text));
    return d;
  }
  static void put(store::Catalog& c, const doc::Document& undated) {
    const doc::Document d = stamped(undated);
    store::EncodedDocument e = store::encode(d);
    e.dup = sketch(d);
    auto r = c.put(d, e, {});
    ASSERT_TRUE(r) << r.status().message();
  }
  static Partition stored(const store::Catalog& c) {
    auto groups = c.dup_clusters();
    EXPECT_TRUE(groups) << groups.status().message();
    Partition p;
    for (const auto& g : *groups) {
      std::set<std::string> ids;
      for (const auto& m : g.members) ids.insert(m.id);
      p.insert(ids);
    }
    return p;
  }
  fs::path dir_;
};

// The rule on every pair, then components (of two or more).
Partition oracle(const std::vector<doc::Document>& docs) {
  std::vector<store::DupSketch> s;
  for (const auto& d : docs) s.push_back(sketch(d));
  std::vector<size_t> parent(docs.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x];
    return x;
  };
  for (size_t i = 0; i < docs.size(); ++i)
    for (size_t j = i + 1; j < docs.size(); ++j) {
      double sim = 0;
      if (store::dup_linked(s[i], docs[i].date, s[j], docs[j].date, sim)) parent[find(i)] = find(j);
    }
  std::map<size_t, std::set<std::string>> groups;
  for (size_t i = 0; i < docs.size(); ++i) groups[find(i)].insert(docs[i].id);
  Partition p;
  for (auto& [root, ids] : groups)
    if (ids.size() >= 2) p.insert(ids);
  return p;
}

TEST_F(ClustersTest, ExactNearAndVersions) {
  const Library l = library();
  auto c = open("catalog.db");
  for (const auto& d : l.docs) put(*c, d);

  auto rel = c->dup_relations(l.report_id);
  ASSERT_TRUE(rel) << rel.status().message();
  std::map<std::string, store::DupMember> similar;
  for (const auto& m : rel->similar) similar[m.id] = m;
  ASSERT_EQ(similar.size(), 2u);
  EXPECT_TRUE(similar.at("exact-copy").exact);
  EXPECT_FALSE(similar.at("repost").exact);
  EXPECT_GE(similar.at("repost").similarity, store::kMinDupSimilarity);
  EXPECT_LT(similar.at("repost").similarity, 1.0);

  // Seen from the repost, both others are near, not exact (figures are to the asked document).
  auto from_repost = c->dup_relations("repost");
  ASSERT_TRUE(from_repost);
  ASSERT_EQ(from_repost->similar.size(), 2u);
  for (const auto& m : from_repost->similar) {
    EXPECT_FALSE(m.exact) << m.id;
    EXPECT_LT(m.similarity, 1.0) << m.id;
  }

  // The law: versions, not duplicates; v1 and the original law (no date) are exact duplicates.
  auto v2 = c->dup_relations("law-2018");
  ASSERT_TRUE(v2);
  EXPECT_TRUE(v2->similar.empty());
  ASSERT_GE(v2->versions.size(), 2u);
  EXPECT_EQ(v2->versions[0].id, "law-2010");  // date order, undated last
  EXPECT_EQ(v2->versions[1].id, "law-2018");
  EXPECT_TRUE(v2->versions[1].current);
  auto v1 = c->dup_relations("law-2010");
  ASSERT_TRUE(v1);
  ASSERT_EQ(v1->similar.size(), 1u);
  EXPECT_EQ(v1->similar[0].id, l.law_id);
  EXPECT_TRUE(v1->similar[0].exact);

  const Partition expected = {{l.report_id, "exact-copy", "repost"}, {l.law_id, "law-2010"}};
  EXPECT_EQ(stored(*c), expected);
  EXPECT_EQ(oracle(l.docs), expected);  // the oracle agrees with the hand-made expectation
  auto versions = c->dup_versions();
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(versions->at(0).family, title_family(l.docs.back().title));  // law-2018
}

// Import order and removals do not change the clusters: they are always the
// components of the rule's links among the stored documents.
TEST_F(ClustersTest, MatchTheBruteForceOracleInAnyOrderAndAfterRemovals) {
  Library l = library();
  // More near duplicates that chain: each a light edit of the one before.
  std::string t = l.docs[3].text;
  for (int k = 0; k < 3; ++k) {
    t = edit_sentences(t);
    l.docs.push_back(check_drafts::make_document("chain-" + std::to_string(k), "链" + std::to_string(k), t));
  }
  const Partition want = oracle(l.docs);
  ASSERT_GE(want.size(), 3u);

  auto in_order = open("a.db");
  for (const auto& d : l.docs) put(*in_order, d);
  EXPECT_EQ(stored(*in_order), want);

  std::vector<doc::Document> shuffled = l.docs;
  std::mt19937 rng(7);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  auto other = open("b.db");
  for (const auto& d : shuffled) put(*other, d);
  EXPECT_EQ(stored(*other), want);

  // Remove a middle link of the chain, and the report's exact copy; update the repost to other text.
  std::vector<doc::Document> left;
  for (const auto& d : l.docs)
    if (d.id != "chain-0" && d.id != "exact-copy") left.push_back(d);
  ASSERT_TRUE(other->remove("chain-0"));
  ASSERT_TRUE(other->remove("exact-copy"));
  for (auto& d : left)
    if (d.id == "repost") {
      d = check_drafts::make_document("repost", d.title, l.docs[5].text + "（转载）");
      put(*other, d);
    }
  EXPECT_EQ(stored(*other), oracle(left));
}

TEST_F(ClustersTest, PaidTextDoesNotChangeWhatIsClustered) {
  const auto docs = sample();
  // Two paid documents with the same preview: clustered whatever their paid text.
  for (int variant = 0; variant < 2; ++variant) {
    auto c = open("v" + std::to_string(variant) + ".db");
    const std::u32string a = text::decode_utf8(docs[1].text);
    const std::u32string paid = text::decode_utf8(docs[2 + variant].text);
    for (const char* id : {"p1", "p2"}) {
      const std::u32string text = a.substr(0, 2000) + (std::string(id) == "p1" ? paid : a.substr(2000));
      auto d = check_drafts::make_document(id, id, text::encode_utf8(text));
      d.access = doc::Access::kPaid;
      d.regions = {{doc::RegionKind::kPreview, 0, 2000}, {doc::RegionKind::kPaid, 2000, d.text_chars}};
      put(*c, d);
    }
    auto rel = c->dup_relations("p1");
    ASSERT_TRUE(rel);
    ASSERT_EQ(rel->similar.size(), 1u) << variant;
    EXPECT_FALSE(rel->similar[0].exact);  // exactness would depend on paid text
    EXPECT_DOUBLE_EQ(rel->similar[0].similarity, 1.0);
    EXPECT_FALSE(sketch(*c->get("p1")).text_hash);
  }
}

// An old library (schema v5) upgrades; its documents have no sketch until
// `wenyuan dups --rebuild` (put_sketch) gives them one.
TEST_F(ClustersTest, OldLibrariesUpgradeAndAreSketchedLater) {
  const Library l = library();
  {
    auto db = store::sqlite::Db::open((dir_ / "old.db").string());
    ASSERT_TRUE(db);
    ASSERT_TRUE(store::migrate(*db, 5));
  }
  auto c = open("old.db");
  for (const auto& d : l.docs) ASSERT_TRUE(c->put(stamped(d)));  // no sketch, as before v6
  EXPECT_TRUE(stored(*c).empty());
  auto missing = c->ids_without_sketch();
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->size(), l.docs.size());
  for (const auto& id : *missing) ASSERT_TRUE(c->put_sketch(id, sketch(*c->get(id))));
  EXPECT_EQ(stored(*c), oracle(l.docs));
  EXPECT_TRUE(c->ids_without_sketch()->empty());
}

TEST(Clusters, TitleFamily) {
  EXPECT_EQ(title_family("中华人民共和国公司法（2018年修正）"), title_family("中华人民共和国公司法"));
  EXPECT_EQ(title_family("某某条例(2020)"), title_family("某某条例"));
  EXPECT_NE(title_family("某某条例"), title_family("某某办法"));
}

TEST(Clusters, SketchSimilarityCountsFilledBins) {
  store::SketchBins a, b;
  a.fill(store::kEmptyBin);
  b.fill(store::kEmptyBin);
  EXPECT_EQ(store::sketch_similarity(a, b), 0.0);
  a[0] = b[0] = 5;
  a[1] = 6;
  b[1] = 7;
  a[2] = 1;  // filled in one only
  EXPECT_DOUBLE_EQ(store::sketch_similarity(a, b), 1.0 / 3);
  EXPECT_EQ(store::band_keys(a).size(), 1u);  // bins 0..3 are band 0; the other bands are empty
}

}  // namespace
}  // namespace wenyuan::dedup
