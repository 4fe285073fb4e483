// Engine: executes a Query against an index snapshot — exact matching,
// BM25F-style ranking (docs/scoring.md), hits with snippets and match ranges.
//
// Exactness: a term matches a document iff normalize(term) is a substring of
// normalize(title) or of normalize(text) (of one visible range of the text,
// with SearchRequest::visible_only), decided from the positional bigram
// index alone (a term of length m >= 3 is covered by bigrams at offsets
// 0, 2, 4, … and m-2; all must occur at p + offset for one p). `total` is the
// exact number of matching documents (or paragraphs, unit = kParagraph).
//
// Thread-safety: search() may be called from many threads; each call takes
// its own snapshot and never waits for a commit or merge.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/query.h"
#include "wenyuan/search/snippet.h"

namespace wenyuan::search {

struct SearchRequest {
  std::string query;
  size_t limit = 10;  // 0: count only
  size_t offset = 0;
  enum class Sort { kRelevance, kDate } sort = Sort::kRelevance;
  // kParagraph: a hit is one paragraph in which the positive part of the query
  // holds (title: terms and NOT/filters are decided per document).
  enum class Unit { kDocument, kParagraph } unit = Unit::kDocument;
  bool snippets = true;
  size_t max_snippets = 3;
  bool matches = true;  // fill Hit::matches (needs the stored text of each hit)
  // The hits as ids and scores only, packed in SearchResult::ids (hits stays
  // empty): no snippets, match ranges or other fields, so no text is read. A
  // full set of thousands of ids (`search --batch --limit 0`) otherwise spends
  // most of its time building and freeing Hits nobody prints (a Hit is ~270
  // bytes, and a 16-byte id does not fit a std::string's inline buffer).
  bool ids_only = false;
  // Search as a non-member (docs/paywall.md): every term is evaluated against
  // visible text only (the title and the preview regions), and everything that
  // follows — total, scores, order, paragraph hits, matches, snippets, the year
  // filter and the year of a hit — is computed from visible text and public
  // fields alone. access::Policy decides who searches this way.
  bool visible_only = false;
  // The query's cost budget: past this instant the engine stops between
  // segments and between the documents a paragraph search reads, and search()
  // returns kTooLarge "query exceeded its time budget". Default: no deadline.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // unit = kParagraph: find the paragraphs by reading and re-normalizing every
  // matching document's text (the way before the paragraph table) instead of
  // from postings and the paragraph table. Same answers, far slower: for tests
  // and benchmarks that compare the two.
  bool paragraphs_from_text = false;
};

struct Hit {
  std::string id, title;
  std::optional<int> year;
  std::string date, source, category;
  std::string type;  // 文种 (public)
  double score = 0;
  std::vector<Snippet> snippets;
  std::optional<doc::Span> paragraph;  // unit = kParagraph: code points of the paragraph in the text
  std::vector<doc::Span> matches;      // match ranges in the text (code points), sorted, at most kMaxMatches
};

// The hits of an ids_only search, in result order (for the paragraph unit one
// entry per paragraph hit: its document's id).
struct IdList {
  std::string bytes;           // the ids, concatenated
  std::vector<uint32_t> ends;  // id i is bytes[ends[i-1], ends[i]) (ends[-1] = 0)
  std::vector<double> scores;
  size_t size() const { return ends.size(); }
  std::string_view id(size_t i) const {
    const uint32_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(b, ends[i] - b);
  }
  void push(std::string_view id, double score) {
    bytes.append(id);
    ends.push_back(static_cast<uint32_t>(bytes.size()));
    scores.push_back(score);
  }
};

struct SearchResult {
  uint64_t total = 0;
  std::vector<Hit> hits;
  IdList ids;  // ids_only: the hits, packed (and `hits` empty)
  uint64_t took_us = 0;
};

inline constexpr size_t kMaxMatches = 1000;

class Engine {
 public:
  explicit Engine(const index::Index& index) : index_(index) {}

  Result<SearchResult> search(const SearchRequest& r) const;
  Result<SearchResult> search(const Query& q, const SearchRequest& r) const;
  // The ids of every matching document, in index order (for --limit 0 and tests).
  Result<std::vector<std::string>> matching_ids(std::string_view query) const;
  std::vector<std::string> matching_ids(const Query& q) const;
  const index::Index& index() const { return index_; }

 private:
  const index::Index& index_;
};

}  // namespace wenyuan::search
