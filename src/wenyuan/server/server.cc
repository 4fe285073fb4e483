#include "wenyuan/server/server.h"

#include "wenyuan/server/routes/routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

namespace wenyuan::server {
namespace {

// Removes what a killed server left in DATA/tmp (Library::import_bytes stages
// each upload there and removes it when the import ends).
void remove_stale_uploads(const std::filesystem::path& data_dir) {
  std::error_code ec;
  const std::filesystem::path tmp = data_dir / "tmp";
  if (!std::filesystem::is_directory(tmp, ec)) return;
  size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tmp, ec)) {
    std::error_code rm;
    removed += std::filesystem::remove_all(entry.path(), rm) > 0 ? 1 : 0;
    if (rm) spdlog::warn("cannot remove the stale upload {}: {}", entry.path().filename().string(), rm.message());
  }
  if (removed > 0) spdlog::info("removed {} stale staged upload(s) from {}", removed, tmp.string());
}

}  // namespace

unsigned worker_threads(unsigned configured) {
  if (configured > 0) return configured;
  return std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
}

Result<std::unique_ptr<Server>> Server::start(const ServeOptions& options) {
  std::unique_ptr<Server> s(new Server());
  library::OpenOptions lo;
  lo.holder = "wenyuan serve";
  lo.merge_after_import = false;  // the tailer merges (tail())
  WENYUAN_ASSIGN_OR_RETURN(auto lib, library::Library::open(options.data_dir, lo));
  remove_stale_uploads(options.data_dir);
  s->library_ = std::move(lib);
  access::AccountsOptions ao;
  ao.ops_limit = options.config.pwhash_ops;
  ao.mem_limit = options.config.pwhash_mem;
  WENYUAN_ASSIGN_OR_RETURN(auto accounts, access::Accounts::open(options.data_dir / "accounts.db", ao));
  s->accounts_ = std::move(accounts);
  s->api_ = std::make_unique<Api>(*s->library_, *s->accounts_, options.config);

  HttpServer::Options ho;
  WENYUAN_RETURN_IF_ERROR(parse_listen(options.config.listen, ho.host, ho.port));
  ho.threads = worker_threads(options.config.threads);
  ho.limits = options.config.limits;
  ho.handle_signals = options.handle_signals;
  // Handlers run on workers; /healthz answers on the network thread, so a
  // saturated pool (slow searches, imports) never makes the server look dead.
  ho.workers = options.config.workers > 0 ? options.config.workers : ho.threads;
  ho.max_queued = options.config.limits.max_queued;
  ho.runs_inline = [](const Request& req) { return req.target() == "/healthz"; };
  // Fairness (issue 10): a search of many terms (63-term ORs in paragraph
  // mode) runs in the costly lane, so a flood of them cannot take the
  // ordinary searches' workers, queue or CPU (work_queue.h).
  ho.costly_workers = options.config.limits.costly_workers;
  ho.max_costly_queued = options.config.limits.costly_queued;
  ho.is_costly = [n = options.config.limits.costly_terms](const Request& req) {
    return routes::search_terms(std::string_view(req.target().data(), req.target().size())) > n;
  };
  Api* api = s->api_.get();
  WENYUAN_ASSIGN_OR_RETURN(auto http, HttpServer::start(
      ho, [api](const Request& req, const std::string& ip) { return api->handle(req, ip); },
      [api](const Request& head) { return api->body_limit(head); }));
  s->http_ = std::move(http);
  if (!options.config.metrics_listen.empty()) {
    HttpServer::Options mo;
    WENYUAN_RETURN_IF_ERROR(parse_listen(options.config.metrics_listen, mo.host, mo.port));
    mo.threads = 1;
    mo.limits = options.config.limits;
    mo.limits.max_body_bytes = 0;
    WENYUAN_ASSIGN_OR_RETURN(auto m, HttpServer::start(
        mo, [api](const Request& req, const std::string&) { return api->handle_metrics_only(req); },
        [](const Request&) { return size_t{0}; }));
    s->metrics_http_ = std::move(m);
  }
  if (!s->library_->is_index_writer())
    spdlog::info("the index is written by another process ({}); serving its commits until the lock is free",
                 s->library_->index_writer());
  const unsigned refresh_ms = std::max(10u, options.refresh_ms);
  Server* self = s.get();
  s->tailer_ = std::thread([self, refresh_ms] { self->tail(refresh_ms); });
  if (!options.config.watch.folders.empty()) {
    watch::WatchOptions wo = options.config.watch;
    wo.import.preview_share = options.config.preview_share;
    if (options.config.sandbox_enabled) wo.import.sandbox = options.config.sandbox;
    WENYUAN_ASSIGN_OR_RETURN(auto w, watch::Watcher::create(options.data_dir / "watch.db", std::move(wo),
                                    [api, lib = s->library_.get()](const std::function<void(library::Library&)>& work) {
                                      api->run_exclusive([&] { work(*lib); });
                                    }));
    s->watcher_ = std::move(w);
    api->set_watcher(s->watcher_.get());
    WENYUAN_RETURN_IF_ERROR(s->watcher_->start());
  }
  return s;
}

Status Server::refresh() {
  Status st;
  api_->run_exclusive([&] { st = library_->refresh(); });
  return st;
}

void Server::tail(unsigned refresh_ms) {
  // Errors are logged once per distinct message: a full disk must not fill the log too.
  std::string last_error;
  auto report = [&](const Status& st) {
    if (st.is_ok() || st.message() == last_error) return;
    last_error = st.message();
    spdlog::error("index tailer: {}", st.message());
  };
  std::unique_lock<std::mutex> l(tail_mu_);
  while (!tail_stop_) {
    l.unlock();
    Status st;
    bool writer = false;
    api_->run_exclusive([&] {
      st = library_->refresh();
      writer = library_->is_index_writer();
    });
    report(st);
    if (st.is_ok() && writer) {
      // Merges read and build outside the writers' lock (Index::maybe_merge),
      // so uploads and the next refresh wait only for the short install.
      auto merged = library_->merge();
      report(merged.status());
    }
    l.lock();
    tail_cv_.wait_for(l, std::chrono::milliseconds(refresh_ms), [&] { return tail_stop_; });
  }
}

void Server::stop_tailer() {
  {
    std::lock_guard<std::mutex> l(tail_mu_);
    tail_stop_ = true;
  }
  tail_cv_.notify_all();
  if (tailer_.joinable()) tailer_.join();
}

Server::~Server() {
  if (watcher_) watcher_->stop();
  for (auto* h : {metrics_http_.get(), http_.get()}) {
    if (h) {
      h->begin_shutdown();
      h->wait();
    }
  }
  stop_tailer();
}

}  // namespace wenyuan::server
