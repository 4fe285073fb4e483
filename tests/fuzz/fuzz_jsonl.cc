// libFuzzer target: JSON Lines records (every record is parsed; errors are per record).
#include <cstddef>
#include <cstdint>
#include <string>

#include "wenyuan/doc/import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)wenyuan::doc::import_bytes("fuzz.jsonl", std::string(reinterpret_cast<const char*>(data), size),
                                   wenyuan::doc::ImportLimits{}, [](wenyuan::Result<wenyuan::doc::RawDocument>) {});
  return 0;
}
