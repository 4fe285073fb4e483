// Watcher: keeps the library in step with one or more watched folders (the
// 网盘 folder a sync client fills every day). Files added, changed, renamed in
// or deleted anywhere below a folder are imported, re-imported or removed.
//
// How it sees changes: inotify on every folder (recursive by hand), a full
// rescan on start (files that arrived while it was down) and every
// `rescan_seconds` (inotify can overflow; a watch can fail), and on
// IN_Q_OVERFLOW. Every decision compares the file with its row in WatchState
// (size, mtime), so an event and a rescan that see the same file agree.
//
// Completeness rule: a file is imported only once complete, i.e. after it was
// renamed into place (IN_MOVED_TO) or closed after writing (IN_CLOSE_WRITE), or
// once its size and mtime have not changed for `stable_seconds`. Temporary
// files of sync clients are never looked at (file_filter.h).
//
// Invariants:
//  - The Library is only touched inside the Executor, which runs the work
//    under its owner's write lock and returns when it is done; ready files are
//    imported in batches of up to `batch_files` per import_paths call (one per
//    folder, as a folder is a category), so the index commits once per batch.
//  - A document id is removed only when no watched file still produces it
//    (ids are content hashes: two files with the same text share one).
//  - One thread (the watcher's, or the caller's in run_once) owns all state;
//    stop() wakes it through an eventfd and joins it.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/library/library.h"
#include "wenyuan/watch/watch_state.h"

namespace wenyuan::watch {

struct WatchOptions {
  std::vector<std::filesystem::path> folders;
  double stable_seconds = 2;    // unchanged size and mtime for this long = complete
  double rescan_seconds = 60;   // the safety-net rescan; 0: only on start and overflow
  bool remove_on_delete = true; // false (`keep`): a deleted file's documents stay
  bool folder_category = true;  // category = the file's folder relative to the watched root
  size_t batch_files = 500;     // at most this many files per batch
  library::ImportOptions import;  // clean, paid, preview share (category is set per folder)
};

// Runs `work` with the library, under the owner's write lock, before returning.
using Executor = std::function<void(const std::function<void(library::Library&)>&)>;

// A file a rescan looked at and left alone, with why.
struct SkippedFile {
  std::string path;  // relative to its watched folder
  std::string reason;
};

// Totals since the watcher was made.
struct WatchCounters {
  uint64_t imported = 0, updated = 0, unchanged = 0, rejected = 0, removed = 0;
  uint64_t batches = 0, rescans = 0;
};

// What run_once did.
struct OnceReport {
  WatchCounters counters;
  std::vector<SkippedFile> skipped;    // not an importable format
  std::vector<std::string> unstable;   // still changing when run_once gave up on them
};

class Watcher {
 public:
  // Opens the state file and checks that every folder exists.
  static Result<std::unique_ptr<Watcher>> create(const std::filesystem::path& state_file, WatchOptions options,
                                                 Executor executor);
  ~Watcher();  // stop()

  // Starts the thread: watches, rescans, then follows events.
  Status start();
  // Wakes and joins the thread (a batch in progress is finished first).
  void stop();

  // Without inotify or a thread: rescan every folder, wait for what it found to
  // be stable, import it, remove what is gone, return (`wenyuan watch --once`).
  OnceReport run_once();

  WatchCounters counters() const;

  // The rejected files, newest first, read through the watcher's own
  // connection to its state file: a second connection can be locked out of it
  // (a full disk where no -shm file can be made, sqlite_db.h). Works after stop().
  Result<std::vector<FileRecord>> rejected() const;

 private:
  struct Impl;
  explicit Watcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace wenyuan::watch
