// Importers: bytes of a file -> RawDocument(s). One function per format, and
// import_file / import_bytes which choose by file name extension.
//
// Every error names the input: "PATH: reason" or "PATH:LINE: reason" for .jsonl.
// Untrusted input is bounded by ImportLimits (file size, zip inflation, zip bombs).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc {

// Receives each document (or each per-record error) as it is read, so large
// .jsonl files stream with bounded memory.
using RawSink = std::function<void(Result<RawDocument>)>;

Result<RawDocument> import_text(std::string bytes, const std::string& origin, const ImportLimits& limits);  // .txt .md
Result<RawDocument> import_docx(std::string bytes, const std::string& origin, const ImportLimits& limits);
Result<RawDocument> import_html(std::string bytes, const std::string& origin, const ImportLimits& limits);  // .html .htm
Result<RawDocument> import_pdf(std::string bytes, const std::string& origin, const ImportLimits& limits);

// One JSON object a line: id, title, text, optional date, source, category, tags, access.
// Streams the file; a bad line is reported to `sink` as an error and reading goes on.
// Returns a non-ok Status only when the file itself cannot be read.
Status import_jsonl(const std::filesystem::path& path, const ImportLimits& limits, const RawSink& sink);

// Chooses the importer by extension. Returns non-ok when the file cannot be read
// at all (missing, unsupported extension, too large); per-record errors of a
// .jsonl go to `sink`.
Status import_file(const std::filesystem::path& path, const ImportLimits& limits, const RawSink& sink);

// The same for bytes that arrived with a file name (uploads). .jsonl included.
Status import_bytes(const std::string& name, std::string bytes, const ImportLimits& limits, const RawSink& sink);

// True if the extension is one wenyuan imports (.txt .md .docx .html .htm .pdf .jsonl).
bool is_importable(const std::filesystem::path& path);

}  // namespace wenyuan::doc
