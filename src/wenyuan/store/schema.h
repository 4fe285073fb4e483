// The catalog's SQL schema and its migrations.
//
// A catalog file is an SQLite database with PRAGMA application_id = kApplicationId
// ("WYCT") and PRAGMA user_version = the number of migration steps applied.
// Migrations are an ordered list; step k (1-based) takes the schema from version
// k-1 to k. Each step runs in its own transaction together with the user_version
// bump, so a crash mid-migration leaves the file at a whole version. Steps are
// never edited once released: a change to the schema is a new step at the end.
//
// Schema at version 4 (see catalog.h for what each column holds):
//   (v3 adds public_year, public_issuer, public_outline to documents: docs/paywall.md)
//
//   documents  rid INTEGER PRIMARY KEY, id TEXT UNIQUE, title, year (NULL = unknown),
//              date, source, category, issuer, tags (JSON), access ('free'|'paid'),
//              format, encoding, origin, text_chars, regions (JSON), outline (JSON),
//              removed (JSON), content_hash, imported_at (unix s)
//              indexes: year, source, category, imported_at
//   bodies     rid -> documents ON DELETE CASCADE; original (zstd), text (zstd),
//              paragraphs, sentences (packed uint32 pairs). Kept apart so listing
//              and stats scan small rows, never the megabytes of text.
//   changes    seq INTEGER PRIMARY KEY AUTOINCREMENT, id, deleted (0|1): every
//              insert, update and delete, for the index to catch up (seqs are
//              never reused, even after rows are trimmed).
//   edge_lines (v2) rid -> documents ON DELETE CASCADE, line: the first and last
//              non-empty lines of the raw text, for recurring header/footer stats.
//   source_counts (v4) source -> documents; edge_line_counts (v4) (source, line)
//              -> documents: what EdgeLineStats answers, in one lookup each.
//              Maintained by triggers on documents and edge_lines, so every
//              writer keeps them exact in its own transaction.
//   dup_sketches, dup_bands, dup_links (v6): duplicate clusters (store/clusters.h).
//   (v7) bodies.original_codec: the original stored against the text (codec.h);
//   outlines may be zstd frames of their JSON. (v8) documents.public_outline is a
//   zero-length BLOB when it equals outline (catalog_internal.h). (v9) edge_lines
//   and edge_line_counts hold a line's key (codec.h edge_line_key), not its text.
#pragma once

#include <cstdint>
#include <string>

#include "wenyuan/core/status.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {

inline constexpr int64_t kApplicationId = 0x57594354;  // "WYCT"

// Ok if `db` is a wenyuan catalog or an empty database (a new catalog);
// Corruption saying what it is otherwise. Reads only: another application's
// file is left exactly as it was.
Status check_identity(const sqlite::Db& db);

// The version a freshly opened catalog is brought to: the number of steps.
int latest_schema_version();

// Brings `db` from its current user_version up to `target` (<= latest), one
// step per transaction. A brand-new empty database starts at 0. Fails with
// Unsupported if the file is newer than `target`, and with Corruption if it is
// not a wenyuan catalog (another application's SQLite file). Safe against a
// second process migrating the same file at the same time.
Status migrate(const sqlite::Db& db, int target);

}  // namespace wenyuan::store
