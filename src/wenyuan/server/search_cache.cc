#include "wenyuan/server/search_cache.h"

namespace wenyuan::server {

void SearchCache::adopt_locked(const Generation& g) {
  if (g == current_) return;
  // A different generation is a newer one: snapshots and catalog sequences
  // only move forward, and a request that raced a commit stores under the
  // generation it saw (its own answer came from that one or a newer one).
  if (!map_.empty()) ++stats_.invalidations;
  map_.clear();
  lru_.clear();
  bytes_ = 0;
  current_ = g;
}

std::shared_ptr<const std::string> SearchCache::get(const Generation& g, const std::string& key) {
  if (!enabled()) return nullptr;
  std::lock_guard lock(mu_);
  adopt_locked(g);
  auto it = map_.find(key);
  if (it == map_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.body;
}

void SearchCache::put(const Generation& g, const std::string& key, std::shared_ptr<const std::string> body) {
  if (!enabled() || !body || cost(key, *body) > max_bytes_ / 8) return;
  std::lock_guard lock(mu_);
  adopt_locked(g);
  if (auto it = map_.find(key); it != map_.end()) {
    // Another worker answered the same request meanwhile: keep one.
    bytes_ -= cost(key, *it->second.body);
    bytes_ += cost(key, *body);
    it->second.body = std::move(body);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  } else {
    lru_.push_front(key);
    bytes_ += cost(key, *body);
    map_.emplace(key, Entry{std::move(body), lru_.begin()});
  }
  evict_locked();
}

void SearchCache::evict_locked() {
  while (!lru_.empty() && (map_.size() > max_entries_ || bytes_ > max_bytes_)) {
    auto it = map_.find(lru_.back());
    bytes_ -= cost(it->first, *it->second.body);
    map_.erase(it);
    lru_.pop_back();
  }
}

SearchCache::Stats SearchCache::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.entries = map_.size();
  s.bytes = bytes_;
  return s;
}

}  // namespace wenyuan::server
