#include "wenyuan/store/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {

namespace fs = std::filesystem;

namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, Closer>;

Result<Connection> open_connection(const fs::path& file, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return sqlite::error(db.get(), rc, "open").with_context(file.string());
  // The same patience as the catalog's own connections (catalog.h): a writer
  // checkpointing or switching journal modes holds its lock briefly.
  sqlite3_busy_timeout(db.get(), 10000);
  return db;
}

Status sync_parent(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io_error(dir.string() + ": cannot open the folder to sync it");
  const int r = ::fsync(fd);
  ::close(fd);
  if (r != 0) return Status::io_error(dir.string() + ": fsync of the folder failed");
  return Status::ok();
}

}  // namespace

Status copy_database(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return Status::already_exists(to.string() + ": exists; a copy goes to a new file");
  // Read-write without CREATE: a read-only connection to a WAL database fails
  // when it cannot write the -shm index, and CREATE would make an empty
  // database of a mistyped path. Nothing is written through this connection.
  auto src = open_connection(from, SQLITE_OPEN_READWRITE);
  if (!src) return src.status();
  auto dst = open_connection(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst) return dst.status();
  sqlite3_backup* backup = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (backup == nullptr) return sqlite::error(dst->get(), sqlite3_errcode(dst->get()), "backup").with_context(from.string());
  int rc = SQLITE_OK;
  // -1: every page in one step, i.e. one read transaction on the source, so
  // the copy is one committed state even while others write. BUSY/LOCKED come
  // only from a writer holding an exclusive lock a moment (a WAL reset): wait.
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    Status st = sqlite::error(dst->get(), rc, "backup").with_context(from.string() + " -> " + to.string());
    dst.value().reset();
    fs::remove(to, ec);
    return st;
  }
  if (finish != SQLITE_OK) return sqlite::error(dst->get(), finish, "backup").with_context(to.string());
  dst.value().reset();  // closes the copy: SQLite synced its pages at the backup's commit
  return sync_parent(to);
}

}  // namespace wenyuan::store
