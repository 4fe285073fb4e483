#include "wenyuan/index/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace wenyuan::index {

Result<std::optional<WriterLock>> WriterLock::try_acquire(const std::filesystem::path& dir, const std::string& holder) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string p = (dir / kLockName).string();
  // O_RDWR without O_TRUNC: a waiting process must not wipe the holder's name.
  int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io_error(p + ": cannot open the writer lock: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return std::optional<WriterLock>{};
    return Status::io_error(p + ": cannot take the writer lock: " + std::strerror(e));
  }
  // Only the holder writes the name, and only while it holds the lock.
  const std::string text = "pid " + std::to_string(::getpid()) + ": " + holder + "\n";
  if (::ftruncate(fd, 0) == 0) {
    ssize_t w = ::pwrite(fd, text.data(), text.size(), 0);
    (void)w;  // advice only (see the header)
  }
  return std::optional<WriterLock>(WriterLock(fd));
}

std::string WriterLock::holder(const std::filesystem::path& dir) {
  std::ifstream in(dir / kLockName);
  std::string line;
  std::getline(in, line);
  return line;
}

WriterLock& WriterLock::operator=(WriterLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor drops the flock
}

}  // namespace wenyuan::index
