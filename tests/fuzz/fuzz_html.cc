// libFuzzer target: the HTML importer (charset, nesting flattening, gumbo, text
// extraction), and the flattening's own promise: what it returns needs no more
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
  if (auto flat = wenyuan::doc::internal::flatten_html_nesting(bytes, 8)) {
    if (wenyuan::doc::internal::flatten_html_nesting(*flat, 8)) std::abort();
  }
  return 0;
}
