// Merging segments by copying their parts (segment_merger.h): the merged
// segment is byte for byte the segment a build from scratch makes of the live
// documents (so every search answer is the same: search_merge_oracle_test
// checks that too), and what the merge holds stays within the bound
// docs/intake.md states ("Memory of a merge").
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "wenyuan/index/index.h"
#include "wenyuan/index/segment_merger.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {
namespace {

// The sample corpus with every kind of span: paragraphs and sentences (lines),
// headings, and every third document paid (the first half visible, a public
// outline of its own and a public year).
std::vector<IndexDoc> load_sample() {
  std::vector<IndexDoc> docs;
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    // Each record cut into pieces of 25 lines: a few hundred documents, so that
    // posting lists cross 128-entry blocks.
    const std::string whole = j.value("text", "");
    std::vector<std::string> pieces(1);
    int lines = 0;
    for (char ch : whole) {
      pieces.back().push_back(ch);
      if (ch == '\n' && ++lines % 25 == 0) pieces.emplace_back();
    }
    for (size_t k = 0; k < pieces.size(); ++k) {
      IndexDoc d;
      d.id = "s" + std::to_string(docs.size());
      d.title = j.value("title", "") + (k ? " " + std::to_string(k) : "");
      d.text = pieces[k];
      d.date = j.value("date", "");
      d.source = j.value("source", "");
      d.category = j.value("category", "");
      d.type = docs.size() % 2 ? "通知" : "";
      if (d.date.size() >= 4) d.year = std::atoi(d.date.substr(0, 4).c_str());
      d.imported_at = 1700000000 + static_cast<int64_t>(docs.size());
      d.text_chars = static_cast<uint32_t>(text::count_code_points(d.text));
      const std::u32string u = text::decode_utf8(d.text);
      for (uint32_t b = 0; b <= u.size();) {
        uint32_t e = b;
        while (e < u.size() && u[e] != U'\n') ++e;
        d.paragraphs.push_back({b, e});
        if (e > b) d.sentences.push_back({b, e});
        if (e > b && e - b < 30) d.headings.push_back({b, e});
        b = e + 1;
      }
      if (docs.size() % 3 == 1 && d.text_chars > 20) {
        d.visible = std::vector<doc::Span>{{0, d.text_chars / 2}};
        d.public_headings.push_back({0, std::min<uint32_t>(5, d.text_chars / 2)});
        d.public_year = 2001;
      }
      docs.push_back(std::move(d));
    }
  }
  return docs;
}

std::shared_ptr<const Segment> open_image(std::string image, const std::string& name) {
  auto s = Segment::open(std::make_shared<MemFile>(std::move(image)), name);
  EXPECT_TRUE(s) << s.status().message();
  return s ? *s : nullptr;
}

struct Built {
  std::vector<std::shared_ptr<const Segment>> segments;
  std::vector<ManifestSegment> tombstones;
  std::vector<const IndexDoc*> live;  // in merged order
};

// Segments of `sizes` documents each, every `kill`-th document of the whole
// sequence tombstoned (none if kill == 0), plus the segments named in `all_dead`
// tombstoned wholly.
Built build(const std::vector<IndexDoc>& docs, const std::vector<size_t>& sizes, size_t kill,
            const std::vector<size_t>& all_dead = {}) {
  Built b;
  size_t at = 0;
  for (size_t si = 0; si < sizes.size(); ++si) {
    std::vector<const IndexDoc*> part;
    for (size_t i = 0; i < sizes[si] && at < docs.size(); ++i) part.push_back(&docs[at++]);
    auto image = build_segment(part);
    EXPECT_TRUE(image);
    b.segments.push_back(open_image(std::move(*image), "seg" + std::to_string(si)));
    ManifestSegment ms;
    ms.n_docs = static_cast<uint32_t>(part.size());
    ms.deleted.assign((ms.n_docs + 7) / 8, 0);
    const bool dead = std::find(all_dead.begin(), all_dead.end(), si) != all_dead.end();
    for (uint32_t d = 0; d < part.size(); ++d) {
      const size_t global = static_cast<size_t>(part[d] - docs.data());
      if (dead || (kill != 0 && global % kill == kill - 1)) ms.set_deleted(d);
      else b.live.push_back(part[d]);
    }
    b.tombstones.push_back(std::move(ms));
  }
  return b;
}

std::vector<MergeSource> sources_of(const Built& b) {
  std::vector<MergeSource> s;
  for (size_t i = 0; i < b.segments.size(); ++i) s.push_back({b.segments[i].get(), &b.tombstones[i]});
  return s;
}

std::string merge_to_string(const std::vector<MergeSource>& s, MergeStats* stats = nullptr) {
  std::string out;
  const Status st = merge_segments(s, [&](std::string_view bytes) {
    out.append(bytes);
    return Status::ok();
  }, stats);
  EXPECT_TRUE(st.is_ok()) << st.message();
  return out;
}

TEST(SegmentMerge, IsTheSegmentAFreshBuildMakesAndTheOldRebuildingMerge) {
  const auto docs = load_sample();
  ASSERT_GT(docs.size(), 260u);
  struct Case {
    std::vector<size_t> sizes;
    size_t kill;
    std::vector<size_t> all_dead;
  };
  // Sizes chosen so some source posting lists cross 128-entry skip blocks and
  // some merged ones start new blocks in the middle of a source's.
  const size_t n = docs.size();
  for (const Case& c : {Case{{n / 4, n / 4, n / 4, n}, 0, {}}, Case{{n / 4, n / 4, n / 4, n}, 5, {}},
                        Case{{7, 130, n / 3, n}, 3, {0}}, Case{{n}, 2, {}}, Case{{1, 1, 1, n}, 0, {1}}}) {
    const Built b = build(docs, c.sizes, c.kill, c.all_dead);
    MergeStats stats;
    const std::string merged = merge_to_string(sources_of(b), &stats);
    ASSERT_EQ(stats.docs, b.live.size());
    // A build from scratch of the live documents...
    auto fresh = build_segment(b.live);
    ASSERT_TRUE(fresh);
    EXPECT_TRUE(merged == *fresh) << "kill " << c.kill << ": the merge differs from a fresh build ("
                                  << merged.size() << " vs " << fresh->size() << " bytes)";
    // ...and the merge as it was before (every document read back and rebuilt).
    std::vector<IndexDoc> loaded;
    for (size_t i = 0; i < b.segments.size(); ++i)
      for (uint32_t d = 0; d < b.segments[i]->doc_count(); ++d)
        if (!b.tombstones[i].is_deleted(d)) loaded.push_back(*b.segments[i]->load_doc(d));
    std::vector<const IndexDoc*> ptrs;
    for (const auto& d : loaded) ptrs.push_back(&d);
    EXPECT_TRUE(merged == *build_segment(ptrs)) << "kill " << c.kill << ": differs from the rebuilding merge";
    auto seg = open_image(merged, "merged");
    ASSERT_TRUE(seg);
    EXPECT_EQ(seg->doc_count(), b.live.size());
    EXPECT_EQ(stats.file_bytes, merged.size());
  }
}

TEST(SegmentMerge, NothingLiveWritesNothing) {
  const auto docs = load_sample();
  const Built b = build(docs, {10, 20}, 0, {0, 1});
  bool called = false;
  MergeStats stats;
  ASSERT_TRUE(merge_segments(sources_of(b), [&](std::string_view) {
    called = true;
    return Status::ok();
  }, &stats).is_ok());
  EXPECT_FALSE(called);
  EXPECT_EQ(stats.docs, 0u);
  EXPECT_EQ(live_doc_count(sources_of(b)), 0u);
}

TEST(SegmentMerge, ASinkFailureStopsTheMerge) {
  const auto docs = load_sample();
  const Built b = build(docs, {docs.size() / 2, docs.size()}, 4);
  // The result is more than the sink buffer (1 MiB), so the sink is called more than once.
  MergeStats ok;
  ASSERT_GT(merge_to_string(sources_of(b), &ok).size(), size_t{1} << 20);
  int calls = 0;
  const Status st = merge_segments(sources_of(b), [&](std::string_view) {
    return ++calls == 1 ? Status::ok() : Status::io_error("disk full");
  });
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(calls, 2);
}

// What the merge holds, counted by it (MergeStats), against docs/intake.md:
//   1 MiB (the write buffer) + 2 x C (the result's coded dictionary, C bytes
//   in the file, in strings that grow by doubling) + 4 B x D (the new-id map of the source
//   documents) + 6 x P (the encode scratch: three buffers, each at most twice
//   the longest of its kind, each kind at most the largest posting list P).
TEST(MergeMemory, WhatTheMergeHoldsStaysWithinTheWrittenBound) {
  const auto docs = load_sample();
  const Built b = build(docs, {docs.size() / 3, docs.size() / 3, docs.size()}, 4);
  MergeStats st;
  const std::string merged = merge_to_string(sources_of(b), &st);
  auto seg = open_image(merged, "merged");
  ASSERT_TRUE(seg);
  uint32_t source_docs = 0;
  for (const auto& s : b.segments) source_docs += s->doc_count();
  // The largest posting list, measured on the result: from one dictionary
  // offset to the next.
  size_t largest = 0;
  ASSERT_EQ(st.grams, seg->gram_count());
  ASSERT_GT(st.grams, 10000u);
  for (uint32_t g = 0; g + 1 < seg->gram_count(); ++g) {
    const GramPostings a = seg->gram_at(g), c = seg->gram_at(g + 1);
    const uint8_t* start = a.skip ? a.skip : a.docs;
    const uint8_t* next = c.skip ? c.skip : c.docs;
    largest = std::max(largest, static_cast<size_t>(next - start));
  }
  EXPECT_GE(st.largest_posting, largest);
  EXPECT_LE(st.buffer_bytes, size_t{1} << 20);
  const Footer footer = Footer::decode_from(merged.data() + merged.size() - kFooterSize);
  const size_t coded = footer.offsets[Footer::kTextStore] - footer.offsets[Footer::kDictIndex];
  EXPECT_LE(st.dict_bytes, 2 * coded + 64);
  // Format 5's point: a few bytes a gram of real text (format 4 held 28 twice).
  EXPECT_LT(coded, 10 * size_t{st.grams});
  EXPECT_LE(st.id_map_bytes, 4 * size_t{source_docs});
  EXPECT_LE(st.scratch_bytes, 6 * st.largest_posting + 3 * 32);
  const size_t bound = (size_t{1} << 20) + 2 * coded + 64 + 4 * size_t{source_docs} + 6 * st.largest_posting + 96;
  EXPECT_LE(st.buffer_bytes + st.dict_bytes + st.id_map_bytes + st.scratch_bytes, bound);
  // The point: less than the rebuilding merge's postings sort alone held (it
  // held the texts and the segment image besides).
  BuildStats rebuild;
  ASSERT_TRUE(build_segment(b.live, BuildOptions{}, &rebuild));
  EXPECT_LT(st.dict_bytes + st.id_map_bytes + st.scratch_bytes,
            rebuild.postings.log_bytes + rebuild.postings.buffer_bytes);
}

// optimize() through a directory: the merged file is the fresh build's bytes.
TEST(SegmentMerge, OptimizeWritesTheFreshBuildsBytes) {
  const auto docs = load_sample();
  auto dir = std::make_shared<MemDirectory>();
  IndexOptions o;
  o.segment_chars = 20000;  // several segments
  auto idx = Index::open(dir, o);
  ASSERT_TRUE(idx);
  for (const auto& d : docs) ASSERT_TRUE((*idx)->add(d).is_ok());
  ASSERT_TRUE((*idx)->commit(1).is_ok());
  std::vector<const IndexDoc*> live;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (i % 4 == 0) {
      ASSERT_TRUE((*idx)->remove(docs[i].id).is_ok());
    }
  }
  ASSERT_TRUE((*idx)->commit(2).is_ok());
  ASSERT_GT((*idx)->stats().segments, 2u);
  // The commit's segments hold the documents in id order (the pending map).
  std::vector<const IndexDoc*> by_id;
  for (const auto& d : docs) by_id.push_back(&d);
  std::sort(by_id.begin(), by_id.end(), [](const IndexDoc* a, const IndexDoc* b) { return a->id < b->id; });
  for (const IndexDoc* d : by_id)
    if ((d - docs.data()) % 4 != 0) live.push_back(d);
  ASSERT_TRUE((*idx)->optimize().is_ok());
  ASSERT_EQ((*idx)->stats().segments, 1u);
  auto names = dir->list();
  ASSERT_TRUE(names);
  std::string seg_name;
  for (const auto& nm : *names)
    if (nm.rfind("seg-", 0) == 0) seg_name = nm;
  auto bytes = dir->read(seg_name);
  ASSERT_TRUE(bytes);
  EXPECT_TRUE((*bytes)->view() == *build_segment(live)) << "optimize's segment is not the fresh build";
}

}  // namespace
}  // namespace wenyuan::index
