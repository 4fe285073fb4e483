// wenyuan itself, in process: index::Index (positional n-gram segments) and
// search::Engine, used as the product uses them. Build = add every document and
// commit once (the index cuts the batch into segments of IndexOptions'
// segment_chars and builds them on its default build_threads); the "optimized"
// variant then merges all segments into one (`wenyuan optimize`).
// Query: each term quoted ("…", the query language's literal form), terms separated
// by a space (AND). The timed call is a search for the total and the top 10 without
// snippets or match ranges, as a count + ids results page; all_ids is
// Engine::matching_ids.
#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "compare/engine.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::bench {

namespace {

class WenyuanEngine final : public Engine {
 public:
  WenyuanEngine(std::string dir, bool optimize, bool paragraphs_from_text = false)
      : dir_(std::move(dir)), optimize_(optimize), from_text_(paragraphs_from_text) {}

  std::string name() const override {
    if (from_text_) return "wenyuan (paragraphs from text)";
    return optimize_ ? "wenyuan (optimized)" : "wenyuan";
  }
  std::string describe() const override {
    std::string s = "index::Index + search::Engine in process, IndexOptions defaults (segment_chars " +
                    std::to_string(index::IndexOptions{}.segment_chars) + ", build_threads " +
                    std::to_string(index::IndexOptions{}.build_threads) + ")";
    if (index_) s += ", " + std::to_string(index_->stats().segments) + " segment(s)";
    if (optimize_) s += ", merged by optimize()";
    return s + "; query \"t1\" \"t2\", limit 10, no snippets";
  }

  Status build(const Corpus& corpus) override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    std::filesystem::create_directories(dir_, ec);
    auto opened = index::Index::open(dir_);
    if (!opened) return opened.status();
    index_ = std::move(opened.value());
    ordinal_of_.clear();
    ordinal_of_.reserve(corpus.docs.size());
    for (const auto& d : corpus.docs) {
      index::IndexDoc x;
      x.id = d.id;
      x.title = d.title;
      x.text = d.text;
      x.text_chars = d.text_chars;
      x.paragraphs = line_paragraphs(x.text);  // one per non-empty line, as the importers cut them
      WENYUAN_RETURN_IF_ERROR(index_->add(std::move(x)));
      ordinal_of_.emplace(d.id, d.ordinal);
    }
    WENYUAN_RETURN_IF_ERROR(index_->commit(1));
    if (optimize_) WENYUAN_RETURN_IF_ERROR(index_->optimize());
    engine_ = std::make_unique<search::Engine>(*index_);
    return Status::ok();
  }

  uint64_t index_bytes() const override { return directory_bytes(dir_); }

  Result<TopK> top(const BenchQuery& q, size_t k) override { return page(q, k, 0); }

  // Every matching id through Engine::search, as `wenyuan search --batch FILE
  // --limit 0` asks for it (scored, ordered, no text read, ids without the
  // other fields).
  Result<std::vector<uint32_t>> full_set(const BenchQuery& q) override {
    auto res = engine_->search(request(q, SIZE_MAX, 0, /*ids_only=*/true, search::SearchRequest::Unit::kDocument));
    if (!res) return res.status();
    std::vector<uint32_t> out;
    out.reserve(res->ids.size());
    for (size_t i = 0; i < res->ids.size(); ++i) out.push_back(ordinal(std::string(res->ids.id(i))));
    return out;
  }

  // Every matching hit (id string and score), without the bench's id → ordinal
  // map (full_set, which the exactness check uses, adds that).
  Result<uint64_t> full_set_size(const BenchQuery& q) override {
    auto res = engine_->search(request(q, SIZE_MAX, 0, /*ids_only=*/true, search::SearchRequest::Unit::kDocument));
    if (!res) return res.status();
    return static_cast<uint64_t>(res->ids.size());
  }

  // A results page with snippets, as the web UI asks for it.
  Result<TopK> top_snippets(const BenchQuery& q, size_t k, size_t n) override { return page(q, k, n); }

  // Paragraph unit: total paragraphs and the top k with n snippets each.
  Result<TopK> paragraphs(const BenchQuery& q, size_t k, size_t n) override {
    return page(q, k, n, search::SearchRequest::Unit::kParagraph);
  }

  Result<std::vector<uint32_t>> all_ids(const BenchQuery& q) override {
    auto ids = engine_->matching_ids(query_string(q));
    if (!ids) return ids.status();
    std::vector<uint32_t> out;
    out.reserve(ids->size());
    for (const auto& id : *ids) out.push_back(ordinal(id));
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  // Total and the first k hits, with up to n snippets each (0: none, and no
  // match ranges: no text is read).
  Result<TopK> page(const BenchQuery& q, size_t k, size_t n,
                    search::SearchRequest::Unit unit = search::SearchRequest::Unit::kDocument) const {
    auto res = engine_->search(request(q, k, n, /*ids_only=*/false, unit));
    if (!res) return res.status();
    TopK r;
    r.total = res->total;
    r.ids.reserve(res->hits.size());
    for (const auto& h : res->hits) {
      r.ids.push_back(ordinal(h.id));
      r.snippets += h.snippets.size();
    }
    return r;
  }

  search::SearchRequest request(const BenchQuery& q, size_t k, size_t n, bool ids_only,
                                search::SearchRequest::Unit unit) const {
    search::SearchRequest req;
    req.unit = unit;
    req.paragraphs_from_text = from_text_;
    req.query = query_string(q);
    req.limit = k;
    req.snippets = n > 0;
    req.max_snippets = n;
    req.matches = false;
    req.ids_only = ids_only;
    return req;
  }

  static std::string query_string(const BenchQuery& q) {
    std::string s;
    for (const auto& t : q.terms) {
      if (!s.empty()) s += ' ';
      s += '"' + t + '"';
    }
    return s;
  }

  uint32_t ordinal(const std::string& id) const {
    auto it = ordinal_of_.find(id);
    return it == ordinal_of_.end() ? UINT32_MAX : it->second;  // UINT32_MAX: counted as a false positive
  }

  static std::vector<doc::Span> line_paragraphs(const std::string& t) {
    std::vector<doc::Span> out;
    uint32_t cp = 0, start = 0;
    for (size_t i = 0; i <= t.size(); ++i) {
      if (i == t.size() || t[i] == '\n') {
        if (cp > start) out.push_back({start, cp});
        start = cp + 1;
        if (i < t.size()) ++cp;
        continue;
      }
      if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80) ++cp;
    }
    return out;
  }

  std::string dir_;
  bool optimize_;
  bool from_text_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<search::Engine> engine_;
  std::unordered_map<std::string, uint32_t> ordinal_of_;
};

}  // namespace

std::unique_ptr<Engine> make_wenyuan_engine(const std::string& dir, bool optimize, bool paragraphs_from_text) {
  return std::make_unique<WenyuanEngine>(dir, optimize, paragraphs_from_text);
}

}  // namespace wenyuan::bench
