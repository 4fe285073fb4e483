// IntakeLog: the daily intake record (DATA/intake.db). Every import run — the
// CLI `wenyuan import`, an admin upload, the watched folder — leaves one entry:
// when, from where (origin), how many documents were imported / updated /
// unchanged / rejected, the bytes read, how long it took, and the rejected
// files or records with their reasons. The admin page, GET /api/admin/intake
// and /metrics read it; 今日更新 (GET /api/new) asks it when a document was first
// seen, to tell a new document from an updated one.
//
// On disk: its own SQLite file in WAL mode (not the catalog: the catalog is the
// truth about documents, this is a journal about imports, and losing it loses
// no document). Schema version in PRAGMA user_version (1):
//   runs        id, started_at (unix s), origin, imported, updated, unchanged,
//               rejected, bytes, seconds, rejects_dropped
//   rejects     (run_id, seq) -> file, reason; at most kMaxRejectsPerRun a run
//   first_seen  document id -> unix s of the first run that stored it
//   totals      name -> value: running sums for the /metrics counters
//               (imported, updated, unchanged, rejected, runs, bytes, seconds,
//               and cumulative duration buckets "le:<seconds>")
//
// Invariants:
//  - record() is one transaction: a run, its rejects, its first_seen rows and
//    its totals are written together or not at all.
//  - totals only grow (they are Prometheus counters), even when runs older than
//    kRetentionDays are pruned.
//  - first_seen of an id never changes once written (INSERT OR IGNORE). When the
//    file is created, it is seeded from the catalog's imported_at, so documents
//    imported before the log existed are not taken for new ones later.
//  - "Days" are the server's local calendar days (the TZ environment variable
//    of the process, as localtime_r sees it).
//
// Threads: one connection guarded by a mutex; every method may be called from
// any thread. Several processes may open the same file (WAL, busy timeout).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::store {

class Catalog;

// A rejected file or record: `file` as the importer named it (the path given
// to the CLI, possibly with ":LINE" for a .jsonl record; empty when the reject
// is about the run, not one file), and why.
struct IntakeReject {
  std::string file;
  std::string reason;
};

struct IntakeRun {
  int64_t id = 0;          // assigned by record()
  int64_t started_at = 0;  // unix seconds
  std::string origin;      // "cli", "upload", "watch"
  uint64_t imported = 0, updated = 0, unchanged = 0, rejected = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  std::vector<IntakeReject> rejects;  // the first kMaxRejectsPerRun
  uint64_t rejects_dropped = 0;       // rejects beyond those, counted only
};

// The runs of one local day, with their sums.
struct IntakeDay {
  std::string date;  // YYYY-MM-DD, local time
  uint64_t runs = 0, imported = 0, updated = 0, unchanged = 0, rejected = 0, bytes = 0;
  double seconds = 0;
  std::vector<IntakeRun> run_list;  // newest first
};

struct IntakeTotals {
  uint64_t runs = 0, imported = 0, updated = 0, unchanged = 0, rejected = 0, bytes = 0;
  double seconds = 0;
  // Cumulative: (upper bound in seconds, runs that took at most that long).
  std::vector<std::pair<double, uint64_t>> duration_buckets;
};

class IntakeLog {
 public:
  static constexpr size_t kMaxRejectsPerRun = 200;
  static constexpr int64_t kRetentionDays = 400;
  static constexpr double kDurationBuckets[] = {0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800};

  // Opens `file`, creating it if absent; a new file's first_seen is seeded from
  // `seed_from` when given. Errors name the file.
  static Result<std::unique_ptr<IntakeLog>> open(const std::filesystem::path& file, const Catalog* seed_from = nullptr);
  ~IntakeLog();
  IntakeLog(const IntakeLog&) = delete;
  IntakeLog& operator=(const IntakeLog&) = delete;

  // Writes `run` (its id is ignored) and the first sighting of each of
  // `stored_ids` (the documents the run inserted or updated) at `run.started_at
  // + run.seconds`. Prunes runs older than kRetentionDays.
  Result<int64_t> record(const IntakeRun& run, const std::vector<std::string>& stored_ids);

  // Runs that started at or after `since`, grouped by local day, newest day
  // first, each with its rejects.
  Result<std::vector<IntakeDay>> days_since(int64_t since) const;

  Result<IntakeTotals> totals() const;

  // When each of `ids` was first stored; ids never recorded are left out.
  Result<std::map<std::string, int64_t>> first_seen(const std::vector<std::string>& ids) const;
  // Every id first stored at or after `since` (one range read, for listings).
  Result<std::map<std::string, int64_t>> first_seen_since(int64_t since) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  struct Impl;
  explicit IntakeLog(std::unique_ptr<Impl> impl, std::filesystem::path path);
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
  mutable std::mutex mu_;
};

// "PATH: reason" (as the importer reports a reject) -> {PATH, reason}, where
// PATH is the longest of `inputs` the message starts with (":LINE" kept with it
// for a .jsonl record). A message that names none of them is all reason.
IntakeReject split_reject(const std::string& message, const std::vector<std::string>& inputs);

// The server's local calendar: YYYY-MM-DD of `t`, the UTC offset in force at `t`
// ("+08:00"), and the unix time of local midnight `days_back` days before the
// day of `t` (0: the start of that day).
std::string local_date(int64_t t);
std::string local_utc_offset(int64_t t);
int64_t local_day_start(int64_t t, int days_back);

}  // namespace wenyuan::store
