// The public JSON shape of documents, outlines and listings, shared by the CLI
// (`--json`) and the HTTP API (server/routes/), so both say the same thing the
// same way. Offsets are code points of `text` (see doc/document.h).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

#include "wenyuan/doc/document.h"
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

}  // namespace wenyuan::library
