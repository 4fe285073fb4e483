// Plain text and JSON Lines importers, and the dispatch by file extension.
// (.docx, .html and .pdf live in import_docx.cc, import_html.cc, import_pdf.cc.)

#include "wenyuan/doc/import.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/encoding.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace internal {

Status check_text_limit(std::string_view text, const std::string& origin, const ImportLimits& limits) {
  // Cheap test first: a code point takes at least one byte.
  if (text.size() <= limits.max_text_chars) return Status::ok();
  const size_t n = text::count_code_points(text);
  if (n <= limits.max_text_chars) return Status::ok();
  return Status::too_large(origin + ": text has " + std::to_string(n) + " characters, more than the limit of " +
                           std::to_string(limits.max_text_chars));
}

std::string_view trim_ascii(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

void append_paragraph(std::string& out, std::string_view line) {
  line = trim_ascii(line);
  if (line.empty()) return;
  out.append(line);
  out.push_back('\n');
}

std::string lower_extension(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string ext(name.substr(dot));
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

}  // namespace internal

namespace {

using internal::lower_extension;

// Markdown ATX heading ("## 二、主要任务"): its level (1-6) and text, or level 0.
int markdown_heading(std::string_view line, std::string_view& text_out) {
  size_t n = 0;
  while (n < line.size() && line[n] == '#') ++n;
  if (n == 0 || n > 6 || n >= line.size() || (line[n] != ' ' && line[n] != '\t')) return 0;
  std::string_view rest = internal::trim_ascii(line.substr(n));
  while (!rest.empty() && rest.back() == '#') rest.remove_suffix(1);  // closing hashes
  text_out = internal::trim_ascii(rest);
  return text_out.empty() ? 0 : static_cast<int>(n);
}

// ---- JSON Lines ----

Result<std::string> string_field(const nlohmann::json& obj, const char* key, bool allow_number) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  if (allow_number && it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (allow_number && it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  if (allow_number && it->is_number()) return it->dump();
  return Status::invalid_argument(std::string("\"") + key + "\" must be a string" +
                                  (allow_number ? " or a number" : "") + ", not " + it->type_name());
}

// Splits a tag string at commas (ASCII and full width) and 、, trimming spaces.
void split_tags(std::string_view s, std::vector<std::string>& out) {
  static constexpr std::string_view kSeparators[] = {",", "，", "、", ";", "；"};
  while (!s.empty()) {
    size_t cut = s.size();
    size_t skip = 0;
    for (std::string_view sep : kSeparators) {
      const size_t p = s.find(sep);
      if (p < cut) {
        cut = p;
        skip = sep.size();
      }
    }
    std::string_view tag = internal::trim_ascii(s.substr(0, cut));
    if (!tag.empty()) out.emplace_back(tag);
    s.remove_prefix(cut == s.size() ? cut : cut + skip);
  }
}

// e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
std::string json_reason(const nlohmann::json::exception& e) {
  std::string what = e.what();
  const size_t p = what.find("] ");
  return p == std::string::npos ? what : what.substr(p + 2);
}

Result<RawDocument> parse_jsonl_object(std::string_view line, const std::string& origin, const ImportLimits& limits) {
  auto fail = [&](const std::string& reason) { return Status::invalid_argument(origin + ": " + reason); };
  nlohmann::json obj;
  try {
    obj = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return fail("not JSON (" + json_reason(e) + ")");
  } catch (const nlohmann::json::exception& e) {  // out_of_range: "number overflow parsing '1e999'"
    return fail("unreadable JSON (" + json_reason(e) + ")");
  }
  if (!obj.is_object()) return fail(std::string("not a JSON object but ") + obj.type_name());

  RawDocument doc;
  doc.format = "jsonl";
  doc.encoding = "UTF-8";
  doc.origin = origin;
  auto text_it = obj.find("text");
  if (text_it == obj.end() || text_it->is_null()) return fail("missing \"text\"");
  if (!text_it->is_string()) return fail(std::string("\"text\" must be a string, not ") + text_it->type_name());
  doc.text = text_it->get<std::string>();

  struct Field {
    const char* key;
    std::string* dest;
    bool allow_number;
  };
  const Field fields[] = {{"id", &doc.id, true},           {"title", &doc.title, false},
                          {"date", &doc.date, true},       {"source", &doc.source, false},
                          {"category", &doc.category, false}};
  for (const Field& f : fields) {
    Result<std::string> v = string_field(obj, f.key, f.allow_number);
    if (!v) return fail(v.status().message());
    *f.dest = std::move(v).value();
  }

  if (auto it = obj.find("tags"); it != obj.end() && !it->is_null()) {
    if (it->is_string()) {
      split_tags(it->get<std::string>(), doc.tags);
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        if (!t.is_string()) return fail(std::string("\"tags\" must hold strings, not ") + t.type_name());
        std::string_view tag = internal::trim_ascii(t.get_ref<const std::string&>());
        if (!tag.empty()) doc.tags.emplace_back(tag);
      }
    } else {
      return fail(std::string("\"tags\" must be an array of strings or a comma-separated string, not ") +
                  it->type_name());
    }
  }
  if (auto it = obj.find("access"); it != obj.end() && !it->is_null()) {
    if (!it->is_string()) return fail(std::string("\"access\" must be \"free\" or \"paid\", not ") + it->type_name());
    const std::string& a = it->get_ref<const std::string&>();
    if (a == "free") {
      doc.access = Access::kFree;
    } else if (a == "paid") {
      doc.access = Access::kPaid;
    } else {
      return fail("\"access\" must be \"free\" or \"paid\", not \"" + a + "\"");
    }
  }
  // nlohmann accepts only valid UTF-8, but a \ud800 escape can still yield a lone surrogate.
  if (!text::is_valid_utf8(doc.text)) doc.text = text::make_valid_utf8(doc.text);
  WENYUAN_RETURN_IF_ERROR(internal::check_text_limit(doc.text, origin, limits));
  doc.original = std::string(line);
  return doc;
}

// Every nlohmann exception of one record becomes that record's error: one bad
// line must never escape to the thread that reads the file.
Result<RawDocument> parse_jsonl_record(std::string_view line, const std::string& origin, const ImportLimits& limits) {
  try {
    return parse_jsonl_object(line, origin, limits);
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid_argument(origin + ": unreadable JSON (" + json_reason(e) + ")");
  }
}

// Feeds each line (without '\n' and a trailing '\r') of a byte stream to
// `on_line`; a line longer than `max_line` is reported with `too_long` instead
// and skipped. Memory is bounded by one line plus a read buffer.
class LineSplitter {
 public:
  explicit LineSplitter(uint64_t max_line) : max_line_(max_line) {}

  template <typename OnLine, typename TooLong>
  void feed(std::string_view chunk, OnLine&& on_line, TooLong&& too_long) {
    while (!chunk.empty()) {
      const size_t nl = chunk.find('\n');
      std::string_view piece = chunk.substr(0, nl);
      if (!skipping_) {
        if (line_.size() + piece.size() > max_line_) {
          skipping_ = true;
          line_.clear();
          line_.shrink_to_fit();
        } else {
          line_.append(piece);
        }
      }
      if (nl == std::string_view::npos) return;
      ++line_no_;
      finish_line(on_line, too_long);
      chunk.remove_prefix(nl + 1);
    }
  }

  template <typename OnLine, typename TooLong>
  void finish(OnLine&& on_line, TooLong&& too_long) {
    if (line_.empty() && !skipping_) return;
    ++line_no_;
    finish_line(on_line, too_long);
  }

 private:
  template <typename OnLine, typename TooLong>
  void finish_line(OnLine& on_line, TooLong& too_long) {
    if (skipping_) {
      too_long(line_no_);
    } else {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      on_line(line_no_, std::string_view(line_));
    }
    line_.clear();
    skipping_ = false;
  }

  uint64_t max_line_;
  std::string line_;
  bool skipping_ = false;
  uint64_t line_no_ = 0;
};

// Runs the JSON Lines reader over chunks produced by `next_chunk` (which returns
// an empty view at the end, or an error Status).
template <typename NextChunk>
Status read_jsonl(const std::string& name, const ImportLimits& limits, const RawSink& sink, NextChunk&& next_chunk) {
  LineSplitter splitter(limits.max_file_bytes);
  auto on_line = [&](uint64_t no, std::string_view line) {
    if (internal::trim_ascii(line).empty()) return;  // blank lines separate nothing
    std::string_view body = line;
    if (no == 1 && body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);  // UTF-8 BOM
    sink(parse_jsonl_record(body, name + ":" + std::to_string(no), limits));
  };
  auto too_long = [&](uint64_t no) {
    sink(Status::too_large(name + ":" + std::to_string(no) + ": line longer than " +
                           format_bytes(limits.max_file_bytes)));
  };
  for (;;) {
    WENYUAN_ASSIGN_OR_RETURN(std::string_view chunk, next_chunk());
    if (chunk.empty()) break;
    splitter.feed(chunk, on_line, too_long);
  }
  splitter.finish(on_line, too_long);
  return Status::ok();
}

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

Status errno_status(const std::string& path, int err) {
  std::string m = path + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return Status::not_found(std::move(m));
  if (err == EACCES || err == EPERM) return Status::permission_denied(std::move(m));
  return Status::io_error(std::move(m));
}

// Opens a regular file for reading; `size` receives its size.
Result<File> open_regular(const std::string& path, uint64_t& size) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return errno_status(path, errno);
  struct stat st;
  if (fstat(fileno(f.get()), &st) != 0) return errno_status(path, errno);
  if (!S_ISREG(st.st_mode)) return Status::invalid_argument(path + ": not a regular file");
  size = static_cast<uint64_t>(st.st_size);
  return f;
}

Result<std::string> read_capped(const std::string& path, const ImportLimits& limits) {
  uint64_t size = 0;
  WENYUAN_ASSIGN_OR_RETURN(File f, open_regular(path, size));
  auto too_large = [&] {
    return Status::too_large(path + ": file is larger than the limit of " + format_bytes(limits.max_file_bytes));
  };
  if (size > limits.max_file_bytes) return too_large();
  std::string bytes;
  bytes.reserve(size);
  std::array<char, 64 * 1024> buf;
  for (;;) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n > 0) {
      if (bytes.size() + n > limits.max_file_bytes) return too_large();  // grew while we read
      bytes.append(buf.data(), n);
    }
    if (n < buf.size()) {
      if (std::ferror(f.get())) return errno_status(path, errno);
      break;
    }
  }
  return bytes;
}

enum class Format { kUnsupported, kText, kDocx, kHtml, kPdf, kJsonl };

Format format_of(std::string_view name) {
  const std::string ext = lower_extension(name);
  if (ext == ".txt" || ext == ".md" || ext == ".markdown" || ext == ".text") return Format::kText;
  if (ext == ".docx") return Format::kDocx;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml") return Format::kHtml;
  if (ext == ".pdf") return Format::kPdf;
  if (ext == ".jsonl") return Format::kJsonl;
  return Format::kUnsupported;
}

Status unsupported(const std::string& name) {
  const std::string ext = lower_extension(name);
  return Status::unsupported(name + ": unsupported file type " + (ext.empty() ? "(no extension)" : "'" + ext + "'") +
                             "; wenyuan imports .txt .md .docx .html .htm .pdf .jsonl");
}

// Imports one whole-file document and hands it to `sink`. Its error is returned
// instead: for a one-document file, "the file cannot be imported" is the result.
Status import_one(Format f, std::string bytes, const std::string& name, const ImportLimits& limits,
                  const RawSink& sink) {
  Result<RawDocument> r = Status::internal("unreachable");
  switch (f) {
    case Format::kText: r = import_text(std::move(bytes), name, limits); break;
    case Format::kDocx: r = import_docx(std::move(bytes), name, limits); break;
    case Format::kHtml: r = import_html(std::move(bytes), name, limits); break;
    case Format::kPdf: r = import_pdf(std::move(bytes), name, limits); break;
    case Format::kJsonl:
    case Format::kUnsupported: return unsupported(name);
  }
  if (!r) return r.status();
  sink(std::move(r));
  return Status::ok();
}

}  // namespace

Result<RawDocument> import_text(std::string bytes, const std::string& origin, const ImportLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return Status::too_large(origin + ": file is larger than the limit of " + format_bytes(limits.max_file_bytes));
  }
  WENYUAN_ASSIGN_OR_RETURN(text::DecodedText decoded, text::decode_text(bytes, origin));
  RawDocument doc;
  const std::string ext = lower_extension(origin);
  doc.format = (ext == ".md" || ext == ".markdown") ? "md" : "txt";
  doc.encoding = decoded.encoding;
  doc.origin = origin;
  doc.text = std::move(decoded.utf8);
  if (doc.format == "md") {
    // Markdown headings become heading hints; the '#'s are markup, not text.
    std::string out;
    out.reserve(doc.text.size());
    std::string_view rest = doc.text;
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      std::string_view heading;
      if (int level = markdown_heading(line, heading); level > 0) {
        doc.headings.push_back({std::string(heading), level});
        line = heading;
      }
      out.append(line);
      if (nl == std::string_view::npos) break;
      out.push_back('\n');
      rest.remove_prefix(nl + 1);
    }
    doc.text = std::move(out);
  }
  WENYUAN_RETURN_IF_ERROR(internal::check_text_limit(doc.text, origin, limits));
  doc.original = std::move(bytes);
  return doc;
}

Status import_jsonl(const std::filesystem::path& path, const ImportLimits& limits, const RawSink& sink) {
  const std::string name = path.string();
  uint64_t size = 0;
  WENYUAN_ASSIGN_OR_RETURN(File f, open_regular(name, size));
  std::array<char, 64 * 1024> buf;
  return read_jsonl(name, limits, sink, [&]() -> Result<std::string_view> {
    const size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n == 0 && std::ferror(f.get())) return errno_status(name, errno);
    return std::string_view(buf.data(), n);
  });
}

Status import_file(const std::filesystem::path& path, const ImportLimits& limits, const RawSink& sink) {
  const std::string name = path.string();
  const Format f = format_of(name);
  if (f == Format::kUnsupported) return unsupported(name);
  // A .jsonl is a stream of documents, bounded line by line (each line at most
  // max_file_bytes) rather than as a whole: a corpus export may rightly be huge.
  if (f == Format::kJsonl) return import_jsonl(path, limits, sink);
  WENYUAN_ASSIGN_OR_RETURN(std::string bytes, read_capped(name, limits));
  return import_one(f, std::move(bytes), name, limits, sink);
}

Status import_bytes(const std::string& name, std::string bytes, const ImportLimits& limits, const RawSink& sink) {
  const Format f = format_of(name);
  if (f == Format::kUnsupported) return unsupported(name);
  if (f == Format::kJsonl) {
    bool done = false;
    return read_jsonl(name, limits, sink, [&]() -> Result<std::string_view> {
      if (done) return std::string_view();
      done = true;
      return std::string_view(bytes);
    });
  }
  if (bytes.size() > limits.max_file_bytes) {
    return Status::too_large(name + ": file is larger than the limit of " + format_bytes(limits.max_file_bytes));
  }
  return import_one(f, std::move(bytes), name, limits, sink);
}

bool is_importable(const std::filesystem::path& path) { return format_of(path.string()) != Format::kUnsupported; }

}  // namespace wenyuan::doc
