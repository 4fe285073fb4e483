#include "wenyuan/store/catalog.h"

#include <array>
#include <chrono>
#include <thread>

#include "wenyuan/store/catalog_internal.h"
#include "wenyuan/store/codec.h"
#include "wenyuan/store/schema.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {
namespace {

using namespace internal;  // the Sql names and the row helpers, shared with catalog_*.cc

constexpr int kBusyTimeoutMs = 10'000;

constexpr std::array<const char*, kSqlCount> kSqlText = {
    // kFindForPut
    "SELECT rid, content_hash, year, date, source, category, issuer, tags, public_year, public_issuer, "
    WENYUAN_PUBLIC_OUTLINE_SQL("") ", doc_type, source_name FROM documents WHERE id = ?1",
    // kUpsertDocument
    "INSERT INTO documents (id, title, year, date, source, category, issuer, tags, access, format, "
    "encoding, origin, text_chars, regions, outline, removed, content_hash, imported_at, public_year, "
    "public_issuer, public_outline, doc_type, source_name) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23) "
    "ON CONFLICT (id) DO UPDATE SET title = excluded.title, year = excluded.year, date = excluded.date, "
    "source = excluded.source, category = excluded.category, issuer = excluded.issuer, "
    "tags = excluded.tags, access = excluded.access, format = excluded.format, "
    "encoding = excluded.encoding, origin = excluded.origin, text_chars = excluded.text_chars, "
    "regions = excluded.regions, outline = excluded.outline, removed = excluded.removed, "
    "content_hash = excluded.content_hash, imported_at = excluded.imported_at, "
    "public_year = excluded.public_year, public_issuer = excluded.public_issuer, "
    "public_outline = excluded.public_outline, doc_type = excluded.doc_type, source_name = excluded.source_name "
    "RETURNING rid",
    // kUpsertBody
    "INSERT INTO bodies (rid, original, text, paragraphs, sentences, original_codec, spans_codec) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (rid) DO UPDATE SET original = excluded.original, text = excluded.text, "
    "paragraphs = excluded.paragraphs, sentences = excluded.sentences, original_codec = excluded.original_codec, "
    "spans_codec = excluded.spans_codec",
    // kDeleteEdgeLines
    "DELETE FROM edge_lines WHERE rid = ?1",
    // kInsertEdgeLine
    "INSERT OR IGNORE INTO edge_lines (key, rid) VALUES (?1, ?2)",
    // kLogChange
    "INSERT INTO changes (id, deleted) VALUES (?1, ?2)",
    // kGet
    "SELECT " WENYUAN_DOCUMENT_COLUMNS " FROM documents d JOIN bodies b USING (rid) WHERE d.id = ?1",
    // kGetWithOriginal: one statement, so the original is of the same version
    // as the rest even while another connection writes.
    "SELECT " WENYUAN_DOCUMENT_COLUMNS ", b.original, b.original_codec FROM documents d JOIN bodies b USING (rid) "
    "WHERE d.id = ?1",
    // kGetForSnippets: the body's text is its second column, after the original
    // (small for most documents: a frame over the text as its prefix, codec.h).
    "SELECT d.access, d.text_chars, d.regions, b.text FROM documents d JOIN bodies b USING (rid) WHERE d.id = ?1",
    // kGetOriginal
    "SELECT b.original, b.original_codec, b.text FROM documents d JOIN bodies b USING (rid) WHERE d.id = ?1",
    // kRemove
    "DELETE FROM documents WHERE id = ?1",
    // kLastSeq
    "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
    // kChangesSince
    "SELECT seq, id, deleted FROM changes WHERE seq > ?1 ORDER BY seq",
    // kEdgeLineCount
    "SELECT documents FROM edge_line_counts WHERE key = ?1 AND source = ?2",
    // kSourceCount
    "SELECT documents FROM source_counts WHERE source = ?1",
};

// A packed JSON column (codec.h pack_json): JSON stays text, a frame is a BLOB.
void bind_packed(sqlite::Statement& s, int i, const std::string& packed) {
  if (!packed.empty() && packed.front() == '[') s.bind_text(i, packed);
  else s.bind_blob(i, packed);
}

// The public outline's JSON as stored, "" for none (NULL) or an unreadable one
// (which then counts as a change and is written again).
std::string stored_public_outline(const sqlite::Statement& s, int i) {
  if (s.column_is_null(i)) return {};
  Result<std::string> json = unpack_json(s.column_blob(i));
  return json.is_ok() ? std::move(json).value() : std::string();
}

int64_t now_unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<sqlite::Statement*> Catalog::Impl::stmt(Sql which) const {
  sqlite::Statement& s = stmts[which];
  if (!s) {
    WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement p, db.prepare(kSqlText[which]));
    s = std::move(p);
  }
  return &s;
}

Result<PutOutcome> Catalog::Impl::put_locked(const doc::Document& d, const EncodedDocument& e,
                                             const std::vector<std::string>& edge_lines) {
  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* find, stmt(kFindForPut));
  bool exists = false;
  {
    sqlite::Statement& s = *find;
    sqlite::StatementReset reset(s);
    s.bind_text(1, d.id);
    WENYUAN_ASSIGN_OR_RETURN(bool row, s.step());
    exists = row;
    // Same content and same metadata: nothing to write, nothing for the index to redo.
    if (exists && s.column_text(1) == d.content_hash && column_optional_int(s, 2) == d.year &&
        s.column_text(3) == d.date && s.column_text(4) == d.source && s.column_text(5) == d.category &&
        s.column_text(6) == d.issuer && s.column_text(7) == e.tags && column_optional_int(s, 8) == d.public_year &&
        s.column_text(9) == d.public_issuer && stored_public_outline(s, 10) == e.public_outline_json &&
        s.column_text(11) == d.type && s.column_text(12) == d.source_name) {
      return PutOutcome::kUnchanged;
    }
  }

  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* upsert, stmt(kUpsertDocument));
  int64_t rid = 0;
  {
    sqlite::Statement& s = *upsert;
    sqlite::StatementReset reset(s);
    s.bind_text(1, d.id);
    s.bind_text(2, d.title);
    s.bind_optional_int(3, d.year);
    s.bind_text(4, d.date);
    s.bind_text(5, d.source);
    s.bind_text(6, d.category);
    s.bind_text(7, d.issuer);
    s.bind_text(8, e.tags);
    s.bind_text(9, doc::to_string(d.access));
    s.bind_text(10, d.format);
    s.bind_text(11, d.encoding);
    s.bind_text(12, d.origin);
    s.bind_int(13, d.text_chars);
    s.bind_text(14, e.regions);
    bind_packed(s, 15, e.outline);
    s.bind_text(16, e.removed);
    s.bind_text(17, d.content_hash);
    s.bind_int(18, d.imported_at != 0 ? d.imported_at : now_unix_seconds());
    s.bind_optional_int(19, d.public_year);
    s.bind_text(20, d.public_issuer);
    if (!d.public_outline) s.bind_null(21);
    else if (e.public_outline_same) s.bind_blob(21, "");  // WENYUAN_PUBLIC_OUTLINE_SQL: the same as outline
    else bind_packed(s, 21, e.public_outline);
    s.bind_text(22, d.type);
    s.bind_text(23, d.source_name);
    WENYUAN_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return Status::internal("upsert returned no rid");
    rid = s.column_int(0);
    WENYUAN_RETURN_IF_ERROR(s.run());  // finish the RETURNING statement
  }

  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* body, stmt(kUpsertBody));
  {
    sqlite::Statement& s = *body;
    sqlite::StatementReset reset(s);
    s.bind_int(1, rid);
    s.bind_blob(2, e.original);
    s.bind_blob(3, e.text);
    s.bind_blob(4, e.paragraphs);
    s.bind_blob(5, e.sentences);
    s.bind_int(6, kOriginalWithTextPrefix);
    s.bind_int(7, e.spans_codec);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }

  if (exists) {
    WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* del, stmt(kDeleteEdgeLines));
    sqlite::StatementReset reset(*del);
    del->bind_int(1, rid);
    WENYUAN_RETURN_IF_ERROR(del->run());
  }
  if (!edge_lines.empty()) {
    WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* ins, stmt(kInsertEdgeLine));
    for (const std::string& line : edge_lines) {
      sqlite::StatementReset reset(*ins);
      ins->bind_int(1, edge_line_key(line));  // stored by key (schema v9)
      ins->bind_int(2, rid);
      WENYUAN_RETURN_IF_ERROR(ins->run());
    }
  }

  // The duplicate sketch goes with the text it describes (store/clusters.h).
  if (exists) WENYUAN_RETURN_IF_ERROR(drop_sketch(db, rid));
  if (e.dup) WENYUAN_RETURN_IF_ERROR(write_sketch(db, rid, d.date, *e.dup));

  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* log, stmt(kLogChange));
  sqlite::StatementReset reset(*log);
  log->bind_text(1, d.id);
  log->bind_int(2, 0);
  WENYUAN_RETURN_IF_ERROR(log->run());
  return exists ? PutOutcome::kUpdated : PutOutcome::kInserted;
}

Status Catalog::Impl::remove_locked(const std::string& id) {
  // Its cluster re-splits among the links that remain (store/clusters.h).
  WENYUAN_RETURN_IF_ERROR(drop_sketch_of(db, id));
  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* del, stmt(kRemove));
  {
    sqlite::StatementReset reset(*del);
    del->bind_text(1, id);
    WENYUAN_RETURN_IF_ERROR(del->run());
  }
  if (db.changes() == 0) return Status::not_found("no document \"" + id + "\"");
  WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement* log, stmt(kLogChange));
  sqlite::StatementReset reset(*log);
  log->bind_text(1, id);
  log->bind_int(2, 1);
  return log->run();
}

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Status Catalog::put_sketch(const std::string& id, const DupSketch& sketch) {
  const std::string where = impl_->path.string() + ": sketch \"" + id + "\"";
  WENYUAN_RETURN_IF_ERROR(impl_->begin_write().with_context(where));
  Status st = put_sketch_locked(impl_->db, id, sketch);
  if (st.is_ok()) st = impl_->end_write();
  if (!st.is_ok()) {
    impl_->abort_write();
    return st.with_context(where);
  }
  return Status::ok();
}

Catalog::~Catalog() {
  // An unfinished batch is undone; a destructor has no one to tell if that fails,
  // and SQLite rolls back an open transaction when the connection closes anyway.
  if (impl_ && impl_->in_batch) (void)impl_->db.exec("ROLLBACK");
}

Result<std::unique_ptr<Catalog>> Catalog::open(const std::filesystem::path& db_file) {
  const std::string name = db_file.string();
  auto not_ours = [&](const Status& st) {
    return Status::corruption(name + ": not a wenyuan catalog (" + st.message() + ")");
  };
  Result<sqlite::Db> db = sqlite::Db::open(name);
  if (!db.is_ok()) return db.status().with_context(name);
  auto impl = std::make_unique<Impl>();
  impl->path = db_file;
  impl->db = std::move(db).value();
  const sqlite::Db& c = impl->db;
  sqlite3_busy_timeout(c.get(), kBusyTimeoutMs);

  // Before any write (WAL mode is one): the first read is where SQLite finds
  // out the file is not a database at all, and another application's database
  // must be left as it was.
  // Two processes opening a new library at once (two imports into an empty
  // folder): switching the file to WAL takes an exclusive lock, and SQLite
  // answers SQLITE_BUSY there, to this read as to the switch itself
  // (sqlite::use_wal), without calling the busy handler. Wait as the busy
  // timeout would, then give up with the error.
  // `was_busy` is read right after the failing call (a later COMMIT or
  // ROLLBACK would reset the connection's error code).
  bool was_busy = false;
  auto note_busy = [&] {
    const int rc = sqlite3_errcode(c.get()) & 0xff;
    was_busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
  };
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  auto retry_busy = [&](auto&& fn) {
    auto r = fn();
    while (!r.is_ok() && was_busy && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      r = fn();
    }
    return r;
  };
  // In one read transaction: the application id and the schema objects of the
  // same state (another process may commit its first migration in between).
  // (On a full disk with no -shm file, sqlite::Db::open has already switched
  // this connection to EXCLUSIVE locking mode, so the read needs none.)
  const Status identity = retry_busy([&] {
    Status st = c.exec("BEGIN");
    if (st.is_ok()) st = check_identity(c);
    note_busy();
    (void)c.exec("COMMIT");  // a read transaction: nothing to lose
    return st;
  });
  if (!identity.is_ok()) {
    if (identity.code() == StatusCode::kCorruption) return not_ours(identity);
    return identity.with_context(name);
  }
  Result<std::string> mode = sqlite::use_wal(c, kBusyTimeoutMs);
  if (!mode.is_ok()) return mode.status().with_context(name);
  if (mode.value() != "wal") return Status::io_error(name + ": cannot use WAL mode (journal_mode is " + *mode + ")");
  WENYUAN_RETURN_IF_ERROR(c.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON").with_context(name));

  Status st = migrate(c, latest_schema_version());  // BEGIN IMMEDIATE steps wait via the busy handler
  if (!st.is_ok()) {
    if (st.code() == StatusCode::kCorruption) return not_ours(st);
    return st.with_context(name);
  }
  return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

Result<PutOutcome> Catalog::put(const doc::Document& d, const std::vector<std::string>& edge_lines) {
  return put(d, encode(d), edge_lines);
}

Result<PutOutcome> Catalog::put(const doc::Document& d, const EncodedDocument& e,
                                const std::vector<std::string>& edge_lines) {
  const std::string where = impl_->path.string() + ": put \"" + d.id + "\"";
  Status valid = validate(d);
  if (!valid.is_ok()) return valid.with_context(where);
  WENYUAN_RETURN_IF_ERROR(impl_->begin_write().with_context(where));
  Result<PutOutcome> out = impl_->put_locked(d, e, edge_lines);
  WENYUAN_RETURN_IF_ERROR(impl_->finish_write(out.status(), where));
  return out;
}

Result<doc::Document> Catalog::get(const std::string& id, bool with_original) const {
  return impl_->read_row<doc::Document>(with_original ? kGetWithOriginal : kGet, id,
                                 [&](const sqlite::Statement& s) -> Result<doc::Document> {
    WENYUAN_ASSIGN_OR_RETURN(doc::Document d, read_document(s));
    if (with_original) {
      Result<std::string> original =
          read_original(s.column_blob(kDocumentColumnCount), s.column_int(kDocumentColumnCount + 1), d.text);
      if (!original.is_ok()) return original.status().with_context("document " + id + ": original");
      d.original = std::move(original).value();
    }
    return d;
  });
}

Result<doc::Document> Catalog::get_for_snippets(const std::string& id, uint32_t text_up_to,
                                                const std::function<bool(const doc::Document&)>& text_wanted) const {
  return impl_->read_row<doc::Document>(kGetForSnippets, id, [&](const sqlite::Statement& s) -> Result<doc::Document> {
    doc::Document d;
    d.id = id;
    auto fail = [&](const Status& st) { return st.with_context("document " + id); };
    if (Status st = internal::read_access_fields(s, 0, d); !st.is_ok()) return fail(st);
    // The blob is asked of SQLite (which reads its pages) only when wanted.
    if (text_up_to > 0 && (!text_wanted || text_wanted(d))) {
      Result<std::string> text = decompress_head(s.column_blob(3), text_up_to);
      if (!text.is_ok()) return fail(text.status().with_context("text"));
      d.text = std::move(text).value();
    }
    return d;
  });
}

Result<std::string> Catalog::get_original(const std::string& id) const {
  return impl_->read_row<std::string>(kGetOriginal, id, [&](const sqlite::Statement& s) -> Result<std::string> {
    std::string text;  // the prefix the original refers to, if it does
    if (s.column_int(1) == kOriginalWithTextPrefix) {
      Result<std::string> t = decompress(s.column_blob(2));
      if (!t.is_ok()) return t.status().with_context("document " + id + ": text");
      text = std::move(t).value();
    }
    Result<std::string> original = read_original(s.column_blob(0), s.column_int(1), text);
    if (!original.is_ok()) return original.status().with_context("document " + id + ": original");
    return original;
  });
}

Status Catalog::remove(const std::string& id) {
  const std::string where = impl_->path.string() + ": remove";
  WENYUAN_RETURN_IF_ERROR(impl_->begin_write().with_context(where));
  return impl_->finish_write(impl_->remove_locked(id), where);
}

uint64_t Catalog::last_change_seq() const {
  // The change row is the last INSERT of put_locked/remove_locked, and its
  // INTEGER PRIMARY KEY is the seq.
  return static_cast<uint64_t>(impl_->db.last_insert_rowid());
}

Status Catalog::begin_batch() {
  if (impl_->in_batch) return Status::invalid_argument(impl_->path.string() + ": a batch is already open");
  WENYUAN_RETURN_IF_ERROR(impl_->in_file(impl_->db.exec("BEGIN IMMEDIATE")));
  impl_->in_batch = true;
  return Status::ok();
}

Status Catalog::commit_batch() {
  if (!impl_->in_batch) {
    return Status::invalid_argument(impl_->path.string() + ": no batch to commit (it was rolled back or never begun)");
  }
  Status st = impl_->db.exec("COMMIT");
  // A failed COMMIT leaves the batch open to retry, unless SQLite gave up on it.
  if (st.is_ok() || sqlite3_get_autocommit(impl_->db.get()) != 0) impl_->in_batch = false;
  return impl_->in_file(st);
}

bool Catalog::in_batch() const { return impl_->in_batch; }

// One count read through a cached statement: its first row's first column,
// 0 when there is no row or the read fails (doc::EdgeLineStats cannot report
// an error; catalog.h says why 0 is the safe answer).
template <typename... Args>
static uint32_t cached_count(sqlite::Statement& s, const Args&... args) {
  sqlite::StatementReset reset(s);
  s.bind_all(args...);
  Result<bool> row = s.step();
  if (!row.is_ok() || !*row) return 0;
  return static_cast<uint32_t>(s.column_int(0));
}

uint32_t Catalog::documents_with_edge_line(std::string_view source, std::string_view line) const {
  Result<sqlite::Statement*> s = impl_->stmt(kEdgeLineCount);
  return s.is_ok() ? cached_count(**s, edge_line_key(line), source) : 0;
}

uint32_t Catalog::documents_in_source(std::string_view source) const {
  Result<sqlite::Statement*> s = impl_->stmt(kSourceCount);
  return s.is_ok() ? cached_count(**s, source) : 0;
}

uint64_t Catalog::statement_steps() const {
  uint64_t steps = 0;
  for (const sqlite::Statement& s : impl_->stmts) {
    if (s) steps += static_cast<uint64_t>(sqlite3_stmt_status(s.get(), SQLITE_STMTSTATUS_VM_STEP, 0));
  }
  return steps;
}

const std::filesystem::path& Catalog::path() const { return impl_->path; }
bool Catalog::only_connection() const { return impl_->db.private_wal_index(); }

}  // namespace wenyuan::store
