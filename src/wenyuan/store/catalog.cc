#include "wenyuan/store/catalog.h"

#include <array>
#include <chrono>
#include <thread>

#include "wenyuan/store/codec.h"
#include "wenyuan/store/schema.h"
#include "wenyuan/store/sqlite_db.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::store {
namespace {

// zstd levels. Compression is the largest CPU cost of an import (about 40% of
// put() at level 3). The cleaned text is read on every view and reindex, so it
// gets zstd's default (x3.1 on 公文, vs x2.5 at level 1); the original bytes
// are read only for downloads, so they get the fastest level (twice as fast).
constexpr int kTextLevel = 3;
constexpr int kOriginalLevel = 1;
constexpr int kBusyTimeoutMs = 10'000;

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
  kGetOriginal,
  kRemove,
  kLastSeq,
  kChangesSince,
  kEdgeLineCount,
  kSourceCount,
  kSqlCount
};

// Columns of kGet and of for_each, in this order.
#define WENYUAN_DOCUMENT_COLUMNS                                                                    \
  "d.id, d.title, d.year, d.date, d.source, d.category, d.issuer, d.tags, d.access, d.format, "    \
  "d.encoding, d.origin, d.text_chars, d.regions, d.outline, d.removed, d.content_hash, "          \
  "d.imported_at, b.text, b.paragraphs, b.sentences, d.public_year, d.public_issuer, d.public_outline, " \
  "d.doc_type, d.source_name"
constexpr int kDocumentColumnCount = 26;

constexpr std::array<const char*, kSqlCount> kSqlText = {
    // kFindForPut
    "SELECT rid, content_hash, year, date, source, category, issuer, tags, public_year, public_issuer, "
    "public_outline, doc_type, source_name FROM documents WHERE id = ?1",
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
    "INSERT INTO bodies (rid, original, text, paragraphs, sentences) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (rid) DO UPDATE SET original = excluded.original, text = excluded.text, "
    "paragraphs = excluded.paragraphs, sentences = excluded.sentences",
    // kDeleteEdgeLines
    "DELETE FROM edge_lines WHERE rid = ?1",
    // kInsertEdgeLine
    "INSERT OR IGNORE INTO edge_lines (line, rid) VALUES (?1, ?2)",
    // kLogChange
    "INSERT INTO changes (id, deleted) VALUES (?1, ?2)",
    // kGet
    "SELECT " WENYUAN_DOCUMENT_COLUMNS " FROM documents d JOIN bodies b USING (rid) WHERE d.id = ?1",
    // kGetWithOriginal: one statement, so the original is of the same version
    // as the rest even while another connection writes.
    "SELECT " WENYUAN_DOCUMENT_COLUMNS ", b.original FROM documents d JOIN bodies b USING (rid) WHERE d.id = ?1",
    // kGetOriginal
    "SELECT b.original FROM documents d JOIN bodies b USING (rid) WHERE d.id = ?1",
    // kRemove
    "DELETE FROM documents WHERE id = ?1",
    // kLastSeq
    "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
    // kChangesSince
    "SELECT seq, id, deleted FROM changes WHERE seq > ?1 ORDER BY seq",
    // kEdgeLineCount
    "SELECT documents FROM edge_line_counts WHERE line = ?1 AND source = ?2",
    // kSourceCount
    "SELECT documents FROM source_counts WHERE source = ?1",
};

int64_t now_unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status check_span(uint32_t start, uint32_t end, uint32_t limit, const std::string& what) {
  if (start > end || end > limit) {
    return Status::invalid_argument(what + " [" + std::to_string(start) + ", " + std::to_string(end) +
                                    ") is outside the text of " + std::to_string(limit) + " characters");
  }
  return Status::ok();
}

Status check_outline(const std::vector<doc::OutlineNode>& nodes, uint32_t limit) {
  for (const doc::OutlineNode& n : nodes) {
    WENYUAN_RETURN_IF_ERROR(check_span(n.start, n.end, limit, "outline node \"" + n.marker + "\""));
    WENYUAN_RETURN_IF_ERROR(check_span(n.heading.start, n.heading.end, limit, "outline heading \"" + n.marker + "\""));
    WENYUAN_RETURN_IF_ERROR(check_outline(n.children, limit));
  }
  return Status::ok();
}

// The Document invariants the index, snippets and the access gate rely on.
// Checked here because the catalog is where a broken document would become
// permanent.
Status validate(const doc::Document& d) {
  if (d.id.empty()) return Status::invalid_argument("document has no id");
  if (d.content_hash.empty()) return Status::invalid_argument("no content_hash");
  const size_t chars = text::count_code_points(d.text);
  if (chars != d.text_chars) {
    return Status::invalid_argument("text_chars is " + std::to_string(d.text_chars) + " but the text has " +
                                    std::to_string(chars) + " characters");
  }
  // Regions tile the text: a gap would be text no access rule speaks for.
  if (d.regions.empty() && d.text_chars != 0) return Status::invalid_argument("no regions over a non-empty text");
  uint32_t at = 0;
  for (const doc::Region& r : d.regions) {
    if (r.start != at || r.end < r.start) {
      return Status::invalid_argument("regions do not cover the text in order at character " + std::to_string(at));
    }
    at = r.end;
  }
  if (at != d.text_chars) {
    return Status::invalid_argument("regions end at " + std::to_string(at) + ", not at the text's end " +
                                    std::to_string(d.text_chars));
  }
  for (const doc::Span& s : d.paragraphs) WENYUAN_RETURN_IF_ERROR(check_span(s.start, s.end, d.text_chars, "paragraph"));
  for (const doc::Span& s : d.sentences) WENYUAN_RETURN_IF_ERROR(check_span(s.start, s.end, d.text_chars, "sentence"));
  WENYUAN_RETURN_IF_ERROR(check_outline(d.outline, d.text_chars));
  if (d.public_outline) WENYUAN_RETURN_IF_ERROR(check_outline(*d.public_outline, d.text_chars));
  for (const doc::Removed& r : d.removed) {
    WENYUAN_RETURN_IF_ERROR(check_span(r.position, r.position, d.text_chars, "removal (" + r.reason + ")"));
  }
  return Status::ok();
}

Result<doc::Access> parse_access(const std::string& s) {
  if (s == doc::to_string(doc::Access::kPaid)) return doc::Access::kPaid;
  if (s == doc::to_string(doc::Access::kFree)) return doc::Access::kFree;
  return Status::corruption("unknown access \"" + s + "\"");
}

std::optional<int> column_optional_int(const sqlite::Statement& s, int i) {
  if (s.column_is_null(i)) return std::nullopt;
  return static_cast<int>(s.column_int(i));
}

// Reads one row of WENYUAN_DOCUMENT_COLUMNS.
Result<doc::Document> read_document(const sqlite::Statement& s) {
  doc::Document d;
  d.id = s.column_text(0);
  d.title = s.column_text(1);
  d.year = column_optional_int(s, 2);
  d.date = s.column_text(3);
  d.source = s.column_text(4);
  d.category = s.column_text(5);
  d.issuer = s.column_text(6);
  auto fail = [&](const Status& st) { return st.with_context("document " + d.id); };
  Result<std::vector<std::string>> tags = tags_from_json(s.column_text(7));
  if (!tags.is_ok()) return fail(tags.status());
  d.tags = std::move(tags).value();
  Result<doc::Access> access = parse_access(s.column_text(8));
  if (!access.is_ok()) return fail(access.status());
  d.access = *access;
  d.format = s.column_text(9);
  d.encoding = s.column_text(10);
  d.origin = s.column_text(11);
  d.text_chars = static_cast<uint32_t>(s.column_int(12));
  Result<std::vector<doc::Region>> regions = regions_from_json(s.column_text(13));
  if (!regions.is_ok()) return fail(regions.status());
  d.regions = std::move(regions).value();
  Result<std::vector<doc::OutlineNode>> outline = outline_from_json(s.column_text(14));
  if (!outline.is_ok()) return fail(outline.status());
  d.outline = std::move(outline).value();
  Result<std::vector<doc::Removed>> removed = removed_from_json(s.column_text(15));
  if (!removed.is_ok()) return fail(removed.status());
  d.removed = std::move(removed).value();
  d.content_hash = s.column_text(16);
  d.imported_at = s.column_int(17);
  Result<std::string> text = decompress(s.column_blob(18));
  if (!text.is_ok()) return fail(text.status().with_context("text"));
  d.text = std::move(text).value();
  Result<std::vector<doc::Span>> paragraphs = spans_from_blob(s.column_blob(19));
  if (!paragraphs.is_ok()) return fail(paragraphs.status().with_context("paragraphs"));
  d.paragraphs = std::move(paragraphs).value();
  Result<std::vector<doc::Span>> sentences = spans_from_blob(s.column_blob(20));
  if (!sentences.is_ok()) return fail(sentences.status().with_context("sentences"));
  d.sentences = std::move(sentences).value();
  d.public_year = column_optional_int(s, 21);
  d.public_issuer = s.column_text(22);
  if (!s.column_is_null(23)) {
    Result<std::vector<doc::OutlineNode>> public_outline = outline_from_json(s.column_text(23));
    if (!public_outline.is_ok()) return fail(public_outline.status().with_context("public outline"));
    d.public_outline = std::move(public_outline).value();
  }
  d.type = s.column_text(24);
  d.source_name = s.column_text(25);
  return d;
}

// The WHERE clause of a ListFilter and the values for its placeholders, in order.
struct BoundFilter {
  std::string where;  // "" or " WHERE ..."
  struct Arg {
    bool is_int;
    int64_t i;
    std::string s;
  };
  std::vector<Arg> args;
};

BoundFilter bind_filter(const ListFilter& f) {
  BoundFilter b;
  auto add = [&](const char* cond) { b.where += b.where.empty() ? " WHERE " : " AND "; b.where += cond; };
  if (f.year_from) { add("year >= ?"); b.args.push_back({true, *f.year_from, {}}); }
  if (f.year_to) { add("year <= ?"); b.args.push_back({true, *f.year_to, {}}); }
  if (!f.source.empty()) { add("source = ?"); b.args.push_back({false, 0, f.source}); }
  if (!f.category.empty()) { add("category = ?"); b.args.push_back({false, 0, f.category}); }
  if (f.imported_since) { add("imported_at >= ?"); b.args.push_back({true, *f.imported_since, {}}); }
  return b;
}

void bind_args(sqlite::Statement& s, const BoundFilter& b) {
  int i = 1;
  for (const BoundFilter::Arg& a : b.args) {
    if (a.is_int) {
      s.bind_int(i++, a.i);
    } else {
      s.bind_text(i++, a.s);
    }
  }
}

}  // namespace

struct Catalog::Impl {
  std::filesystem::path path;
  sqlite::Db db;
  mutable std::array<sqlite::Statement, kSqlCount> stmts;
  bool in_batch = false;

  // The cached statement `which`, prepared on first use.
  Result<sqlite::Statement*> stmt(Sql which) const {
    sqlite::Statement& s = stmts[which];
    if (!s) {
      Result<sqlite::Statement> p = db.prepare(kSqlText[which]);
      if (!p.is_ok()) return p.status();
      s = std::move(p).value();
    }
    return &s;
  }

  Status in_file(const Status& st) const { return st.with_context(path.string()); }

  // One document's worth of writing: a transaction of its own, or a savepoint
  // inside the caller's batch so a failure undoes this document only.
  Status begin_write() const { return db.exec(in_batch ? "SAVEPOINT document" : "BEGIN IMMEDIATE"); }
  Status end_write() const { return db.exec(in_batch ? "RELEASE document" : "COMMIT"); }
  void abort_write() {
    if (in_batch) {
      db.exec("ROLLBACK TO document; RELEASE document");
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction
      // by itself; then there is no batch any more and the caller must know.
      if (sqlite3_get_autocommit(db.get()) != 0) in_batch = false;
    } else {
      db.exec("ROLLBACK");
    }
  }

  Result<PutOutcome> put_locked(const doc::Document& d, const EncodedDocument& e,
                                const std::vector<std::string>& edge_lines);
  Status remove_locked(const std::string& id);
};

namespace {

// Several reads that must agree see one snapshot: a read transaction, unless
// the caller's batch already is one.
class ReadSnapshot {
 public:
  ReadSnapshot(const sqlite::Db& db, bool in_batch);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  const Status& status() const { return status_; }

 private:
  const sqlite::Db& db_;
  bool own_;
  Status status_;
};

ReadSnapshot::ReadSnapshot(const sqlite::Db& db, bool in_batch) : db_(db), own_(!in_batch) {
  if (own_) status_ = db_.exec("BEGIN");
  if (!status_.is_ok()) own_ = false;
}

// Ending a read transaction cannot lose anything; its status does not matter.
ReadSnapshot::~ReadSnapshot() {
  if (own_) db_.exec("COMMIT");
}

}  // namespace

EncodedDocument encode(const doc::Document& d) {
  EncodedDocument e;
  e.tags = tags_to_json(d.tags);
  e.regions = regions_to_json(d.regions);
  e.outline = outline_to_json(d.outline);
  e.public_outline = d.public_outline ? outline_to_json(*d.public_outline) : std::string();
  e.removed = removed_to_json(d.removed);
  e.original = compress(d.original, kOriginalLevel);
  e.text = compress(d.text, kTextLevel);
  e.paragraphs = spans_to_blob(d.paragraphs);
  e.sentences = spans_to_blob(d.sentences);
  return e;
}

Result<PutOutcome> Catalog::Impl::put_locked(const doc::Document& d, const EncodedDocument& e,
                                             const std::vector<std::string>& edge_lines) {
  Result<sqlite::Statement*> find = stmt(kFindForPut);
  if (!find.is_ok()) return find.status();
  bool exists = false;
  {
    sqlite::Statement& s = **find;
    sqlite::StatementReset reset(s);
    s.bind_text(1, d.id);
    Result<bool> row = s.step();
    if (!row.is_ok()) return row.status();
    exists = *row;
    // Same content and same metadata: nothing to write, nothing for the index to redo.
    if (exists && s.column_text(1) == d.content_hash && column_optional_int(s, 2) == d.year &&
        s.column_text(3) == d.date && s.column_text(4) == d.source && s.column_text(5) == d.category &&
        s.column_text(6) == d.issuer && s.column_text(7) == e.tags && column_optional_int(s, 8) == d.public_year &&
        s.column_text(9) == d.public_issuer && (s.column_is_null(10) ? std::string() : s.column_text(10)) == e.public_outline &&
        s.column_text(11) == d.type && s.column_text(12) == d.source_name) {
      return PutOutcome::kUnchanged;
    }
  }

  Result<sqlite::Statement*> upsert = stmt(kUpsertDocument);
  if (!upsert.is_ok()) return upsert.status();
  int64_t rid = 0;
  {
    sqlite::Statement& s = **upsert;
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
    s.bind_text(15, e.outline);
    s.bind_text(16, e.removed);
    s.bind_text(17, d.content_hash);
    s.bind_int(18, d.imported_at != 0 ? d.imported_at : now_unix_seconds());
    s.bind_optional_int(19, d.public_year);
    s.bind_text(20, d.public_issuer);
    if (d.public_outline) s.bind_text(21, e.public_outline);
    else s.bind_null(21);
    s.bind_text(22, d.type);
    s.bind_text(23, d.source_name);
    Result<bool> row = s.step();
    if (!row.is_ok()) return row.status();
    if (!*row) return Status::internal("upsert returned no rid");
    rid = s.column_int(0);
    WENYUAN_RETURN_IF_ERROR(s.run());  // finish the RETURNING statement
  }

  Result<sqlite::Statement*> body = stmt(kUpsertBody);
  if (!body.is_ok()) return body.status();
  {
    sqlite::Statement& s = **body;
    sqlite::StatementReset reset(s);
    s.bind_int(1, rid);
    s.bind_blob(2, e.original);
    s.bind_blob(3, e.text);
    s.bind_blob(4, e.paragraphs);
    s.bind_blob(5, e.sentences);
    WENYUAN_RETURN_IF_ERROR(s.run());
  }

  if (exists) {
    Result<sqlite::Statement*> del = stmt(kDeleteEdgeLines);
    if (!del.is_ok()) return del.status();
    sqlite::StatementReset reset(**del);
    (*del)->bind_int(1, rid);
    WENYUAN_RETURN_IF_ERROR((*del)->run());
  }
  if (!edge_lines.empty()) {
    Result<sqlite::Statement*> ins = stmt(kInsertEdgeLine);
    if (!ins.is_ok()) return ins.status();
    for (const std::string& line : edge_lines) {
      sqlite::StatementReset reset(**ins);
      (*ins)->bind_text(1, line);
      (*ins)->bind_int(2, rid);
      WENYUAN_RETURN_IF_ERROR((*ins)->run());
    }
  }

  // The duplicate sketch goes with the text it describes (store/clusters.h).
  if (exists) WENYUAN_RETURN_IF_ERROR(drop_sketch(db, rid));
  if (e.dup) WENYUAN_RETURN_IF_ERROR(write_sketch(db, rid, d.date, *e.dup));

  Result<sqlite::Statement*> log = stmt(kLogChange);
  if (!log.is_ok()) return log.status();
  sqlite::StatementReset reset(**log);
  (*log)->bind_text(1, d.id);
  (*log)->bind_int(2, 0);
  WENYUAN_RETURN_IF_ERROR((*log)->run());
  return exists ? PutOutcome::kUpdated : PutOutcome::kInserted;
}

Status Catalog::Impl::remove_locked(const std::string& id) {
  // Its cluster re-splits among the links that remain (store/clusters.h).
  WENYUAN_RETURN_IF_ERROR(drop_sketch_of(db, id));
  Result<sqlite::Statement*> del = stmt(kRemove);
  if (!del.is_ok()) return del.status();
  {
    sqlite::StatementReset reset(**del);
    (*del)->bind_text(1, id);
    WENYUAN_RETURN_IF_ERROR((*del)->run());
  }
  if (sqlite3_changes(db.get()) == 0) return Status::not_found("no document \"" + id + "\"");
  Result<sqlite::Statement*> log = stmt(kLogChange);
  if (!log.is_ok()) return log.status();
  sqlite::StatementReset reset(**log);
  (*log)->bind_text(1, id);
  (*log)->bind_int(2, 1);
  return (*log)->run();
}

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<DupRelations> Catalog::dup_relations(const std::string& id) const {
  ReadSnapshot snap(impl_->db, impl_->in_batch);
  auto r = store::dup_relations(impl_->db, id);
  return r ? r : impl_->in_file(r.status());
}
Result<std::vector<DupGroup>> Catalog::dup_clusters() const {
  ReadSnapshot snap(impl_->db, impl_->in_batch);
  auto r = store::dup_clusters(impl_->db);
  return r ? r : impl_->in_file(r.status());
}
Result<std::vector<DupGroup>> Catalog::dup_versions() const {
  ReadSnapshot snap(impl_->db, impl_->in_batch);
  auto r = store::dup_versions(impl_->db);
  return r ? r : impl_->in_file(r.status());
}
Result<std::optional<int64_t>> Catalog::dup_cluster_of(const std::string& id) const {
  auto r = store::dup_cluster_of(impl_->db, id);
  return r ? r : impl_->in_file(r.status());
}
Result<std::vector<std::string>> Catalog::ids_without_sketch() const {
  auto r = store::ids_without_sketch(impl_->db);
  return r ? r : impl_->in_file(r.status());
}
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
  if (impl_ && impl_->in_batch) impl_->db.exec("ROLLBACK");
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
  // answers SQLITE_BUSY there without calling the busy handler. Wait as the
  // busy timeout would, then give up with the error.
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
  Status identity = retry_busy([&] {
    Status st = c.exec("BEGIN");
    if (st.is_ok()) st = check_identity(c);
    note_busy();
    c.exec("COMMIT");  // a read transaction: nothing to lose
    return st;
  });
  if (!identity.is_ok()) {
    if (identity.code() == StatusCode::kCorruption) return not_ours(identity);
    return identity.with_context(name);
  }
  Result<std::string> mode = retry_busy([&] {
    auto r = c.query_text("PRAGMA journal_mode = WAL");
    note_busy();
    return r;
  });
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
  Status st = out.status();
  if (st.is_ok()) st = impl_->end_write();
  if (!st.is_ok()) {
    const bool was_batch = impl_->in_batch;
    impl_->abort_write();
    if (was_batch && !impl_->in_batch) st = st.with_context("the whole batch was rolled back");
    return st.with_context(where);
  }
  return out;
}

Result<doc::Document> Catalog::get(const std::string& id, bool with_original) const {
  Result<sqlite::Statement*> s = impl_->stmt(with_original ? kGetWithOriginal : kGet);
  if (!s.is_ok()) return impl_->in_file(s.status());
  sqlite::StatementReset reset(**s);
  (*s)->bind_text(1, id);
  Result<bool> row = (*s)->step();
  if (!row.is_ok()) return impl_->in_file(row.status());
  if (!*row) return Status::not_found("no document \"" + id + "\"");
  Result<doc::Document> d = read_document(**s);
  if (!d.is_ok()) return impl_->in_file(d.status());
  if (with_original) {
    Result<std::string> original = decompress((*s)->column_blob(kDocumentColumnCount));
    if (!original.is_ok()) return impl_->in_file(original.status().with_context("document " + id + ": original"));
    d->original = std::move(original).value();
  }
  return d;
}

Result<std::string> Catalog::get_original(const std::string& id) const {
  Result<sqlite::Statement*> s = impl_->stmt(kGetOriginal);
  if (!s.is_ok()) return impl_->in_file(s.status());
  sqlite::StatementReset reset(**s);
  (*s)->bind_text(1, id);
  Result<bool> row = (*s)->step();
  if (!row.is_ok()) return impl_->in_file(row.status());
  if (!*row) return Status::not_found("no document \"" + id + "\"");
  Result<std::string> original = decompress((*s)->column_blob(0));
  if (!original.is_ok()) return impl_->in_file(original.status().with_context("document " + id + ": original"));
  return original;
}

Status Catalog::remove(const std::string& id) {
  const std::string where = impl_->path.string() + ": remove";
  WENYUAN_RETURN_IF_ERROR(impl_->begin_write().with_context(where));
  Status st = impl_->remove_locked(id);
  if (st.is_ok()) st = impl_->end_write();
  if (!st.is_ok()) {
    const bool was_batch = impl_->in_batch;
    impl_->abort_write();
    if (was_batch && !impl_->in_batch) st = st.with_context("the whole batch was rolled back");
    return st.with_context(where);
  }
  return Status::ok();
}

Result<std::vector<DocumentSummary>> Catalog::list(const ListFilter& f) const {
  const BoundFilter b = bind_filter(f);
  const char* dir = f.newest_first ? " DESC" : "";
  std::string sql =
      "SELECT id, title, year, date, source, category, access, text_chars, imported_at, public_year, doc_type, "
      "source_name FROM documents" +
      b.where;
  if (f.order == ListOrder::kDate) {
    sql += std::string(" ORDER BY year") + dir + ", date" + dir + ", rid" + dir;
  } else {
    sql += std::string(" ORDER BY imported_at") + dir + ", rid" + dir;
  }
  // SQLite's LIMIT -1 means no limit; an OFFSET needs a LIMIT before it.
  sql += " LIMIT " + (f.limit == 0 ? std::string("-1") : std::to_string(f.limit)) + " OFFSET " +
         std::to_string(f.offset);
  Result<sqlite::Statement> s = impl_->db.prepare(sql, /*cached=*/false);
  if (!s.is_ok()) return impl_->in_file(s.status());
  bind_args(*s, b);
  std::vector<DocumentSummary> out;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.is_ok()) return impl_->in_file(row.status().with_context("list"));
    if (!*row) break;
    DocumentSummary d;
    d.id = s->column_text(0);
    d.title = s->column_text(1);
    d.year = column_optional_int(*s, 2);
    d.date = s->column_text(3);
    d.source = s->column_text(4);
    d.category = s->column_text(5);
    Result<doc::Access> access = parse_access(s->column_text(6));
    if (!access.is_ok()) return impl_->in_file(access.status().with_context("document " + d.id));
    d.access = *access;
    d.text_chars = static_cast<uint32_t>(s->column_int(7));
    d.imported_at = s->column_int(8);
    d.public_year = column_optional_int(*s, 9);
    d.type = s->column_text(10);
    d.source_name = s->column_text(11);
    out.push_back(std::move(d));
  }
  return out;
}

Result<uint64_t> Catalog::count(const ListFilter& f) const {
  const BoundFilter b = bind_filter(f);
  Result<sqlite::Statement> s = impl_->db.prepare("SELECT count(*) FROM documents" + b.where, false);
  if (!s.is_ok()) return impl_->in_file(s.status());
  bind_args(*s, b);
  Result<bool> row = s->step();
  if (!row.is_ok()) return impl_->in_file(row.status().with_context("count"));
  return static_cast<uint64_t>(s->column_int(0));
}

Result<CatalogStats> Catalog::stats() const {
  const sqlite::Db& db = impl_->db;
  // One read transaction, so the totals and the breakdowns agree.
  ReadSnapshot snapshot(impl_->db, impl_->in_batch);
  WENYUAN_RETURN_IF_ERROR(impl_->in_file(snapshot.status()));
  auto run = [&]() -> Result<CatalogStats> {
    CatalogStats st;
    Result<sqlite::Statement> totals =
        db.prepare("SELECT count(*), coalesce(sum(text_chars), 0) FROM documents", false);
    if (!totals.is_ok()) return totals.status();
    Result<bool> row = totals->step();
    if (!row.is_ok()) return row.status();
    st.documents = static_cast<uint64_t>(totals->column_int(0));
    st.characters = static_cast<uint64_t>(totals->column_int(1));
    Result<sqlite::Statement> sources = db.prepare(
        // By the source's display name (a site or body, not each page's URL); a
        // document stored before v5 has none yet and counts under its source.
        "SELECT CASE WHEN source_name <> '' THEN source_name ELSE source END AS s, count(*) FROM documents "
        "GROUP BY s ORDER BY count(*) DESC, s",
        false);
    if (!sources.is_ok()) return sources.status();
    for (;;) {
      Result<bool> r = sources->step();
      if (!r.is_ok()) return r.status();
      if (!*r) break;
      st.by_source.emplace_back(sources->column_text(0), static_cast<uint64_t>(sources->column_int(1)));
    }
    Result<sqlite::Statement> years = db.prepare(
        "SELECT year, count(*) FROM documents WHERE year IS NOT NULL GROUP BY year ORDER BY year", false);
    if (!years.is_ok()) return years.status();
    for (;;) {
      Result<bool> r = years->step();
      if (!r.is_ok()) return r.status();
      if (!*r) break;
      st.by_year.emplace_back(static_cast<int>(years->column_int(0)), static_cast<uint64_t>(years->column_int(1)));
    }
    return st;
  };
  Result<CatalogStats> out = run();
  if (!out.is_ok()) return impl_->in_file(out.status().with_context("stats"));
  return out;
}

Status Catalog::for_each(const std::function<Status(const doc::Document&)>& fn) const {
  // A statement of its own (not the cached kGet), so `fn` may call get(). One
  // SELECT reads one snapshot in WAL mode, however long `fn` takes.
  Result<sqlite::Statement> s = impl_->db.prepare(
      "SELECT " WENYUAN_DOCUMENT_COLUMNS " FROM documents d JOIN bodies b USING (rid) ORDER BY d.id", false);
  if (!s.is_ok()) return impl_->in_file(s.status());
  for (;;) {
    Result<bool> row = s->step();
    if (!row.is_ok()) return impl_->in_file(row.status().with_context("for_each"));
    if (!*row) return Status::ok();
    Result<doc::Document> d = read_document(*s);
    if (!d.is_ok()) return impl_->in_file(d.status());
    WENYUAN_RETURN_IF_ERROR(fn(*d));
  }
}

Result<std::vector<Change>> Catalog::changes_since(uint64_t seq) const {
  ReadSnapshot snapshot(impl_->db, impl_->in_batch);  // the log and last_seq() below must agree
  WENYUAN_RETURN_IF_ERROR(impl_->in_file(snapshot.status()));
  Result<sqlite::Statement*> s = impl_->stmt(kChangesSince);
  if (!s.is_ok()) return impl_->in_file(s.status());
  sqlite::StatementReset reset(**s);
  (*s)->bind_int(1, static_cast<int64_t>(seq));
  std::vector<Change> out;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.is_ok()) return impl_->in_file(row.status().with_context("changes_since"));
    if (!*row) break;
    out.push_back({static_cast<uint64_t>((*s)->column_int(0)), (*s)->column_text(1), (*s)->column_int(2) != 0});
  }
  // A rolled-back insert gives its seq back (sqlite_sequence is transactional),
  // so only trimming leaves a hole after `seq`.
  const uint64_t expected_next = seq + 1;
  const uint64_t first = out.empty() ? last_seq() + 1 : out.front().seq;
  if (first != expected_next && expected_next <= last_seq()) {
    return Status::not_found(impl_->path.string() + ": changes after seq " + std::to_string(seq) +
                             " were trimmed (the log starts at " + std::to_string(first) + "); rebuild from for_each");
  }
  return out;
}

Status Catalog::trim_changes(uint64_t through) {
  Result<sqlite::Statement> s = impl_->db.prepare("DELETE FROM changes WHERE seq <= ?1", false);
  if (!s.is_ok()) return impl_->in_file(s.status());
  s->bind_int(1, static_cast<int64_t>(through));
  return impl_->in_file(s->run().with_context("trim_changes"));
}

uint64_t Catalog::last_seq() const {
  Result<sqlite::Statement*> s = impl_->stmt(kLastSeq);
  if (!s.is_ok()) return 0;
  sqlite::StatementReset reset(**s);
  Result<bool> row = (*s)->step();
  if (!row.is_ok() || !*row) return 0;  // no change ever logged
  return static_cast<uint64_t>((*s)->column_int(0));
}

uint64_t Catalog::last_change_seq() const {
  // The change row is the last INSERT of put_locked/remove_locked, and its
  // INTEGER PRIMARY KEY is the seq.
  return static_cast<uint64_t>(sqlite3_last_insert_rowid(impl_->db.get()));
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

uint32_t Catalog::documents_with_edge_line(std::string_view source, std::string_view line) const {
  Result<sqlite::Statement*> s = impl_->stmt(kEdgeLineCount);
  if (!s.is_ok()) return 0;
  sqlite::StatementReset reset(**s);
  (*s)->bind_text(1, line);
  (*s)->bind_text(2, source);
  Result<bool> row = (*s)->step();
  if (!row.is_ok() || !*row) return 0;
  return static_cast<uint32_t>((*s)->column_int(0));
}

uint32_t Catalog::documents_in_source(std::string_view source) const {
  Result<sqlite::Statement*> s = impl_->stmt(kSourceCount);
  if (!s.is_ok()) return 0;
  sqlite::StatementReset reset(**s);
  (*s)->bind_text(1, source);
  Result<bool> row = (*s)->step();
  if (!row.is_ok() || !*row) return 0;
  return static_cast<uint32_t>((*s)->column_int(0));
}

uint64_t Catalog::statement_steps() const {
  uint64_t steps = 0;
  for (const sqlite::Statement& s : impl_->stmts) {
    if (s) steps += static_cast<uint64_t>(sqlite3_stmt_status(s.get(), SQLITE_STMTSTATUS_VM_STEP, 0));
  }
  return steps;
}

const std::filesystem::path& Catalog::path() const { return impl_->path; }

}  // namespace wenyuan::store
