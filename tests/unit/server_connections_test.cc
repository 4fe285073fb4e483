// The transport under a flood of idle sockets (issue 14): a per-address cap on
// open connections, header and idle timeouts that free sockets, exempt
// addresses (a local reverse proxy), and staged uploads a killed server left
// in DATA/tmp. Other clients are other loopback addresses (127.0.0.2): Linux
// routes all of 127/8 to lo, so a client socket bound there is another peer.
// Waiting is by polling the server's own connection counts, never by timing.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "unit/server_fixture.h"

namespace wenyuan::testing {
namespace {

// Polls `done` every 20 ms for up to `limit`; true once it holds.
template <typename F>
bool eventually(F&& done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

tcp::socket connect_from(net::io_context& ioc, const std::string& local_ip, uint16_t port) {
  tcp::socket s(ioc);
  s.open(tcp::v4());
  s.bind(tcp::endpoint(net::ip::make_address(local_ip), 0));
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  return s;
}

// GET /healthz from `local_ip` on a new connection; the status, 0 if none.
int healthz_from(const std::string& local_ip, uint16_t port) {
  net::io_context ioc;
  beast::error_code ec;
  tcp::socket s = connect_from(ioc, local_ip, port);
  http::request<http::string_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "x");
  req.keep_alive(false);
  http::write(s, req, ec);
  if (ec) return 0;
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res, ec);
  return ec ? 0 : static_cast<int>(res.result_int());
}

// Reads until the server closes `s`; returns what it sent.
std::string read_to_close(tcp::socket& s) {
  std::string out;
  char buf[4096];
  beast::error_code ec;
  for (;;) {
    const size_t n = s.read_some(net::buffer(buf), ec);
    out.append(buf, n);
    if (ec) return out;
  }
}

server::ServerConfig capped_config(size_t cap) {
  auto c = TestServer::base_config();
  c.limits.max_connections_per_ip = cap;
  c.limits.per_ip_exempt = {};
  return c;
}

TEST(ServerConnections, PerAddressCapRefusesTheNinthAndServesOthers) {
  TestServer s;
  s.start(capped_config(8), {}, "percap");
  auto& http = s.server->http();
  net::io_context ioc;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(connect_from(ioc, "127.0.0.1", s.port));
  ASSERT_TRUE(eventually([&] { return http.connections_from("127.0.0.1") == 8; }));

  // The ninth from the same address: 429, then closed.
  tcp::socket ninth = connect_from(ioc, "127.0.0.1", s.port);
  const std::string refused = read_to_close(ninth);
  EXPECT_EQ(raw_status(refused), 429) << refused;
  EXPECT_NE(refused.find("too many connections from your address"), std::string::npos);
  EXPECT_EQ(http.connections_from("127.0.0.1"), 8u);

  // Another address is served while the eight are held.
  EXPECT_EQ(healthz_from("127.0.0.2", s.port), 200);

  // Once they are closed, the first address is served again.
  idle.clear();
  ASSERT_TRUE(eventually([&] { return http.connections_from("127.0.0.1") == 0; }));
  EXPECT_EQ(healthz_from("127.0.0.1", s.port), 200);
}

TEST(ServerConnections, HeaderAndIdleTimeoutsFreeTheSockets) {
  auto config = capped_config(8);
  config.limits.header_timeout_s = 1;
  config.limits.idle_timeout_s = 1;
  TestServer s;
  s.start(config, {}, "timeouts");
  auto& http = s.server->http();
  net::io_context ioc;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(connect_from(ioc, "127.0.0.1", s.port));
    if (i % 2 == 1) continue;  // odd ones never send a byte
    // Even ones finish one keep-alive request and then sit idle.
    http::request<http::string_body> req{http::verb::get, "/healthz", 11};
    req.set(http::field::host, "x");
    http::write(idle.back(), req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(idle.back(), buf, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(res.keep_alive());
  }
  ASSERT_TRUE(eventually([&] { return http.connections_from("127.0.0.1") == 8; }));
  // Every one of them is closed by the server, none by us.
  for (auto& sock : idle) read_to_close(sock);
  EXPECT_TRUE(eventually([&] { return http.connections_from("127.0.0.1") == 0; }));
  EXPECT_EQ(healthz_from("127.0.0.1", s.port), 200);
}

TEST(ServerConnections, ExemptAddressesAreNotCapped) {
  auto config = TestServer::base_config();
  config.limits.max_connections_per_ip = 4;  // per_ip_exempt keeps its default: loopback
  TestServer s;
  s.start(config, {}, "exempt");
  auto& http = s.server->http();
  net::io_context ioc;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 12; ++i) idle.push_back(connect_from(ioc, "127.0.0.1", s.port));
  ASSERT_TRUE(eventually([&] { return http.connections_from("127.0.0.1") == 12; }));
  EXPECT_EQ(healthz_from("127.0.0.1", s.port), 200);
  // 127.0.0.2 is not exempt.
  std::vector<tcp::socket> other;
  for (int i = 0; i < 4; ++i) other.push_back(connect_from(ioc, "127.0.0.2", s.port));
  ASSERT_TRUE(eventually([&] { return http.connections_from("127.0.0.2") == 4; }));
  tcp::socket fifth = connect_from(ioc, "127.0.0.2", s.port);
  EXPECT_EQ(raw_status(read_to_close(fifth)), 429);
}

TEST(ServerConnections, ConfigReadsTheCapAndTheExemptions) {
  const auto file = std::filesystem::temp_directory_path() / ("wy_cap_" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream out(file);
    out << "[limits]\nmax_connections_per_ip = 16\nper_ip_exempt = [\"10.0.0.1\"]\nidle_timeout_s = 3\n";
  }
  auto c = server::load_config(file);
  std::filesystem::remove(file);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->limits.max_connections_per_ip, 16u);
  EXPECT_EQ(c->limits.per_ip_exempt, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(c->limits.idle_timeout_s, 3);
  EXPECT_EQ(c->limits.header_timeout_s, server::Limits{}.header_timeout_s);
}

TEST(ServerConnections, StaleStagedUploadsAreRemovedAtStart) {
  const fs::path dir = fresh_dir("stale");
  const fs::path data = dir / "data";
  {
    server::ServeOptions o;
    o.data_dir = data;
    o.config = TestServer::base_config();
    o.config.web_dir = dir;
    auto first = server::Server::start(o);
    ASSERT_TRUE(first) << first.status().message();
  }
  // What a server killed mid-upload leaves behind.
  write_file(data / "tmp" / "通知.docx", "PK partial upload");
  write_file(data / "tmp" / "more" / "x.jsonl", "{}");
  server::ServeOptions o;
  o.data_dir = data;
  o.config = TestServer::base_config();
  o.config.web_dir = dir;
  auto again = server::Server::start(o);
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_FALSE(fs::exists(data / "tmp" / "通知.docx"));
  EXPECT_FALSE(fs::exists(data / "tmp" / "more"));
  EXPECT_TRUE(fs::is_directory(data / "tmp"));
  again.value().reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wenyuan::testing
