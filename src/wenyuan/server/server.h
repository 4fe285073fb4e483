// Server: `wenyuan serve` as an object — the library, the accounts, the API and
// the HTTP transport, started together and stopped together. The CLI runs one
// until SIGTERM/SIGINT; tests start one in-process on port 0. With watched
// folders (config.watch.folders) it also runs a watch::Watcher whose batches
// take the API's write lock.
#pragma once

#include <filesystem>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "wenyuan/access/accounts.h"
#include "wenyuan/core/status.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/api.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/http_server.h"
#include "wenyuan/watch/watcher.h"

namespace wenyuan::server {

struct ServeOptions {
  std::filesystem::path data_dir;
  ServerConfig config;
  bool handle_signals = false;  // SIGTERM/SIGINT begin a graceful shutdown
  // How often the index tailer looks for catalog changes made by other
  // processes (CLI imports and deletes): what is committed to the catalog is
  // searchable about this long after, plus the commit itself.
  unsigned refresh_ms = 200;
};

class Server {
 public:
  // Opens DATA (library and DATA/accounts.db) and starts listening. Uploads
  // staged in DATA/tmp by a server that was killed are removed first (only a
  // running server stages there, and this one has not begun).
  static Result<std::unique_ptr<Server>> start(const ServeOptions& options);
  ~Server();

  uint16_t port() const { return http_->port(); }
  // The metrics listener's port (config metrics_listen); 0 when there is none.
  uint16_t metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }
  void begin_shutdown() {
    if (metrics_http_) metrics_http_->begin_shutdown();
    http_->begin_shutdown();
  }
  void wait() {
    http_->wait();
    // Only the main listener handles SIGTERM: once it has stopped, the metrics
    // listener follows (before, `serve` with metrics_listen never exited).
    if (metrics_http_) {
      metrics_http_->begin_shutdown();
      metrics_http_->wait();
    }
  }

  // The library for reads that must not race a writer; use exclusive() for
  // anything that uses its catalog connection (the tailer writes through it).
  library::Library& library() { return *library_; }
  // Runs `fn` with the library as one of its writers (the tailer waits).
  void exclusive(const std::function<void(library::Library&)>& fn) {
    api_->run_exclusive([&] { fn(*library_); });
  }
  // Brings the index up to the catalog now (what the tailer does every refresh_ms).
  Status refresh();
  access::Accounts& accounts() { return *accounts_; }
  Api& api() { return *api_; }
  HttpServer& http() { return *http_; }
  watch::Watcher* watcher() { return watcher_.get(); }  // null when nothing is watched

 private:
  Server() = default;
  // The index tailer: refresh() and the merge policy's merges, off the network threads.
  void tail(unsigned refresh_ms);
  void stop_tailer();

  // Destroyed in reverse: transports first, so no request runs on a dead API.
  std::unique_ptr<library::Library> library_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<HttpServer> metrics_http_;  // only with metrics_listen
  std::mutex tail_mu_;
  std::condition_variable tail_cv_;
  bool tail_stop_ = false;
  std::thread tailer_;
  std::unique_ptr<watch::Watcher> watcher_;  // stopped first: it writes through api_
};

// Threads to run: `configured`, or the hardware's clamped to 2..4.
unsigned worker_threads(unsigned configured);

}  // namespace wenyuan::server
