// Archives and compressed files through libarchive: .zip .7z .tar (.tgz
// .tar.gz .tar.xz .txz) are folders of material, each member imported like a
// file of a folder (its origin "a.zip/通知/x.docx"); .gz and .xz hold one
// file (.jsonl.xz, .txt.gz), whose name is the archive's without the suffix.
//
// Limits (ImportLimits, one budget per top-level file, nested archives included):
//   - at most max_archive_members members;
//   - at most max_uncompressed_bytes inflated in total, counted on the bytes
//     that come out (a header's declared size is only an early refusal);
//   - each member at most max_file_bytes, like any file;
//   - archives nested at most max_archive_depth deep.
// Hitting the member count or the total ends the archive with one error (what
// came before stays imported); a member too large or unreadable is one error
// and the walk goes on. A compressed .jsonl streams line by line instead of
// being inflated whole: it may rightly be large, so it is refused only when it
// inflates past max_uncompressed_bytes *and* past max_compression_ratio times
// its compressed size — text compresses about 5:1, a bomb 1000:1.
//
// Only the formats named are enabled (no format_all / filter_all: fewer parsers
// facing hostile bytes, and no external decompressor programs).

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <array>
#include <memory>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace internal {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using Archive = std::unique_ptr<archive, ArchiveFree>;

bool ends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

// A folder of material (as opposed to one compressed file).
bool is_folder_archive(std::string_view name) {
  for (std::string_view s : {".zip", ".7z", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".txz"}) {
    if (ends_with(name, s)) return true;
  }
  return false;
}

bool is_compressed_file(std::string_view name) { return ends_with(name, ".gz") || ends_with(name, ".xz"); }

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unknown error";
}

Status inflates_too_much(const std::string& name, const ImportLimits& limits) {
  return Status::too_large(name + ": inflates to more than " + format_bytes(limits.max_uncompressed_bytes) +
                           " (an archive bomb?)");
}

// libarchive keeps names in the multibyte charset of the thread's locale: in
// the "C" locale of a server no Chinese name converts, and the name is lost.
// The archive is read under C.UTF-8 (this thread only, uselocale), so names
// come out as UTF-8: flagged UTF-8 zip names, 7z's UTF-16, and (hdrcharset
// below) zip names without the flag as GB18030 — what Chinese Windows writes.
class Utf8Locale {
 public:
  Utf8Locale() : loc_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr))) {
    if (loc_ != static_cast<locale_t>(nullptr)) old_ = ::uselocale(loc_);
  }
  ~Utf8Locale() {
    if (loc_ == static_cast<locale_t>(nullptr)) return;
    ::uselocale(old_);
    ::freelocale(loc_);
  }
  Utf8Locale(const Utf8Locale&) = delete;
  Utf8Locale& operator=(const Utf8Locale&) = delete;

 private:
  locale_t loc_;
  locale_t old_ = static_cast<locale_t>(nullptr);
};

// The member's path inside the archive as UTF-8 (invalid bytes replaced, should
// a name still not convert), without a leading "./" or "/".
std::string member_path(archive_entry* e) {
  std::string p;
  if (const char* utf8 = archive_entry_pathname_utf8(e)) {
    p = utf8;
  } else if (const char* raw = archive_entry_pathname(e)) {
    p = raw;
  }
  if (!text::is_valid_utf8(p)) p = text::make_valid_utf8(p);
  while (p.compare(0, 2, "./") == 0) p.erase(0, 2);
  while (!p.empty() && p[0] == '/') p.erase(0, 1);
  return p;
}

// Why a member is left out, as skip_reason says for a folder's file, with
// hidden folders (a ".git/" or a zip's "__MACOSX/" forks) left out whole.
std::string member_skip_reason(const std::string& path) {
  size_t start = 0;
  for (size_t slash; (slash = path.find('/', start)) != std::string::npos; start = slash + 1) {
    const std::string_view dir(path.data() + start, slash - start);
    if ((!dir.empty() && dir[0] == '.' && dir != "." && dir != "..") || dir == "__MACOSX") return "in a hidden folder";
  }
  return skip_reason(path);
}

Archive open_archive(std::string_view bytes, bool folder) {
  Archive a(archive_read_new());
  if (!a) return a;
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  if (folder) {
    archive_read_support_format_zip(a.get());
    archive_read_support_format_7zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_set_format_option(a.get(), "zip", "hdrcharset", "GB18030");
  } else {
    archive_read_support_format_raw(a.get());
  }
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) a.reset();
  return a;
}

// The one file of a .gz/.xz. A .jsonl inside streams; anything else is one
// file, inflated whole (at most max_file_bytes).
Status import_compressed(const std::string& name, const std::string& bytes, const ImportLimits& limits,
                         const RawSink& sink, const SkipSink& skipped, uint32_t depth, ArchiveBudget& budget) {
  const std::string inner = name.substr(0, name.size() - 3);
  if (!skip_reason(inner).empty() && lower_extension(inner) != ".jsonl") {
    // Nothing to read in it: say so as a folder walk would, without inflating.
    if (skipped) skipped(name, "holds " + skip_reason(inner));
    return Status::ok();
  }
  Archive a = open_archive(bytes, false);
  if (!a) return Status::invalid_argument(name + ": not a readable compressed file");
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
    return Status::invalid_argument(name + ": not a readable compressed file (" + archive_message(a.get()) + ")");
  }
  std::array<char, 64 * 1024> buf;
  if (lower_extension(inner) == ".jsonl") {
    const uint64_t ratio_cap = limits.max_compression_ratio * static_cast<uint64_t>(bytes.size());
    return read_jsonl_stream(name, limits, sink, [&]() -> Result<std::string_view> {
      const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) return Status::corruption(name + ": does not inflate (" + archive_message(a.get()) + ")");
      budget.inflated += static_cast<uint64_t>(n);
      if (budget.inflated > limits.max_uncompressed_bytes && budget.inflated > ratio_cap) {
        return inflates_too_much(name, limits);
      }
      return std::string_view(buf.data(), static_cast<size_t>(n));
    });
  }
  std::string data;
  for (;;) {
    const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) return Status::corruption(name + ": does not inflate (" + archive_message(a.get()) + ")");
    if (n == 0) break;
    budget.inflated += static_cast<uint64_t>(n);
    if (budget.inflated > limits.max_uncompressed_bytes) return inflates_too_much(name, limits);
    if (data.size() + static_cast<size_t>(n) > limits.max_file_bytes) return file_too_large(inner, limits);
    data.append(buf.data(), static_cast<size_t>(n));
  }
  a.reset();
  // The document's origin stays the file that was given ("x.txt.gz"); the
  // inner name only chooses the importer.
  const RawSink named = [&](Result<RawDocument> r) {
    if (r) r->origin = name;
    sink(std::move(r));
  };
  return import_named(inner, std::move(data), limits, named, skipped, depth + 1, budget);
}

}  // namespace

bool is_archive(std::string_view name) { return is_folder_archive(name) || is_compressed_file(name); }

Status import_archive(const std::string& name, std::string bytes, const ImportLimits& limits, const RawSink& sink,
                      const SkipSink& skipped, uint32_t depth, ArchiveBudget& budget) {
  if (depth >= limits.max_archive_depth) {
    return Status::too_large(name + ": archives nested more than " + std::to_string(limits.max_archive_depth) +
                             " deep");
  }
  if (!is_folder_archive(name)) return import_compressed(name, bytes, limits, sink, skipped, depth, budget);
  const Utf8Locale utf8_names;

  Archive a = open_archive(bytes, true);
  if (!a) return Status::invalid_argument(name + ": not a readable archive");
  std::array<char, 64 * 1024> buf;
  archive_entry* entry = nullptr;
  bool first = true;
  for (;;) {
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return Status::invalid_argument(name + (first ? ": not a readable archive (" : ": unreadable after some members (") +
                                      archive_message(a.get()) + ")");
    }
    first = false;
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    if (++budget.members > limits.max_archive_members) {
      return Status::too_large(name + ": more than " + std::to_string(limits.max_archive_members) +
                               " files in the archive");
    }
    const std::string path = member_path(entry);
    const std::string member = name + "/" + path;
    if (path.empty()) {
      if (skipped) skipped(member, "a member without a readable name");
      continue;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) {
      if (skipped) skipped(member, "not a regular file (a link or a device)");
      continue;
    }
    if (const std::string why = member_skip_reason(path); !why.empty()) {
      if (skipped) skipped(member, why);
      continue;  // its data is skipped by the next header, never inflated
    }
    if (archive_entry_size_is_set(entry)) {
      const auto declared = static_cast<uint64_t>(archive_entry_size(entry));
      if (declared > limits.max_file_bytes) {
        sink(file_too_large(member, limits));
        continue;
      }
      if (budget.inflated + declared > limits.max_uncompressed_bytes) return inflates_too_much(name, limits);
    }
    std::string data;
    Status read = Status::ok();
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n == 0) break;
      if (n < 0) {
        read = Status::corruption(member + ": cannot be read from the archive (" + archive_message(a.get()) + ")");
        break;
      }
      budget.inflated += static_cast<uint64_t>(n);
      if (budget.inflated > limits.max_uncompressed_bytes) return inflates_too_much(name, limits);
      if (data.size() + static_cast<size_t>(n) > limits.max_file_bytes) {
        read = file_too_large(member, limits);
        break;
      }
      data.append(buf.data(), static_cast<size_t>(n));
    }
    if (!read) {
      // An encrypted or damaged member spoils only itself; if the stream is
      // lost, the next header says so.
      sink(read);
      continue;
    }
    const Status st = import_named(member, std::move(data), limits, sink, skipped, depth + 1, budget);
    if (!st) sink(st);
  }
  return Status::ok();
}

}  // namespace internal
}  // namespace wenyuan::doc
