// Folding near-duplicate hits: the same document reposted or imported twice
// shows once, with "N similar versions" (store/clusters.h decides what is a
// duplicate, at import; search only folds). Applied over collected hits, after
// ranking: the first (best ranked) hit of a cluster stays, later hits of the
// same cluster are folded into it.
//
// What counts mean with folding (docs/check.md): `total` still counts matching
// documents, every version included (folding hides hits, it does not make
// documents stop matching); a page holds `limit` folded hits; the folded ids of
// a hit are the other matching members of its cluster among the first
// kMaxFoldWindow ranked hits. Past that window hits are not folded any more
// (`FoldedResult::window_full`), so a deep page may show a duplicate.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wenyuan/search/engine.h"

namespace wenyuan::search {

// The cluster of a document id, or nullopt when it has no duplicates.
using ClusterOf = std::function<std::optional<uint64_t>(const std::string& id)>;

// Folds `hits` in place; returns, for each hit kept, the ids folded into it
// (in rank order). Keeps at most `limit` hits (0: all).
std::vector<std::vector<std::string>> collapse(std::vector<Hit>& hits, const ClusterOf& cluster_of, size_t limit = 0);

inline constexpr size_t kMaxFoldWindow = 1000;

struct FoldedResult {
  SearchResult result;                        // total: matching documents; hits: the folded page
  std::vector<std::vector<std::string>> folded;  // per hit of the page
  bool window_full = false;                   // ranked hits past kMaxFoldWindow were not folded
  // The hits left after folding every match (「共 N 篇」 and the pager), when
  // known: in the document unit while total <= kMaxFoldWindow; in the
  // paragraph unit when the fold window reached every match.
  std::optional<uint64_t> shown_total;
};

// Runs `r` (its offset and limit counted in folded hits): executes the query
// once, folds its first ranked hits from 0 — twice as many as the page needs,
// and more while folding leaves the page short, up to kMaxFoldWindow — by id,
// and cuts the page. Text (snippets, matches) is read for the page's hits alone.
Result<FoldedResult> search_folded(const Engine& engine, const Query& q, const SearchRequest& r,
                                   const ClusterOf& cluster_of);

}  // namespace wenyuan::search
