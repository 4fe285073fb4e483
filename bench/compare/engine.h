// One search engine under comparison, behind the smallest interface the
// harness needs: build an index of the corpus, answer a query with its total
// count and top-k documents (the timed call: what a results page needs), and
// answer it with every matching document (untimed; compared with the oracle).
//
// Documents are named by their corpus ordinal (BenchDoc::ordinal). An engine owns
// its files under the work directory it is given and reports their size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compare/corpus.h"
#include "compare/queries.h"
#include "wenyuan/core/status.h"

namespace wenyuan::bench {

struct TopK {
  uint64_t total = 0;           // exact number of matching documents
  std::vector<uint32_t> ids;    // at most k, in the engine's own ranking order
  size_t snippets = 0;          // snippets cut (top_snippets only)
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;
  // How the engine is configured, one line for the report.
  virtual std::string describe() const = 0;
  // Indexes every document of `corpus` (the harness times this call).
  virtual Status build(const Corpus& corpus) = 0;
  // Bytes of the index as it would sit on disk (for in-memory engines: bytes held).
  virtual uint64_t index_bytes() const = 0;
  virtual Result<TopK> top(const BenchQuery& q, size_t k) = 0;
  // Sorted ordinals of every matching document.
  virtual Result<std::vector<uint32_t>> all_ids(const BenchQuery& q) = 0;
  // The timed call of `--mode full-set`: every matching document, the way the
  // engine's users ask for it (wenyuan: `search --batch --limit 0`'s path).
  virtual Result<std::vector<uint32_t>> full_set(const BenchQuery& q) { return all_ids(q); }
  // The timed call of `--mode full-set`: the same set in the engine's own id
  // form (rowids, docids; wenyuan's id strings), its size returned. The
  // harness's own mapping of ids to corpus ordinals is left out of the time,
  // as it is for the peers, whose ids are the ordinals.
  virtual Result<uint64_t> full_set_size(const BenchQuery& q) {
    auto ids = full_set(q);
    if (!ids) return ids.status();
    return static_cast<uint64_t>(ids->size());
  }
  // The timed call of `--mode snippets`: total, top k, and up to n snippets
  // (text windows around matches) of each hit, returned in `snippets`.
  // Engines that cannot cut snippets say so (the report shows –).
  virtual Result<TopK> top_snippets(const BenchQuery&, size_t, size_t) {
    return Status::unsupported(name() + ": no snippet mode in this harness");
  }
  // The timed call of `--mode paragraph`: the number of matching paragraphs
  // (total) and the top k paragraphs with up to n snippets each.
  virtual Result<TopK> paragraphs(const BenchQuery&, size_t, size_t) {
    return Status::unsupported(name() + ": no paragraph mode in this harness");
  }
};

// Sum of the sizes of the regular files under `path` (0 if absent).
uint64_t directory_bytes(const std::string& path);

// The engines; `dir` is a fresh directory the engine may fill.
std::unique_ptr<Engine> make_brute_engine();
std::unique_ptr<Engine> make_sqlite_engine(const std::string& dir);
std::unique_ptr<Engine> make_xapian_engine(const std::string& dir);   // null without Xapian
std::unique_ptr<Engine> make_sphinx_engine(const std::string& dir);   // null without Sphinx support
// `optimize`: merge the segments into one after the commit (`wenyuan optimize`).
// paragraphs_from_text: the paragraph unit reads every matching document's text
// (SearchRequest::paragraphs_from_text, the path before the paragraph table).
std::unique_ptr<Engine> make_wenyuan_engine(const std::string& dir, bool optimize, bool paragraphs_from_text = false);

}  // namespace wenyuan::bench
