// libFuzzer target: the .pdf importer (poppler, page text, the one-line log).
#include <cstddef>
#include <cstdint>
#include <string>

#include "wenyuan/doc/import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)wenyuan::doc::import_pdf(std::string(reinterpret_cast<const char*>(data), size), "fuzz.pdf",
                                 wenyuan::doc::ImportLimits{});
  return 0;
}
