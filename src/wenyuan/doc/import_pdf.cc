// PDF importer: the text layer of each page through poppler-cpp, in reading
// order, with page-number lines dropped and wrapped lines joined (pdf_text.h).
// Scanned PDFs without a text layer yield no text and are reported as such.
//
// Layout mode: poppler's "non-raw, non-physical" order is what pdftotext prints
// without -layout: text in reading order, columns kept apart, and no runs of
// spaces padding Chinese lines (physical layout inserts them to keep columns).
//
// poppler reports every problem of a broken file on stderr, one line each (a
// hostile 400 KB file yields 200,000 lines). Its messages are caught instead
// and the importer writes one line per file: how many there were and the first.
// poppler's callback is process-wide, so the messages find their file through
// a thread-local pointer set while that thread parses it.

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <cstdio>
#include <memory>
#include <mutex>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/pdf_text.h"
#include "wenyuan/doc/zip_archive.h"

namespace wenyuan::doc {
namespace {

struct PopplerMessages {
  uint64_t count = 0;
  std::string first;
};
thread_local PopplerMessages* t_messages = nullptr;

void on_poppler_message(const std::string& message, void*) {
  if (t_messages == nullptr) return;  // outside an import: nobody to tell
  if (t_messages->count++ == 0) t_messages->first = message.substr(0, 200);
}

// Collects poppler's messages while it lives; writes the one line when it ends.
class MessageScope {
 public:
  explicit MessageScope(const std::string& origin) : origin_(origin) {
    static std::once_flag installed;
    std::call_once(installed, [] { poppler::set_debug_error_function(on_poppler_message, nullptr); });
    t_messages = &messages_;
  }
  ~MessageScope() {
    t_messages = nullptr;
    if (messages_.count == 0) return;
    std::string first = messages_.first;
    while (!first.empty() && (first.back() == '\n' || first.back() == '\r')) first.pop_back();
    std::fprintf(stderr, "%s: the PDF parser reported %llu problem%s; the first: %s\n", origin_.c_str(),
                 static_cast<unsigned long long>(messages_.count), messages_.count == 1 ? "" : "s", first.c_str());
  }
  MessageScope(const MessageScope&) = delete;
  MessageScope& operator=(const MessageScope&) = delete;

 private:
  std::string origin_;
  PopplerMessages messages_;
};

std::string to_utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find_first_of("\n\f", start);
    if (nl == std::string::npos) nl = s.size();
    std::string line = s.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = nl + 1;
  }
  return lines;
}

// Drops page-number lines among the first and last two non-empty lines of a
// page; a bare number in the middle of a page may be a table cell.
void drop_page_numbers(std::vector<std::string>& lines) {
  std::vector<size_t> nonempty;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!internal::trim_ascii(lines[i]).empty()) nonempty.push_back(i);
  }
  std::vector<size_t> drop;
  for (size_t k = 0; k < nonempty.size(); ++k) {
    if ((k < 2 || k + 2 >= nonempty.size()) && is_page_number_line(lines[nonempty[k]])) drop.push_back(nonempty[k]);
  }
  for (auto it = drop.rbegin(); it != drop.rend(); ++it) lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*it));
  // Blank lines at a page's edges are the page break, not a paragraph break: a
  // sentence may run on to the next page.
  while (!lines.empty() && internal::trim_ascii(lines.back()).empty()) lines.pop_back();
  size_t lead = 0;
  while (lead < lines.size() && internal::trim_ascii(lines[lead]).empty()) ++lead;
  lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(lead));
}

}  // namespace

Result<RawDocument> import_pdf(std::string bytes, const std::string& origin, const ImportLimits& limits) {
  if (bytes.size() > limits.max_file_bytes || bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::too_large(origin + ": file is larger than the limit of " + format_bytes(limits.max_file_bytes));
  }
  if (bytes.compare(0, 5, "%PDF-") != 0 && bytes.find("%PDF-") > 1024) {
    return Status::invalid_argument(origin + ": not a PDF file (no %PDF- header)");
  }
  MessageScope messages(origin);
  std::unique_ptr<poppler::document> pdf(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!pdf) return Status::invalid_argument(origin + ": not a readable PDF file");
  if (pdf->is_locked()) return Status::unsupported(origin + ": the PDF is encrypted with a password");

  std::vector<std::string> lines;
  size_t text_bytes = 0;
  for (int i = 0; i < pdf->pages(); ++i) {
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) continue;
    std::vector<std::string> page_lines =
        split_lines(to_utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout)));
    drop_page_numbers(page_lines);
    for (auto& l : page_lines) {
      text_bytes += l.size();
      lines.push_back(std::move(l));
    }
    // Bound memory by the text cap as we go (a code point takes at most 4 bytes).
    if (text_bytes / 4 > limits.max_text_chars) break;
  }

  RawDocument doc;
  doc.format = "pdf";
  doc.encoding = "UTF-8";
  doc.origin = origin;
  doc.text = join_pdf_lines(lines);
  if (internal::trim_ascii(doc.text).empty()) {
    // Pages without text are images of pages: a scan. wenyuan does no OCR.
    if (pdf->pages() > 0) return Status::unsupported(origin + ": scanned PDF: no text layer");
    return Status::invalid_argument(origin + ": the PDF has no pages");
  }
  const poppler::ustring title = pdf->get_title();
  if (!title.empty()) doc.title = std::string(internal::trim_ascii(to_utf8(title)));
  WENYUAN_RETURN_IF_ERROR(internal::check_text_limit(doc.text, origin, limits));
  doc.original = std::move(bytes);
  return doc;
}

}  // namespace wenyuan::doc
