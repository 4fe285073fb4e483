// Directory: the only way the index touches storage.
//
// The index needs very little from a file system: create a file and append to
// it, make it durable (sync), rename it atomically, make the directory entry
// durable (sync_dir), remove, list, and read a whole file (memory-mapped where
// the platform allows). Everything goes through this interface so that tests
// can run the same commit code against MemDirectory with injected faults
// (FaultInjectionDirectory): a crash after any step, a short write, a full disk.
//
// Durability model (what a crash keeps), shared by FsDirectory in practice and
// MemDirectory exactly: file bytes survive a crash only up to the last sync();
// a create/rename/remove survives only after the next sync_dir().
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::index {

// Read-only bytes of one file, valid as long as the object lives (an mmap, or
// a private copy). Segments keep a shared_ptr to it, so a file removed from the
// directory stays readable by snapshots that still use it.
class FileData {
 public:
  virtual ~FileData() = default;
  virtual const char* data() const = 0;
  virtual size_t size() const = 0;
  std::string_view view() const { return {data(), size()}; }
};

// FileData over bytes held in memory.
class MemFile : public FileData {
 public:
  explicit MemFile(std::string s) : s_(std::move(s)) {}
  const char* data() const override { return s_.data(); }
  size_t size() const override { return s_.size(); }

 private:
  std::string s_;
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view bytes) = 0;
  virtual Status sync() = 0;   // bytes appended so far become durable
  virtual Status close() = 0;  // idempotent
};

class Directory {
 public:
  virtual ~Directory() = default;
  // Creates `name` for writing, replacing any file of that name (never
  // truncating it in place: readers of the old file keep its bytes).
  virtual Result<std::unique_ptr<WritableFile>> create(const std::string& name) = 0;
  virtual Result<std::shared_ptr<const FileData>> read(const std::string& name) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove(const std::string& name) = 0;
  virtual Status sync_dir() = 0;
  virtual Result<std::vector<std::string>> list() = 0;
  virtual bool exists(const std::string& name) = 0;
  // Sum of file sizes (for stats).
  virtual uint64_t size_of(const std::string& name) = 0;
  // A short human name for messages ("/var/lib/wenyuan/index", "mem").
  virtual std::string describe() const = 0;
};

// A real directory on disk (POSIX: open/write/fsync/rename/mmap). Created if missing.
Result<std::shared_ptr<Directory>> open_fs_directory(const std::filesystem::path& path);

// An in-memory directory that models the durability rules above; crash()
// throws away everything not yet durable, as a power loss would.
class MemDirectory : public Directory {
 public:
  Result<std::unique_ptr<WritableFile>> create(const std::string& name) override;
  Result<std::shared_ptr<const FileData>> read(const std::string& name) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& name) override;
  Status sync_dir() override;
  Result<std::vector<std::string>> list() override;
  bool exists(const std::string& name) override;
  uint64_t size_of(const std::string& name) override;
  std::string describe() const override { return "mem"; }

  // Simulates a power loss: names revert to the last sync_dir(), file
  // contents to their last sync().
  void crash();

 private:
  struct Node {
    std::string data;
    size_t synced = 0;
  };
  friend class MemWritableFile;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Node>> names_;          // current
  std::map<std::string, std::shared_ptr<Node>> durable_names_;  // as of the last sync_dir()
};

// Wraps another Directory and fails on purpose. Every mutating call (create,
// append, sync, rename, remove, sync_dir) is one "step", counted from 0.
class FaultInjectionDirectory : public Directory {
 public:
  enum class Fault {
    kNone,
    kCrash,       // step N and everything after fail with IoError ("crashed")
    kShortWrite,  // the append at step N writes half its bytes, then fails
    kNoSpace,     // step N fails with IoError ENOSPC; later steps work again
  };
  explicit FaultInjectionDirectory(std::shared_ptr<Directory> base) : base_(std::move(base)) {}
  void arm(Fault fault, uint64_t at_step) { fault_ = fault; at_ = at_step; steps_ = 0; crashed_ = false; }
  uint64_t steps() const { return steps_; }
  bool crashed() const { return crashed_; }

  Result<std::unique_ptr<WritableFile>> create(const std::string& name) override;
  Result<std::shared_ptr<const FileData>> read(const std::string& name) override { return base_->read(name); }
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& name) override;
  Status sync_dir() override;
  Result<std::vector<std::string>> list() override { return base_->list(); }
  bool exists(const std::string& name) override { return base_->exists(name); }
  uint64_t size_of(const std::string& name) override { return base_->size_of(name); }
  std::string describe() const override { return "fault(" + base_->describe() + ")"; }

 private:
  friend class FaultyFile;
  // Returns non-ok if this step must fail; `short_write` tells the caller to
  // write a prefix first.
  Status step(const char* what, bool* short_write = nullptr);
  std::shared_ptr<Directory> base_;
  Fault fault_ = Fault::kNone;
  uint64_t at_ = 0;
  uint64_t steps_ = 0;
  bool crashed_ = false;
};

}  // namespace wenyuan::index
