// The reader's own data (see user_data.h): four small tables in DATA/me.db.
// Every statement goes through store/sqlite_db.h (Db::run for writes,
// Db::statement + Statement::for_each_row for reads, Db::transaction,
// sqlite::migrate for the schema): one place binds, steps and finalizes.
#include "wenyuan/store/user_data.h"

#include <algorithm>
#include <array>
#include <set>

namespace wenyuan::store {

namespace {

// Migration steps of me.db (sqlite::migrate: released steps are never edited;
// a change is a new step at the end). Step 1 is the schema as it stood before
// me.db had a version; its IF NOT EXISTS lets a file made then (user_version 0,
// tables present) pass through it unchanged.
constexpr std::array<const char*, 1> kSteps = {R"(
CREATE TABLE IF NOT EXISTS favorites (
  user INTEGER NOT NULL, doc TEXT NOT NULL, folder TEXT NOT NULL, added_at INTEGER NOT NULL,
  PRIMARY KEY (user, doc, folder));
CREATE TABLE IF NOT EXISTS history (
  user INTEGER NOT NULL, doc TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  views INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (user, doc));
CREATE INDEX IF NOT EXISTS history_recent ON history (user, last_seen);
CREATE TABLE IF NOT EXISTS downloads (
  user INTEGER NOT NULL, doc TEXT NOT NULL, format TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS downloads_recent ON downloads (user, at);
CREATE TABLE IF NOT EXISTS basket (
  id INTEGER PRIMARY KEY, user INTEGER NOT NULL, doc TEXT NOT NULL, start INTEGER NOT NULL,
  "end" INTEGER NOT NULL, position INTEGER NOT NULL, added_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS basket_order ON basket (user, position);
CREATE TABLE IF NOT EXISTS check_quota (
  who TEXT NOT NULL, day INTEGER NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (who, day)) WITHOUT ROWID;
)"};

// Journal settings are per connection (journal_mode cannot change inside a
// transaction), so they run before the migration, not as a step of it.
// The WAL switch is sqlite::use_wal (it waits where SQLite would not).
constexpr const char* kPragmas = "PRAGMA synchronous = NORMAL;";
constexpr int kWalWaitMs = 10'000;

// Runs `sql` with `args` bound and calls `on_row(statement)` at each row.
template <typename F, typename... Args>
Status each_row(const sqlite::Db& db, std::string_view sql, F&& on_row, const Args&... args) {
  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement s, db.statement(sql, args...));
  return s.for_each_row([&] { on_row(s); });
}

// The `used` count of one who and day; 0 when there is no row yet.
Result<int64_t> used_checks(const sqlite::Db& db, const std::string& who, int64_t day) {
  int64_t used = 0;
  WENYUAN_RETURN_IF_ERROR(each_row(db, "SELECT used FROM check_quota WHERE who = ?1 AND day = ?2",
                                   [&](const sqlite::Statement& s) { used = s.column_int(0); }, who, day));
  return used;
}

}  // namespace

Result<std::unique_ptr<UserData>> UserData::open(const std::string& path) {
  auto db = sqlite::Db::open(path);
  if (!db) return db.status().with_context(path);
  if (auto mode = sqlite::use_wal(*db, kWalWaitMs); !mode) return mode.status().with_context(path);
  WENYUAN_RETURN_IF_ERROR(db->exec(kPragmas).with_context(path));
  WENYUAN_RETURN_IF_ERROR(
      sqlite::migrate(*db, kSteps, static_cast<int>(kSteps.size()), "me.db schema").with_context(path));
  return std::unique_ptr<UserData>(new UserData(std::move(*db)));
}

Result<int64_t> UserData::count(const char* table, int64_t user) {
  int64_t n = 0;  // count(*) always yields its one row
  WENYUAN_RETURN_IF_ERROR(each_row(db_, std::string("SELECT count(*) FROM ") + table + " WHERE user = ?",
                                   [&](const sqlite::Statement& s) { n = s.column_int(0); }, user));
  return n;
}

Status UserData::add_favorite(int64_t user, const std::string& doc_id, const std::string& folder, int64_t now) {
  if (folder.size() > kMaxFolderBytes) return Status::invalid_argument("folder name longer than 60 bytes");
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto n, count("favorites", user));
  if (n >= kMaxRows) return Status::too_large("at most 2000 favourites");
  return db_.run("INSERT OR IGNORE INTO favorites (user, doc, folder, added_at) VALUES (?, ?, ?, ?)", user, doc_id,
                 folder, now);
}

Status UserData::remove_favorite(int64_t user, const std::string& doc_id, const std::string* folder) {
  std::lock_guard lock(mu_);
  if (folder) return db_.run("DELETE FROM favorites WHERE user = ? AND doc = ? AND folder = ?", user, doc_id, *folder);
  return db_.run("DELETE FROM favorites WHERE user = ? AND doc = ?", user, doc_id);
}

Result<std::vector<Favorite>> UserData::favorites(int64_t user) {
  std::lock_guard lock(mu_);
  std::vector<Favorite> out;
  WENYUAN_RETURN_IF_ERROR(each_row(
      db_, "SELECT doc, folder, added_at FROM favorites WHERE user = ? ORDER BY added_at DESC, doc",
      [&](const sqlite::Statement& s) { out.push_back({s.column_text(0), s.column_text(1), s.column_int(2)}); },
      user));
  return out;
}

Status UserData::record_view(int64_t user, const std::string& doc_id, int64_t position, int64_t now) {
  std::lock_guard lock(mu_);
  return db_.transaction([&]() -> Status {
    WENYUAN_RETURN_IF_ERROR(db_.run(
        "INSERT INTO history (user, doc, first_seen, last_seen, views, position) VALUES (?1, ?2, ?3, ?3, 1, max(?4, 0)) "
        "ON CONFLICT (user, doc) DO UPDATE SET last_seen = ?3, views = views + (?4 < 0), "
        "position = CASE WHEN ?4 >= 0 THEN ?4 ELSE position END",
        user, doc_id, now, position));
    // The oldest beyond the limit go: history is a convenience, not an archive.
    return db_.run(
        "DELETE FROM history WHERE user = ?1 AND doc NOT IN "
        "(SELECT doc FROM history WHERE user = ?1 ORDER BY last_seen DESC LIMIT ?2)",
        user, kMaxRows);
  });
}

Result<std::vector<HistoryEntry>> UserData::history(int64_t user, int64_t limit) {
  std::lock_guard lock(mu_);
  std::vector<HistoryEntry> out;
  WENYUAN_RETURN_IF_ERROR(each_row(
      db_,
      "SELECT doc, first_seen, last_seen, views, position FROM history WHERE user = ? "
      "ORDER BY last_seen DESC, doc LIMIT ?",
      [&](const sqlite::Statement& s) {
        out.push_back({s.column_text(0), s.column_int(1), s.column_int(2), s.column_int(3), s.column_int(4)});
      },
      user, limit));
  return out;
}

Status UserData::clear_history(int64_t user) {
  std::lock_guard lock(mu_);
  return db_.run("DELETE FROM history WHERE user = ?", user);
}

Status UserData::record_download(int64_t user, const std::string& doc_id, const std::string& format, int64_t now) {
  std::lock_guard lock(mu_);
  return db_.transaction([&]() -> Status {
    WENYUAN_RETURN_IF_ERROR(
        db_.run("INSERT INTO downloads (user, doc, format, at) VALUES (?, ?, ?, ?)", user, doc_id, format, now));
    return db_.run(
        "DELETE FROM downloads WHERE user = ?1 AND rowid NOT IN "
        "(SELECT rowid FROM downloads WHERE user = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2)",
        user, kMaxRows);
  });
}

Result<std::vector<DownloadEntry>> UserData::downloads(int64_t user, int64_t limit) {
  std::lock_guard lock(mu_);
  std::vector<DownloadEntry> out;
  WENYUAN_RETURN_IF_ERROR(each_row(
      db_, "SELECT doc, format, at FROM downloads WHERE user = ? ORDER BY at DESC, rowid DESC LIMIT ?",
      [&](const sqlite::Statement& s) { out.push_back({s.column_text(0), s.column_text(1), s.column_int(2)}); },
      user, limit));
  return out;
}

Result<BasketItem> UserData::basket_add(int64_t user, const std::string& doc_id, int64_t start, int64_t end,
                                        int64_t now) {
  if (start < 0 || end <= start) return Status::invalid_argument("a basket item needs 0 <= start < end");
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto n, count("basket", user));
  if (n >= kMaxRows) return Status::too_large("at most 2000 paragraphs in the basket");
  // At the end: positions are 0..n-1 without gaps.
  WENYUAN_RETURN_IF_ERROR(
      db_.run("INSERT INTO basket (user, doc, start, \"end\", position, added_at) VALUES (?, ?, ?, ?, ?, ?)", user,
              doc_id, start, end, n, now));
  BasketItem item{db_.last_insert_rowid(), doc_id, start, end, n, now};
  return item;
}

Status UserData::renumber_basket(int64_t user, const std::vector<int64_t>& order) {
  for (size_t i = 0; i < order.size(); ++i) {
    WENYUAN_RETURN_IF_ERROR(db_.run("UPDATE basket SET position = ? WHERE user = ? AND id = ?",
                                    static_cast<int64_t>(i), user, order[i]));
  }
  return Status::ok();
}

Status UserData::basket_remove(int64_t user, int64_t item) {
  std::lock_guard lock(mu_);
  return db_.transaction([&]() -> Status {
    WENYUAN_RETURN_IF_ERROR(db_.run("DELETE FROM basket WHERE user = ? AND id = ?", user, item));
    if (db_.changes() == 0) return Status::not_found("no such basket item");
    std::vector<int64_t> order;
    WENYUAN_RETURN_IF_ERROR(each_row(db_, "SELECT id FROM basket WHERE user = ? ORDER BY position, id",
                                     [&](const sqlite::Statement& s) { order.push_back(s.column_int(0)); }, user));
    return renumber_basket(user, order);
  });
}

Status UserData::basket_reorder(int64_t user, const std::vector<int64_t>& order) {
  std::lock_guard lock(mu_);
  return db_.transaction([&]() -> Status {
    std::set<int64_t> have;
    WENYUAN_RETURN_IF_ERROR(each_row(db_, "SELECT id FROM basket WHERE user = ?",
                                     [&](const sqlite::Statement& s) { have.insert(s.column_int(0)); }, user));
    const std::set<int64_t> given(order.begin(), order.end());
    if (given != have || given.size() != order.size()) {
      return Status::invalid_argument("order must list every basket item exactly once");
    }
    return renumber_basket(user, order);
  });
}

Status UserData::basket_clear(int64_t user) {
  std::lock_guard lock(mu_);
  return db_.run("DELETE FROM basket WHERE user = ?", user);
}

Result<std::vector<BasketItem>> UserData::basket(int64_t user) {
  std::lock_guard lock(mu_);
  std::vector<BasketItem> out;
  WENYUAN_RETURN_IF_ERROR(each_row(
      db_, "SELECT id, doc, start, \"end\", position, added_at FROM basket WHERE user = ? ORDER BY position, id",
      [&](const sqlite::Statement& s) {
        out.push_back({s.column_int(0), s.column_text(1), s.column_int(2), s.column_int(3), s.column_int(4),
                       s.column_int(5)});
      },
      user));
  return out;
}

Result<bool> UserData::take_check(const std::string& who, int64_t day, uint32_t cap) {
  std::lock_guard lock(mu_);
  bool taken = false;
  Status st = db_.transaction([&]() -> Status {
    // Today's count first: a refused check writes nothing (the old days'
    // rows go with the next check that is taken).
    WENYUAN_ASSIGN_OR_RETURN(int64_t used, used_checks(db_, who, day));
    if (used >= cap) return Status::ok();
    WENYUAN_RETURN_IF_ERROR(db_.run("DELETE FROM check_quota WHERE day < ?1", day));
    WENYUAN_RETURN_IF_ERROR(db_.run(
        "INSERT INTO check_quota (who, day, used) VALUES (?1, ?2, 1) "
        "ON CONFLICT (who, day) DO UPDATE SET used = used + 1",
        who, day));
    taken = true;
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return taken;
}

Result<int64_t> UserData::checks_used(const std::string& who, int64_t day) {
  std::lock_guard lock(mu_);
  return used_checks(db_, who, day);
}

}  // namespace wenyuan::store
