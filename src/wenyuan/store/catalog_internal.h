// What the Catalog's three source files share: catalog.cc (opening, writing
// and reading one document), catalog_rows.cc (a Document as a row) and
// catalog_queries.cc (reads over many documents). Not part of the store's API.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>

#include "wenyuan/store/catalog.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {
namespace internal {

// The statements every Catalog prepares once and reuses.
enum Sql : size_t {
  kFindForPut,
  kUpsertDocument,
  kUpsertBody,
  kDeleteEdgeLines,
  kInsertEdgeLine,
  kLogChange,
  kGet,
  kGetWithOriginal,
  kGetForSnippets,
  kGetOriginal,
  kRemove,
  kLastSeq,
  kChangesSince,
  kEdgeLineCount,
  kSourceCount,
  kSqlCount
};

// documents.public_outline (schema v8): NULL, no public outline (a Document built
// by hand); a zero-length BLOB, the same as `outline` (every free document and a
// paid one whose headings are all visible: stored once, not twice); else its
// packed JSON. Every read of the column goes through this expression, so readers
// see the public outline itself and never the marker.
#define WENYUAN_PUBLIC_OUTLINE_SQL(t) \
  "CASE WHEN " t "public_outline = X'' THEN " t "outline ELSE " t "public_outline END"

// Columns of kGet and of for_each, in this order.
#define WENYUAN_DOCUMENT_COLUMNS                                                                    \
  "d.id, d.title, d.year, d.date, d.source, d.category, d.issuer, d.tags, d.access, d.format, "    \
  "d.encoding, d.origin, d.text_chars, d.regions, d.outline, d.removed, d.content_hash, "          \
  "d.imported_at, b.text, b.paragraphs, b.sentences, d.public_year, d.public_issuer, "              \
  WENYUAN_PUBLIC_OUTLINE_SQL("d.") ", d.doc_type, d.source_name, b.spans_codec"
constexpr int kDocumentColumnCount = 27;

// The Document invariants the index, snippets and the access gate rely on.
// Checked here because the catalog is where a broken document would become
// permanent.
Status validate(const doc::Document& d);

Result<doc::Access> parse_access(const std::string& s);
std::optional<int> column_optional_int(const sqlite::Statement& s, int i);

// bodies.spans_codec (schema v8): how paragraphs and sentences are stored
// (codec.h spans_to_blob, spans_to_deltas).
constexpr int64_t kSpansFixed = 0;
constexpr int64_t kSpansDeltas = 1;

// bodies.original_codec (schema v7): 0, a zstd frame on its own; 1, a zstd frame
// with the cleaned text as its prefix (codec.h compress_with_prefix).
constexpr int64_t kOriginalAlone = 0;
constexpr int64_t kOriginalWithTextPrefix = 1;
// The original bytes from the stored frame and its codec; `text` is the
// document's cleaned text (used by codec 1 only).
Result<std::string> read_original(std::string_view frame, int64_t codec, std::string_view text);

// Reads one row of WENYUAN_DOCUMENT_COLUMNS.
Result<doc::Document> read_document(const sqlite::Statement& s);

// Reads columns `col`.. (access, text_chars, regions) of a row into `d`: the
// fields Catalog::get_for_snippets and for_each_access give.
Status read_access_fields(const sqlite::Statement& s, int col, doc::Document& d);

}  // namespace internal

struct Catalog::Impl {
  std::filesystem::path path;
  sqlite::Db db;
  mutable std::array<sqlite::Statement, internal::kSqlCount> stmts;
  bool in_batch = false;

  // The cached statement `which`, prepared on first use.
  Result<sqlite::Statement*> stmt(internal::Sql which) const;

  Status in_file(const Status& st) const { return st.with_context(path.string()); }
  // Runs the cached statement `q` for document `id` and hands its row to `read`
  // (which returns Result<T>); NotFound if there is none. Errors name the file.
  template <typename T, typename Read>
  Result<T> read_row(internal::Sql q, const std::string& id, const Read& read) const {
    Result<sqlite::Statement*> s = stmt(q);
    if (!s.is_ok()) return in_file(s.status());
    sqlite::StatementReset reset(**s);
    (*s)->bind_text(1, id);
    Result<bool> row = (*s)->step();
    if (!row.is_ok()) return in_file(row.status());
    if (!*row) return Status::not_found("no document \"" + id + "\"");
    Result<T> out = read(static_cast<const sqlite::Statement&>(**s));
    if (!out.is_ok()) return in_file(out.status());
    return out;
  }

  // One document's worth of writing: a transaction of its own, or a savepoint
  // inside the caller's batch so a failure undoes this document only.
  Status begin_write() const { return db.exec(in_batch ? "SAVEPOINT document" : "BEGIN IMMEDIATE"); }
  Status end_write() const { return db.exec(in_batch ? "RELEASE document" : "COMMIT"); }
  void abort_write() {
    if (in_batch) {
      // Best effort: the caller returns the write's own error; what the rollback
      // left is read from SQLite just below.
      (void)db.exec("ROLLBACK TO document; RELEASE document");
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction
      // by itself; then there is no batch any more and the caller must know.
      if (sqlite3_get_autocommit(db.get()) != 0) in_batch = false;
    } else {
      (void)db.exec("ROLLBACK");  // best effort: the write's own error is what the caller gets
    }
  }

  // Ends the write begin_write() began: commits it if `st` is ok, else undoes
  // it. The error names `where`, and says so when the caller's whole batch
  // went with it.
  Status finish_write(Status st, const std::string& where) {
    if (st.is_ok()) st = end_write();
    if (st.is_ok()) return st;
    const bool was_batch = in_batch;
    abort_write();
    if (was_batch && !in_batch) st = st.with_context("the whole batch was rolled back");
    return st.with_context(where);
  }

  Result<PutOutcome> put_locked(const doc::Document& d, const EncodedDocument& e,
                                const std::vector<std::string>& edge_lines);
  Status remove_locked(const std::string& id);
};

}  // namespace wenyuan::store
