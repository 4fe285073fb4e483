#include "wenyuan/library/library.h"

#include <system_error>
#include <unordered_map>
#include <utility>

#include "wenyuan/index/index.h"
#include "wenyuan/library/library_internal.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::library {

namespace fs = std::filesystem;
using internal::steady_ms;

bool is_disk_full(const Status& st) {
  if (st.is_ok()) return false;
  // SQLite says SQLITE_FULL as "database or disk is full"; the index's own
  // writes carry strerror(ENOSPC).
  const std::string& m = st.message();
  return m.find("disk is full") != std::string::npos || m.find("No space left") != std::string::npos;
}

bool ImportReport::disk_full() const { return is_disk_full(fatal); }

Result<std::unique_ptr<Library>> Library::open(const fs::path& data_dir, const OpenOptions& options) {
  std::error_code ec;
  if (options.read_only) {
    if (!fs::is_directory(data_dir, ec)) return Status::not_found(data_dir.string() + ": no library here");
  } else {
    // index/ too: an Index opened read-only on a missing folder is an empty one in memory.
    fs::create_directories(data_dir / "index", ec);
    if (ec) return Status::io_error(data_dir.string() + ": cannot create the library folder: " + ec.message());
  }
  std::unique_ptr<Library> lib(new Library());
  lib->data_dir_ = data_dir;
  lib->options_ = options;
  WENYUAN_ASSIGN_OR_RETURN(auto catalog, store::Catalog::open(data_dir / "catalog.db"));
  lib->catalog_ = std::move(catalog);
  index::IndexOptions io;
  io.read_only = true;  // until the lock is ours (try_become_writer)
  WENYUAN_ASSIGN_OR_RETURN(auto index, index::Index::open(data_dir / "index", io));
  lib->index_ = std::move(index);
  lib->engine_ = std::make_unique<search::Engine>(*lib->index_);
  if (!options.read_only) WENYUAN_RETURN_IF_ERROR(lib->try_become_writer().status());
  if (options.catch_up) WENYUAN_RETURN_IF_ERROR(lib->sync_index());
  return lib;
}

Library::~Library() { close(); }

void Library::close() {
  // The hand-off: a process that changed the catalog while we held the lock
  // found it taken and left the indexing to us. Every such change committed
  // before its try-lock failed, so it is visible once the lock is free again:
  // look, and take the lock back for it if nobody else did.
  for (int round = 0; lock_ && round < 100; ++round) {
    (void)sync_index();
    own_.clear();
    index_->become_reader();  // without the lock this process must not write the index
    lock_.reset();
    if (!catalog_ || index_->catalog_seq() >= catalog_->last_seq()) break;
    auto again = try_become_writer();
    if (!again || !*again) break;  // the new holder indexes it
  }
  if (lock_) {
    index_->become_reader();
    lock_.reset();
  }
}

std::string Library::index_writer() const {
  if (lock_) return "";
  return index::WriterLock::holder(data_dir_ / "index");
}

Result<bool> Library::try_become_writer() {
  if (lock_) return true;
  if (options_.read_only) return false;
  WENYUAN_ASSIGN_OR_RETURN(auto lock, index::WriterLock::try_acquire(data_dir_ / "index", options_.holder));
  if (!lock.has_value()) return false;
  WENYUAN_RETURN_IF_ERROR(index_->become_writer());
  lock_ = std::make_unique<index::WriterLock>(std::move(*lock));
  return true;
}

Status Library::require_writer(const char* what) const {
  if (lock_) return Status::ok();
  if (options_.read_only) return Status::permission_denied(std::string(what) + ": the library was opened read-only");
  std::string who = index_writer();
  return Status::permission_denied(std::string(what) + ": another process writes this library's index (" +
                                   (who.empty() ? "unknown" : who) + "); stop it first");
}

store::Catalog& Library::catalog() { return *catalog_; }
index::Index& Library::index() { return *index_; }
const search::Engine& Library::engine() const { return *engine_; }

Status Library::remove(const std::string& id) {
  WENYUAN_RETURN_IF_ERROR(catalog_->remove(id));
  own_.erase(id);
  return publish();
}

Status Library::publish() {
  last_publish_ms_ = steady_ms();
  WENYUAN_ASSIGN_OR_RETURN(auto writer, try_become_writer());
  if (!writer) {
    // The holder indexes these changes (it tails the log, or catches up in close()).
    own_.clear();
    return Status::ok();
  }
  return sync_index();
}

Status Library::refresh() {
  if (!lock_ && !options_.read_only) WENYUAN_RETURN_IF_ERROR(try_become_writer().status());
  if (!lock_) WENYUAN_RETURN_IF_ERROR(index_->reload().status());  // to the writer's newest commit
  return sync_index();
}

Result<unsigned> Library::merge() {
  if (!lock_) return 0u;
  return index_->maybe_merge();
}

Status Library::sync_index() {
  const uint64_t from = index_->catalog_seq();
  WENYUAN_ASSIGN_OR_RETURN(auto changes, catalog_->changes_since(from));
  if (changes.empty()) {
    own_.clear();  // put and rolled back, or already indexed
    return Status::ok();
  }
  // The last change of each id decides; earlier ones are history.
  std::unordered_map<std::string, const store::Change*> last;
  for (const auto& c : changes) last[c.id] = &c;
  index_->discard_pending();
  for (const auto& c : changes) {
    if (last[c.id] != &c) continue;
    if (c.deleted) {
      auto st = index_->remove(c.id);
      if (!st && st.code() != StatusCode::kNotFound) return st;
      continue;
    }
    auto own = own_.find(c.id);
    if (own != own_.end() && own->second->seq == c.seq) {
      WENYUAN_RETURN_IF_ERROR(index_->add(std::move(own->second->doc)));
      continue;
    }
    auto d = catalog_->get(c.id);
    if (!d) {
      if (d.status().code() == StatusCode::kNotFound) continue;  // deleted by a change after this snapshot
      return d.status();
    }
    WENYUAN_RETURN_IF_ERROR(index_->add(*d));
  }
  own_.clear();
  Status st = index_->commit(changes.back().seq);
  if (!st) index_->discard_pending();
  return st;
}

Status Library::reindex() {
  WENYUAN_RETURN_IF_ERROR(require_writer("reindex"));
  own_.clear();
  index_->discard_pending();
  // Read the log position first: changes made while we read are applied after.
  const uint64_t seq = catalog_->last_seq();
  WENYUAN_RETURN_IF_ERROR(catalog_->for_each([&](const doc::Document& d) { return index_->add(d); }));
  WENYUAN_RETURN_IF_ERROR(index_->replace_all(seq));
  return sync_index();
}

Status Library::optimize() {
  WENYUAN_RETURN_IF_ERROR(require_writer("optimize"));
  return index_->optimize();
}

}  // namespace wenyuan::library
