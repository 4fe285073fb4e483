// AccessMap: what judging a hit's snippets needs of every document (access,
// text_chars, regions: access::Policy::hides_text and redact_snippet, and the
// 免费/会员 badge), held in memory as of the catalog's change sequence. A results
// page asked the catalog for each of its hits (Catalog::get_for_snippets):
// three B-tree seeks and the regions' JSON a hit, about a tenth of the uncached
// server's CPU (bench/RESULTS.md 2026-12-04, "access and regions in memory").
// The route reads the map after the search, so it is at least as new as the
// index snapshot the hits come from, as the per-hit reads were; it still reads
// the row, and the text, of a document that hides text from the caller (the
// snippet is compared with it), and of one the map does not hold.
//
// Kept current through the change log, as the index is: the first get() reads
// every row (Catalog::for_each_access); later ones re-read only the documents
// changed since (changes_since), or every row again once the log was trimmed
// past the map. A new map is built beside the old one (copy-on-write), so a
// page keeps the one it started with; the copy and the rows are read under the
// map's mutex, so searches asking during it wait for it. A row the map cannot
// read makes get() fail: the route then reads each hit's row, as before the
// map. Access and regions are the catalog's own fields, read for every tier
// alike; the Policy decides what a tier sees.
//
// Thread-safety: get() may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::server {

class AccessMap {
 public:
  struct Entry {
    doc::Access access = doc::Access::kFree;
    uint32_t text_chars = 0;
    std::vector<doc::Region> regions;
    // As Catalog::get_for_snippets gives it without text.
    doc::Document document(const std::string& id) const;
  };
  using Map = std::unordered_map<std::string, Entry>;  // document id -> its access fields

  // The map as of `cat`'s last change (brought up to date if the catalog changed since).
  Result<std::shared_ptr<const Map>> get(const store::Catalog& cat);

 private:
  Status reload(const store::Catalog& cat);
  std::mutex mu_;
  uint64_t seq_ = 0;
  std::shared_ptr<const Map> map_;  // null: never read
};

}  // namespace wenyuan::server
