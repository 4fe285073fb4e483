// The public JSON shape of documents and search results, shared by the CLI
// (`--json`) and, later, the HTTP API, so both say the same thing the same way.
// Offsets are code points of `text` (see doc/document.h).
#pragma once

#include <nlohmann/json.hpp>

#include "wenyuan/doc/document.h"

namespace wenyuan::library {

nlohmann::json outline_json(const std::vector<doc::OutlineNode>& outline);
nlohmann::json regions_json(const std::vector<doc::Region>& regions);

// Metadata only: id, title, year, date, source, category, issuer, tags, access,
// format, encoding, origin, characters, imported_at.
nlohmann::json metadata_json(const doc::Document& d);

// Metadata plus text, regions, outline, paragraphs count; with `removed`, what
// cleaning took out.
nlohmann::json document_json(const doc::Document& d, bool with_removed);

}  // namespace wenyuan::library
