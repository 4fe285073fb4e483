#include "wenyuan/store/sqlite_db.h"

#include <chrono>
#include <thread>

namespace wenyuan::store::sqlite {

namespace {

Status from_code(int rc, std::string msg) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::corruption(std::move(msg));
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return Status::invalid_argument(std::move(msg));
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return Status::permission_denied(std::move(msg));
    case SQLITE_NOTFOUND:
      return Status::not_found(std::move(msg));
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::io_error(std::move(msg));
    default:
      return Status::internal(std::move(msg));
  }
}

}  // namespace

Status error(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  // The connection's message is more precise than sqlite3_errstr (it names the
  // constraint or the trigger), but only when it belongs to this result code.
  if (db != nullptr && (sqlite3_errcode(db) & 0xff) == (rc & 0xff)) {
    msg += sqlite3_errmsg(db);
  } else {
    msg += sqlite3_errstr(rc);
  }
  return from_code(rc, std::move(msg));
}

void Statement::bind_null(int i) { sqlite3_bind_null(get(), i); }
void Statement::bind_int(int i, int64_t v) { sqlite3_bind_int64(get(), i, v); }
void Statement::bind_text(int i, std::string_view v) {
  sqlite3_bind_text64(get(), i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bind_blob(int i, std::string_view v) {
  // A zero-length blob must still be a blob, not NULL: data() may be null.
  sqlite3_bind_blob64(get(), i, v.empty() ? "" : v.data(), v.size(), SQLITE_TRANSIENT);
}
void Statement::bind_optional_int(int i, const std::optional<int>& v) {
  if (v) {
    bind_int(i, *v);
  } else {
    bind_null(i);
  }
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error(sqlite3_db_handle(get()), rc, "step");
}

Status Statement::run() {
  return step().status();
}

int64_t Statement::column_int(int i) const { return sqlite3_column_int64(get(), i); }
bool Statement::column_is_null(int i) const { return sqlite3_column_type(get(), i) == SQLITE_NULL; }
std::string Statement::column_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(get(), i));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(get(), i)));
}
std::string_view Statement::column_blob(int i) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(get(), i));
  if (p == nullptr) return {};
  return std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(get(), i)));
}

void Statement::reset() {
  sqlite3_reset(get());
  sqlite3_clear_bindings(get());
}

namespace {

Result<Db> open_connection(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);  // sqlite3_open_v2 may hand back a handle even on failure
  if (rc != SQLITE_OK) return error(raw, rc, "cannot open");
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

// True if the connection's last error was SQLite failing to create, size or
// map the -shm file of a WAL database.
bool shm_unavailable(sqlite3* db) {
  const int rc = sqlite3_extended_errcode(db);
  return rc == SQLITE_IOERR_SHMSIZE || rc == SQLITE_IOERR_SHMOPEN || rc == SQLITE_IOERR_SHMMAP ||
         rc == SQLITE_IOERR_SHMLOCK;
}

}  // namespace

Result<Db> Db::open(const std::string& path) {
  WENYUAN_ASSIGN_OR_RETURN(Db db, open_connection(path));
  // The first read: in a WAL database it opens the -shm file. Any other
  // failure (busy, not a database) is left to the caller's own first read,
  // which reports it in its words.
  if (db.exec("SELECT count(*) FROM sqlite_schema").is_ok() || !shm_unavailable(db.get())) return db;
  // EXCLUSIVE locking mode keeps the WAL index in memory only when it is set
  // before the connection first reads a WAL file, hence the new connection.
  WENYUAN_ASSIGN_OR_RETURN(db, open_connection(path));
  WENYUAN_RETURN_IF_ERROR(db.exec("PRAGMA locking_mode = EXCLUSIVE"));
  db.private_wal_index_ = true;
  return db;
}

Result<Statement> Db::prepare(std::string_view sql, bool cached) const {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v3(get(), sql.data(), static_cast<int>(sql.size()),
                                    cached ? SQLITE_PREPARE_PERSISTENT : 0, &s, nullptr);
  if (rc != SQLITE_OK) return error(get(), rc, "prepare");
  return Statement(s);
}

Result<Statement*> Db::cached(const std::string& sql) const {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    Result<Statement> s = prepare(sql, /*cached=*/true);
    if (!s.is_ok()) return s.status();
    it = cache_.emplace(sql, std::move(s).value()).first;
  }
  return &it->second;
}

Status Db::exec(const std::string& sql) const {
  char* err = nullptr;
  const int rc = sqlite3_exec(get(), sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::ok();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return from_code(rc, std::move(msg));
}

Result<int64_t> Db::query_int(const std::string& sql) const {
  WENYUAN_ASSIGN_OR_RETURN(Statement s, prepare(sql, /*cached=*/false));
  WENYUAN_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::not_found("no row: " + sql);
  return s.column_int(0);
}

Result<std::string> Db::query_text(const std::string& sql) const {
  WENYUAN_ASSIGN_OR_RETURN(Statement s, prepare(sql, /*cached=*/false));
  WENYUAN_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::not_found("no row: " + sql);
  return s.column_text(0);
}

Result<std::string> use_wal(const Db& db, int timeout_ms) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    Result<std::string> mode = db.query_text("PRAGMA journal_mode = WAL");
    // Read right after the failing call: a later statement resets the error code.
    const int rc = sqlite3_errcode(db.get()) & 0xff;
    const bool busy = !mode.is_ok() && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    if (!busy || std::chrono::steady_clock::now() >= give_up) return mode;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status migrate(const Db& db, std::span<const char* const> steps, int target, std::string_view what) {
  if (target < 0 || static_cast<size_t>(target) > steps.size()) {
    return Status::invalid_argument("no " + std::string(what) + " version " + std::to_string(target));
  }
  Result<int64_t> version = db.query_int("PRAGMA user_version");
  if (!version.is_ok()) return version.status();
  if (*version > target) {
    return Status::unsupported(std::string(what) + " version " + std::to_string(*version) +
                               " is newer than this wenyuan understands (" + std::to_string(target) + ")");
  }
  for (int v = static_cast<int>(*version) + 1; v <= target; ++v) {
    Status st = db.transaction([&]() -> Status {
      // Re-read under the write lock: another process may have migrated meanwhile.
      Result<int64_t> now = db.query_int("PRAGMA user_version");
      if (!now.is_ok()) return now.status();
      if (*now >= v) return Status::ok();
      Status step = db.exec(steps[static_cast<size_t>(v) - 1]);
      if (!step.is_ok()) return step;
      return db.exec("PRAGMA user_version = " + std::to_string(v));
    });
    if (!st.is_ok()) return st.with_context("migration to " + std::string(what) + " version " + std::to_string(v));
  }
  return Status::ok();
}

}  // namespace wenyuan::store::sqlite
