// libFuzzer target: encoding detection, then .txt/.md import and prepare()
// (cleaning, outline, sentences) over whatever decodes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/text/encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)wenyuan::text::decode_text(bytes, "fuzz.txt");
  wenyuan::doc::ImportLimits limits;
  const bool markdown = size > 0 && (data[0] & 1);
  auto raw = wenyuan::doc::import_text(bytes, markdown ? "fuzz.md" : "fuzz.txt", limits);
  if (raw) (void)wenyuan::doc::prepare(std::move(raw).value(), wenyuan::doc::PrepareOptions{});
  return 0;
}
