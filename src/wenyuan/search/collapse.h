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
};

// Runs `r` (its offset and limit counted in folded hits): asks the engine for
// the first ranked hits from 0, twice as many as the page needs and more while
// folding leaves the page short (up to kMaxFoldWindow), folds them, and cuts
// the page. With snippets or matches asked, the window is searched without
// text, and the page's ranked span is searched again with it: text is read for
// the page's hits (and any folded between them), not the whole window. Should a
// commit move the ranks between the two, the window is searched once with text.
Result<FoldedResult> search_folded(const Engine& engine, const Query& q, const SearchRequest& r,
                                   const ClusterOf& cluster_of);

}  // namespace wenyuan::search
