// Duplicate clusters on real text (tests/data/corpus_sample.jsonl): the same
// document imported twice is an exact duplicate; a repost with another title,
// an extra header and footer and a few edited sentences is a near duplicate;
// an amended law with the same title family and another date is a version,
// not a duplicate; the other documents stay alone.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "support/check_drafts.h"
#include "wenyuan/dedup/clusters.h"

namespace wenyuan::dedup {
namespace {

std::vector<doc::Document> sample() {
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return check_drafts::documents_from_jsonl_lines(lines, "doc-");
}

// Every 8th sentence (cut at 。) gets words changed.
std::string edit_sentences(const std::string& text) {
  std::u32string t = text::decode_utf8(text), out;
  int sentence = 0;
  for (char32_t c : t) {
    out.push_back(c);
    if (c == U'。' && ++sentence % 8 == 0) out += U"这一句是改写过的新内容。";
  }
  return text::encode_utf8(out);
}

TEST(Clusters, ExactNearAndVersions) {
  auto docs = sample();
  FingerprintIndex index;
  for (const auto& d : docs) index.add(d);
  const auto& report = docs[0];  // a 政府工作报告
  index.add(check_drafts::make_document("exact-copy", report.title + "（转载）", report.text));
  index.add(check_drafts::make_document("repost", "转发：" + report.title,
                                        "来源：某某网 发布时间：2024年3月6日\n" + edit_sentences(report.text) +
                                            "\n（责任编辑：张三）扫码关注公众号获取更多资料"));
  // A law and its amended version: same title family, another date.
  size_t law = 0;
  for (size_t i = 0; i < docs.size(); ++i)
    if (docs[i].title.find("法") != std::string::npos && docs[i].text_chars > 3000) law = i;
  auto v1 = check_drafts::make_document("law-2010", docs[law].title, docs[law].text);
  v1.date = "2010-01-01";
  auto v2 = check_drafts::make_document("law-2018", docs[law].title + "（2018年修正）", edit_sentences(docs[law].text));
  v2.date = "2018-10-26";
  index.add(v1);
  index.add(v2);

  const Clusters c = find_clusters(index);
  auto cluster_ids = [&](const std::string& id) {
    std::set<std::string> out;
    const auto slot = index.slot_of(id);
    if (!slot || !c.cluster_of.count(*slot)) return out;
    for (const auto& m : c.clusters[c.cluster_of.at(*slot)].members) out.insert(index.doc(m.doc).id);
    return out;
  };
  EXPECT_EQ(cluster_ids(report.id), (std::set<std::string>{report.id, "exact-copy", "repost"}));
  const auto& cl = c.clusters[c.cluster_of.at(*index.slot_of(report.id))];
  for (const auto& m : cl.members) {
    const std::string& id = index.doc(m.doc).id;
    if (id == "exact-copy" || id == report.id) EXPECT_TRUE(m.exact) << id;  // the representative or its copy
    if (id == "repost") {
      EXPECT_FALSE(m.exact);
      EXPECT_GE(m.similarity, 0.8);
      EXPECT_LT(m.similarity, 1.0);
    }
  }
  // The law: versions, not duplicates; v1 and the original law (no date) are exact duplicates.
  EXPECT_EQ(cluster_ids("law-2018"), std::set<std::string>{});
  EXPECT_EQ(cluster_ids("law-2010"), (std::set<std::string>{"law-2010", docs[law].id}));
  const auto fam = c.family_of.find(*index.slot_of("law-2018"));
  ASSERT_NE(fam, c.family_of.end());
  const auto& f = c.versions[fam->second];
  ASSERT_GE(f.docs.size(), 2u);
  EXPECT_EQ(index.doc(f.docs[0]).id, "law-2010");  // date order
  EXPECT_EQ(index.doc(f.docs[1]).id, "law-2018");
  EXPECT_EQ(f.family, title_family(docs[law].title + "（2018年修正）"));
  // Nothing else is clustered.
  size_t clustered = 0;
  for (const auto& x : c.clusters) clustered += x.members.size();
  EXPECT_EQ(clustered, 5u);
}

TEST(Clusters, PaidTextDoesNotChangeWhatIsClustered) {
  auto docs = sample();
  // Two paid documents with the same preview: clustered whatever their paid text.
  for (int variant = 0; variant < 2; ++variant) {
    FingerprintIndex index;
    const std::u32string a = text::decode_utf8(docs[1].text);
    const std::u32string paid = text::decode_utf8(docs[2 + variant].text);
    for (const char* id : {"p1", "p2"}) {
      const std::u32string t = a.substr(0, 2000) + (std::string(id) == "p1" ? paid : a.substr(2000));
      auto d = check_drafts::make_document(id, id, text::encode_utf8(t));
      d.access = doc::Access::kPaid;
      d.regions = {{doc::RegionKind::kPreview, 0, 2000}, {doc::RegionKind::kPaid, 2000, d.text_chars}};
      index.add(d);
    }
    const Clusters c = find_clusters(index);
    ASSERT_EQ(c.clusters.size(), 1u) << variant;
    EXPECT_FALSE(c.clusters[0].members[1].exact);
    EXPECT_DOUBLE_EQ(c.clusters[0].members[1].similarity, 1.0);
  }
}

TEST(Clusters, TitleFamily) {
  EXPECT_EQ(title_family("中华人民共和国公司法（2018年修正）"), title_family("中华人民共和国公司法"));
  EXPECT_EQ(title_family("某某条例(2020)"), title_family("某某条例"));
  EXPECT_NE(title_family("某某条例"), title_family("某某办法"));
}

}  // namespace
}  // namespace wenyuan::dedup
