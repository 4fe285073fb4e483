// The Catalog's reads over many documents: listings, counts, statistics, the
// whole-catalog scan and the change log.
#include "wenyuan/store/catalog_internal.h"

namespace wenyuan::store {
namespace {

using internal::column_optional_int;
using internal::kChangesSince;
using internal::kLastSeq;
using internal::parse_access;
using internal::read_document;

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
  if (own_) (void)db_.exec("COMMIT");
}

}  // namespace

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
    WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement totals,
                             db.prepare("SELECT count(*), coalesce(sum(text_chars), 0) FROM documents", false));
    WENYUAN_RETURN_IF_ERROR(totals.step().status());  // an aggregate always yields its one row
    st.documents = static_cast<uint64_t>(totals.column_int(0));
    st.characters = static_cast<uint64_t>(totals.column_int(1));
    WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement sources, db.prepare(
        // By the source's display name (a site or body, not each page's URL); a
        // document stored before v5 has none yet and counts under its source.
        "SELECT CASE WHEN source_name <> '' THEN source_name ELSE source END AS s, count(*) FROM documents "
        "GROUP BY s ORDER BY count(*) DESC, s",
        false));
    for (;;) {
      WENYUAN_ASSIGN_OR_RETURN(bool r, sources.step());
      if (!r) break;
      st.by_source.emplace_back(sources.column_text(0), static_cast<uint64_t>(sources.column_int(1)));
    }
    WENYUAN_ASSIGN_OR_RETURN(sqlite::Statement years, db.prepare(
        "SELECT year, count(*) FROM documents WHERE year IS NOT NULL GROUP BY year ORDER BY year", false));
    for (;;) {
      WENYUAN_ASSIGN_OR_RETURN(bool r, years.step());
      if (!r) break;
      st.by_year.emplace_back(static_cast<int>(years.column_int(0)), static_cast<uint64_t>(years.column_int(1)));
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

Result<uint64_t> Catalog::for_each_access(const std::function<void(doc::Document&&)>& fn) const {
  ReadSnapshot snapshot(impl_->db, impl_->in_batch);  // the rows and the seq returned must agree
  WENYUAN_RETURN_IF_ERROR(impl_->in_file(snapshot.status()));
  const uint64_t seq = last_seq();
  Result<sqlite::Statement> s = impl_->db.prepare("SELECT access, text_chars, regions, id FROM documents", false);
  if (!s.is_ok()) return impl_->in_file(s.status());
  for (;;) {
    Result<bool> row = s->step();
    if (!row.is_ok()) return impl_->in_file(row.status().with_context("for_each_access"));
    if (!*row) return seq;
    doc::Document d;
    d.id = s->column_text(3);
    if (Status st = internal::read_access_fields(*s, 0, d); !st.is_ok())
      return impl_->in_file(st.with_context("document " + d.id));
    fn(std::move(d));
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

// Duplicate clusters (store/clusters.h): several reads that must agree, one snapshot.
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
Result<std::vector<std::pair<std::string, int64_t>>> Catalog::dup_cluster_ids() const {
  auto r = store::dup_cluster_ids(impl_->db);
  return r ? r : impl_->in_file(r.status());
}
Result<std::vector<std::string>> Catalog::ids_without_sketch() const {
  auto r = store::ids_without_sketch(impl_->db);
  return r ? r : impl_->in_file(r.status());
}
}  // namespace wenyuan::store
