// An in-process wenyuan server for tests: a fresh data folder, a web folder
// with a few static files, cheap password hashing, users of every tier and a
// library imported from test data.
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "unit/server_client.h"
#include "wenyuan/server/server.h"

namespace wenyuan::testing {

namespace fs = std::filesystem;

inline fs::path fresh_dir(const std::string& tag) {
  static std::atomic<int> n{0};
  const fs::path d = fs::temp_directory_path() / ("wy_srv_" + std::to_string(::getpid()) + "_" + tag + "_" +
                                                  std::to_string(n++));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

inline void write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct TestServer {
  fs::path dir;
  std::unique_ptr<server::Server> server;
  uint16_t port = 0;
  std::string admin_token, vip_token, free_token;
  // How often the server brings its index up to the catalog (ServeOptions):
  // long, for a test of a catalog changed behind the index's back.
  unsigned refresh_ms = 200;

  static server::ServerConfig base_config() {
    server::ServerConfig c;
    c.listen = "127.0.0.1:0";
    c.threads = 2;
    c.pwhash_ops = crypto_pwhash_OPSLIMIT_MIN;
    c.pwhash_mem = crypto_pwhash_MEMLIMIT_MIN;
    c.login_rate = {100, 1000};
    c.search_rate = {1000, 10000};
    c.download_rate = {1000, 10000};
    c.register_rate = {100, 1000};
    return c;
  }

  // Starts a server over a new data folder; `files` are imported before it
  // answers (through the Library the server holds).
  void start(server::ServerConfig config, const std::vector<fs::path>& files, const std::string& tag = "t") {
    dir = fresh_dir(tag);
    const fs::path web = dir / "web";
    write_file(web / "index.html", "<!doctype html><title>文渊</title><div id=app></div>");
    write_file(web / "app.js", "console.log('wenyuan');\n");
    write_file(web / "css" / "style.css", "body{margin:0}\n");
    write_file(dir / "secret.txt", "outside the web folder");
    config.web_dir = web;
    server::ServeOptions o;
    o.data_dir = dir / "data";
    o.config = config;
    o.refresh_ms = refresh_ms;
    auto s = server::Server::start(o);
    ASSERT_TRUE(s) << s.status().message();
    server = std::move(s.value());
    port = server->port();
    if (!files.empty()) {
      library::ImportOptions io;
      library::ImportReport r;
      server->exclusive([&](library::Library& lib) {
        r = lib.import_paths(files, io, {}, [](const std::string& m) { ADD_FAILURE() << m; });
      });
      ASSERT_GT(r.imported, 0u);
    }
    auto& a = server->accounts();
    ASSERT_TRUE(a.add_user("admin", "admin-password", access::Tier::kAdmin));
    ASSERT_TRUE(a.add_user("vip", "vip-password", access::Tier::kVip));
    ASSERT_TRUE(a.add_user("free", "free-password", access::Tier::kFree));
    admin_token = *a.create_api_token("admin");
    vip_token = *a.create_api_token("vip");
    free_token = *a.create_api_token("free");
  }

  void stop() {
    if (server) {
      server->begin_shutdown();
      server->wait();
      server.reset();
    }
    if (!dir.empty()) fs::remove_all(dir);
  }
  ~TestServer() { stop(); }

  Client client() const { return Client(port); }
  Client as(const std::string& token) const {
    Client c(port);
    c.bearer = token;
    return c;
  }
};

inline fs::path test_data(const std::string& name) { return fs::path(WENYUAN_TEST_DATA) / name; }

}  // namespace wenyuan::testing
