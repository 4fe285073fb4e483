// pugixml helpers shared by the importers of zipped XML formats (.docx in
// import_docx.cc, .xlsx in import_xlsx.cc). Not a public API.
//
// Element and attribute names are compared without their namespace prefix:
// "w:" or "x:" is a convention of the writer, not a rule of the format.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

#include "wenyuan/core/status.h"

namespace wenyuan::doc::internal {

std::string_view local_name(const pugi::xml_node& n);

// The value of attribute `local` (any prefix), or "".
std::string_view attr(const pugi::xml_node& n, std::string_view local);

// The first child element named `local` (any prefix), or an empty node.
pugi::xml_node child(const pugi::xml_node& n, std::string_view local);

// Parses one part of a package; errors name the origin and the part.
Result<pugi::xml_document> parse_part(const std::string& bytes, const std::string& origin, const std::string& part);

// The depth of the deepest node under `root` (its children are at depth 1),
// found without recursion.
size_t max_depth(const pugi::xml_node& root);

}  // namespace wenyuan::doc::internal
