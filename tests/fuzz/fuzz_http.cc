// libFuzzer target: the HTTP request path before any route — Beast's request
// parser with the server's limits (head 16 KiB, body 1 MiB), then what the API
// does with every request: the target (path + query, percent-decoding), the
// cookies, the Accept-Encoding and the multipart boundary of the Content-Type.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wenyuan/server/http_util.h"
#include "wenyuan/server/multipart.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  boost::beast::error_code ec;
  size_t off = 0;
  while (off < size && !parser.is_done()) {
    const size_t n = parser.put(boost::asio::buffer(data + off, size - off), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;
    }
    if (ec) return 0;
    off += n;
  }
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();
  const auto sv = [](boost::beast::string_view s) { return std::string_view(s.data(), s.size()); };
  (void)wenyuan::server::parse_target(sv(req.target()));
  (void)wenyuan::server::parse_cookies(sv(req[http::field::cookie]));
  (void)wenyuan::server::accepts_gzip(sv(req[http::field::accept_encoding]));
  (void)wenyuan::server::multipart_boundary(sv(req[http::field::content_type]));
  (void)wenyuan::server::safe_filename(sv(req.target()));
  return 0;
}
