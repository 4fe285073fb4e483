// Peer (b): Xapian 1.4 with CJK n-grams, configured as its documentation suggests
// for Chinese. Indexing: TermGenerator with FLAG_CJK_NGRAM (runs of CJK characters
// become unigrams and bigrams, other scripts become words; positions kept), title
// and text into the same field with a position gap so a phrase cannot span them.
// Query: QueryParser with FLAG_CJK_NGRAM | FLAG_DEFAULT, default operator AND,
// each term quoted ("…"), which Xapian turns into a phrase of unigrams. The count
// asks for an exact figure (check_at_least = document count), not an estimate.
// Where it departs from wenyuan's contract: punctuation is dropped, a term that
// cuts a Latin word or a number in the middle does not match, no t2s/NFKC.
#include "compare/engine.h"

#ifdef WENYUAN_HAVE_XAPIAN
#include <xapian.h>

#include <algorithm>
#include <filesystem>

namespace wenyuan::bench {

namespace {

class XapianEngine final : public Engine {
 public:
  explicit XapianEngine(std::string dir) : dir_(std::move(dir)), path_(dir_ + "/xapian") {}

  std::string name() const override { return "Xapian CJK n-gram"; }
  std::string describe() const override {
    return "Xapian " + std::string(Xapian::version_string()) +
           " glass, TermGenerator+QueryParser FLAG_CJK_NGRAM, quoted phrase per term, exact count";
  }

  Status build(const Corpus& corpus) override {
    try {
      std::filesystem::create_directories(dir_);
      {
        Xapian::WritableDatabase db(path_, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
        Xapian::TermGenerator tg;
        tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
        for (const auto& d : corpus.docs) {
          Xapian::Document doc;
          tg.set_document(doc);
          tg.index_text(d.title);
          tg.increase_termpos(100);
          tg.index_text(d.text);
          db.add_document(doc);  // docids are 1, 2, ...: docid = ordinal + 1
        }
        db.commit();
        db.compact(path_ + ".compact");
      }
      // Serve the compacted copy, as one would after a bulk load.
      std::filesystem::remove_all(path_);
      std::filesystem::rename(path_ + ".compact", path_);
      db_ = Xapian::Database(path_);
      parser_.set_database(db_);
      parser_.set_default_op(Xapian::Query::OP_AND);
    } catch (const Xapian::Error& e) {
      return Status::internal("xapian build: " + e.get_description());
    } catch (const std::exception& e) {
      return Status::io_error(std::string("xapian build: ") + e.what());
    }
    return Status::ok();
  }

  uint64_t index_bytes() const override { return directory_bytes(path_); }

  Result<TopK> top(const BenchQuery& q, size_t k) override {
    try {
      Xapian::Enquire enquire(db_);
      enquire.set_query(parse(q));
      Xapian::MSet m = enquire.get_mset(0, static_cast<Xapian::doccount>(k), db_.get_doccount());
      TopK r;
      r.total = m.get_matches_estimated();
      for (auto it = m.begin(); it != m.end(); ++it) r.ids.push_back(*it - 1);
      return r;
    } catch (const Xapian::Error& e) {
      return Status::internal("xapian: " + e.get_description());
    }
  }

  Result<std::vector<uint32_t>> all_ids(const BenchQuery& q) override {
    try {
      Xapian::Enquire enquire(db_);
      enquire.set_query(parse(q));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      Xapian::MSet m = enquire.get_mset(0, db_.get_doccount());
      std::vector<uint32_t> ids;
      for (auto it = m.begin(); it != m.end(); ++it) ids.push_back(*it - 1);
      std::sort(ids.begin(), ids.end());
      return ids;
    } catch (const Xapian::Error& e) {
      return Status::internal("xapian: " + e.get_description());
    }
  }

 private:
  Xapian::Query parse(const BenchQuery& q) {
    std::string s;
    for (const auto& t : q.terms) {
      if (!s.empty()) s += ' ';
      s += '"' + t + '"';
    }
    return parser_.parse_query(s, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM);
  }

  std::string dir_;
  std::string path_;
  Xapian::Database db_;
  Xapian::QueryParser parser_;
};

}  // namespace

std::unique_ptr<Engine> make_xapian_engine(const std::string& dir) { return std::make_unique<XapianEngine>(dir); }

}  // namespace wenyuan::bench

#else

namespace wenyuan::bench {
std::unique_ptr<Engine> make_xapian_engine(const std::string&) { return nullptr; }
}  // namespace wenyuan::bench

#endif
