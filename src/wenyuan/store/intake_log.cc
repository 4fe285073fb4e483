#include "wenyuan/store/intake_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "wenyuan/store/catalog.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {

namespace {

using sqlite::StatementReset;

constexpr int kBusyTimeoutMs = 10'000;
constexpr int64_t kSchemaVersion = 1;

// Durations are kept as integer microseconds: sqlite_db.h binds integers and
// text only, and sums of integers are exact.
int64_t to_micros(double seconds) { return static_cast<int64_t>(std::llround(std::max(0.0, seconds) * 1e6)); }
double from_micros(int64_t us) { return static_cast<double>(us) / 1e6; }

constexpr const char* kSchema = R"sql(
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at      INTEGER NOT NULL,
  origin          TEXT NOT NULL,
  imported        INTEGER NOT NULL,
  updated         INTEGER NOT NULL,
  unchanged       INTEGER NOT NULL,
  rejected        INTEGER NOT NULL,
  bytes           INTEGER NOT NULL,
  micros          INTEGER NOT NULL,
  rejects_dropped INTEGER NOT NULL
);
CREATE INDEX runs_by_started_at ON runs (started_at);
CREATE TABLE rejects (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,
  file   TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE first_seen (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE totals (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

std::string bucket_name(double le) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "le:%g", le);
  return buf;
}

}  // namespace

struct IntakeLog::Impl {
  sqlite::Db db;

  // Runs `fn` inside BEGIN IMMEDIATE … COMMIT; rolls back when it fails.
  template <typename Fn>
  Status transaction(Fn&& fn) {
    WENYUAN_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
    Status st = fn();
    if (!st.is_ok()) {
      (void)db.exec("ROLLBACK");
      return st;
    }
    st = db.exec("COMMIT");
    if (!st.is_ok()) (void)db.exec("ROLLBACK");
    return st;
  }

  Status add_total(const std::string& name, int64_t value) {
    WENYUAN_ASSIGN_OR_RETURN(auto s, db.prepare(
        "INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + "
        "excluded.value"));
    StatementReset reset(s);
    s.bind_text(1, name);
    s.bind_int(2, value);
    return s.run();
  }

  Status seed(const Catalog& catalog) {
    WENYUAN_ASSIGN_OR_RETURN(auto list, catalog.list({}));
    WENYUAN_ASSIGN_OR_RETURN(auto s, db.prepare("INSERT OR IGNORE INTO first_seen (id, at) VALUES (?, ?)"));
    for (const auto& d : list) {
      StatementReset reset(s);
      s.bind_text(1, d.id);
      s.bind_int(2, d.imported_at);
      WENYUAN_RETURN_IF_ERROR(s.run());
    }
    return Status::ok();
  }
};

IntakeLog::IntakeLog(std::unique_ptr<Impl> impl, std::filesystem::path path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
IntakeLog::~IntakeLog() = default;

Result<std::unique_ptr<IntakeLog>> IntakeLog::open(const std::filesystem::path& file, const Catalog* seed_from) {
  const std::string name = file.string();
  auto db = sqlite::Db::open(name);
  if (!db) return db.status().with_context(name);
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db).value();
  sqlite3_busy_timeout(impl->db.get(), kBusyTimeoutMs);
  auto mode = sqlite::use_wal(impl->db, kBusyTimeoutMs);
  if (!mode) return mode.status().with_context(name);
  WENYUAN_RETURN_IF_ERROR(impl->db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON").with_context(name));
  // Created under the write lock, so two processes opening a new file at once
  // create (and seed) it once.
  Status st = impl->transaction([&]() -> Status {
    WENYUAN_ASSIGN_OR_RETURN(auto version, impl->db.query_int("PRAGMA user_version"));
    if (version == kSchemaVersion) return Status::ok();
    if (version > kSchemaVersion) {
      return Status::unsupported("intake log schema " + std::to_string(version) + " is newer than this wenyuan (" +
                                 std::to_string(kSchemaVersion) + ")");
    }
    WENYUAN_RETURN_IF_ERROR(impl->db.exec(kSchema));
    if (seed_from != nullptr) WENYUAN_RETURN_IF_ERROR(impl->seed(*seed_from));
    return impl->db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  });
  if (!st) return st.with_context(name);
  return std::unique_ptr<IntakeLog>(new IntakeLog(std::move(impl), file));
}

Result<int64_t> IntakeLog::record(const IntakeRun& run, const std::vector<std::string>& stored_ids) {
  std::lock_guard lock(mu_);
  int64_t id = 0;
  const int64_t micros = to_micros(run.seconds);
  Status st = impl_->transaction([&]() -> Status {
    auto& db = impl_->db;
    WENYUAN_ASSIGN_OR_RETURN(auto ins, db.prepare(
        "INSERT INTO runs (started_at, origin, imported, updated, unchanged, rejected, bytes, micros, "
        "rejects_dropped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    {
      StatementReset reset(ins);
      const size_t kept = std::min(run.rejects.size(), kMaxRejectsPerRun);
      ins.bind_int(1, run.started_at);
      ins.bind_text(2, run.origin);
      ins.bind_int(3, static_cast<int64_t>(run.imported));
      ins.bind_int(4, static_cast<int64_t>(run.updated));
      ins.bind_int(5, static_cast<int64_t>(run.unchanged));
      ins.bind_int(6, static_cast<int64_t>(run.rejected));
      ins.bind_int(7, static_cast<int64_t>(run.bytes));
      ins.bind_int(8, micros);
      ins.bind_int(9, static_cast<int64_t>(run.rejects_dropped + (run.rejects.size() - kept)));
      WENYUAN_RETURN_IF_ERROR(ins.run());
    }
    id = sqlite3_last_insert_rowid(db.get());
    WENYUAN_ASSIGN_OR_RETURN(auto rej,
                             db.prepare("INSERT INTO rejects (run_id, seq, file, reason) VALUES (?, ?, ?, ?)"));
    for (size_t i = 0; i < run.rejects.size() && i < kMaxRejectsPerRun; ++i) {
      StatementReset reset(rej);
      rej.bind_int(1, id);
      rej.bind_int(2, static_cast<int64_t>(i));
      rej.bind_text(3, run.rejects[i].file);
      rej.bind_text(4, run.rejects[i].reason);
      WENYUAN_RETURN_IF_ERROR(rej.run());
    }
    WENYUAN_ASSIGN_OR_RETURN(auto seen, db.prepare("INSERT OR IGNORE INTO first_seen (id, at) VALUES (?, ?)"));
    const int64_t at = run.started_at + static_cast<int64_t>(run.seconds);
    for (const auto& doc_id : stored_ids) {
      StatementReset reset(seen);
      seen.bind_text(1, doc_id);
      seen.bind_int(2, at);
      WENYUAN_RETURN_IF_ERROR(seen.run());
    }
    const std::pair<const char*, uint64_t> sums[] = {{"runs", 1},
                                                     {"imported", run.imported},
                                                     {"updated", run.updated},
                                                     {"unchanged", run.unchanged},
                                                     {"rejected", run.rejected},
                                                     {"bytes", run.bytes}};
    for (const auto& [name, v] : sums) WENYUAN_RETURN_IF_ERROR(impl_->add_total(name, static_cast<int64_t>(v)));
    WENYUAN_RETURN_IF_ERROR(impl_->add_total("micros", micros));
    for (double le : kDurationBuckets) {
      WENYUAN_RETURN_IF_ERROR(impl_->add_total(bucket_name(le), run.seconds <= le ? 1 : 0));
    }
    WENYUAN_ASSIGN_OR_RETURN(auto prune, db.prepare("DELETE FROM runs WHERE started_at < ?"));
    StatementReset reset(prune);
    prune.bind_int(1, run.started_at - kRetentionDays * 86400);
    return prune.run();
  });
  if (!st) return st.with_context(path_.string() + ": record an import run");
  return id;
}

Result<std::vector<IntakeDay>> IntakeLog::days_since(int64_t since) const {
  std::lock_guard lock(mu_);
  auto& db = impl_->db;
  auto s = db.prepare(
      "SELECT id, started_at, origin, imported, updated, unchanged, rejected, bytes, micros, rejects_dropped "
      "FROM runs WHERE started_at >= ? ORDER BY started_at DESC, id DESC");
  if (!s) return s.status().with_context(path_.string());
  auto rej = db.prepare("SELECT file, reason FROM rejects WHERE run_id = ? ORDER BY seq");
  if (!rej) return rej.status().with_context(path_.string());
  std::vector<IntakeDay> days;
  StatementReset reset(*s);
  s->bind_int(1, since);
  for (;;) {
    auto row = s->step();
    if (!row) return row.status().with_context(path_.string());
    if (!*row) break;
    IntakeRun r;
    r.id = s->column_int(0);
    r.started_at = s->column_int(1);
    r.origin = s->column_text(2);
    r.imported = static_cast<uint64_t>(s->column_int(3));
    r.updated = static_cast<uint64_t>(s->column_int(4));
    r.unchanged = static_cast<uint64_t>(s->column_int(5));
    r.rejected = static_cast<uint64_t>(s->column_int(6));
    r.bytes = static_cast<uint64_t>(s->column_int(7));
    r.seconds = from_micros(s->column_int(8));
    r.rejects_dropped = static_cast<uint64_t>(s->column_int(9));
    {
      StatementReset rr(*rej);
      rej->bind_int(1, r.id);
      for (;;) {
        auto rrow = rej->step();
        if (!rrow) return rrow.status().with_context(path_.string());
        if (!*rrow) break;
        r.rejects.push_back({rej->column_text(0), rej->column_text(1)});
      }
    }
    const std::string date = local_date(r.started_at);
    if (days.empty() || days.back().date != date) days.push_back(IntakeDay{date});
    IntakeDay& d = days.back();
    ++d.runs;
    d.imported += r.imported;
    d.updated += r.updated;
    d.unchanged += r.unchanged;
    d.rejected += r.rejected;
    d.bytes += r.bytes;
    d.seconds += r.seconds;
    d.run_list.push_back(std::move(r));
  }
  return days;
}

Result<IntakeTotals> IntakeLog::totals() const {
  std::lock_guard lock(mu_);
  auto s = impl_->db.prepare("SELECT name, value FROM totals");
  if (!s) return s.status().with_context(path_.string());
  StatementReset reset(*s);
  std::map<std::string, int64_t> v;
  for (;;) {
    auto row = s->step();
    if (!row) return row.status().with_context(path_.string());
    if (!*row) break;
    v[s->column_text(0)] = s->column_int(1);
  }
  auto get = [&](const std::string& k) { return static_cast<uint64_t>(v.count(k) ? v[k] : 0); };
  IntakeTotals t;
  t.runs = get("runs");
  t.imported = get("imported");
  t.updated = get("updated");
  t.unchanged = get("unchanged");
  t.rejected = get("rejected");
  t.bytes = get("bytes");
  t.seconds = from_micros(static_cast<int64_t>(get("micros")));
  for (double le : kDurationBuckets) t.duration_buckets.emplace_back(le, get(bucket_name(le)));
  return t;
}

Result<std::map<std::string, int64_t>> IntakeLog::first_seen(const std::vector<std::string>& ids) const {
  std::lock_guard lock(mu_);
  auto s = impl_->db.prepare("SELECT at FROM first_seen WHERE id = ?");
  if (!s) return s.status().with_context(path_.string());
  std::map<std::string, int64_t> out;
  for (const auto& id : ids) {
    StatementReset reset(*s);
    s->bind_text(1, id);
    auto row = s->step();
    if (!row) return row.status().with_context(path_.string());
    if (*row) out[id] = s->column_int(0);
  }
  return out;
}

Result<std::map<std::string, int64_t>> IntakeLog::first_seen_since(int64_t since) const {
  std::lock_guard lock(mu_);
  auto s = impl_->db.prepare("SELECT id, at FROM first_seen WHERE at >= ?");
  if (!s) return s.status().with_context(path_.string());
  StatementReset reset(*s);
  s->bind_int(1, since);
  std::map<std::string, int64_t> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.status().with_context(path_.string());
    if (!*row) break;
    out[s->column_text(0)] = s->column_int(1);
  }
  return out;
}

IntakeReject split_reject(const std::string& message, const std::vector<std::string>& inputs) {
  size_t best = 0;
  for (const auto& in : inputs) {
    if (in.size() > best && message.size() > in.size() && message.compare(0, in.size(), in) == 0 &&
        message[in.size()] == ':') {
      best = in.size();
    }
  }
  if (best == 0) return {"", message};
  size_t end = best;
  // "FILE:12: reason": the record's line number belongs to where, not why.
  size_t digits = end + 1;
  while (digits < message.size() && message[digits] >= '0' && message[digits] <= '9') ++digits;
  if (digits > end + 1 && digits < message.size() && message[digits] == ':') end = digits;
  size_t reason = end + 1;
  while (reason < message.size() && message[reason] == ' ') ++reason;
  return {message.substr(0, end), message.substr(reason)};
}

std::string local_date(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string local_utc_offset(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  const long off = tm.tm_gmtoff;  // seconds east of UTC
  const long a = off < 0 ? -off : off;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return buf;
}

int64_t local_day_start(int64_t t, int days_back) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  tm.tm_hour = 0;
  tm.tm_min = 0;
  tm.tm_sec = 0;
  tm.tm_mday -= days_back;  // mktime normalizes across months and years
  tm.tm_isdst = -1;         // and finds whether that midnight is in summer time
  return static_cast<int64_t>(std::mktime(&tm));
}

}  // namespace wenyuan::store
