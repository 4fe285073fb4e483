// Small pieces shared by the importers of src/wenyuan/doc (not a public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc::internal {

// too_large when `text` has more code points than limits.max_text_chars.
Status check_text_limit(std::string_view text, const std::string& origin, const ImportLimits& limits);

// Appends `line` (ASCII spaces and tabs at both ends trimmed) and '\n' to `out`
// unless it is empty: importers emit one non-empty paragraph a line.
void append_paragraph(std::string& out, std::string_view line);

// The HTML page with the tags that would nest deeper than `limit` cut out
// (their text kept), or nullopt when none would (import_html.cc says how).
std::optional<std::string> flatten_html_nesting(std::string_view html, size_t limit);

// Work counters of the last import on this thread, for the tests that check
// the walks stay linear (doubling the input must roughly double the count):
// docx: body nodes visited + bytes written; html: see import_html.cc.
uint64_t& docx_walk_steps();
uint64_t& html_parse_steps();

// Trims ASCII whitespace at both ends.
std::string_view trim_ascii(std::string_view s);

// The lowercased extension of a file name, with its dot (".docx"), or "".
std::string lower_extension(std::string_view name);

}  // namespace wenyuan::doc::internal
