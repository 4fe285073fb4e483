// Internal to the paragraph index path (paragraph_index.cc,
// paragraph_unigram.cc): the per-term list of paragraphs an occurrence starts
// in, and the helpers both files read postings and paragraph tables with.
#pragma once

#include <cstdint>
#include <vector>

#include "wenyuan/index/segment.h"

namespace wenyuan::search::detail::para {

constexpr uint32_t kFits = 0x80000000u;  // some occurrence lies entirely inside
constexpr uint32_t kCountMask = kFits - 1;

// A paragraph (piece) an occurrence of one term starts in. key = span index of
// the paragraph << 32 | index of the visible range (non-members; else 0): keys
// sort in document, then paragraph order.
struct Entry {
  uint64_t key;
  uint32_t doc;
  uint32_t cnt;  // occurrences starting inside | kFits
};

inline uint32_t span_a(const char* s, uint32_t i) { return index::get_u32(s + 8 * uint64_t{i}); }
inline uint32_t span_b(const char* s, uint32_t i) { return index::get_u32(s + 8 * uint64_t{i} + 4); }

// The first i >= from with start(i) > p (n if none), spans sorted by start and
// start(i) <= p for every i < from: galloping from the last answer, so a sorted
// run of positions walks a long paragraph table once.
inline uint32_t first_after(const char* s, uint32_t n, uint32_t from, uint32_t p) {
  uint32_t lo = from, hi = from, step = 1;
  while (hi < n && span_a(s, hi) <= p) {
    lo = hi + 1;
    hi = lo + step;
    step <<= 1;
  }
  if (hi > n) hi = n;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (span_a(s, mid) <= p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Calls fn(cursor) at every found document (`fd` sorted, `slot` nonzero at
// them) of the gram's posting list: walking the list when it is not much
// longer than the found set, else skipping to each found document.
template <typename Fn>
void each_found(const index::GramPostings& g, const std::vector<uint32_t>& fd, const std::vector<uint32_t>& slot,
                Fn&& fn) {
  if (g.df == 0) return;
  index::PostingCursor c(g);
  if (g.df <= 32 * fd.size()) {
    for (; !c.done(); c.next())
      if (slot[c.doc()] != 0) fn(c);
  } else {
    for (uint32_t d : fd) {
      c.advance(d);
      if (c.done()) break;
      if (c.doc() == d) fn(c);
    }
  }
}

// A one-character term's occurrences no bigram starts at are the last position
// of the title and/or of the body, whichever holds ch: true if the body of the
// document at c (on ch's unigram list; `seen` = its bigram positions ch·x)
// ends in ch there.
bool ends_body(const index::Segment& seg, const index::PostingCursor& c, char32_t ch, uint32_t seen);

// The list of a one-character term outside heading: (paragraph_unigram.cc):
// the same Entry list, in key order, that counting each occurrence against its
// paragraph gives, for the found documents `fd` of `seg`.
void one_char_entries(const index::Segment& seg, const std::vector<uint32_t>& fd, const std::vector<uint32_t>& slot,
                      bool visible_only, char32_t ch, std::vector<Entry>& out);

}  // namespace wenyuan::search::detail::para
