// WatchState: what the watcher knows about the files of its watched folders,
// kept in its own SQLite file (DATA/watch.db) so it survives restarts and the
// catalog's schema stays the library's alone.
//
// One row per file: (root, path) where root is the watched folder as given and
// path is relative to it ('/'-separated), the size and mtime (ns) seen when it
// was last imported or rejected, the document ids it produced, its state and
// the reason of a rejection. Invariants: a file is retried only when its size
// or mtime differs from its row; ids listed here are documents the watcher
// stored (a file whose documents it removes loses its row first).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::watch {

enum class FileState { kImported, kRejected };

struct FileRecord {
  std::string root;  // the watched folder, as configured
  std::string path;  // relative to root, '/'-separated
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::vector<std::string> ids;
  FileState state = FileState::kImported;
  std::string reason;  // why it was rejected (or what a partly imported .jsonl lost); no absolute path
  int64_t time = 0;    // unix seconds of the import or rejection
};

class WatchState {
 public:
  // Opens (creating if absent) the state file.
  static Result<std::unique_ptr<WatchState>> open(const std::filesystem::path& file);

  // Every row of `root`.
  Result<std::vector<FileRecord>> load(const std::string& root) const;
  // Rejected rows of every root, newest first.
  Result<std::vector<FileRecord>> rejected() const;

  Status put(const FileRecord& r);
  Status erase(const std::string& root, const std::string& path);
  // Groups the puts and erases of one batch in one transaction.
  Status begin();
  Status commit();

 private:
  explicit WatchState(store::sqlite::Db db) : db_(std::move(db)) {}
  Result<std::vector<FileRecord>> query(const std::string& sql, const std::string& root) const;
  store::sqlite::Db db_;
};

// The rejected files listed in `file` without creating it: empty when the
// library has never been watched. For `wenyuan rejected` and the admin API.
Result<std::vector<FileRecord>> read_rejected(const std::filesystem::path& file);

}  // namespace wenyuan::watch
