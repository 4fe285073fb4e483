#include "wenyuan/server/server.h"

#include <algorithm>
#include <thread>

namespace wenyuan::server {

unsigned worker_threads(unsigned configured) {
  if (configured > 0) return configured;
  return std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
}

Result<std::unique_ptr<Server>> Server::start(const ServeOptions& options) {
  std::unique_ptr<Server> s(new Server());
  auto lib = library::Library::open(options.data_dir);
  if (!lib) return lib.status();
  s->library_ = std::move(lib.value());
  access::AccountsOptions ao;
  ao.ops_limit = options.config.pwhash_ops;
  ao.mem_limit = options.config.pwhash_mem;
  auto accounts = access::Accounts::open(options.data_dir / "accounts.db", ao);
  if (!accounts) return accounts.status();
  s->accounts_ = std::move(accounts.value());
  s->api_ = std::make_unique<Api>(*s->library_, *s->accounts_, options.config);

  HttpServer::Options ho;
  WENYUAN_RETURN_IF_ERROR(parse_listen(options.config.listen, ho.host, ho.port));
  ho.threads = worker_threads(options.config.threads);
  ho.limits = options.config.limits;
  ho.handle_signals = options.handle_signals;
  Api* api = s->api_.get();
  auto http = HttpServer::start(
      ho, [api](const Request& req, const std::string& ip) { return api->handle(req, ip); },
      [api](const Request& head) { return api->body_limit(head); });
  if (!http) return http.status();
  s->http_ = std::move(http.value());
  if (!options.config.metrics_listen.empty()) {
    HttpServer::Options mo;
    WENYUAN_RETURN_IF_ERROR(parse_listen(options.config.metrics_listen, mo.host, mo.port));
    mo.threads = 1;
    mo.limits = options.config.limits;
    mo.limits.max_body_bytes = 0;
    auto m = HttpServer::start(
        mo, [api](const Request& req, const std::string&) { return api->handle_metrics_only(req); },
        [](const Request&) { return size_t{0}; });
    if (!m) return m.status();
    s->metrics_http_ = std::move(m.value());
  }
  return s;
}

Server::~Server() {
  for (auto* h : {metrics_http_.get(), http_.get()}) {
    if (h) {
      h->begin_shutdown();
      h->wait();
    }
  }
}

}  // namespace wenyuan::server
