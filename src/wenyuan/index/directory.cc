// Directory implementations: POSIX files, in-memory with a durability model,
// and fault injection. See directory.h.
#include "wenyuan/index/directory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wenyuan::index {

namespace {

Status errno_status(const std::string& what, const std::string& path) {
  return Status::io_error(path + ": " + what + ": " + std::strerror(errno));
}

class MmapData : public FileData {
 public:
  MmapData(void* p, size_t n) : p_(p), n_(n) {}
  ~MmapData() override {
    if (p_ != nullptr) munmap(p_, n_);
  }
  const char* data() const override { return n_ == 0 ? "" : static_cast<const char*>(p_); }
  size_t size() const override { return n_; }

 private:
  void* p_;
  size_t n_;
};

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override { (void)close(); }
  Status append(std::string_view b) override {
    while (!b.empty()) {
      ssize_t n = ::write(fd_, b.data(), b.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("write", path_);
      }
      b.remove_prefix(static_cast<size_t>(n));
    }
    return Status::ok();
  }
  Status sync() override {
    if (::fdatasync(fd_) != 0) return errno_status("fdatasync", path_);
    return Status::ok();
  }
  Status close() override {
    if (fd_ < 0) return Status::ok();
    int r = ::close(fd_);
    fd_ = -1;
    if (r != 0) return errno_status("close", path_);
    return Status::ok();
  }

 private:
  int fd_;
  std::string path_;
};

class FsDirectory : public Directory {
 public:
  explicit FsDirectory(std::filesystem::path p) : path_(std::move(p)) {}
  std::string full(const std::string& name) const { return (path_ / name).string(); }

  Result<std::unique_ptr<WritableFile>> create(const std::string& name) override {
    std::string p = full(name);
    // Never truncate in place: another process may have the old file mapped
    // (a truncated mapping raises SIGBUS there). Unlinking first gives the name
    // a new inode and leaves the old bytes to whoever still maps them.
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return errno_status("unlink before writing", p);
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return errno_status("open for writing", p);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, p));
  }
  Result<std::shared_ptr<const FileData>> read(const std::string& name) override {
    std::string p = full(name);
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::not_found(p + ": no such file");
      return errno_status("open", p);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = errno_status("fstat", p);
      ::close(fd);
      return s;
    }
    size_t n = static_cast<size_t>(st.st_size);
    void* m = nullptr;
    if (n > 0) {
      m = ::mmap(nullptr, n, PROT_READ, MAP_SHARED, fd, 0);
      if (m == MAP_FAILED) {
        Status s = errno_status("mmap", p);
        ::close(fd);
        return s;
      }
    }
    ::close(fd);  // the mapping keeps the file alive
    return std::shared_ptr<const FileData>(std::make_shared<MmapData>(m, n));
  }
  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(full(from).c_str(), full(to).c_str()) != 0) return errno_status("rename to " + to, full(from));
    return Status::ok();
  }
  Status remove(const std::string& name) override {
    if (::unlink(full(name).c_str()) != 0 && errno != ENOENT) return errno_status("unlink", full(name));
    return Status::ok();
  }
  Status sync_dir() override {
    int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno_status("open directory", path_.string());
    int r = ::fsync(fd);
    ::close(fd);
    if (r != 0) return errno_status("fsync directory", path_.string());
    return Status::ok();
  }
  Result<std::vector<std::string>> list() override {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(path_, ec)) out.push_back(e.path().filename().string());
    if (ec) return Status::io_error(path_.string() + ": list: " + ec.message());
    return out;
  }
  bool exists(const std::string& name) override {
    std::error_code ec;
    return std::filesystem::exists(path_ / name, ec);
  }
  uint64_t size_of(const std::string& name) override {
    std::error_code ec;
    auto n = std::filesystem::file_size(path_ / name, ec);
    return ec ? 0 : n;
  }
  std::string describe() const override { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace

Result<std::shared_ptr<Directory>> open_fs_directory(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::io_error(path.string() + ": create directory: " + ec.message());
  if (!std::filesystem::is_directory(path, ec)) return Status::io_error(path.string() + ": not a directory");
  return std::shared_ptr<Directory>(std::make_shared<FsDirectory>(path));
}

// ---- MemDirectory -----------------------------------------------------------

class MemWritableFile : public WritableFile {
 public:
  MemWritableFile(MemDirectory* dir, std::shared_ptr<MemDirectory::Node> node) : dir_(dir), node_(std::move(node)) {}
  Status append(std::string_view b) override {
    std::lock_guard<std::mutex> l(dir_->mu_);
    node_->data.append(b);
    return Status::ok();
  }
  Status sync() override {
    std::lock_guard<std::mutex> l(dir_->mu_);
    node_->synced = node_->data.size();
    return Status::ok();
  }
  Status close() override { return Status::ok(); }

 private:
  MemDirectory* dir_;
  std::shared_ptr<MemDirectory::Node> node_;
};

Result<std::unique_ptr<WritableFile>> MemDirectory::create(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto node = std::make_shared<Node>();
  names_[name] = node;
  return std::unique_ptr<WritableFile>(new MemWritableFile(this, node));
}

Result<std::shared_ptr<const FileData>> MemDirectory::read(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = names_.find(name);
  if (it == names_.end()) return Status::not_found("mem/" + name + ": no such file");
  return std::shared_ptr<const FileData>(std::make_shared<MemFile>(it->second->data));
}

Status MemDirectory::rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = names_.find(from);
  if (it == names_.end()) return Status::not_found("mem/" + from + ": no such file");
  auto node = it->second;
  names_.erase(it);
  names_[to] = node;
  return Status::ok();
}

Status MemDirectory::remove(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  names_.erase(name);
  return Status::ok();
}

Status MemDirectory::sync_dir() {
  std::lock_guard<std::mutex> l(mu_);
  durable_names_ = names_;
  return Status::ok();
}

Result<std::vector<std::string>> MemDirectory::list() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [k, v] : names_) out.push_back(k);
  return out;
}

bool MemDirectory::exists(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  return names_.count(name) != 0;
}

uint64_t MemDirectory::size_of(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = names_.find(name);
  return it == names_.end() ? 0 : it->second->data.size();
}

void MemDirectory::crash() {
  std::lock_guard<std::mutex> l(mu_);
  names_.clear();
  for (const auto& [name, node] : durable_names_) {
    // A fresh node: open writers of the old one must not affect the survivor.
    auto n = std::make_shared<Node>();
    n->data = node->data.substr(0, node->synced);
    n->synced = n->data.size();
    names_[name] = n;
  }
  durable_names_ = names_;
}

// ---- FaultInjectionDirectory --------------------------------------------------

Status FaultInjectionDirectory::step(const char* what, bool* short_write) {
  if (crashed_) return Status::io_error(std::string("fault injection: ") + what + " after crash");
  uint64_t s = steps_++;
  if (fault_ == Fault::kNone || s != at_) return Status::ok();
  switch (fault_) {
    case Fault::kCrash:
      crashed_ = true;
      return Status::io_error(std::string("fault injection: crash at ") + what);
    case Fault::kShortWrite:
      if (short_write != nullptr) *short_write = true;
      crashed_ = true;
      return Status::io_error(std::string("fault injection: short write at ") + what);
    case Fault::kNoSpace:
      return Status::io_error(std::string("fault injection: ") + what + ": No space left on device");
    case Fault::kNone:
      break;
  }
  return Status::ok();
}

class FaultyFile : public WritableFile {
 public:
  FaultyFile(FaultInjectionDirectory* dir, std::unique_ptr<WritableFile> base) : dir_(dir), base_(std::move(base)) {}
  Status append(std::string_view b) override {
    bool short_write = false;
    Status s = dir_->step("append", &short_write);
    if (short_write) (void)base_->append(b.substr(0, b.size() / 2));
    if (!s) return s;
    return base_->append(b);
  }
  Status sync() override {
    WENYUAN_RETURN_IF_ERROR(dir_->step("sync"));
    return base_->sync();
  }
  Status close() override { return base_->close(); }

 private:
  FaultInjectionDirectory* dir_;
  std::unique_ptr<WritableFile> base_;
};

Result<std::unique_ptr<WritableFile>> FaultInjectionDirectory::create(const std::string& name) {
  WENYUAN_RETURN_IF_ERROR(step("create"));
  WENYUAN_ASSIGN_OR_RETURN(auto f, base_->create(name));
  return std::unique_ptr<WritableFile>(new FaultyFile(this, std::move(f)));
}

Status FaultInjectionDirectory::rename(const std::string& from, const std::string& to) {
  WENYUAN_RETURN_IF_ERROR(step("rename"));
  return base_->rename(from, to);
}

Status FaultInjectionDirectory::remove(const std::string& name) {
  WENYUAN_RETURN_IF_ERROR(step("remove"));
  return base_->remove(name);
}

Status FaultInjectionDirectory::sync_dir() {
  WENYUAN_RETURN_IF_ERROR(step("sync_dir"));
  return base_->sync_dir();
}

}  // namespace wenyuan::index
