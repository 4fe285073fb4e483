// libFuzzer target: markdown import, the cleaner and the outline over (valid
// UTF-8 made from) arbitrary text, with the markdown headings as hints.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/outline.h"
#include "wenyuan/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = wenyuan::text::make_valid_utf8(std::string(reinterpret_cast<const char*>(data), size));
  (void)wenyuan::doc::edge_lines(text);
  const wenyuan::doc::CleanResult cleaned = wenyuan::doc::clean(text, {});
  // clean.h: nothing is lost. Putting each removed piece back at its position
  // (code points into the cleaned text) gives the input again.
  {
    const std::vector<uint32_t> offsets = wenyuan::text::code_point_byte_offsets(cleaned.text);
    auto byte_at = [&](uint32_t cp) { return cp < offsets.size() ? offsets[cp] : cleaned.text.size(); };
    std::string rebuilt;
    size_t from = 0;
    for (const auto& r : cleaned.removed) {
      const size_t at = byte_at(r.position);
      if (at < from) std::abort();
      rebuilt.append(cleaned.text, from, at - from);
      rebuilt += r.text;
      from = at;
    }
    rebuilt.append(cleaned.text, from);
    if (rebuilt != text) std::abort();
  }
  (void)wenyuan::doc::analyze(cleaned.text, {}, "");
  auto md = wenyuan::doc::import_text(text, "fuzz.md", wenyuan::doc::ImportLimits{});
  if (md) (void)wenyuan::doc::analyze(md->text, md->headings, "");
  (void)wenyuan::doc::is_structural_line(text);
  (void)wenyuan::doc::year_in_title(text);
  return 0;
}
