#include "wenyuan/server/http_util.h"

#include <zlib.h>

#include <boost/beast/http/rfc7230.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "wenyuan/text/utf8.h"

namespace wenyuan::server {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string percent_encode(std::string_view s, std::string_view keep) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int h = hex_value(s[i + 1]);
      const int l = hex_value(s[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!text::is_valid_utf8(out) || out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

std::optional<Target> parse_target(std::string_view target) {
  Target t;
  const size_t q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) return std::nullopt;
  t.path = std::move(*path);
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value) return std::nullopt;
    t.query.emplace(std::move(*name), std::move(*value));
  }
  return t;
}

std::map<std::string, std::string> parse_cookies(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = trim(part.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    out.emplace(std::string(trim(part.substr(0, eq))), std::string(value));
  }
  return out;
}

std::string safe_filename(std::string_view title) {
  std::string out;
  size_t n = 0;
  for (char32_t c : text::decode_utf8(title)) {
    if (n >= 80) break;
    if (c < 0x20 || c == 0x7F || c == U'/' || c == U'\\' || c == U'"' || c == U':' || c == U'*' || c == U'?' ||
        c == U'<' || c == U'>' || c == U'|' || c == 0xFFFD) {
      c = U'_';
    }
    text::append_utf8(out, c);
    ++n;
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  if (out.empty()) out = "document";
  return out;
}

std::string content_disposition(std::string_view filename) {
  std::string ascii;
  for (unsigned char c : filename) {
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%' && c != ';') {
      ascii += static_cast<char>(c);
    } else if (c < 0x80 || (c & 0xC0) == 0xC0) {
      ascii += '_';
    }
  }
  // RFC 5987 attr-char: what may stand unescaped in filename*.
  const std::string encoded = percent_encode(filename, "!#$&+-.^_`|~");
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

bool accepts_gzip(std::string_view header) {
  namespace http = boost::beast::http;
  // nullopt: not listed; else whether its q is above 0 (absent q is 1).
  auto accepted = [&](std::string_view coding) -> std::optional<bool> {
    for (const auto& [token, params] : http::ext_list({header.data(), header.size()})) {
      if (!boost::beast::iequals(token, {coding.data(), coding.size()})) continue;
      // A last element without parameters: Beast (1.74) hands back the
      // previous element's parameters with it ("*;q=0, gzip" would be gzip;q=0).
      if (token.data() + token.size() == header.data() + header.size()) return true;
      for (const auto& [name, value] : params) {
        if (!boost::beast::iequals(name, "q")) continue;
        const std::string q(value.data(), value.size());
        return std::strtod(q.c_str(), nullptr) > 0;
      }
      return true;
    }
    return std::nullopt;
  };
  if (auto gz = accepted("gzip")) return *gz;
  return accepted("*").value_or(false);
}

std::optional<std::string> gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

std::string mime_type(std::string_view path) {
  const size_t dot = path.rfind('.');
  std::string ext = dot == std::string_view::npos ? std::string() : std::string(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, const char*> kTypes[] = {
      {"html", "text/html; charset=utf-8"},   {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},     {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
      {"map", "application/json"},            {"svg", "image/svg+xml"},
      {"png", "image/png"},                   {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},                 {"gif", "image/gif"},
      {"webp", "image/webp"},                 {"ico", "image/x-icon"},
      {"woff", "font/woff"},                  {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},                    {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},             {"webmanifest", "application/manifest+json"},
      {"wasm", "application/wasm"},
  };
  for (const auto& [e, t] : kTypes) {
    if (ext == e) return t;
  }
  return "application/octet-stream";
}

}  // namespace wenyuan::server
