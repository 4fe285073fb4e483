// Collection: from the matching documents of execution.h to the hits of a
// SearchResult: document top-k, and paragraph (金句) hits with their top-k
// (docs/scoring.md "Paragraph unit", "Hits"). Internal to the search stage.
#pragma once

#include <vector>

#include "wenyuan/search/engine.h"
#include "wenyuan/search/execution.h"

namespace wenyuan::search::detail {

// Document unit: total = found.size(); the hits of [offset, offset + limit) in
// the request's order (found is reordered).
Status collect_documents(const index::Snapshot& snap, std::vector<Found>& found,
                         const std::vector<const QueryNode*>& positives, const SearchRequest& r, SearchResult& res);

// Paragraph unit: every paragraph of the found documents in which the positive
// part of `root` holds; total = their number.
Status collect_paragraphs(const index::Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                          const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                          const SearchRequest& r, SearchResult& res);

}  // namespace wenyuan::search::detail
