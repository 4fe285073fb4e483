// Paragraph (金句) hits from the index: term positions from the bigram
// postings, paragraphs from each document's paragraph table (format.h), no
// text read (docs/scoring.md "Paragraph unit"). Internal to the search stage:
// collection.cc calls it and shows the top hits.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "wenyuan/search/engine.h"
#include "wenyuan/search/execution.h"

namespace wenyuan::search::detail {

// One matching paragraph: for a non-member, one piece of a paragraph clipped to
// one visible range. [lo, hi) are its normalized text positions (relative to the
// body, as HitText's occurrences); `para` orders the paragraphs of a document.
struct ParaHit {
  double score;
  uint32_t part, doc;
  uint64_t para;
  uint32_t lo, hi;
};

// True if the positive part of the query can hold in a paragraph only where
// some text occurrence of a positive term starts (mirrors what a paragraph must
// hold): then only the paragraphs holding an occurrence need checking. Both
// paragraph paths (index and text) use this one rule.
bool needs_text_occurrence(const QueryNode& n);

// A strict total order of hits (collection.cc's result order): a before b.
using ParaOrder = std::function<bool(const ParaHit&, const ParaHit&)>;

// The matching paragraphs of the found documents, scored as docs/scoring.md
// says: the same set and scores as reading each document's text (collection.cc's
// text path), from postings alone. `total` = how many match; `out` holds the
// `keep` first of them under `better` (unordered), or more: a common character
// matches a million paragraphs and the page shows ten.
Status paragraph_hits_from_index(const index::Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                                 const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                                 const SearchRequest& r, size_t keep, const ParaOrder& better,
                                 std::vector<ParaHit>& out, uint64_t& total);

}  // namespace wenyuan::search::detail
