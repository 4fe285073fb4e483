// Inotify: the Linux inotify descriptor of a Watcher and the map from its watch
// descriptors to folders. Only the watcher's thread uses it.
//
// inotify is not recursive: every folder is watched on its own, and a folder
// that appears (mkdir, or moved in) must be added before its files are listed,
// so that a file is seen by the listing or by an event, never by neither.
// Events can be lost when the kernel queue overflows (IN_Q_OVERFLOW); the
// caller answers that with a full rescan.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::watch {

struct FolderEvent {
  std::filesystem::path folder;  // the watched folder the event happened in; empty for IN_Q_OVERFLOW
  std::string name;              // the entry's name within it; empty for events on the folder itself
  uint32_t mask = 0;
};

class Inotify {
 public:
  static Result<std::unique_ptr<Inotify>> open();
  ~Inotify();
  Inotify(const Inotify&) = delete;
  Inotify& operator=(const Inotify&) = delete;

  int fd() const { return fd_; }
  // Watches `folder` (not its subfolders). Ok if it is watched already.
  // ENOSPC (fs.inotify.max_user_watches) is an error the caller may live with:
  // the periodic rescan still finds the folder's files.
  Status add(const std::filesystem::path& folder);
  bool watching(const std::filesystem::path& folder) const { return by_folder_.count(folder) > 0; }
  // Stops watching `folder` and every folder below it.
  void remove_tree(const std::filesystem::path& folder);
  // Reads every event queued now (non-blocking).
  std::vector<FolderEvent> read_events();

 private:
  explicit Inotify(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::unordered_map<int, std::filesystem::path> by_wd_;
  std::map<std::filesystem::path, int> by_folder_;
};

}  // namespace wenyuan::watch
