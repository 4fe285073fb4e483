// Query execution over the segments of a snapshot: the exact set of matching
// documents with their scores (docs/scoring.md "Execution"). Internal to the
// search stage: engine.cc and collection.cc use it.
#pragma once

#include <chrono>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/search/query.h"

namespace wenyuan::search::detail {

// The bigrams covering a term of length >= 3: offsets 0, 2, 4, … and m - 2.
struct Cover {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> offsets;
};

Cover cover_of(const std::u32string& t);
// The gram key of a term of length 1 or 2.
uint64_t key_of_short(const std::u32string& t);

// Per-query facts shared by all segments: the idf of each term node.
struct TermInfo {
  const QueryNode* node;
  double idf;
  Cover cover;  // terms of length >= 3
};

// What a search may look at: everything (a member), or visible text only; and
// the average body length its length norms use (of visible bodies then).
struct View {
  bool visible_only = false;
  double avg_body_len = 1;
  uint32_t df(const index::GramPostings& g) const { return visible_only ? g.visible_df : g.df; }
};
View view_of(const index::Snapshot& snap, bool visible_only);

// The idf (and cover) of every term node of `root`.
std::vector<TermInfo> term_infos(const index::Snapshot& snap, const QueryNode& root, const View& view);

struct Found {
  float score;
  uint32_t part;
  uint32_t doc;
};

// The cost budget of SearchRequest::deadline, checked between units of work
// (segments; the documents a paragraph search reads).
inline bool over_budget(const SearchRequest& r) { return std::chrono::steady_clock::now() > r.deadline; }
inline Status budget_error() {
  return Status::too_large("query exceeded its time budget; use fewer OR terms or the document unit");
}

// Matching documents of every part, tombstones removed, in (part, doc) order.
// With a budget, stops between segments once it is spent (search() reports it).
std::vector<Found> run(const index::Snapshot& snap, const QueryNode& root, const std::vector<TermInfo>& terms,
                       const View& view, const SearchRequest* budget = nullptr);

// A query executed on one snapshot: what collection needs afterwards. Holds
// pointers into the Query's nodes (terms, positives): the Query must outlive it.
struct Execution {
  std::shared_ptr<const index::Snapshot> snap;
  View view;
  std::vector<TermInfo> terms;
  std::vector<Found> found;  // run()'s, in (part, doc) order
  std::vector<const QueryNode*> positives;
};

// Takes a snapshot of `index` and runs `q` on it (run()), within r's budget.
Result<Execution> execute(const index::Index& index, const Query& q, const SearchRequest& r);

}  // namespace wenyuan::search::detail
