// WriterLock: the one-index-writer rule of a library, as LevelDB's LOCK file.
//
// A library directory has exactly one index writer at a time: the process that
// holds an exclusive flock(2) on index/LOCK. Other processes may change the
// catalog (SQLite serializes them) and read the index, but never write index
// files; the holder catches up from the catalog's change log. The kernel drops
// the lock when the holder exits or dies, so a crashed writer never leaves the
// library locked (no stale-lock cleanup, unlike a pid file).
//
// The file's content names the holder ("pid 1234: wenyuan serve") for messages
// only: the flock is the lock, the text is advice that may be a moment stale.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "wenyuan/core/status.h"

namespace wenyuan::index {

inline constexpr char kLockName[] = "LOCK";

class WriterLock {
 public:
  // Takes the lock on `dir`/LOCK without waiting. An empty optional means
  // another process holds it (holder() of a later call says who); an error
  // means the file could not be opened at all.
  static Result<std::optional<WriterLock>> try_acquire(const std::filesystem::path& dir, const std::string& holder);
  // Who holds the lock on `dir` as its file says ("pid 1234: wenyuan serve"),
  // or "" when nobody wrote a name.
  static std::string holder(const std::filesystem::path& dir);

  WriterLock(WriterLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  WriterLock& operator=(WriterLock&& o) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock();  // releases

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace wenyuan::index
