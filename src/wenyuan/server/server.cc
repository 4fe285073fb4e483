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
      [api](http::verb m, std::string_view target) { return api->body_limit(m, target); });
  if (!http) return http.status();
  s->http_ = std::move(http.value());
  if (!options.config.watch.folders.empty()) {
    watch::WatchOptions wo = options.config.watch;
    wo.import.preview_share = options.config.preview_share;
    auto w = watch::Watcher::create(options.data_dir / "watch.db", std::move(wo),
                                    [api](const std::function<void(library::Library&)>& work) {
                                      api->with_write_lock(work);
                                    });
    if (!w) return w.status();
    s->watcher_ = std::move(w.value());
    WENYUAN_RETURN_IF_ERROR(s->watcher_->start());
  }
  return s;
}

Server::~Server() {
  if (watcher_) watcher_->stop();
  if (http_) {
    http_->begin_shutdown();
    http_->wait();
  }
}

}  // namespace wenyuan::server
