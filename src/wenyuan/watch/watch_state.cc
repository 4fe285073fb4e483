#include "wenyuan/watch/watch_state.h"

#include <nlohmann/json.hpp>

namespace wenyuan::watch {

namespace {

constexpr int kBusyTimeoutMs = 5000;  // the server's admin page may read while the watcher writes

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS files (
  root     TEXT NOT NULL,
  path     TEXT NOT NULL,
  size     INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  ids      TEXT NOT NULL,      -- JSON array of document ids
  state    TEXT NOT NULL,      -- 'imported' | 'rejected'
  reason   TEXT NOT NULL,
  time     INTEGER NOT NULL,
  PRIMARY KEY (root, path)
);
CREATE INDEX IF NOT EXISTS files_state ON files(state, time);
)sql";

std::string ids_json(const std::vector<std::string>& ids) { return nlohmann::json(ids).dump(); }

std::vector<std::string> parse_ids(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<WatchState>> WatchState::open(const std::filesystem::path& file) {
  auto db = store::sqlite::Db::open(file.string());
  if (!db) return db.status().with_context(file.string());
  sqlite3_busy_timeout(db->get(), kBusyTimeoutMs);
  if (auto mode = store::sqlite::use_wal(*db, kBusyTimeoutMs); !mode) return mode.status().with_context(file.string());
  WENYUAN_RETURN_IF_ERROR(db->exec("PRAGMA synchronous = NORMAL").with_context(file.string()));
  WENYUAN_RETURN_IF_ERROR(db->exec(kSchema).with_context(file.string()));
  return std::unique_ptr<WatchState>(new WatchState(std::move(db.value())));
}

Result<std::vector<FileRecord>> WatchState::query(const std::string& sql, const std::string& root) const {
  WENYUAN_ASSIGN_OR_RETURN(auto stmt, db_.prepare(sql, false));
  if (!root.empty()) stmt.bind_text(1, root);
  std::vector<FileRecord> out;
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(auto row, stmt.step());
    if (!row) break;
    FileRecord r;
    r.root = stmt.column_text(0);
    r.path = stmt.column_text(1);
    r.size = static_cast<uint64_t>(stmt.column_int(2));
    r.mtime_ns = stmt.column_int(3);
    r.ids = parse_ids(stmt.column_text(4));
    r.state = stmt.column_text(5) == "rejected" ? FileState::kRejected : FileState::kImported;
    r.reason = stmt.column_text(6);
    r.time = stmt.column_int(7);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<FileRecord>> WatchState::load(const std::string& root) const {
  return query("SELECT root, path, size, mtime_ns, ids, state, reason, time FROM files WHERE root = ?1", root);
}

Result<std::vector<FileRecord>> WatchState::rejected() const {
  return query(
      "SELECT root, path, size, mtime_ns, ids, state, reason, time FROM files WHERE state = 'rejected' "
      "ORDER BY time DESC, root, path",
      "");
}

Status WatchState::put(const FileRecord& r) {
  WENYUAN_ASSIGN_OR_RETURN(auto stmt, db_.prepare(
      "INSERT OR REPLACE INTO files (root, path, size, mtime_ns, ids, state, reason, time) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  store::sqlite::StatementReset reset(stmt);
  stmt.bind_text(1, r.root);
  stmt.bind_text(2, r.path);
  stmt.bind_int(3, static_cast<int64_t>(r.size));
  stmt.bind_int(4, r.mtime_ns);
  stmt.bind_text(5, ids_json(r.ids));
  stmt.bind_text(6, r.state == FileState::kRejected ? "rejected" : "imported");
  stmt.bind_text(7, r.reason);
  stmt.bind_int(8, r.time);
  return stmt.run();
}

Status WatchState::erase(const std::string& root, const std::string& path) {
  WENYUAN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM files WHERE root = ?1 AND path = ?2"));
  store::sqlite::StatementReset reset(stmt);
  stmt.bind_text(1, root);
  stmt.bind_text(2, path);
  return stmt.run();
}

Status WatchState::begin() { return db_.exec("BEGIN IMMEDIATE"); }
Status WatchState::commit() { return db_.exec("COMMIT"); }

Result<std::vector<FileRecord>> read_rejected(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::vector<FileRecord>{};
  WENYUAN_ASSIGN_OR_RETURN(auto state, WatchState::open(file));
  return state->rejected();
}

}  // namespace wenyuan::watch
