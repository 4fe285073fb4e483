// libFuzzer target: the HTML importer (charset, bound_html_for_gumbo, gumbo, text
// extraction), and the bounding's own promise: what it returns needs no more
// cutting (checked with a small limit so that cutting happens often).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)wenyuan::doc::import_html(bytes, "fuzz.html", wenyuan::doc::ImportLimits{});
  if (auto flat = wenyuan::doc::internal::bound_html_for_gumbo(bytes, 8)) {
    if (wenyuan::doc::internal::bound_html_for_gumbo(*flat, 8)) std::abort();
  }
  return 0;
}
