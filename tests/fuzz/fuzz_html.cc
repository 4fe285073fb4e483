// libFuzzer target: the HTML importer (charset, nesting flattening, gumbo, text extraction).
#include <cstddef>
#include <cstdint>
#include <string>

#include "wenyuan/doc/import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)wenyuan::doc::import_html(std::string(reinterpret_cast<const char*>(data), size), "fuzz.html",
                                  wenyuan::doc::ImportLimits{});
  return 0;
}
