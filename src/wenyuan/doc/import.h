// Importers: bytes of a file -> RawDocument(s). One function per format, and
// import_file / import_bytes which choose by file name extension.
//
// Formats: .txt .md .docx .html .htm .pdf .jsonl read directly; .xlsx read
// directly as a table of text (import_xlsx.cc); .doc .wps .rtf .odt and
// .et .xls .ods converted by LibreOffice headless first (import_office.cc);
// .zip .7z .tar(.gz|.xz) folders of material and .gz/.xz compressed files
// (.jsonl.xz, .txt.gz) through libarchive (import_archive.cc).
//
// Every error names the input: "PATH: reason" or "PATH:LINE: reason" for .jsonl.
// Untrusted input is bounded by ImportLimits (file size, zip inflation, zip bombs).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc {

// Receives each document (or each per-record error) as it is read, so large
// .jsonl files stream with bounded memory.
using RawSink = std::function<void(Result<RawDocument>)>;

// Receives each archive member that is not imported, as a folder's walk skips
// a file: its origin ("a.zip/img/logo.png") and why ("unsupported type '.png'").
using SkipSink = std::function<void(const std::string& origin, const std::string& reason)>;

Result<RawDocument> import_text(std::string bytes, const std::string& origin, const ImportLimits& limits);  // .txt .md
Result<RawDocument> import_docx(std::string bytes, const std::string& origin, const ImportLimits& limits);
Result<RawDocument> import_html(std::string bytes, const std::string& origin, const ImportLimits& limits);  // .html .htm
Result<RawDocument> import_pdf(std::string bytes, const std::string& origin, const ImportLimits& limits);
// Cells row by row (tab between cells), each sheet's name a heading when there are several.
Result<RawDocument> import_xlsx(std::string bytes, const std::string& origin, const ImportLimits& limits);
// .doc .wps .rtf .odt (via .docx) and .et .xls .ods (via .xlsx), converted by
// LibreOffice in a child process; the format is the origin's extension.
Result<RawDocument> import_office(std::string bytes, const std::string& origin, const ImportLimits& limits);

// One JSON object a line: id, title, text, optional date, source, category, tags, access.
// Streams the file; a bad line is reported to `sink` as an error and reading goes on.
// Returns a non-ok Status only when the file itself cannot be read.
Status import_jsonl(const std::filesystem::path& path, const ImportLimits& limits, const RawSink& sink);

// Chooses the importer by extension. Returns non-ok when the file cannot be read
// at all (missing, unsupported extension, too large); per-record errors of a
// .jsonl go to `sink`.
// Members of an archive are imported like files of a folder: each document
// (or error) to `sink`, each member skipped to `skipped`.
Status import_file(const std::filesystem::path& path, const ImportLimits& limits, const RawSink& sink,
                   const SkipSink& skipped = {});

// The same for bytes that arrived with a file name (uploads). .jsonl included.
Status import_bytes(const std::string& name, std::string bytes, const ImportLimits& limits, const RawSink& sink,
                    const SkipSink& skipped = {});

// True if the extension is one wenyuan imports (the formats above).
bool is_importable(const std::filesystem::path& path);

// The extensions wenyuan imports, for messages and --help: ".txt .md ... .xz".
const std::string& importable_extensions();

// While it lives, import_office on this thread converts the office files among
// `files` (a folder import's list, in import order) 16 to a LibreOffice run
// instead of one run per file: the start is most of a conversion's cost.
// Only in-process imports use it (a sandboxed child sees one file).
class OfficeBatch;
class OfficeBatchScope {
 public:
  OfficeBatchScope(const std::vector<std::filesystem::path>& files, const ImportLimits& limits);
  ~OfficeBatchScope();
  OfficeBatchScope(const OfficeBatchScope&) = delete;
  OfficeBatchScope& operator=(const OfficeBatchScope&) = delete;

 private:
  std::unique_ptr<OfficeBatch> batch_;
};

// True if importing this file may start LibreOffice (an office format, or an
// archive that may hold one): such files need a longer wall time (sandbox.cc).
bool may_convert(const std::filesystem::path& path);

// Why a folder walk (or an archive) leaves a file out, or "" if it is imported:
// "hidden file", "folder note (README, LICENSE)", "unsupported type '.png'".
std::string skip_reason(std::string_view name);

}  // namespace wenyuan::doc
