// The text store (text_store.h): the sparse origin map answers exactly as the
// dense one the Normalizer gives, and the blocks give back the text, on the
// real documents of tests/data/corpus_sample.jsonl, on a many-block document
// with whitespace, NFKC-expanding and supplementary-plane characters placed at
// every block edge, a one-block document, an empty one and ill-formed UTF-8.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "support/segment_docs.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/index/text_store.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {
namespace {

std::vector<std::pair<uint32_t, uint32_t>> pairs(const std::vector<doc::Span>& v) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const auto& s : v) out.push_back({s.start, s.end});
  return out;
}

IndexDoc make_doc(std::string id, std::string text) {
  IndexDoc d;
  d.id = std::move(id);
  d.title = "标题";
  d.text = std::move(text);
  d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
  d.sentences = {{0, d.text_chars}};
  d.paragraphs = {{0, d.text_chars}};
  return d;
}

std::vector<IndexDoc> load_docs() {
  std::vector<IndexDoc> docs;
  std::string all;
  for (const IndexDoc& s : testing::sample_index_docs()) {
    docs.push_back(make_doc(s.id, s.text));
    all += s.text;
    all += '\n';
  }
  // Many blocks: the sample's texts, with characters that do not map 1:1 placed
  // just before, at and after every block's byte target (a space, an
  // ideographic space, ㍿ -> 株式会社, ﬁ -> fi, a supplementary-plane character).
  std::string many;
  const std::string edge = " \u3000\u337F\uFB01\U00020000\n";
  for (size_t at = 0; at < all.size();) {
    size_t next = std::min(all.size(), at + kTextBlockBytes - 7);
    while (next < all.size() && (static_cast<unsigned char>(all[next]) & 0xC0) == 0x80) ++next;
    many.append(all, at, next - at);
    many += edge;
    at = next;
  }
  docs.push_back(make_doc("many", many));
  docs.push_back(make_doc("one", "一个块：\u337F  ﬁ\U00020000。"));
  docs.push_back(make_doc("empty", ""));
  docs.push_back(make_doc("spaces", "   \n\u3000 "));
  docs.push_back(make_doc("bad-utf8", std::string("ab\xE4\xB8\n\xFF\x80 cd\xF0\x9F", 13)));
  return docs;
}

TEST(TextStore, SparseOriginMapEqualsTheDenseOne) {
  const auto& norm = text::Normalizer::instance();
  size_t docs = 0, entries = 0, positions = 0;
  for (const IndexDoc& d : load_docs()) {
    std::u32string chars;
    std::vector<uint32_t> dense;
    norm.normalize(d.text, chars, &dense);
    const std::string enc = OriginMap::encode(dense);
    const OriginMap map(enc.data(), static_cast<uint32_t>(enc.size() / 8), static_cast<uint32_t>(dense.size()));
    for (uint32_t n = 0; n < dense.size(); ++n) ASSERT_EQ(map.origin(n), dense[n]) << d.id << " at " << n;
    // The cursor: in order, in strides, and backwards (any order is answered).
    for (uint32_t stride : {1u, 3u, 97u}) {
      OriginMap::Cursor c(map);
      for (uint32_t n = 0; n < dense.size(); n += stride) ASSERT_EQ(c.origin(n), dense[n]) << d.id << " at " << n;
    }
    {
      OriginMap::Cursor c(map);
      std::mt19937 rng(static_cast<uint32_t>(dense.size()));
      for (size_t k = 0; k < 200 && !dense.empty(); ++k) {
        const auto n = static_cast<uint32_t>(rng() % dense.size());
        ASSERT_EQ(c.origin(n), dense[n]) << d.id << " at " << n;
      }
    }
    for (uint32_t o = 0; o <= d.text_chars + 1; ++o) {
      const auto want = static_cast<uint32_t>(std::lower_bound(dense.begin(), dense.end(), o) - dense.begin());
      ASSERT_EQ(map.norm_of(o), want) << d.id << " at " << o;
    }
    ++docs;
    entries += map.entries();
    positions += dense.size();
  }
  EXPECT_EQ(docs, 45u);
  // Sparse: Chinese text maps 1:1 but for line breaks and indents.
  EXPECT_LT(entries * 10, positions);
}

TEST(TextStore, BlocksGiveBackTheTextAndTheSpans) {
  const auto docs = load_docs();
  auto seg = testing::build_open_segment(docs);
  ASSERT_TRUE(seg.is_ok()) << seg.status().message();
  const auto& norm = text::Normalizer::instance();
  uint32_t max_blocks = 0;
  for (uint32_t i = 0; i < docs.size(); ++i) {
    const IndexDoc& d = docs[i];
    auto t = (*seg)->load_text(i);
    ASSERT_TRUE(t.is_ok()) << t.status().message();
    EXPECT_EQ(t->text, d.text) << d.id;
    EXPECT_EQ(pairs(t->sentences), pairs(d.sentences)) << d.id;
    EXPECT_EQ(pairs(t->paragraphs), pairs(d.paragraphs)) << d.id;
    auto r = (*seg)->text_region(i);
    ASSERT_TRUE(r.is_ok());
    max_blocks = std::max(max_blocks, r->block_count());
    std::vector<uint32_t> dense;
    std::u32string chars;
    norm.normalize(d.text, chars, &dense);
    ASSERT_EQ(r->map().norm_len(), dense.size());
    // Each block alone: its bytes, code points and first normalized position.
    for (uint32_t b = 0; b < r->block_count(); ++b) {
      std::string piece;
      ASSERT_TRUE(r->decode(b, b + 1, piece).is_ok());
      const uint32_t cp0 = r->block_first_cp(b), cp1 = r->block_first_cp(b + 1);
      EXPECT_EQ(piece, text::substr_code_points(d.text, cp0, cp1)) << d.id << " block " << b;
      EXPECT_EQ(text::count_code_points(piece), cp1 - cp0);
      EXPECT_EQ(r->block_first_norm(b),
                static_cast<uint32_t>(std::lower_bound(dense.begin(), dense.end(), cp0) - dense.begin()));
      EXPECT_LE(piece.size(), kTextBlockBytes + 3);
      EXPECT_EQ(r->block_of_cp(cp0), b);
      EXPECT_EQ(r->block_of_cp(cp1 - 1), b);
    }
    EXPECT_EQ(r->block_first_cp(r->block_count()), d.text_chars) << d.id;
    if (d.text.empty()) {
      EXPECT_EQ(r->block_count(), 0u);
    }
    if (d.id == "one") {
      EXPECT_EQ(r->block_count(), 1u);
    }
    // A merge reads documents back whole, as they were given.
    auto back = (*seg)->load_doc(i);
    ASSERT_TRUE(back.is_ok());
    EXPECT_EQ(back->text, d.text);
  }
  EXPECT_GT(max_blocks, 20u);  // the many-block document
}

TEST(TextStore, DamagedRegionsAreRefused) {
  EXPECT_FALSE(TextRegion::parse("short", 0).is_ok());
  std::string r(20, '\0');
  r[4] = 5;  // five blocks, no table
  EXPECT_FALSE(TextRegion::parse(r, 0).is_ok());
}

}  // namespace
}  // namespace wenyuan::index
