// Server: `wenyuan serve` as an object — the library, the accounts, the API and
// the HTTP transport, started together and stopped together. The CLI runs one
// until SIGTERM/SIGINT; tests start one in-process on port 0.
#pragma once

#include <filesystem>
#include <memory>

#include "wenyuan/access/accounts.h"
#include "wenyuan/core/status.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/api.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/http_server.h"

namespace wenyuan::server {

struct ServeOptions {
  std::filesystem::path data_dir;
  ServerConfig config;
  bool handle_signals = false;  // SIGTERM/SIGINT begin a graceful shutdown
};

class Server {
 public:
  // Opens DATA (library and DATA/accounts.db) and starts listening. Uploads
  // staged in DATA/tmp by a server that was killed are removed first (only a
  // running server stages there, and this one has not begun).
  static Result<std::unique_ptr<Server>> start(const ServeOptions& options);
  ~Server();

  uint16_t port() const { return http_->port(); }
  void begin_shutdown() { http_->begin_shutdown(); }
  void wait() { http_->wait(); }

  library::Library& library() { return *library_; }
  access::Accounts& accounts() { return *accounts_; }
  Api& api() { return *api_; }
  HttpServer& http() { return *http_; }

 private:
  Server() = default;
  // Destroyed in reverse: transport first, so no request runs on a dead API.
  std::unique_ptr<library::Library> library_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
};

// Threads to run: `configured`, or the hardware's clamped to 2..4.
unsigned worker_threads(unsigned configured);

}  // namespace wenyuan::server
