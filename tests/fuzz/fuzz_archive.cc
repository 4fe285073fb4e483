// libFuzzer target: archives and compressed files through libarchive
// (import_archive.cc) and every importer their members reach. The first byte
// chooses the container; LibreOffice is switched off (members named .doc get
// the "not installed" error instead of a conversion per run).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wenyuan/doc/import.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("WENYUAN_SOFFICE", "", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* kNames[] = {"fuzz.zip", "fuzz.7z", "fuzz.tar.gz", "fuzz.tar.xz", "fuzz.jsonl.xz", "fuzz.txt.gz"};
  const char* name = kNames[data[0] % (sizeof kNames / sizeof kNames[0])];
  wenyuan::doc::ImportLimits limits;
  limits.max_uncompressed_bytes = 16 << 20;
  limits.max_file_bytes = 4 << 20;
  limits.max_archive_members = 200;
  (void)wenyuan::doc::import_bytes(
      name, std::string(reinterpret_cast<const char*>(data + 1), size - 1), limits,
      [](wenyuan::Result<wenyuan::doc::RawDocument>) {}, [](const std::string&, const std::string&) {});
  return 0;
}
