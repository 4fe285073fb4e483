// The reader's own data (see user_data.h): four small tables in DATA/me.db.
#include "wenyuan/store/user_data.h"

#include <algorithm>
#include <set>

namespace wenyuan::store {

namespace {

constexpr const char* kSchema = R"(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
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
)";

// BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite::Db& db) : db_(db) { status_ = db_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (status_.is_ok() && !done_) (void)db_.exec("ROLLBACK");
  }
  const Status& status() const { return status_; }
  Status commit() {
    done_ = true;
    return db_.exec("COMMIT");
  }

 private:
  sqlite::Db& db_;
  Status status_;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<UserData>> UserData::open(const std::string& path) {
  auto db = sqlite::Db::open(path);
  if (!db) return db.status().with_context(path);
  WENYUAN_RETURN_IF_ERROR(db->exec(kSchema).with_context(path));
  return std::unique_ptr<UserData>(new UserData(std::move(*db)));
}

Result<int64_t> UserData::count(const char* table, int64_t user) {
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare(std::string("SELECT count(*) FROM ") + table + " WHERE user = ?"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  WENYUAN_RETURN_IF_ERROR(s.step().status());  // count(*) always yields its one row
  return s.column_int(0);
}

Status UserData::add_favorite(int64_t user, const std::string& doc_id, const std::string& folder, int64_t now) {
  if (folder.size() > kMaxFolderBytes) return Status::invalid_argument("folder name longer than 60 bytes");
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto n, count("favorites", user));
  if (n >= kMaxRows) return Status::too_large("at most 2000 favourites");
  WENYUAN_ASSIGN_OR_RETURN(
      auto s, db_.prepare("INSERT OR IGNORE INTO favorites (user, doc, folder, added_at) VALUES (?, ?, ?, ?)"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  s.bind_text(2, doc_id);
  s.bind_text(3, folder);
  s.bind_int(4, now);
  return s.run();
}

Status UserData::remove_favorite(int64_t user, const std::string& doc_id, const std::string* folder) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s,
                           db_.prepare(folder ? "DELETE FROM favorites WHERE user = ? AND doc = ? AND folder = ?"
                                              : "DELETE FROM favorites WHERE user = ? AND doc = ?"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  s.bind_text(2, doc_id);
  if (folder) s.bind_text(3, *folder);
  return s.run();
}

Result<std::vector<Favorite>> UserData::favorites(int64_t user) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(
      auto s, db_.prepare("SELECT doc, folder, added_at FROM favorites WHERE user = ? ORDER BY added_at DESC, doc"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  std::vector<Favorite> out;
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(auto row, s.step());
    if (!row) break;
    out.push_back({s.column_text(0), s.column_text(1), s.column_int(2)});
  }
  return out;
}

Status UserData::record_view(int64_t user, const std::string& doc_id, int64_t position, int64_t now) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  WENYUAN_RETURN_IF_ERROR(tx.status());
  {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare(
        "INSERT INTO history (user, doc, first_seen, last_seen, views, position) VALUES (?1, ?2, ?3, ?3, 1, max(?4, 0)) "
        "ON CONFLICT (user, doc) DO UPDATE SET last_seen = ?3, views = views + (?4 < 0), "
        "position = CASE WHEN ?4 >= 0 THEN ?4 ELSE position END"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    s.bind_text(2, doc_id);
    s.bind_int(3, now);
    s.bind_int(4, position);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }
  {  // The oldest beyond the limit go: history is a convenience, not an archive.
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare(
        "DELETE FROM history WHERE user = ?1 AND doc NOT IN "
        "(SELECT doc FROM history WHERE user = ?1 ORDER BY last_seen DESC LIMIT ?2)"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    s.bind_int(2, kMaxRows);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }
  return tx.commit();
}

Result<std::vector<HistoryEntry>> UserData::history(int64_t user, int64_t limit) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare(
      "SELECT doc, first_seen, last_seen, views, position FROM history WHERE user = ? "
      "ORDER BY last_seen DESC, doc LIMIT ?"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  s.bind_int(2, limit);
  std::vector<HistoryEntry> out;
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(auto row, s.step());
    if (!row) break;
    out.push_back({s.column_text(0), s.column_int(1), s.column_int(2), s.column_int(3), s.column_int(4)});
  }
  return out;
}

Status UserData::clear_history(int64_t user) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("DELETE FROM history WHERE user = ?"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  return s.run();
}

Status UserData::record_download(int64_t user, const std::string& doc_id, const std::string& format, int64_t now) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  WENYUAN_RETURN_IF_ERROR(tx.status());
  {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("INSERT INTO downloads (user, doc, format, at) VALUES (?, ?, ?, ?)"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    s.bind_text(2, doc_id);
    s.bind_text(3, format);
    s.bind_int(4, now);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }
  {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare(
        "DELETE FROM downloads WHERE user = ?1 AND rowid NOT IN "
        "(SELECT rowid FROM downloads WHERE user = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2)"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    s.bind_int(2, kMaxRows);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }
  return tx.commit();
}

Result<std::vector<DownloadEntry>> UserData::downloads(int64_t user, int64_t limit) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(
      auto s, db_.prepare("SELECT doc, format, at FROM downloads WHERE user = ? ORDER BY at DESC, rowid DESC LIMIT ?"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  s.bind_int(2, limit);
  std::vector<DownloadEntry> out;
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(auto row, s.step());
    if (!row) break;
    out.push_back({s.column_text(0), s.column_text(1), s.column_int(2)});
  }
  return out;
}

Result<BasketItem> UserData::basket_add(int64_t user, const std::string& doc_id, int64_t start, int64_t end,
                                        int64_t now) {
  if (start < 0 || end <= start) return Status::invalid_argument("a basket item needs 0 <= start < end");
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto n, count("basket", user));
  if (n >= kMaxRows) return Status::too_large("at most 2000 paragraphs in the basket");
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare(
      "INSERT INTO basket (user, doc, start, \"end\", position, added_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  s.bind_text(2, doc_id);
  s.bind_int(3, start);
  s.bind_int(4, end);
  s.bind_int(5, n);  // at the end; positions are 0..n-1 without gaps
  s.bind_int(6, now);
  WENYUAN_RETURN_IF_ERROR(s.step().status());  // RETURNING id: one row
  BasketItem item{s.column_int(0), doc_id, start, end, n, now};
  return item;
}

Status UserData::renumber_basket(int64_t user, const std::vector<int64_t>& order) {
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("UPDATE basket SET position = ? WHERE user = ? AND id = ?"));
  for (size_t i = 0; i < order.size(); ++i) {
    sqlite::StatementReset reset(s);
    s.bind_int(1, static_cast<int64_t>(i));
    s.bind_int(2, user);
    s.bind_int(3, order[i]);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }
  return Status::ok();
}

Status UserData::basket_remove(int64_t user, int64_t item) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  WENYUAN_RETURN_IF_ERROR(tx.status());
  {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("DELETE FROM basket WHERE user = ? AND id = ?"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    s.bind_int(2, item);
    WENYUAN_RETURN_IF_ERROR(s.run());
    if (sqlite3_changes(db_.get()) == 0) return Status::not_found("no such basket item");
  }
  std::vector<int64_t> order;
  {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("SELECT id FROM basket WHERE user = ? ORDER BY position, id"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    for (;;) {
      WENYUAN_ASSIGN_OR_RETURN(auto row, s.step());
      if (!row) break;
      order.push_back(s.column_int(0));
    }
  }
  WENYUAN_RETURN_IF_ERROR(renumber_basket(user, order));
  return tx.commit();
}

Status UserData::basket_reorder(int64_t user, const std::vector<int64_t>& order) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  WENYUAN_RETURN_IF_ERROR(tx.status());
  std::set<int64_t> have;
  {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("SELECT id FROM basket WHERE user = ?"));
    sqlite::StatementReset reset(s);
    s.bind_int(1, user);
    for (;;) {
      WENYUAN_ASSIGN_OR_RETURN(auto row, s.step());
      if (!row) break;
      have.insert(s.column_int(0));
    }
  }
  const std::set<int64_t> given(order.begin(), order.end());
  if (given != have || given.size() != order.size()) {
    return Status::invalid_argument("order must list every basket item exactly once");
  }
  WENYUAN_RETURN_IF_ERROR(renumber_basket(user, order));
  return tx.commit();
}

Status UserData::basket_clear(int64_t user) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(auto s, db_.prepare("DELETE FROM basket WHERE user = ?"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  return s.run();
}

Result<std::vector<BasketItem>> UserData::basket(int64_t user) {
  std::lock_guard lock(mu_);
  WENYUAN_ASSIGN_OR_RETURN(
      auto s,
      db_.prepare(
          "SELECT id, doc, start, \"end\", position, added_at FROM basket WHERE user = ? ORDER BY position, id"));
  sqlite::StatementReset reset(s);
  s.bind_int(1, user);
  std::vector<BasketItem> out;
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(auto row, s.step());
    if (!row) break;
    out.push_back({s.column_int(0), s.column_text(1), s.column_int(2), s.column_int(3), s.column_int(4),
                   s.column_int(5)});
  }
  return out;
}

Result<bool> UserData::take_check(const std::string& who, int64_t day, uint32_t cap) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  if (!tx.status()) return tx.status();
  {
    auto old = db_.prepare("DELETE FROM check_quota WHERE day < ?1");
    if (!old) return old.status();
    old->bind_int(1, day);
    WENYUAN_RETURN_IF_ERROR(old->run());
  }
  auto used = db_.prepare("SELECT used FROM check_quota WHERE who = ?1 AND day = ?2");
  if (!used) return used.status();
  used->bind_text(1, who);
  used->bind_int(2, day);
  auto row = used->step();
  if (!row) return row.status();
  const int64_t n = *row ? used->column_int(0) : 0;
  used->reset();
  if (n >= cap) return false;
  auto up = db_.prepare(
      "INSERT INTO check_quota (who, day, used) VALUES (?1, ?2, 1) "
      "ON CONFLICT (who, day) DO UPDATE SET used = used + 1");
  if (!up) return up.status();
  up->bind_text(1, who);
  up->bind_int(2, day);
  WENYUAN_RETURN_IF_ERROR(up->run());
  WENYUAN_RETURN_IF_ERROR(tx.commit());
  return true;
}

Result<int64_t> UserData::checks_used(const std::string& who, int64_t day) {
  std::lock_guard lock(mu_);
  auto used = db_.prepare("SELECT used FROM check_quota WHERE who = ?1 AND day = ?2");
  if (!used) return used.status();
  used->bind_text(1, who);
  used->bind_int(2, day);
  auto row = used->step();
  if (!row) return row.status();
  return *row ? used->column_int(0) : int64_t{0};
}

}  // namespace wenyuan::store
