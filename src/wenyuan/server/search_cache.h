// SearchCache: the answers (JSON bodies) of first pages of searches, so that a
// popular query costs one lookup instead of a search and its snippets
// (issue 10). Bounded by entries and by bytes; the least recently used entry
// goes first.
//
// What an entry may be served for (the paywall, docs/paywall.md): the caller
// builds the key from the access tier and the normalized request
// (routes/search.cc), so an answer made for a member is never served to a
// non-member, and the other way round. Every entry belongs to one
// Generation — the index snapshot the search ran on and the catalog's change
// sequence the snippets were judged against (a document turned paid changes
// the catalog before the index sees it). A lookup or store under a newer
// generation drops every entry of older ones first.
//
// Thread-safety: every member may be called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace wenyuan::server {

class SearchCache {
 public:
  struct Generation {
    // The index snapshot: held while it is current (so its address is never
    // reused by a newer snapshot during that time).
    std::shared_ptr<const void> snapshot;
    uint64_t catalog_seq = 0;
    bool operator==(const Generation& o) const { return snapshot == o.snapshot && catalog_seq == o.catalog_seq; }
  };
  struct Stats {
    uint64_t hits = 0, misses = 0, invalidations = 0;
    size_t entries = 0, bytes = 0;
  };

  // 0 entries or 0 bytes: the cache is off (get() misses, put() keeps nothing).
  SearchCache(size_t max_entries, size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  bool enabled() const { return max_entries_ > 0 && max_bytes_ > 0; }
  std::shared_ptr<const std::string> get(const Generation& g, const std::string& key);
  // A body larger than an eighth of max_bytes is not kept (one answer must not
  // push out the many small ones).
  void put(const Generation& g, const std::string& key, std::shared_ptr<const std::string> body);
  Stats stats() const;

 private:
  struct Entry {
    std::shared_ptr<const std::string> body;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };
  void adopt_locked(const Generation& g);  // drops everything if `g` is not the current generation
  void evict_locked();
  size_t cost(const std::string& key, const std::string& body) const { return key.size() + body.size() + 96; }

  const size_t max_entries_, max_bytes_;
  mutable std::mutex mu_;
  Generation current_;
  std::unordered_map<std::string, Entry> map_;
  std::list<std::string> lru_;
  size_t bytes_ = 0;
  Stats stats_;
};

}  // namespace wenyuan::server
