// Collection: from the matching documents of execution.h to the hits of a
// SearchResult: document top-k, and paragraph (金句) hits with their top-k
// (docs/scoring.md "Paragraph unit", "Hits"). Internal to the search stage.
#pragma once

#include <vector>

#include "wenyuan/search/engine.h"
#include "wenyuan/search/execution.h"
#include "wenyuan/search/hit_text.h"
#include "wenyuan/search/paragraph_index.h"

namespace wenyuan::search::detail {

// Document unit: puts the first `want` of `found` (all, if fewer) in the
// request's order: date or score, ties by index position.
void order_documents(const index::Snapshot& snap, std::vector<Found>& found, const SearchRequest& r, size_t want);

// The hit of one found document, with the snippets and match ranges `r` asks
// for (reading its text into `ht`, reused across hits).
Result<Hit> document_hit(const index::Snapshot& snap, const Found& f, const std::vector<const QueryNode*>& positives,
                         const SearchRequest& r, HitText& ht);

// Document unit: total = found.size(); the hits of [offset, offset + limit) in
// the request's order (found is reordered).
Status collect_documents(const index::Snapshot& snap, std::vector<Found>& found,
                         const std::vector<const QueryNode*>& positives, const SearchRequest& r, SearchResult& res);

// Paragraph unit: the paragraph hits of the found documents, how many there
// are (`total`), and in `paras` at least the best `keep` of them (all, if
// fewer), those first and in the request's order.
Status rank_paragraphs(const index::Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                       const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                       const SearchRequest& r, size_t keep, std::vector<ParaHit>& paras, uint64_t& total);

// The hit of one paragraph, with its span, snippets and match ranges.
Result<Hit> paragraph_hit(const index::Snapshot& snap, const ParaHit& p, const std::vector<const QueryNode*>& positives,
                          const SearchRequest& r, HitText& ht);

// Paragraph unit: every paragraph of the found documents in which the positive
// part of `root` holds; total = their number.
Status collect_paragraphs(const index::Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                          const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                          const SearchRequest& r, SearchResult& res);

}  // namespace wenyuan::search::detail
