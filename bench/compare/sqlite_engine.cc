// Peer (a): SQLite FTS5 with the trigram tokenizer, used the way its users do.
//
// Schema: a plain table docs(id, title, text) holds the text; an external-content
// FTS5 table fts(title, text, tokenize='trigram') indexes it; after the bulk load
// the index is merged ('optimize'), as one would before serving. Queries:
//   a term of >= 3 characters  -> fts MATCH '"term"'  (a trigram phrase = substring)
//   a term of 1-2 characters   -> (title LIKE '%term%' OR text LIKE '%term%')
//                                 (trigram cannot index it; LIKE scans the rows)
// ANDed together; the count is SELECT count(*), the top-k is ORDER BY rank (bm25)
// when there is a MATCH, else the first k rows. Case folding is FTS5's (Unicode
// for MATCH) and LIKE's (ASCII only); there is no NFKC, no t2s, and whitespace is
// not skipped: those are where it departs from wenyuan's contract.
#include <sqlite3.h>

#include <filesystem>
#include <map>

#include "compare/engine.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::bench {

namespace {

class SqliteEngine final : public Engine {
 public:
  explicit SqliteEngine(std::string dir) : dir_(std::move(dir)), path_(dir_ + "/fts5.db") {}
  ~SqliteEngine() override { close(); }

  std::string name() const override { return "SQLite FTS5 trigram"; }
  std::string describe() const override {
    std::string s = "SQLite " + std::string(sqlite3_libversion()) +
                    ", FTS5 tokenize='trigram' (external content), MATCH \"phrase\" for >=3 chars, LIKE for 1-2";
    if (fts_bytes_ > 0) s += "; FTS5 index alone " + std::to_string(fts_bytes_ / 1000000) + " MB, rest is the text";
    return s;
  }

  Status build(const Corpus& corpus) override {
    close();
    std::filesystem::create_directories(dir_);
    std::filesystem::remove(path_);
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) return Status::io_error(path_ + ": cannot open");
    WENYUAN_RETURN_IF_ERROR(exec(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
        "CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, text TEXT);"
        "CREATE VIRTUAL TABLE fts USING fts5(title, text, content='docs', content_rowid='id', "
        "tokenize='trigram');"
        "BEGIN;"));
    sqlite3_stmt* ins_doc = nullptr;
    sqlite3_stmt* ins_fts = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO docs(id, title, text) VALUES(?1, ?2, ?3)", -1, &ins_doc, nullptr);
    sqlite3_prepare_v2(db_, "INSERT INTO fts(rowid, title, text) VALUES(?1, ?2, ?3)", -1, &ins_fts, nullptr);
    if (!ins_doc || !ins_fts) return error("prepare insert");
    for (const auto& d : corpus.docs) {
      for (sqlite3_stmt* st : {ins_doc, ins_fts}) {
        sqlite3_bind_int64(st, 1, d.ordinal);
        sqlite3_bind_text(st, 2, d.title.data(), static_cast<int>(d.title.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d.text.data(), static_cast<int>(d.text.size()), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
          sqlite3_finalize(ins_doc);
          sqlite3_finalize(ins_fts);
          return error("insert " + d.id);
        }
        sqlite3_reset(st);
      }
    }
    sqlite3_finalize(ins_doc);
    sqlite3_finalize(ins_fts);
    WENYUAN_RETURN_IF_ERROR(exec("COMMIT; INSERT INTO fts(fts) VALUES('optimize'); VACUUM;"));
    measure_fts_bytes();
    return Status::ok();
  }

  uint64_t index_bytes() const override { return directory_bytes(dir_); }

  Result<TopK> top(const BenchQuery& q, size_t k) override {
    Shape shape = shape_of(q);
    TopK r;
    {
      auto st = statement("SELECT count(*) " + shape.from_where, shape, q);
      if (!st) return st.status();
      if (sqlite3_step(*st) != SQLITE_ROW) return error("count");
      r.total = static_cast<uint64_t>(sqlite3_column_int64(*st, 0));
    }
    {
      std::string order = shape.has_match ? " ORDER BY rank" : "";
      auto st = statement("SELECT rowid " + shape.from_where + order + " LIMIT " + std::to_string(k), shape, q);
      if (!st) return st.status();
      int rc;
      while ((rc = sqlite3_step(*st)) == SQLITE_ROW) r.ids.push_back(static_cast<uint32_t>(sqlite3_column_int64(*st, 0)));
      if (rc != SQLITE_DONE) return error("top");
    }
    return r;
  }

  Result<std::vector<uint32_t>> all_ids(const BenchQuery& q) override {
    Shape shape = shape_of(q);
    auto st = statement("SELECT rowid " + shape.from_where + " ORDER BY rowid", shape, q);
    if (!st) return st.status();
    std::vector<uint32_t> ids;
    int rc;
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) ids.push_back(static_cast<uint32_t>(sqlite3_column_int64(*st, 0)));
    if (rc != SQLITE_DONE) return error("all ids");
    return ids;
  }

 private:
  // Which terms go to MATCH and which to LIKE, and the FROM ... WHERE clause.
  struct Shape {
    bool has_match = false;
    std::string match;                 // the FTS5 expression
    std::vector<std::string> likes;    // LIKE patterns, bound as ?2, ?3, ...
    std::string from_where;
  };

  static Shape shape_of(const BenchQuery& q) {
    Shape s;
    for (const auto& t : q.terms) {
      if (text::count_code_points(t) >= 3) {
        if (!s.match.empty()) s.match += " AND ";
        s.match += '"';
        for (char c : t) {
          if (c == '"') s.match += '"';
          s.match += c;
        }
        s.match += '"';
      } else {
        std::string p = "%";
        for (char c : t) {
          if (c == '%' || c == '_' || c == '\\') p += '\\';
          p += c;
        }
        p += '%';
        s.likes.push_back(std::move(p));
      }
    }
    s.has_match = !s.match.empty();
    std::string where;
    if (s.has_match) where = "fts MATCH ?1";
    for (size_t i = 0; i < s.likes.size(); ++i) {
      const std::string n = "?" + std::to_string(i + 2);
      if (!where.empty()) where += " AND ";
      where += "(title LIKE " + n + " ESCAPE '\\' OR text LIKE " + n + " ESCAPE '\\')";
    }
    s.from_where = std::string(s.has_match ? "FROM fts" : "FROM docs") + " WHERE " + where;
    return s;
  }

  // A prepared statement for `sql` (cached: one per query shape), reset and bound.
  Result<sqlite3_stmt*> statement(const std::string& sql, const Shape& shape, const BenchQuery&) {
    sqlite3_stmt*& st = cache_[sql];
    if (!st && sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return error("prepare " + sql);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (shape.has_match) sqlite3_bind_text(st, 1, shape.match.c_str(), -1, SQLITE_TRANSIENT);
    for (size_t i = 0; i < shape.likes.size(); ++i) {
      sqlite3_bind_text(st, static_cast<int>(i + 2), shape.likes[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    return st;
  }

  void measure_fts_bytes() {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts%'", -1, &st, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      fts_bytes_ = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
  }

  Status exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "?";
      sqlite3_free(msg);
      return Status::internal(path_ + ": " + m);
    }
    return Status::ok();
  }

  Status error(const std::string& what) const {
    return Status::internal(path_ + ": " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no database"));
  }

  void close() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    cache_.clear();
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
  }

  std::string dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
  uint64_t fts_bytes_ = 0;
};

}  // namespace

std::unique_ptr<Engine> make_sqlite_engine(const std::string& dir) { return std::make_unique<SqliteEngine>(dir); }

}  // namespace wenyuan::bench
