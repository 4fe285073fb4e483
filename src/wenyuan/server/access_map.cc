// AccessMap (access_map.h).
#include "wenyuan/server/access_map.h"

#include <algorithm>

namespace wenyuan::server {

namespace {

AccessMap::Entry entry_of(doc::Document&& d) {
  return {d.access, d.text_chars, std::move(d.regions)};
}

}  // namespace

doc::Document AccessMap::Entry::document(const std::string& id) const {
  doc::Document d;
  d.id = id;
  d.access = access;
  d.text_chars = text_chars;
  d.regions = regions;
  return d;
}

Status AccessMap::reload(const store::Catalog& cat) {
  auto map = std::make_shared<Map>();
  WENYUAN_ASSIGN_OR_RETURN(const uint64_t seq, cat.for_each_access([&](doc::Document&& d) {
    std::string id = std::move(d.id);
    map->insert_or_assign(std::move(id), entry_of(std::move(d)));
  }));
  map_ = std::move(map);
  seq_ = seq;
  return Status::ok();
}

Result<std::shared_ptr<const AccessMap::Map>> AccessMap::get(const store::Catalog& cat) {
  // The sequence first: a change committed while the map is brought up to
  // date is newer than it, so the next call reads that change again.
  const uint64_t seq = cat.last_seq();
  std::lock_guard lock(mu_);
  // A map newer than `seq` (another thread brought it further) is as good.
  if (map_ && seq_ >= seq) return map_;
  if (!map_) {
    WENYUAN_RETURN_IF_ERROR(reload(cat));
    return map_;
  }
  Result<std::vector<store::Change>> changes = cat.changes_since(seq_);
  if (!changes) {
    // Trimmed past the map: every row again (anything else is the catalog's error).
    if (changes.status().code() != StatusCode::kNotFound) return changes.status();
    WENYUAN_RETURN_IF_ERROR(reload(cat));
    return map_;
  }
  if (changes->empty()) {  // last_seq moved with no row to read (a seq given back)
    seq_ = seq;
    return map_;
  }
  auto map = std::make_shared<Map>(*map_);
  uint64_t through = seq_;
  for (const store::Change& c : *changes) {
    through = std::max(through, c.seq);
    // Each row read now is at least as new as its change; a later change to it
    // is read again next time (applying a change twice is harmless).
    Result<doc::Document> d = c.deleted ? Result<doc::Document>(Status::not_found(c.id))
                                        : cat.get_for_snippets(c.id, 0);
    if (d) {
      map->insert_or_assign(c.id, entry_of(std::move(d).value()));
    } else if (d.status().code() == StatusCode::kNotFound) {
      map->erase(c.id);
    } else {
      return d.status();
    }
  }
  map_ = std::move(map);
  seq_ = std::max(through, seq);
  return map_;
}

}  // namespace wenyuan::server
