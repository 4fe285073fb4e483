// A small blocking HTTP/1.1 client for the server tests (Beast over a plain
// socket): a cookie jar, automatic X-CSRF-Token from the wy_csrf cookie, and
// raw-bytes requests for malformed input.
#pragma once

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/server/http_util.h"

namespace wenyuan::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; Set-Cookie joined by "\n"
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A query-string value, percent-encoded (the server's own encoder).
inline std::string url_encode(const std::string& s) { return server::percent_encode(s); }

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Client {
 public:
  explicit Client(uint16_t port) : port_(port) {}

  std::map<std::string, std::string> cookies;
  std::string bearer;
  bool send_csrf = true;

  HttpResult request(http::verb method, const std::string& target, const std::string& body = "",
                     const std::string& content_type = "application/json",
                     const std::map<std::string, std::string>& extra = {}) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookies.empty()) {
      std::string c;
      for (const auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
      req.set(http::field::cookie, c);
    }
    if (send_csrf && cookies.count("wy_csrf") && method != http::verb::get) {
      req.set("X-CSRF-Token", cookies["wy_csrf"]);
    }
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    for (const auto& [k, v] : extra) req.set(k, v);
    if (!body.empty() || method == http::verb::post || method == http::verb::patch) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
      req.prepare_payload();
    }
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 30);
    if (method == http::verb::head) parser.skip(true);
    http::read(socket, buffer, parser);
    auto res = parser.release();
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      const std::string name = lower(std::string(f.name_string()));
      std::string value(f.value());
      if (name == "set-cookie") {
        const size_t eq = value.find('=');
        const size_t semi = value.find(';');
        const std::string k = value.substr(0, eq);
        const std::string v = value.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
        if (v.empty() || value.find("Max-Age=0") != std::string::npos) cookies.erase(k); else cookies[k] = v;
        auto& h = out.headers[name];
        h += (h.empty() ? "" : "\n") + value;
        continue;
      }
      out.headers[name] = value;
    }
    out.body = std::move(res.body());
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    return out;
  }

  HttpResult get(const std::string& target) { return request(http::verb::get, target); }
  HttpResult post(const std::string& target, const nlohmann::json& j) {
    return request(http::verb::post, target, j.dump());
  }

 private:
  uint16_t port_;
};

// Sends `bytes` as they are and returns everything the server sends back until
// it closes the connection (or `timeout` passes).
inline std::string raw_exchange(uint16_t port, const std::string& bytes,
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  struct timeval tv;
  tv.tv_sec = static_cast<long>(timeout.count() / 1000);
  tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  beast::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
  std::string out;
  char buf[65536];
  // Plain recv: asio's blocking read would poll past SO_RCVTIMEO.
  for (;;) {
    const ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The status code of a raw HTTP response ("HTTP/1.1 431 ..." -> 431), 0 if none.
inline int raw_status(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

}  // namespace wenyuan::testing
