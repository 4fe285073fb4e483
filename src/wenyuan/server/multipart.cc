#include "wenyuan/server/multipart.h"

#include <boost/beast/http/rfc7230.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

namespace wenyuan::server {

namespace {

namespace http = boost::beast::http;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The parameters of a header value like `form-data; name="files";
// filename="a.txt"` (after its first ';'), parsed by Beast's param_list:
// quoted values unescaped, names lower-cased, the first of a repeated name
// kept. filename* (RFC 5987) is not needed by browsers for form uploads and is
// kept under its own name, unused. InvalidArgument where param_list would stop
// early (it ends at the first character it cannot parse): a token value
// followed by anything but `;` or white space (`boundary=a/b`, `filename=a
// b.txt`), which would otherwise come back cut short.
Result<std::map<std::string, std::string>> header_params(std::string_view header) {
  std::map<std::string, std::string> out;
  const size_t semi = header.find(';');
  if (semi == std::string_view::npos) return out;
  const std::string_view list = header.substr(semi);
  const char* const list_end = list.data() + list.size();
  const std::less<const char*> before;
  for (const auto& [name, value] : http::param_list({list.data(), list.size()})) {
    // A token value points into `list`; a quoted one into param_list's copy.
    const char* rest = value.data() + value.size();
    if (!before(value.data(), list.data()) && !before(list_end, rest)) {
      while (rest != list_end && (*rest == ' ' || *rest == '\t')) ++rest;
      if (rest != list_end && *rest != ';') {
        return Status::invalid_argument("multipart: malformed header parameter " +
                                        std::string(name.data(), name.size()));
      }
    }
    out.emplace(lower({name.data(), name.size()}), std::string(value.data(), value.size()));
  }
  return out;
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) {
    return Status::invalid_argument("expected Content-Type multipart/form-data");
  }
  auto params = header_params(content_type);
  if (!params) return params.status();
  const std::string b = (*params)["boundary"];
  if (b.empty() || b.size() > 70) return Status::invalid_argument("multipart boundary missing or longer than 70");
  return b;
}

Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary, size_t max_parts) {
  const std::string delim = "--" + std::string(boundary);
  const std::string next_delim = "\r\n" + delim;
  std::vector<FormPart> parts;
  size_t pos = body.find(delim);
  if (pos == std::string_view::npos) return Status::invalid_argument("multipart: no boundary in the body");
  pos += delim.size();
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    // Transport padding, then CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return Status::invalid_argument("multipart: malformed delimiter line");
    pos += 2;
    const size_t head_end = body.find("\r\n\r\n", pos);
    size_t data_start;
    std::string_view head;
    if (body.substr(pos, 2) == "\r\n") {  // a part without headers
      data_start = pos + 2;
    } else {
      if (head_end == std::string_view::npos) return Status::invalid_argument("multipart: part headers never end");
      head = body.substr(pos, head_end - pos);
      data_start = head_end + 4;
    }
    const size_t data_end = body.find(next_delim, data_start);
    if (data_end == std::string_view::npos) return Status::invalid_argument("multipart: part is not terminated");
    if (parts.size() >= max_parts) return Status::too_large("multipart: too many parts");
    FormPart part;
    part.data = body.substr(data_start, data_end - data_start);
    while (!head.empty()) {
      const size_t eol = head.find("\r\n");
      std::string_view line = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        auto params = header_params(value);
        if (!params) return params.status();
        part.name = (*params)["name"];
        part.filename = (*params)["filename"];
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    parts.push_back(std::move(part));
    pos = data_end + next_delim.size();
  }
}

}  // namespace wenyuan::server
