#include "wenyuan/watch/inotify.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wenyuan::watch {

namespace {
// IN_CREATE is for new subfolders (and files that will be checked for stability);
// IN_CLOSE_WRITE and IN_MOVED_TO say a file is complete.
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF |
                           IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
}  // namespace

Result<std::unique_ptr<Inotify>> Inotify::open() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Status::io_error(std::string("inotify_init1: ") + std::strerror(errno));
  return std::unique_ptr<Inotify>(new Inotify(fd));
}

Inotify::~Inotify() {
  if (fd_ >= 0) ::close(fd_);
}

Status Inotify::add(const std::filesystem::path& folder) {
  if (watching(folder)) return Status::ok();
  const int wd = inotify_add_watch(fd_, folder.c_str(), kMask);
  if (wd < 0) {
    const int err = errno;
    std::string m = folder.string() + ": cannot watch: " + std::strerror(err);
    if (err == ENOSPC) m += " (raise fs.inotify.max_user_watches; the periodic rescan still finds its files)";
    return Status::io_error(std::move(m));
  }
  // The same inode watched under an older name (a folder renamed while we
  // looked away): the descriptor is reused, so the old name must go.
  auto old = by_wd_.find(wd);
  if (old != by_wd_.end()) by_folder_.erase(old->second);
  by_wd_[wd] = folder;
  by_folder_[folder] = wd;
  return Status::ok();
}

void Inotify::remove_tree(const std::filesystem::path& folder) {
  const std::string prefix = folder.string() + "/";
  for (auto it = by_folder_.lower_bound(folder); it != by_folder_.end();) {
    const std::string s = it->first.string();
    if (it->first != folder && s.compare(0, prefix.size(), prefix) != 0) break;
    inotify_rm_watch(fd_, it->second);
    by_wd_.erase(it->second);
    it = by_folder_.erase(it);
  }
}

std::vector<FolderEvent> Inotify::read_events() {
  std::vector<FolderEvent> out;
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        out.push_back({{}, {}, ev->mask});
        continue;
      }
      auto it = by_wd_.find(ev->wd);
      if (it == by_wd_.end()) continue;  // a folder we stopped watching
      FolderEvent e{it->second, ev->len > 0 ? std::string(ev->name) : std::string(), ev->mask};
      if (ev->mask & IN_IGNORED) {  // the kernel dropped the watch (folder deleted)
        by_folder_.erase(it->second);
        by_wd_.erase(it);
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace wenyuan::watch
