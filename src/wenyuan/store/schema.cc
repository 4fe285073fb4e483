#include "wenyuan/store/schema.h"

#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <string_view>

#include "wenyuan/store/codec.h"

namespace wenyuan::store {
namespace {

// The migration steps, oldest first. Released steps are history: never edit them.
constexpr std::array<const char*, 9> kSteps = {
    // v1: documents, their bodies, the change log.
    R"sql(
PRAGMA application_id = 1465467732;
CREATE TABLE documents (
  rid          INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  title        TEXT    NOT NULL,
  year         INTEGER,
  date         TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  category     TEXT    NOT NULL,
  issuer       TEXT    NOT NULL,
  tags         TEXT    NOT NULL,
  access       TEXT    NOT NULL CHECK (access IN ('free', 'paid')),
  format       TEXT    NOT NULL,
  encoding     TEXT    NOT NULL,
  origin       TEXT    NOT NULL,
  text_chars   INTEGER NOT NULL CHECK (text_chars >= 0),
  regions      TEXT    NOT NULL,
  outline      TEXT    NOT NULL,
  removed      TEXT    NOT NULL,
  content_hash TEXT    NOT NULL,
  imported_at  INTEGER NOT NULL
);
CREATE INDEX documents_by_year ON documents (year);
CREATE INDEX documents_by_source ON documents (source);
CREATE INDEX documents_by_category ON documents (category);
CREATE INDEX documents_by_imported_at ON documents (imported_at);
CREATE TABLE bodies (
  rid        INTEGER PRIMARY KEY REFERENCES documents (rid) ON DELETE CASCADE,
  original   BLOB NOT NULL,
  text       BLOB NOT NULL,
  paragraphs BLOB NOT NULL,
  sentences  BLOB NOT NULL
);
CREATE TABLE changes (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  id      TEXT    NOT NULL,
  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1))
);
)sql",
    // v2: edge lines of the raw text, for the cleaner's recurring header/footer
    // statistics. Documents imported before v2 simply have none.
    R"sql(
CREATE TABLE edge_lines (
  line TEXT    NOT NULL,
  rid  INTEGER NOT NULL REFERENCES documents (rid) ON DELETE CASCADE,
  PRIMARY KEY (line, rid)
) WITHOUT ROWID;
CREATE INDEX edge_lines_by_document ON edge_lines (rid);
)sql",
    // v3: the metadata a non-member may learn, derived from visible text alone
    // (docs/paywall.md). A free document's is its metadata; a paid document
    // imported before v3 gets none (fail closed) until it is imported again.
    R"sql(
ALTER TABLE documents ADD COLUMN public_year INTEGER;
ALTER TABLE documents ADD COLUMN public_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN public_outline TEXT DEFAULT '[]';
UPDATE documents SET public_year = year, public_issuer = issuer, public_outline = outline WHERE access = 'free';
CREATE INDEX documents_by_public_year ON documents (public_year);
)sql",
    // v4: the cleaner's per-source counts, kept by triggers inside the writing
    // transaction (counting over the whole source for every imported document
    // made importing one source quadratic). A document's edge lines are deleted
    // by documents_uncounted while the document still exists, so the edge-line
    // trigger can find its source (the ON DELETE CASCADE then finds none).
    R"sql(
CREATE TABLE source_counts (
  source    TEXT    NOT NULL PRIMARY KEY,
  documents INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE edge_line_counts (
  source    TEXT    NOT NULL,
  line      TEXT    NOT NULL,
  documents INTEGER NOT NULL,
  PRIMARY KEY (source, line)
) WITHOUT ROWID;
INSERT INTO source_counts (source, documents) SELECT source, count(*) FROM documents GROUP BY source;
INSERT INTO edge_line_counts (source, line, documents)
  SELECT d.source, e.line, count(*) FROM edge_lines e JOIN documents d USING (rid) GROUP BY d.source, e.line;
CREATE TRIGGER documents_counted AFTER INSERT ON documents BEGIN
  INSERT INTO source_counts (source, documents) VALUES (new.source, 1)
    ON CONFLICT (source) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER documents_uncounted BEFORE DELETE ON documents BEGIN
  DELETE FROM edge_lines WHERE rid = old.rid;
  UPDATE source_counts SET documents = documents - 1 WHERE source = old.source;
  DELETE FROM source_counts WHERE source = old.source AND documents <= 0;
END;
CREATE TRIGGER documents_recounted AFTER UPDATE OF source ON documents WHEN old.source IS NOT new.source BEGIN
  UPDATE source_counts SET documents = documents - 1 WHERE source = old.source;
  DELETE FROM source_counts WHERE source = old.source AND documents <= 0;
  INSERT INTO source_counts (source, documents) VALUES (new.source, 1)
    ON CONFLICT (source) DO UPDATE SET documents = documents + 1;
  UPDATE edge_line_counts SET documents = documents - 1
    WHERE source = old.source AND line IN (SELECT line FROM edge_lines WHERE rid = new.rid);
  DELETE FROM edge_line_counts
    WHERE source = old.source AND documents <= 0 AND line IN (SELECT line FROM edge_lines WHERE rid = new.rid);
  INSERT INTO edge_line_counts (source, line, documents)
    SELECT new.source, line, 1 FROM edge_lines WHERE rid = new.rid
    ON CONFLICT (source, line) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER edge_lines_counted AFTER INSERT ON edge_lines BEGIN
  INSERT INTO edge_line_counts (source, line, documents)
    VALUES ((SELECT source FROM documents WHERE rid = new.rid), new.line, 1)
    ON CONFLICT (source, line) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER edge_lines_uncounted AFTER DELETE ON edge_lines BEGIN
  UPDATE edge_line_counts SET documents = documents - 1
    WHERE source = (SELECT source FROM documents WHERE rid = old.rid) AND line = old.line;
  DELETE FROM edge_line_counts
    WHERE source = (SELECT source FROM documents WHERE rid = old.rid) AND line = old.line AND documents <= 0;
END;
)sql",
    // v5: the document type (文种) and the display name of the source, derived by
    // doc::prepare (doc/metadata.h). Documents stored before v5 have empty ones
    // until imported again (or `wenyuan reindex`-style re-preparation).
    R"sql(
ALTER TABLE documents ADD COLUMN doc_type TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN source_name TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_by_type ON documents (doc_type);
CREATE INDEX documents_by_source_name ON documents (source_name);
)sql",
    // v6: duplicate clusters (store/clusters.h): each document's MinHash sketch
    // of its visible text, its LSH band keys, the duplicate links and the
    // cluster each document is in. Written with the document; documents stored
    // before v6 have none until `wenyuan dups --rebuild` sketches them.
    R"sql(
CREATE TABLE dup_sketches (
  rid       INTEGER PRIMARY KEY REFERENCES documents (rid) ON DELETE CASCADE,
  bins      BLOB    NOT NULL,
  text_hash INTEGER,
  family    TEXT    NOT NULL,
  cluster   INTEGER
);
CREATE INDEX dup_sketches_by_text_hash ON dup_sketches (text_hash) WHERE text_hash IS NOT NULL;
CREATE INDEX dup_sketches_by_family ON dup_sketches (family) WHERE family <> '';
CREATE INDEX dup_sketches_by_cluster ON dup_sketches (cluster) WHERE cluster IS NOT NULL;
CREATE TABLE dup_bands (
  band INTEGER NOT NULL,
  rid  INTEGER NOT NULL REFERENCES documents (rid) ON DELETE CASCADE,
  PRIMARY KEY (band, rid)
) WITHOUT ROWID;
CREATE INDEX dup_bands_by_document ON dup_bands (rid);
CREATE TABLE dup_links (
  a          INTEGER NOT NULL REFERENCES documents (rid) ON DELETE CASCADE,
  b          INTEGER NOT NULL REFERENCES documents (rid) ON DELETE CASCADE,
  similarity REAL    NOT NULL,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX dup_links_by_b ON dup_links (b);
)sql",
    // v7: smaller bodies (store/codec.h). original_codec 1: the original is a zstd
    // frame with the cleaned text as its prefix, so the text both share is stored
    // once; 0: a frame on its own, as every row before v7. The outline columns may
    // now hold a zstd frame of their JSON (a BLOB) instead of the JSON text;
    // rows before v7 keep their text. Nothing is rewritten: old rows read as they are.
    R"sql(
ALTER TABLE bodies ADD COLUMN original_codec INTEGER NOT NULL DEFAULT 0;
)sql",
    // v8: a public outline equal to the outline is stored as a zero-length BLOB
    // meaning "the same" (catalog_internal.h WENYUAN_PUBLIC_OUTLINE_SQL), not as
    // a second copy (9 MB of the public corpus's 77 MB catalog). Existing rows are
    // rewritten so; the pages freed are reused by later writes. bodies.spans_codec
    // 1: paragraphs and sentences as varint deltas (codec.h spans_to_deltas); 0,
    // as every row before v8, fixed u32 pairs (those rows are not rewritten).
    R"sql(
UPDATE documents SET public_outline = X'' WHERE public_outline IS NOT NULL AND public_outline = outline;
ALTER TABLE bodies ADD COLUMN spans_codec INTEGER NOT NULL DEFAULT 0;
)sql",
    // v9: edge lines by key (codec.h edge_line_key, 8 bytes) instead of text:
    // the line and source text made these tables 12 MB of the public corpus's
    // 63 MB catalog, for 21,793 lines. The tables are rebuilt under their names
    // and the triggers of v4 recreated for the new column (RENAME checks the
    // triggers that name edge_lines, so they go first). The source stays text in
    // edge_line_counts: triggers keep it exact without needing the key function.
    R"sql(
CREATE TABLE edge_lines_by_key (
  key INTEGER NOT NULL,
  rid INTEGER NOT NULL REFERENCES documents (rid) ON DELETE CASCADE,
  PRIMARY KEY (key, rid)
) WITHOUT ROWID;
INSERT OR IGNORE INTO edge_lines_by_key (key, rid) SELECT wenyuan_edge_line_key(line), rid FROM edge_lines;
DROP TRIGGER documents_uncounted;
DROP TRIGGER documents_recounted;
DROP TRIGGER edge_lines_counted;
DROP TRIGGER edge_lines_uncounted;
DROP TABLE edge_lines;
DROP TABLE edge_line_counts;
ALTER TABLE edge_lines_by_key RENAME TO edge_lines;
CREATE INDEX edge_lines_by_document ON edge_lines (rid);
CREATE TABLE edge_line_counts (
  source    TEXT    NOT NULL,
  key       INTEGER NOT NULL,
  documents INTEGER NOT NULL,
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
INSERT INTO edge_line_counts (source, key, documents)
  SELECT d.source, e.key, count(*) FROM edge_lines e JOIN documents d USING (rid) GROUP BY d.source, e.key;
CREATE TRIGGER documents_uncounted BEFORE DELETE ON documents BEGIN
  DELETE FROM edge_lines WHERE rid = old.rid;
  UPDATE source_counts SET documents = documents - 1 WHERE source = old.source;
  DELETE FROM source_counts WHERE source = old.source AND documents <= 0;
END;
CREATE TRIGGER documents_recounted AFTER UPDATE OF source ON documents WHEN old.source IS NOT new.source BEGIN
  UPDATE source_counts SET documents = documents - 1 WHERE source = old.source;
  DELETE FROM source_counts WHERE source = old.source AND documents <= 0;
  INSERT INTO source_counts (source, documents) VALUES (new.source, 1)
    ON CONFLICT (source) DO UPDATE SET documents = documents + 1;
  UPDATE edge_line_counts SET documents = documents - 1
    WHERE source = old.source AND key IN (SELECT key FROM edge_lines WHERE rid = new.rid);
  DELETE FROM edge_line_counts
    WHERE source = old.source AND documents <= 0 AND key IN (SELECT key FROM edge_lines WHERE rid = new.rid);
  INSERT INTO edge_line_counts (source, key, documents)
    SELECT new.source, key, 1 FROM edge_lines WHERE rid = new.rid
    ON CONFLICT (source, key) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER edge_lines_counted AFTER INSERT ON edge_lines BEGIN
  INSERT INTO edge_line_counts (source, key, documents)
    VALUES ((SELECT source FROM documents WHERE rid = new.rid), new.key, 1)
    ON CONFLICT (source, key) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER edge_lines_uncounted AFTER DELETE ON edge_lines BEGIN
  UPDATE edge_line_counts SET documents = documents - 1
    WHERE source = (SELECT source FROM documents WHERE rid = old.rid) AND key = old.key;
  DELETE FROM edge_line_counts
    WHERE source = (SELECT source FROM documents WHERE rid = old.rid) AND key = old.key AND documents <= 0;
END;
)sql",
};

static_assert(kApplicationId == 1465467732, "keep step 1's PRAGMA application_id in sync");

std::string hex(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(v));
  return buf;
}

// wenyuan_edge_line_key(text) for the v9 step: codec.h edge_line_key.
void edge_line_key_sql(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int n = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(ctx, edge_line_key(std::string_view(p != nullptr ? p : "", p != nullptr ? n : 0)));
}

Status register_edge_line_key(const sqlite::Db& db) {
  const int rc = sqlite3_create_function_v2(db.get(), "wenyuan_edge_line_key", 1,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, edge_line_key_sql, nullptr,
                                            nullptr, nullptr);
  if (rc != SQLITE_OK) return Status::internal(std::string("wenyuan_edge_line_key: ") + sqlite3_errstr(rc));
  return Status::ok();
}

}  // namespace

Status check_identity(const sqlite::Db& db) {
  WENYUAN_ASSIGN_OR_RETURN(int64_t app, db.query_int("PRAGMA application_id"));
  if (app == kApplicationId) return Status::ok();
  if (app != 0) {
    return Status::corruption("application_id " + hex(app) + " is not wenyuan's " + hex(kApplicationId));
  }
  WENYUAN_ASSIGN_OR_RETURN(int64_t objects, db.query_int("SELECT count(*) FROM sqlite_schema"));
  if (objects != 0) {
    return Status::corruption("an SQLite database of another application (" + std::to_string(objects) +
                              " schema objects, no wenyuan application_id)");
  }
  return Status::ok();  // empty: a new catalog
}

int latest_schema_version() { return static_cast<int>(kSteps.size()); }

Status migrate(const sqlite::Db& db, int target) {
  if (target < 0 || target > latest_schema_version()) {
    return Status::invalid_argument("no schema version " + std::to_string(target));
  }
  WENYUAN_RETURN_IF_ERROR(check_identity(db));
  WENYUAN_RETURN_IF_ERROR(register_edge_line_key(db));
  return sqlite::migrate(db, kSteps, target, "schema");
}

}  // namespace wenyuan::store
