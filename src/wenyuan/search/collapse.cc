#include "wenyuan/search/collapse.h"

#include <unordered_map>

namespace wenyuan::search {

std::vector<std::vector<std::string>> collapse(std::vector<Hit>& hits, const ClusterOf& cluster_of, size_t limit) {
  std::vector<Hit> kept;
  std::vector<std::vector<std::string>> folded;
  std::unordered_map<uint64_t, size_t> first_of;  // cluster -> index in kept
  for (auto& h : hits) {
    const auto c = cluster_of ? cluster_of(h.id) : std::nullopt;
    if (c) {
      auto it = first_of.find(*c);
      if (it != first_of.end()) {
        folded[it->second].push_back(h.id);
        continue;
      }
    }
    if (limit != 0 && kept.size() == limit) continue;  // later hits may still fold into kept ones
    if (c) first_of.emplace(*c, kept.size());
    kept.push_back(std::move(h));
    folded.emplace_back();
  }
  hits = std::move(kept);
  return folded;
}

}  // namespace wenyuan::search
