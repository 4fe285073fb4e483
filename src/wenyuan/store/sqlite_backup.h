// copy_database: one SQLite file copied whole while other connections (the
// server, an import in another process) keep reading and writing it.
//
// It uses SQLite's online backup API (sqlite3_backup_*) with all pages in one
// step, so the copy is taken inside one read transaction: in WAL mode that is
// a snapshot of one committed state, and writers are never blocked (they
// append to the WAL meanwhile). A plain file copy of a WAL database would miss
// the commits still in the -wal file, or tear a page being checkpointed.
//
// The destination is a new, self-contained file (no -wal beside it), made
// durable before the call returns (SQLite syncs it at the end of the backup;
// the directory entry is synced here).
#pragma once

#include <filesystem>

#include "wenyuan/core/status.h"

namespace wenyuan::store {

// Copies the database `from` into the new file `to` (AlreadyExists if `to`
// exists). `from` must exist; it is opened without creating anything.
Status copy_database(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace wenyuan::store
