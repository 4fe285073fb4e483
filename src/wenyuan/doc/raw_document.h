// RawDocument: what an importer extracts from bytes, before cleaning and outline.
// Importers (import_text, import_docx, import_html, import_pdf, import_jsonl)
// produce these; doc::prepare turns one into a Document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

// A paragraph the source format marked as a heading (docx Heading styles,
// html <h1>-<h6>): its text as it stands on its own line of RawDocument::text.
// Kept as text, not offsets, so it survives cleaning.
struct HeadingHint {
  std::string text;
  int level = 1;
};

struct RawDocument {
  std::string id;             // given id (.jsonl "id"), else empty: wenyuan assigns one
  std::string title;          // given or found by the format (docx core title, <title>, <h1>); may be empty
  std::string text;           // UTF-8, one paragraph a line ('\n'), as extracted
  std::string date;
  std::string source;
  std::string category;
  std::vector<std::string> tags;
  std::optional<Access> access;  // given access; else decided by import options
  std::vector<HeadingHint> headings;
  std::string format;
  std::string encoding;
  std::string origin;         // path, or path:line
  std::string original;       // original bytes
};

// Size caps for untrusted input. Exceeding one is an error naming the cap.
struct ImportLimits {
  uint64_t max_file_bytes = 256ull << 20;       // any single input file
  uint64_t max_uncompressed_bytes = 512ull << 20;  // total inflated size of a .docx
  uint64_t max_compression_ratio = 200;         // per zip entry: zip-bomb guard
  uint64_t max_text_chars = 50'000'000;         // extracted text of one document
  // Element nesting of a .docx part or an HTML page. Real documents stay under
  // ~60 (tables in tables, text boxes); deeper input is rejected before any
  // walk, so no walk needs more stack or time than this bound allows.
  uint32_t max_nesting = 2000;
  // Archives (.zip .7z .tar, and .gz/.xz streams; import_archive.cc). Members
  // count and inflate against one budget per top-level file, nested archives
  // included: more than max_archive_members members, or more than
  // max_uncompressed_bytes inflated, ends the archive with one error.
  uint64_t max_archive_members = 10'000;
  uint32_t max_archive_depth = 3;  // an archive in an archive in an archive
  // LibreOffice conversion of one file (.doc .wps .rtf .et ...; import_office.cc):
  // after this many seconds its whole process group is killed.
  uint32_t convert_seconds = 60;
};

}  // namespace wenyuan::doc
