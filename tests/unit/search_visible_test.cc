// SearchRequest::visible_only (docs/paywall.md): terms count in visible text
// only — unigrams, bigrams, phrases across a paid region, scores, paragraph
// hits, snippets — identically after a merge (segments rebuilt from segments);
// and an old-format segment is refused with the way out.
#include <gtest/gtest.h>

#include <unistd.h>

#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {
namespace {

// A document: preview text, then paid text (visible = the preview).
index::IndexDoc paid_doc(const std::string& id, const std::string& preview, const std::string& paid) {
  index::IndexDoc d;
  d.id = id;
  d.title = "关于试读的通知";
  d.text = preview + paid;
  d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
  const auto pv = static_cast<uint32_t>(text::count_code_points(preview));
  d.paragraphs = {{0, pv - 1}, {pv, d.text_chars}};
  d.sentences = d.paragraphs;
  d.visible = std::vector<doc::Span>{{0, pv}};
  d.year = 2031;         // as if the paid text named it
  d.public_year = 2023;  // what the preview and the record say
  return d;
}

struct Lib {
  std::filesystem::path path;
  std::unique_ptr<index::Index> idx;
  explicit Lib(const std::vector<index::IndexDoc>& docs, const std::string& tag) {
    path = std::filesystem::temp_directory_path() / ("wenyuan_visible_" + tag + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    auto i = index::Index::open(path);
    EXPECT_TRUE(i.is_ok());
    idx = std::move(i.value());
    for (const auto& d : docs) EXPECT_TRUE(idx->add(d).is_ok());
    EXPECT_TRUE(idx->commit(1).is_ok());
  }
  ~Lib() { std::filesystem::remove_all(path); }
  SearchResult search(const std::string& q, bool visible, SearchRequest::Unit unit = SearchRequest::Unit::kDocument) {
    Engine e(*idx);
    SearchRequest r;
    r.query = q;
    r.visible_only = visible;
    r.unit = unit;
    auto res = e.search(r);
    EXPECT_TRUE(res.is_ok()) << q << ": " << res.status().message();
    return res.is_ok() ? *res : SearchResult{};
  }
};

const std::string kPreview = "公开段落讲工作。\n";

TEST(SearchVisible, PaidOccurrencesDoNotCountForNonMembers) {
  Lib lib({paid_doc("a", kPreview, "付费秘密公开工作内容。"), paid_doc("b", kPreview, "另外的文字。")}, "a");
  for (const char* q : {"秘", "秘密", "付费秘密", "\"。付\"", "作。付费"}) {
    EXPECT_EQ(lib.search(q, true).total, 0u) << q;  // only in paid text, or across the boundary
    EXPECT_EQ(lib.search(q, false).total, 1u) << q;
  }
  EXPECT_EQ(lib.search("公开", true).total, 2u);
  EXPECT_EQ(lib.search("year:2023 公开", true).total, 2u);
  EXPECT_EQ(lib.search("year:2031 公开", true).total, 0u);
  EXPECT_EQ(lib.search("year:2031 公开", false).total, 2u);
  // Same visible text, different paid text: the same scores and hits for a
  // non-member, not for a member.
  auto v = lib.search("公开 工作", true);
  ASSERT_EQ(v.hits.size(), 2u);
  EXPECT_EQ(v.hits[0].score, v.hits[1].score);
  EXPECT_EQ(v.hits[0].year, 2023);
  auto m = lib.search("公开 工作", false);
  ASSERT_EQ(m.hits.size(), 2u);
  EXPECT_NE(m.hits[0].score, m.hits[1].score);
  // Snippets of a non-member never hold paid text.
  for (const auto& h : v.hits)
    for (const auto& s : h.snippets) EXPECT_EQ(s.text.find("付费"), std::string::npos) << s.text;
  // Paragraph unit: the paid paragraph is never a hit.
  auto p = lib.search("公开", true, SearchRequest::Unit::kParagraph);
  EXPECT_EQ(p.total, 2u);
  for (const auto& h : p.hits) EXPECT_LE(h.paragraph->end, text::count_code_points(kPreview));
  EXPECT_EQ(lib.search("公开", false, SearchRequest::Unit::kParagraph).total, 3u);
}

TEST(SearchVisible, MergedSegmentsKeepVisibility) {
  Lib lib({paid_doc("a", kPreview, "付费秘密。")}, "m");
  ASSERT_TRUE(lib.idx->add(paid_doc("b", kPreview, "别的秘密。")).is_ok());
  ASSERT_TRUE(lib.idx->commit(2).is_ok());
  ASSERT_TRUE(lib.idx->optimize().is_ok());
  EXPECT_EQ(lib.search("秘密", true).total, 0u);
  EXPECT_EQ(lib.search("秘密", false).total, 2u);
  EXPECT_EQ(lib.search("讲工作", true).total, 2u);
  EXPECT_EQ(lib.search("讲工作", true).hits[0].year, 2023);
}

TEST(SearchVisible, OldSegmentFormatAsksForReindex) {
  auto d = paid_doc("a", kPreview, "付费。");
  auto bytes = index::build_segment({&d});
  ASSERT_TRUE(bytes.is_ok());
  std::string old = *bytes;
  old[7] = 1;
  struct Bytes : index::FileData {
    std::string b;
    const char* data() const override { return b.data(); }
    size_t size() const override { return b.size(); }
  };
  auto f = std::make_shared<Bytes>();
  f->b = old;
  auto s = index::Segment::open(f, "seg-000001.wys");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().message().find("wenyuan reindex"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace wenyuan::search
