// Thin RAII over the SQLite C API for wenyuan's own files (catalog.db,
// intake.db, me.db, watch.db, accounts.db; not a general wrapper): a
// connection (Db), a prepared statement (Statement), a guard that resets a
// cached statement when the caller is done with it (StatementReset), a
// transaction (Db::transaction) and the forward-only migration scheme every
// file shares (migrate).
//
// Invariants: a Db owns exactly one sqlite3 connection and closes it (rolling
// back anything uncommitted) when destroyed. A Statement owns one sqlite3_stmt.
// Errors become Status values whose message carries SQLite's own words
// ("database is locked", "UNIQUE constraint failed: documents.id"), so a caller
// can add the file name with Status::with_context.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wenyuan/core/status.h"

namespace wenyuan::store::sqlite {

// Maps an SQLite result code (and the connection's last message) to a Status.
Status error(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  sqlite3_stmt* get() const { return stmt_.get(); }
  explicit operator bool() const { return stmt_ != nullptr; }

  // Bind by 1-based index. Text and blobs are copied by SQLite (SQLITE_TRANSIENT).
  void bind_null(int i);
  void bind_int(int i, int64_t v);
  void bind_text(int i, std::string_view v);
  void bind_blob(int i, std::string_view v);
  void bind_optional_int(int i, const std::optional<int>& v);
  // Binds `args` to parameters 1, 2, …: integers (and bool) as INTEGER,
  // strings as TEXT.
  template <typename... Args>
  void bind_all(const Args&... args) {
    [[maybe_unused]] int i = 0;
    (bind_value(++i, args), ...);
  }

  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> error.
  Result<bool> step();
  // Steps a statement that returns no rows.
  Status run();
  // Steps through every row, calling `on_row()` at each (it reads the columns).
  template <typename F>
  Status for_each_row(F&& on_row) {
    for (;;) {
      Result<bool> row = step();
      if (!row.is_ok()) return row.status();
      if (!*row) return Status::ok();
      on_row();
    }
  }

  int64_t column_int(int i) const;
  bool column_is_null(int i) const;
  std::string column_text(int i) const;
  std::string_view column_blob(int i) const;  // valid until the next step/reset

  void reset();  // also clears bindings

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  void bind_value(int i, std::string_view v) { bind_text(i, v); }
  void bind_value(int i, int64_t v) { bind_int(i, v); }
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// Resets a (cached) statement when it leaves scope, so the next user finds it
// clean and no read transaction is held open by a half-stepped query.
class StatementReset {
 public:
  explicit StatementReset(Statement& s) : s_(s) {}
  ~StatementReset() { s_.reset(); }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  Statement& s_;
};

class Db {
 public:
  // Opens (creating if absent) the file in read-write mode, one thread at a time
  // (SQLITE_OPEN_NOMUTEX: the caller serializes use of this connection).
  // Full disk: every connection to a WAL database needs its -shm file, and a
  // file closed cleanly has none; when the first read cannot make one
  // (SQLITE_IOERR_SHM*), the file is reopened in EXCLUSIVE locking mode, which
  // keeps the WAL index in this connection's memory, so read-only commands
  // still answer on a full disk (docs/operations.md). That connection holds
  // the file's lock until it is closed: other connections, in this process
  // or another, wait meanwhile (busy timeout) and then fail "database is
  // locked"; private_wal_index() says a connection is in that mode, so a
  // process that would open several (the server) uses this one for everything
  // (server/catalog_pool.h). Only a full disk (or a read-only directory) gets there.
  static Result<Db> open(const std::string& path);

  Db() = default;
  explicit Db(sqlite3* connection) : db_(connection) {}  // takes ownership
  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  sqlite3* get() const { return db_.get(); }
  // True if open() fell back to EXCLUSIVE locking mode (no -shm file could be
  // made): this connection is the only one the file admits until it closes.
  bool private_wal_index() const { return private_wal_index_; }

  // `cached`: the statement will be kept and reused (SQLITE_PREPARE_PERSISTENT).
  Result<Statement> prepare(std::string_view sql, bool cached = true) const;
  // The statement of `sql`, prepared on first use and kept by this connection
  // for the next call with the same text: a query run once per document (the
  // duplicate sketches, store/clusters.cc) would otherwise pay SQLite's parser
  // every time, which for small documents costs more than the query. Valid as
  // long as this Db; the caller resets it when done (StatementReset), and must
  // not ask for the same text again while it is still stepping it.
  Result<Statement*> cached(const std::string& sql) const;
  // Runs one or more statements that return no rows we need.
  Status exec(const std::string& sql) const;
  // A statement prepared once for this call (not cached), `args` bound
  // (Statement::bind_all).
  template <typename... Args>
  Result<Statement> statement(std::string_view sql, const Args&... args) const {
    Result<Statement> s = prepare(sql, /*cached=*/false);
    if (s.is_ok()) s->bind_all(args...);
    return s;
  }
  // Prepares, binds and steps a statement that returns no rows (INSERT,
  // UPDATE, DELETE); changes() tells how many rows it changed.
  template <typename... Args>
  Status run(std::string_view sql, const Args&... args) const {
    Result<Statement> s = statement(sql, args...);
    if (!s.is_ok()) return s.status();
    return s->run();
  }
  // Runs `fn` (returning Status) inside BEGIN IMMEDIATE … COMMIT; rolls back
  // when `fn` or the COMMIT fails, and returns that failure.
  template <typename F>
  Status transaction(F&& fn) const {
    Status st = exec("BEGIN IMMEDIATE");
    if (!st.is_ok()) return st;
    st = fn();
    if (st.is_ok()) st = exec("COMMIT");
    if (!st.is_ok()) (void)exec("ROLLBACK");  // best effort; the first failure is what matters
    return st;
  }
  // Rows changed by the last INSERT, UPDATE or DELETE of this connection.
  int64_t changes() const { return sqlite3_changes64(get()); }
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(get()); }
  // Runs a query whose first row's first column is an integer (PRAGMA user_version).
  Result<int64_t> query_int(const std::string& sql) const;
  // The same for a text result (PRAGMA journal_mode).
  Result<std::string> query_text(const std::string& sql) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  bool private_wal_index_ = false;
  // After db_: destroyed (finalized) before the connection closes.
  mutable std::unordered_map<std::string, Statement> cache_;
};

// Puts the file in WAL journal mode and returns the mode now in force ("wal"
// unless the file system refuses it). Switching a new file takes an exclusive
// lock, and SQLite answers SQLITE_BUSY there without calling the busy handler,
// so two connections (or processes) opening one new file at once could fail
// with "database is locked" at once. Retried every 5 ms for up to `timeout_ms`,
// as the busy timeout would wait, then the error.
Result<std::string> use_wal(const Db& db, int timeout_ms);

// The migration scheme of wenyuan's SQLite files: PRAGMA user_version is the
// number of steps applied; step k (1-based, `steps[k-1]`, SQL) takes the
// schema from version k-1 to k. Brings `db` up to `target` (<= steps.size()),
// each step in its own BEGIN IMMEDIATE transaction with its user_version bump
// (the version re-read under the write lock, so two processes opening one file
// apply each step once; a crash leaves a whole version). Released steps are
// never edited: a change is a new step at the end. Unsupported, naming `what`
// ("schema", "accounts schema"), if the file is newer than `target`.
Status migrate(const Db& db, std::span<const char* const> steps, int target, std::string_view what);

}  // namespace wenyuan::store::sqlite
