// libFuzzer target: multipart/form-data of uploads. The first line of the input
// is the Content-Type header, the rest the body. Checks the parser's promise
// that every part is a view into the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wenyuan/server/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view ctype = in.substr(0, nl);
  const std::string body(nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1));
  auto boundary = wenyuan::server::multipart_boundary(ctype);
  if (!boundary) return 0;
  auto parts = wenyuan::server::parse_multipart(body, *boundary, 50);
  if (!parts) return 0;
  const char* lo = body.data();
  const char* hi = body.data() + body.size();
  for (const auto& p : *parts) {
    if (!p.data.empty() && (p.data.data() < lo || p.data.data() + p.data.size() > hi)) std::abort();
  }
  return 0;
}
