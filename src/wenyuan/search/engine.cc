// Engine: parse, execute (execution.h), collect hits (collection.h). See
// engine.h and docs/scoring.md.
#include "wenyuan/search/engine.h"

#include <chrono>

#include "wenyuan/search/collection.h"
#include "wenyuan/search/execution.h"

namespace wenyuan::search {

using detail::Found;

Result<SearchResult> Engine::search(const SearchRequest& r) const {
  WENYUAN_ASSIGN_OR_RETURN(auto q, parse_query(r.query));
  return search(q, r);
}

Result<std::vector<std::string>> Engine::matching_ids(std::string_view query) const {
  WENYUAN_ASSIGN_OR_RETURN(auto q, parse_query(query));
  return matching_ids(q);
}

std::vector<std::string> Engine::matching_ids(const Query& q) const {
  auto snap = index_.snapshot();
  const detail::View view = detail::view_of(*snap, false);
  auto terms = detail::term_infos(*snap, q.root, view);
  std::vector<std::string> ids;
  for (const auto& f : detail::run(*snap, q.root, terms, view)) ids.emplace_back(snap->parts()[f.part].segment->doc(f.doc).id);
  return ids;
}

Result<SearchResult> Engine::search(const Query& q, const SearchRequest& r) const {
  const auto t0 = std::chrono::steady_clock::now();
  WENYUAN_ASSIGN_OR_RETURN(detail::Execution ex, detail::execute(index_, q, r));
  SearchResult res;
  if (r.unit == SearchRequest::Unit::kDocument) {
    WENYUAN_RETURN_IF_ERROR(detail::collect_documents(*ex.snap, ex.found, ex.positives, r, res));
  } else {
    WENYUAN_RETURN_IF_ERROR(detail::collect_paragraphs(*ex.snap, q.root, ex.found, ex.terms, ex.positives, r, res));
  }
  res.took_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  return res;
}

}  // namespace wenyuan::search
