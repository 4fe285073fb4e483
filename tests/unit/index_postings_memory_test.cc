// The segment builder's postings sort in bounded memory (postings_builder.h):
// sorting gram range by gram range gives the very bytes of one whole sort
// (which index_segment_test checks against brute force), and what the sort
// holds, counted by the builder, stays within the bound docs/intake.md states.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/segment_docs.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {
namespace {

std::vector<IndexDoc> load_sample() {
  std::vector<IndexDoc> docs = testing::sample_index_docs();
  for (size_t i = 0; i < docs.size(); ++i) {
    IndexDoc& d = docs[i];
    if (i % 3 == 1 && d.text_chars > 20) d.visible = std::vector<doc::Span>{{0, d.text_chars / 2}};
    if (d.text_chars > 10) d.headings.push_back({0, 10});
  }
  return docs;
}

// Occurrences of every gram (unigrams and bigrams of the normalized position space).
std::map<std::u32string, size_t> count_grams(const std::vector<IndexDoc>& docs, size_t* positions) {
  std::map<std::u32string, size_t> n;
  *positions = 0;
  NormalizedDoc nd;
  for (const auto& d : docs) {
    normalize_document(d.title, d.text, &nd);
    *positions += nd.chars.size();
    for (size_t p = 0; p < nd.chars.size(); ++p) {
      if (nd.chars[p] == kSep) continue;
      ++n[nd.chars.substr(p, 1)];
      if (p + 1 < nd.chars.size() && nd.chars[p + 1] != kSep) ++n[nd.chars.substr(p, 2)];
    }
  }
  return n;
}

TEST(PostingsMemory, ChunkedSortWritesTheSameBytesAsOneSort) {
  const auto docs = load_sample();
  ASSERT_GT(docs.size(), 10u);
  std::vector<const IndexDoc*> ptrs;
  for (const auto& d : docs) ptrs.push_back(&d);
  BuildStats whole_stats;
  auto whole = build_segment(ptrs, BuildOptions{}, &whole_stats);
  ASSERT_TRUE(whole) << whole.status().message();
  EXPECT_EQ(whole_stats.postings.chunks, 1u);
  ASSERT_EQ(*whole, *build_segment(ptrs));
  for (size_t chunk : {size_t{5000}, size_t{50000}}) {
    BuildOptions o;
    o.postings.chunk_occurrences = chunk;
    BuildStats st;
    auto cut = build_segment(ptrs, o, &st);
    ASSERT_TRUE(cut);
    EXPECT_GT(st.postings.chunks, 1u) << chunk;
    EXPECT_TRUE(*cut == *whole) << "chunk " << chunk << ": bytes differ";
  }
}

TEST(PostingsMemory, WhatTheSortHoldsStaysWithinTheWrittenBound) {
  const auto docs = load_sample();
  std::vector<const IndexDoc*> ptrs;
  for (const auto& d : docs) ptrs.push_back(&d);
  size_t positions = 0;
  const auto grams = count_grams(docs, &positions);
  size_t occurrences = 0, biggest = 0;
  for (const auto& [g, n] : grams) {
    occurrences += n;
    biggest = std::max(biggest, n);
  }
  ASSERT_GT(occurrences, 100000u);  // enough for the per-document terms to be small
  size_t chars = 0;  // of the segment: titles and texts, in code points
  for (const auto& d : docs) chars += d.text_chars + text::count_code_points(d.title);
  ASSERT_LE(positions, chars + docs.size());
  for (size_t chunk : {size_t{5000}, size_t{1} << 22}) {
    BuildOptions o;
    o.postings.chunk_occurrences = chunk;
    BuildStats st;
    ASSERT_TRUE(build_segment(ptrs, o, &st));
    // The log: 5 bytes an occurrence (two a position at most: 10 bytes a
    // character), the builder's reserve of two a position, a first-occurrence
    // offset per document, and the rare long steps.
    EXPECT_LE(st.postings.log_bytes, 10 * (chars + 2 * docs.size()) + 16 * docs.size() + 4096);
    EXPECT_LT(st.postings.log_bytes, 5 * occurrences * 11 / 10 + 16 * docs.size() + 4096);
    // The sort buffer: 8 bytes an entry, a chunk or the most frequent gram's
    // occurrences, whichever is more; the per-gram scratch, 25 bytes an occurrence
    // of the most frequent gram; per gram a fill counter and its key (8 bytes each).
    const size_t grams_in_buffer = std::max(std::min(chunk, occurrences), biggest);
    EXPECT_LE(st.postings.buffer_bytes, 8 * grams_in_buffer + 25 * biggest + 32 + 16 * grams.size());
    if (chunk == 5000) {
      EXPECT_LT(st.postings.buffer_bytes, 8 * occurrences / 4) << "a small chunk holds a fraction";
    }
  }
}

}  // namespace
}  // namespace wenyuan::index
