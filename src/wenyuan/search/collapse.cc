#include "wenyuan/search/collapse.h"

#include <algorithm>
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

namespace wenyuan::search {

Result<FoldedResult> search_folded(const Engine& engine, const Query& q, const SearchRequest& r,
                                   const ClusterOf& cluster_of) {
  const size_t want = r.offset + r.limit;
  FoldedResult out;
  if (r.limit == 0) {
    auto res = engine.search(q, r);
    if (!res) return res.status();
    out.result = std::move(*res);
    return out;
  }
  size_t window = std::min(kMaxFoldWindow, std::max<size_t>(2 * want, want + 20));
  for (;;) {
    SearchRequest wide = r;
    wide.offset = 0;
    wide.limit = window;
    auto res = engine.search(q, wide);
    if (!res) return res.status();
    const bool more = res->total > res->hits.size();
    std::vector<Hit> hits = std::move(res->hits);
    auto folded = collapse(hits, cluster_of);
    if (hits.size() >= want || !more || window >= kMaxFoldWindow) {
      out.window_full = more && window >= kMaxFoldWindow;
      out.result.total = res->total;
      out.result.took_us = res->took_us;
      for (size_t i = r.offset; i < std::min(hits.size(), want); ++i) {
        out.result.hits.push_back(std::move(hits[i]));
        out.folded.push_back(std::move(folded[i]));
      }
      return out;
    }
    window = std::min(kMaxFoldWindow, window * 2);
  }
}

}  // namespace wenyuan::search
