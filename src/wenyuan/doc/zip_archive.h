// Reading and writing zip packages in memory (the container of .docx), with
// zip-bomb protection on the reading side.
//
// Invariants of ZipReader: no entry is ever inflated into memory beyond
// ImportLimits::max_uncompressed_bytes in total for one archive, and an entry
// larger than 1 MiB whose inflated size exceeds max_compression_ratio times its
// compressed size is refused. Both the size an entry declares in the central
// directory and the bytes that actually come out of the inflater are checked,
// so a lying header does not help; reading goes through a fixed-size buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::doc {

// Renders a byte count for messages: "512 MiB", "3 KiB", "17 bytes".
std::string format_bytes(uint64_t n);

class ZipReader {
 public:
  // Opens `bytes` as a zip archive; `origin` names it in every error. The bytes
  // are kept by the reader. Errors: "x.docx: not a zip archive (...)".
  static Result<std::unique_ptr<ZipReader>> open(std::string bytes, std::string origin, const ImportLimits& limits);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  bool contains(const std::string& name) const;

  // The inflated bytes of entry `name`. not_found if there is no such entry;
  // too_large ("x.docx: word/document.xml inflates to more than 512 MiB (zip
  // bomb?)") when a cap is hit; corruption when the entry does not inflate.
  Result<std::string> read(const std::string& name);

  // Total bytes inflated so far by read().
  uint64_t inflated_bytes() const { return inflated_; }

 private:
  struct Handle;
  ZipReader(std::string bytes, std::string origin, const ImportLimits& limits);
  std::string bytes_;
  std::string origin_;
  ImportLimits limits_;
  std::unique_ptr<Handle> handle_;
  uint64_t inflated_ = 0;
};

// One file to put into a zip package.
struct ZipEntry {
  std::string name;
  std::string data;
};

// Builds a zip archive (deflated entries, in the given order) in memory.
Result<std::string> write_zip(const std::vector<ZipEntry>& entries);

}  // namespace wenyuan::doc
