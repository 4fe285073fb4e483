// libFuzzer target: the query parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wenyuan/search/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)wenyuan::search::parse_query(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
