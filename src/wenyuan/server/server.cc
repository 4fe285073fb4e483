#include "wenyuan/server/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>
#include <thread>

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
  auto lib = library::Library::open(options.data_dir);
  if (!lib) return lib.status();
  remove_stale_uploads(options.data_dir);
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
  return s;
}

Server::~Server() {
  if (http_) {
    http_->begin_shutdown();
    http_->wait();
  }
}

}  // namespace wenyuan::server
