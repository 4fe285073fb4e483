// ClusterMap (cluster_map.h).
#include "wenyuan/server/cluster_map.h"

namespace wenyuan::server {

Result<std::shared_ptr<const ClusterMap::Map>> ClusterMap::get(const store::Catalog& cat) {
  // The sequence first: a change committed while the map is read is newer
  // than the map, so the next call reads it again.
  const uint64_t seq = cat.last_seq();
  std::lock_guard lock(mu_);
  if (map_ && seq_ == seq) return map_;
  WENYUAN_ASSIGN_OR_RETURN(auto pairs, cat.dup_cluster_ids());
  auto map = std::make_shared<Map>();
  map->reserve(pairs.size());
  for (auto& [id, cluster] : pairs) map->emplace(std::move(id), static_cast<uint64_t>(cluster));
  map_ = std::move(map);
  seq_ = seq;
  return map_;
}

}  // namespace wenyuan::server
