// Small pieces shared by the importers of src/wenyuan/doc (not a public API).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc::internal {

// too_large when `text` has more code points than limits.max_text_chars.
Status check_text_limit(std::string_view text, const std::string& origin, const ImportLimits& limits);

// Appends `line` (ASCII spaces and tabs at both ends trimmed) and '\n' to `out`
// unless it is empty: importers emit one non-empty paragraph a line.
void append_paragraph(std::string& out, std::string_view line);

// The HTML page with the tags that would nest deeper than `limit` cut out
// (their text kept) and the attributes of tags that have too many dropped, or
// nullopt when nothing had to change (import_html.cc says how).
std::optional<std::string> bound_html_for_gumbo(std::string_view html, size_t limit);

// Work counters of the last import on this thread, for the tests that check
// the walks stay linear (doubling the input must roughly double the count):
// docx: body nodes visited + bytes written; html: see import_html.cc.
uint64_t& docx_walk_steps();
uint64_t& html_parse_steps();

// Trims ASCII whitespace at both ends.
std::string_view trim_ascii(std::string_view s);

// The lowercased extension of a file name, with its dot (".docx"), or "".
std::string lower_extension(std::string_view name);

// "PATH: file is larger than the limit of 256 MiB".
Status file_too_large(const std::string& origin, const ImportLimits& limits);

// The JSON Lines reader over a stream: `next_chunk` returns the next bytes, an
// empty view at the end, or an error (a .jsonl.xz inflating as it is read).
using ChunkFn = std::function<Result<std::string_view>()>;
Status read_jsonl_stream(const std::string& name, const ImportLimits& limits, const RawSink& sink,
                         const ChunkFn& next_chunk);

// What the members of one top-level archive have used so far, nested archives
// included (ImportLimits::max_archive_members, max_uncompressed_bytes).
struct ArchiveBudget {
  uint64_t members = 0;
  uint64_t inflated = 0;
};

// import_bytes at archive depth `depth` (0: not inside an archive): the format
// is chosen by `name`, which is also the origin of what it yields.
Status import_named(const std::string& name, std::string bytes, const ImportLimits& limits, const RawSink& sink,
                    const SkipSink& skipped, uint32_t depth, ArchiveBudget& budget);

// True for the names import_archive reads: .zip .7z .tar .tgz .tar.gz .tar.xz,
// and single compressed files .gz .xz.
bool is_archive(std::string_view name);

// Every member of the archive (or the one file a .gz/.xz holds) through
// import_named at depth + 1 (import_archive.cc).
Status import_archive(const std::string& name, std::string bytes, const ImportLimits& limits, const RawSink& sink,
                      const SkipSink& skipped, uint32_t depth, ArchiveBudget& budget);

// True for the extensions import_office converts (.doc .wps .rtf .odt .et .xls .ods).
bool is_office(std::string_view ext);

}  // namespace wenyuan::doc::internal
