// Folding near-duplicate hits: the same document reposted or imported twice
// shows once, with "N similar versions" (dedup/clusters.h decides what is a
// duplicate; search only folds). Applied over collected hits, after ranking:
// the first (best ranked) hit of a cluster stays, later hits of the same
// cluster are folded into it. `total` is not changed (it counts documents).
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

}  // namespace wenyuan::search
