// ClusterMap: the duplicate cluster of every clustered document (store/clusters.h),
// held in memory for folding search results (search/collapse.h). A results page
// asks for the cluster of every hit of its fold window and, for the 「共 N 篇」
// count, of up to search::kMaxFoldWindow more (routes/search.cc shown_total):
// one catalog lookup each was about a tenth of the uncached server's CPU
// (bench/RESULTS.md, "The server under load"). The map is read in one query
// and kept as of the catalog's change sequence; any put or remove logs a change,
// so the next request after it reads the map again. Re-sketching documents
// (`wenyuan dups --rebuild`) logs none: folding then follows at the next
// change, as the results cache's pages do (server/search_cache.h).
//
// Cluster ids and document ids are public (they come from visible text), so the
// map is shared by every tier.
//
// Thread-safety: get() may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "wenyuan/core/status.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::server {

class ClusterMap {
 public:
  using Map = std::unordered_map<std::string, uint64_t>;  // document id -> cluster
  // The map as of `cat`'s last change (read again if the catalog changed since).
  Result<std::shared_ptr<const Map>> get(const store::Catalog& cat);

 private:
  std::mutex mu_;
  uint64_t seq_ = 0;
  std::shared_ptr<const Map> map_;  // null: never read
};

}  // namespace wenyuan::server
