// libFuzzer target: markdown import, the cleaner and the outline over (valid
// UTF-8 made from) arbitrary text, with the markdown headings as hints.
#include <cstddef>
#include <cstdint>
#include <string>

#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/outline.h"
#include "wenyuan/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = wenyuan::text::make_valid_utf8(std::string(reinterpret_cast<const char*>(data), size));
  (void)wenyuan::doc::edge_lines(text);
  const wenyuan::doc::CleanResult cleaned = wenyuan::doc::clean(text, {});
  (void)wenyuan::doc::analyze(cleaned.text, {}, "");
  auto md = wenyuan::doc::import_text(text, "fuzz.md", wenyuan::doc::ImportLimits{});
  if (md) (void)wenyuan::doc::analyze(md->text, md->headings, "");
  (void)wenyuan::doc::is_structural_line(text);
  (void)wenyuan::doc::year_in_title(text);
  return 0;
}
