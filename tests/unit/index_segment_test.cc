// Segment format: postings decoded through PostingCursor equal a brute-force
// enumeration of the grams of real documents (doc lists, tf, positions, title
// and heading flags, skip-block seeking), and damaged bytes are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "support/segment_docs.h"
#include "wenyuan/index/manifest.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {
namespace {

std::vector<IndexDoc> load_sample() {
  std::vector<IndexDoc> docs = testing::sample_index_docs();
  for (IndexDoc& d : docs) {
    // Every line that starts with 第 is a "heading" here: enough to exercise the flag.
    uint32_t cp = 0, line_start = 0;
    const std::u32string u = text::decode_utf8(d.text);
    for (uint32_t i = 0; i <= u.size(); ++i) {
      if (i == u.size() || u[i] == U'\n') {
        if (i > line_start && u[line_start] == U'第') d.headings.push_back({line_start, std::min(i, line_start + 8)});
        line_start = i + 1;
      }
    }
    (void)cp;
  }
  IndexDoc sup;
  sup.id = "sup";
  sup.title = "扩展\U00020000字";
  sup.text = "\U00020000\U00020001 ABC abc 𠀀 Ｆｕｌｌ";
  sup.text_chars = static_cast<uint32_t>(text::count_code_points(sup.text));
  docs.push_back(sup);
  return docs;
}

struct Expected {
  std::map<uint32_t, std::vector<uint32_t>> positions;  // doc -> positions
};

// Brute force: every gram of every document with its positions.
std::map<uint64_t, Expected> enumerate(const std::vector<IndexDoc>& docs, std::vector<NormalizedDoc>& norms) {
  std::map<uint64_t, Expected> all;
  norms.resize(docs.size());
  for (uint32_t d = 0; d < docs.size(); ++d) {
    normalize_document(docs[d].title, docs[d].text, &norms[d]);
    const auto& c = norms[d].chars;
    for (uint32_t p = 0; p < c.size(); ++p) {
      if (c[p] == kSep) continue;
      all[unigram_key(c[p])].positions[d].push_back(p);
      if (p + 1 < c.size() && c[p + 1] != kSep) all[bigram_key(c[p], c[p + 1])].positions[d].push_back(p);
    }
  }
  return all;
}

TEST(SegmentTest, PostingsEqualBruteForceOnRealDocuments) {
  const auto docs = load_sample();
  ASSERT_GE(docs.size(), 40u);
  auto seg = testing::build_open_segment(docs);
  ASSERT_TRUE(seg.is_ok()) << seg.status().message();
  ASSERT_EQ((*seg)->doc_count(), docs.size());

  std::vector<NormalizedDoc> norms;
  const auto all = enumerate(docs, norms);
  size_t checked = 0;
  std::vector<uint32_t> pos;
  for (const auto& [key, want] : all) {
    GramPostings g = (*seg)->gram(key);
    ASSERT_EQ(g.df, want.positions.size()) << key;
    PostingCursor c(g);
    for (const auto& [d, ps] : want.positions) {
      ASSERT_FALSE(c.done());
      ASSERT_EQ(c.doc(), d);
      ASSERT_EQ(c.tf(), ps.size());
      ASSERT_EQ(c.in_title(), ps.front() < norms[d].title_len);
      const DocMeta m = (*seg)->doc(d);
      const uint32_t len = is_unigram_key(key) ? 1 : 2;
      bool head = false;
      for (uint32_t p : ps) head |= m.in_heading(p, len);
      ASSERT_EQ(c.in_heading(), head);
      if (!is_unigram_key(key)) {
        pos.clear();
        c.positions(pos);
        ASSERT_EQ(pos, ps);
      }
      c.next();
      ++checked;
    }
    ASSERT_TRUE(c.done());
  }
  EXPECT_GT(checked, 100000u);
  // Absent grams.
  EXPECT_EQ((*seg)->gram(bigram_key(U'\U0010FFFD', U'x')).df, 0u);
  // Metadata and text come back as given.
  for (uint32_t d = 0; d < docs.size(); ++d) {
    const DocMeta m = (*seg)->doc(d);
    EXPECT_EQ(m.id, docs[d].id);
    EXPECT_EQ(m.title, docs[d].title);
    EXPECT_EQ(m.title_len, norms[d].title_len);
    EXPECT_EQ(m.norm_len, norms[d].chars.size());
    auto t = (*seg)->load_doc(d);
    ASSERT_TRUE(t.is_ok());
    EXPECT_EQ(t->text, docs[d].text);
    EXPECT_EQ(t->headings.size(), docs[d].headings.size());
  }
}

// Many documents over a tiny alphabet: long posting lists with skip blocks.
TEST(SegmentTest, AdvanceWithSkipBlocksMatchesLinearScan) {
  std::mt19937 rng(5);
  const std::u32string alphabet = U"甲乙丙丁戊";
  std::vector<IndexDoc> docs(1500);
  for (size_t i = 0; i < docs.size(); ++i) {
    docs[i].id = std::to_string(i);
    std::u32string t;
    const size_t n = 1 + rng() % 12;
    for (size_t k = 0; k < n; ++k) t.push_back(alphabet[rng() % alphabet.size()]);
    docs[i].text = text::encode_utf8(t);
  }
  auto seg = testing::build_open_segment(docs);
  ASSERT_TRUE(seg.is_ok()) << seg.status().message();
  std::vector<NormalizedDoc> norms;
  const auto all = enumerate(docs, norms);
  size_t with_skips = 0;
  for (const auto& [key, want] : all) {
    GramPostings g = (*seg)->gram(key);
    with_skips += g.skip != nullptr;
    std::vector<uint32_t> ds;
    for (const auto& [d, ps] : want.positions) ds.push_back(d);
    for (int trial = 0; trial < 20; ++trial) {
      PostingCursor c(g);
      uint32_t target = 0;
      while (true) {
        target += 1 + rng() % 300;
        c.advance(target);
        auto it = std::lower_bound(ds.begin(), ds.end(), target);
        if (it == ds.end()) {
          ASSERT_TRUE(c.done());
          break;
        }
        ASSERT_FALSE(c.done());
        ASSERT_EQ(c.doc(), *it);
        ASSERT_EQ(c.tf(), want.positions.at(*it).size());
        if (!is_unigram_key(key)) {
          std::vector<uint32_t> pos;
          c.positions(pos);
          ASSERT_EQ(pos, want.positions.at(*it));
        }
      }
    }
  }
  EXPECT_GT(with_skips, 10u);
}

TEST(SegmentTest, DamagedBytesAreRefused) {
  auto docs = load_sample();
  docs.resize(3);
  std::vector<const IndexDoc*> ptrs;
  for (const auto& d : docs) ptrs.push_back(&d);
  auto bytes = build_segment(ptrs);
  ASSERT_TRUE(bytes.is_ok());
  const std::string good = *bytes;
  for (size_t at : {size_t{3}, size_t{100}, good.size() / 2, good.size() - 20, good.size() - 1}) {
    std::string bad = good;
    bad[at] ^= 0x40;
    auto s = Segment::open(std::make_shared<MemFile>(bad), "bad");
    ASSERT_FALSE(s.is_ok()) << at;
    EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  }
  for (size_t n : {size_t{0}, size_t{10}, good.size() / 2, good.size() - 1}) {
    auto s = Segment::open(std::make_shared<MemFile>(good.substr(0, n)), "short");
    EXPECT_FALSE(s.is_ok()) << n;
  }
}

TEST(ManifestTest, RoundTripAndCorruption) {
  Manifest m;
  m.generation = 3;
  m.catalog_seq = 99;
  m.next_segment = 8;
  for (uint64_t n : {2u, 5u, 7u}) {
    ManifestSegment s;
    s.number = n;
    s.n_docs = static_cast<uint32_t>(n * 3 + 1);
    s.deleted.assign((s.n_docs + 7) / 8, 0);
    s.set_deleted(0);
    s.set_deleted(s.n_docs - 1);
    m.segments.push_back(s);
  }
  const std::string b = encode_manifest(m);
  auto d = decode_manifest(b);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->catalog_seq, 99u);
  ASSERT_EQ(d->segments.size(), 3u);
  EXPECT_TRUE(d->segments[1].is_deleted(15));
  EXPECT_FALSE(d->segments[1].is_deleted(14));
  EXPECT_EQ(d->segments[2].deleted_count(), 2u);
  for (size_t i = 0; i < b.size(); ++i) {
    std::string bad = b;
    bad[i] ^= 1;
    EXPECT_FALSE(decode_manifest(bad).is_ok()) << i;
  }
  EXPECT_FALSE(decode_manifest(b.substr(0, b.size() - 1)).is_ok());
  uint64_t n = 0;
  EXPECT_TRUE(parse_segment_file_name(segment_file_name(42), &n));
  EXPECT_EQ(n, 42u);
  EXPECT_FALSE(parse_segment_file_name("seg-12a.wys", &n));
  EXPECT_FALSE(parse_segment_file_name("MANIFEST", &n));
}

}  // namespace
}  // namespace wenyuan::index
