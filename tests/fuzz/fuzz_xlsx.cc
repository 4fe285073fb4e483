// libFuzzer target: the .xlsx importer (zip reader, workbook, shared strings,
// styles, sheets).
#include <cstddef>
#include <cstdint>
#include <string>

#include "wenyuan/doc/import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wenyuan::doc::ImportLimits limits;
  limits.max_uncompressed_bytes = 16 << 20;  // keep each run small; the guard itself is under test too
  (void)wenyuan::doc::import_xlsx(std::string(reinterpret_cast<const char*>(data), size), "fuzz.xlsx", limits);
  return 0;
}
