// Backup and restore of a whole library folder (docs/operations.md), online:
// the server may be serving and an import may be running while a backup is
// taken.
//
// What a backup is: a folder laid out like a library (so it can be opened
// read-only as one) holding
//   index/MANIFEST        the manifest of one generation, byte for byte
//   index/seg-N.wys       the segment files that manifest names (hard links to
//                         the library's files where the file system allows,
//                         copies otherwise: segments are immutable once named,
//                         docs/living-library.md rule 5, so a link is a copy)
//   *.db                  every SQLite file of the folder (catalog.db,
//                         accounts.db, me.db, intake.db, watch.db, …), each
//                         copied with SQLite's online backup API (store/sqlite_backup.h)
//   BACKUP                JSON: format, version, time, the index generation and
//                         change seq, the catalog's change seq, every file and
//                         its size. Written and synced last: it is the backup's
//                         commit point; a folder without it is not a backup.
//
// Why it is one consistent state: the index is snapshotted first, the catalog
// after. The catalog copy therefore holds every change the index reflects
// plus, in its change log, every change after the manifest's catalog_seq; on
// restore the writer catches up from that log (the same Library::sync_index
// that follows a crash), so the restored index equals the restored catalog.
// Everything acknowledged before the backup started is in the catalog copy
// (acknowledged means committed, library.h).
//
// The index snapshot: the manifest is read, then every segment it names is
// opened (mapped). A merge may unlink a segment between the two reads; then
// the manifest is read again (as Index::load_locked does). Once mapped, a
// file's bytes stay readable even if unlinked, so a link that fails because
// the name is gone falls back to copying the mapped bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/library/library.h"

namespace wenyuan::library {

inline constexpr char kBackupMarker[] = "BACKUP";

struct BackupReport {
  uint64_t index_generation = 0;  // of the manifest copied (0: the library had no index yet)
  uint64_t index_seq = 0;         // the catalog change that manifest reflects
  uint64_t catalog_seq = 0;       // the last change in the catalog copy (>= index_seq)
  uint64_t documents = 0;         // in the catalog copy
  uint64_t segments = 0;
  uint64_t linked = 0;            // segment files hard-linked
  uint64_t copied = 0;            // segment files copied
  uint64_t bytes = 0;             // of all files in the backup
  std::vector<std::string> databases;  // file names, catalog.db first
  double seconds = 0;
};

// Backs up the library in `data_dir` into `dest`, which must not exist or be
// an empty folder, and must not lie inside `data_dir`. Writes nothing in
// `data_dir`. On failure the partial `dest` is removed (it never had BACKUP).
Result<BackupReport> backup_library(const std::filesystem::path& data_dir, const std::filesystem::path& dest);

struct RestoreOptions {
  bool force = false;  // replace a library (any non-empty folder) at the destination
};

struct RestoreReport {
  BackupReport backup;         // what the backup's BACKUP file says
  uint64_t caught_up = 0;      // catalog changes indexed after the copy (the ones after the manifest)
  bool reindexed = false;      // the change log did not reach back to the manifest: rebuilt from the catalog
  VerifyReport verify;         // `wenyuan verify` on the restored library
};

// Restores the backup `src` into `data_dir`. Refuses (AlreadyExists) a
// non-empty `data_dir` unless options.force, and (PermissionDenied) while
// another process holds the library's index writer lock. Then brings the
// index up to the catalog and verifies the result.
Result<RestoreReport> restore_library(const std::filesystem::path& src, const std::filesystem::path& data_dir,
                                      const RestoreOptions& options = {});

}  // namespace wenyuan::library
