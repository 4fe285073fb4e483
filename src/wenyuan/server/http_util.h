// Small pieces of HTTP the routes need and Beast does not give: percent
// encoding and decoding, query strings, cookies, RFC 5987 file names, gzip,
// and the Accept-Encoding decision (its list parsed by Beast's ext_list).
// Pure functions over strings; nothing here touches a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wenyuan::server {

// Percent-decodes `s` ('+' as space when `plus_is_space`). nullopt for a bad
// escape or a result that is not valid UTF-8 (or holds a NUL byte).
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// Percent-encodes every byte of `s` but ASCII letters, digits and those in
// `keep` (RFC 3986 unreserved by default: a query-string value or a path
// segment). The one encoder of the server, its tests and benchmarks.
std::string percent_encode(std::string_view s, std::string_view keep = "-_.~");

// Splits a target "/path?query" and decodes the query's name=value pairs (the
// first of repeated names wins). nullopt if any part fails to decode.
struct Target {
  std::string path;                          // decoded
  std::map<std::string, std::string> query;  // decoded
};
std::optional<Target> parse_target(std::string_view target);

// Cookie header -> name -> value (first one wins).
std::map<std::string, std::string> parse_cookies(std::string_view header);

// Content-Disposition for a download named `filename` (any UTF-8): an ASCII
// fallback plus filename*=UTF-8''… (RFC 5987/6266).
std::string content_disposition(std::string_view filename);

// A title made safe as a file name: no path separators or control characters,
// at most ~80 code points; "document" if nothing is left.
std::string safe_filename(std::string_view title);

// True if the Accept-Encoding header accepts gzip: a "gzip" element with q
// above 0 or without q, else (no gzip element) a "*" element likewise
// (RFC 9110 12.5.3: the named coding wins over "*"). Names and "q" ignore case.
bool accepts_gzip(std::string_view accept_encoding);

// gzip (RFC 1952) of `data`; nullopt if zlib fails.
std::optional<std::string> gzip(std::string_view data);

// Lower-cased MIME type of a file name by extension ("application/octet-stream").
std::string mime_type(std::string_view path);

}  // namespace wenyuan::server
