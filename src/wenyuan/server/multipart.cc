#include "wenyuan/server/multipart.h"

#include <algorithm>
#include <cctype>

namespace wenyuan::server {

namespace {

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

// The value of parameter `key` in a header like `form-data; name="files"; filename="a.txt"`.
// Handles quoted values with backslash escapes; filename* (RFC 5987) is not
// needed by browsers for form uploads and is ignored.
std::string header_param(std::string_view header, std::string_view key) {
  size_t i = 0;
  while (i < header.size()) {
    const size_t semi = header.find(';', i);
    if (semi == std::string_view::npos) break;
    i = semi + 1;
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    const size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) break;
    const std::string name = lower(trim(header.substr(i, eq - i)));
    size_t v = eq + 1;
    std::string value;
    if (v < header.size() && header[v] == '"') {
      ++v;
      while (v < header.size() && header[v] != '"') {
        if (header[v] == '\\' && v + 1 < header.size()) ++v;
        value += header[v++];
      }
      ++v;  // closing quote
    } else {
      const size_t end = header.find(';', v);
      value = std::string(trim(header.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v)));
      v = end == std::string_view::npos ? header.size() : end;
    }
    if (name == key) return value;
    i = v;
  }
  return {};
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) {
    return Status::invalid_argument("expected Content-Type multipart/form-data");
  }
  std::string b = header_param(content_type, "boundary");
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
        part.name = header_param(value, "name");
        part.filename = header_param(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    parts.push_back(std::move(part));
    pos = data_end + next_delim.size();
  }
}

}  // namespace wenyuan::server
