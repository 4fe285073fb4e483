// The public JSON shape of documents, outlines, listings and search results,
// shared by the CLI (`--json`) and the HTTP API (server/routes/), so both say
// the same thing the same way. Offsets are code points of `text` (see
// doc/document.h).
//
// The JSON Schema of each shape the HTTP API answers with stands beside its
// writer here (schemas(): /api/openapi.json's components/schemas), so the two
// change in one place; library_json_view_test checks that written objects have
// exactly the properties, and the types, of their schemas.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wenyuan/doc/document.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::library {

// A year: the number, or null when unknown.
nlohmann::json year_json(const std::optional<int>& year);

// One outline entry: level, kind, marker, title, start, end, heading [start,
// end] and its children (already JSON). Every outline, whole (outline_json) or
// as a reader may see it (the HTTP document view), is made of these.
nlohmann::json outline_entry_json(int level, std::string_view kind, std::string_view marker, std::string_view title,
                                  uint32_t start, uint32_t end, doc::Span heading, nlohmann::json children);

nlohmann::json outline_json(const std::vector<doc::OutlineNode>& outline);
nlohmann::json regions_json(const std::vector<doc::Region>& regions);

// Metadata only: id, title, year, date, source, category, issuer, tags, access,
// format, encoding, origin, characters, imported_at.
nlohmann::json metadata_json(const doc::Document& d);

// Metadata plus text, regions, outline, paragraphs count; with `removed`, what
// cleaning took out.
nlohmann::json document_json(const doc::Document& d, bool with_removed);

// A document in a listing (今日更新, the admin's list): id, title, year,
// source, imported_at. `year` is the year the reader may learn (the public
// year for non-members, docs/paywall.md), so the caller passes it.
nlohmann::json summary_json(const store::DocumentSummary& d, const std::optional<int>& year);

// One snippet of a search hit as the caller may read it (text, its code point
// range in the document, highlight ranges within `text`); a locked one (in a
// region the caller may not read) says only that.
nlohmann::json snippet_json(std::string_view text, uint32_t start, uint32_t end,
                            const std::vector<std::pair<uint32_t, uint32_t>>& highlights);
nlohmann::json locked_snippet_json();

// A search hit: id, title, year, source, category, access (the 免费/会员
// badge, public; null when the document vanished since the search), score,
// its snippets (already JSON), for paragraph hits the paragraph's range, and
// similar: {count, ids} of the matching documents of its duplicate cluster
// folded into it (search/collapse.h; none when not folded).
nlohmann::json search_hit_json(const search::Hit& hit, std::optional<std::string_view> access,
                               nlohmann::json snippets, const std::vector<std::string>& similar = {});

// The answer of a search: the query, total, page, size, took_us, whether
// duplicate clusters were folded (collapsed), hits, and shown_total: the hits
// folding leaves of all `total` (what the pages hold; null when not counted).
nlohmann::json search_result_json(std::string_view query, uint64_t total, int64_t page, int64_t size,
                                  uint64_t took_us, nlohmann::json hits, bool collapsed = true,
                                  std::optional<uint64_t> shown_total = std::nullopt);

// The HTTP error body {"error": {"code", "message"}}, written by every error
// answer (server/api_response.h, http_server.cc, the admin's disk-full
// answer). `code` is one of error_codes(), the enum of the Error schema.
nlohmann::json error_json(std::string_view code, std::string_view message);
const std::vector<std::string_view>& error_codes();

// The parts of GET /api/docs/{id} (the document as a reader may see it,
// server/routes/documents.cc), each written here so that its schema stands
// beside it. `end`/`characters` are null where the reader may not learn them.
nlohmann::json locked_block_json(uint32_t start, std::optional<uint32_t> end, std::optional<uint32_t> characters);
nlohmann::json paragraph_block_json(uint32_t start, uint32_t end, std::string_view text, int heading_level);
nlohmann::json view_region_json(std::string_view kind, uint32_t start, std::optional<uint32_t> end, bool locked);
// A locked outline entry: title, start, end; a locked heading (`heading`) also
// its kind, level and marker.
nlohmann::json locked_outline_entry_json(std::string_view title, uint32_t start, std::optional<uint32_t> end,
                                         bool heading, std::string_view kind, int level, std::string_view marker);
// The view's metadata, what the reader may learn of it (year, issuer and
// characters as access::Policy gives them).
struct DocumentView {
  const doc::Document* document = nullptr;
  std::optional<int> year;
  std::string issuer;
  std::optional<uint32_t> characters;
  bool locked = false;
  nlohmann::json outline;  // of outline_entry_json / locked_outline_entry_json
  nlohmann::json blocks;   // of locked_block_json / paragraph_block_json
  nlohmann::json regions;  // of view_region_json
  std::optional<uint32_t> downloads_left, downloads_per_day;  // null: no daily limit
  bool full_download = false;
};
nlohmann::json document_view_json(const DocumentView& v);

// The schemas of the shapes above, by their names in /api/openapi.json
// (OpenAPI 3.0 dialect: "nullable"); they refer to each other as
// "#/components/schemas/NAME":
//   Year          year_json
//   OutlineEntry  outline_entry_json (children: OutlineEntry)
//   Summary       summary_json
//   Snippet       snippet_json, locked_snippet_json (start and end absent)
//   SearchHit     search_hit_json (paragraph absent for document hits)
//   SearchResult  search_result_json
//   Error         error_json (code: error_codes())
//   Block, ViewRegion, LockedOutlineEntry, Document: document_view_json and its parts
nlohmann::json schemas();

}  // namespace wenyuan::library
