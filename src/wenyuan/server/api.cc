#include "wenyuan/server/api.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <string_view>
#include <utility>

#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/route.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server {

using access::Tier;

namespace {

using Clock = std::chrono::steady_clock;

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool answers(const Route& r, http::verb m) {
  return r.method == m || (r.method == http::verb::get && m == http::verb::head);
}

// The routes of the table whose path matches `path`: of those, the ones with
// the longest literal part (so "/api/docs/{id}/download" wins over
// "/api/docs/{id}" for ".../download"), and among them the one for `method`.
struct Match {
  std::string_view path;      // the matched template; empty when none matched
  const Route* route = nullptr;  // the route for the method; null: 405
  std::vector<std::pair<std::string, std::string>> params;
};

Match match(std::string_view path, http::verb method) {
  Match best;
  size_t best_literal = 0;
  for (const Route& r : all_routes()) {
    const size_t open = r.path.find('{');
    size_t literal = r.path.size();
    std::vector<std::pair<std::string, std::string>> params;
    if (open == std::string_view::npos) {
      if (path != r.path) continue;
    } else {
      const size_t close = r.path.find('}', open);
      const std::string_view prefix = r.path.substr(0, open);
      const std::string_view suffix = r.path.substr(close + 1);
      if (path.size() < prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
          path.substr(path.size() - suffix.size()) != suffix) {
        continue;
      }
      literal = prefix.size() + suffix.size();
      params.emplace_back(std::string(r.path.substr(open + 1, close - open - 1)),
                          std::string(path.substr(prefix.size(), path.size() - literal)));
    }
    if (best.path.empty() || literal > best_literal) {
      best = Match{r.path, nullptr, {}};
      best_literal = literal;
    }
    if (r.path == best.path && !best.route && answers(r, method)) {
      best.route = &r;
      best.params = std::move(params);
    }
  }
  return best;
}

Response method_not_allowed() {
  return error(http::status::method_not_allowed, "bad_request", "method not allowed for this route");
}

}  // namespace

// ---- the small parsers of api_call.h ---------------------------------------

std::optional<int64_t> int_param(const std::map<std::string, std::string>& q, const IntParam& p) {
  auto it = q.find(std::string(p.name));
  if (it == q.end() || it->second.empty()) return p.fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  if (s.size() > 12) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < p.min || v > p.max) return std::nullopt;
  return v;
}

std::string param(const std::map<std::string, std::string>& q, const std::string& name) {
  auto it = q.find(name);
  return it == q.end() ? std::string() : it->second;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- state -----------------------------------------------------------------

ApiState::ApiState(library::Library& lib, access::Accounts& acc, const ServerConfig& cfg)
    : library(lib),
      accounts(acc),
      config(cfg),
      policy(cfg.policy),
      login_limiter(cfg.login_rate),
      register_limiter(cfg.register_rate),
      search_limiter(cfg.search_rate),
      download_limiter(cfg.download_rate),
      login_throttle(cfg.login_delay),
      catalogs(lib.data_dir() / "catalog.db"),
      search_cache(cfg.limits.search_cache_entries, cfg.limits.search_cache_mb << 20) {
  if (lib.catalog().only_connection()) {
    single_connection = true;
    catalogs.share(&lib.catalog());
    spdlog::warn("{}: no -shm file can be made (disk full?): serving one request at a time, writes will fail",
                 (lib.data_dir() / "catalog.db").string());
  }
  if (config.web_dir.empty()) config.web_dir = default_web_dir();
  if (config.behind_tls()) config.secure_cookies = true;
}

Result<store::IntakeLog*> ApiState::intake() {
  if (single_connection) return library.intake_log();  // under write_mu (Api::handle)
  std::lock_guard lock(intake_mu_);
  if (!intake_) {
    WENYUAN_ASSIGN_OR_RETURN(auto cat, catalogs.acquire());
    // Seeded from the catalog when the file is new (a library imported before
    // the log existed), so its documents are not all taken for new later.
    WENYUAN_ASSIGN_OR_RETURN(auto log, store::IntakeLog::open(library.data_dir() / "intake.db", &*cat));
    intake_ = std::move(log);
  }
  return intake_.get();
}

// ---- Api -------------------------------------------------------------------

Api::Api(library::Library& library, access::Accounts& accounts, const ServerConfig& config)
    : s_(std::make_unique<ApiState>(library, accounts, config)) {}

Api::~Api() = default;

Metrics& Api::metrics() { return s_->metrics; }

void Api::set_watcher(watch::Watcher* watcher) { s_->watcher = watcher; }

void Api::run_exclusive(const std::function<void()>& fn) {
  std::lock_guard lock(s_->write_mu);
  fn();
}

const access::Policy& Api::policy() const { return s_->policy; }

Response Api::handle(const Request& req, const std::string& remote_ip) {
  const auto started = Clock::now();
  std::string route = "other";
  Response res;
  // One request at a time when the files admit one connection (catalog_pool.h);
  // /healthz touches none of them and answers on the network thread.
  std::unique_lock<std::recursive_mutex> only;
  if (s_->single_connection && sv(req.target()) != "/healthz") only = std::unique_lock(s_->write_mu);
  try {
    auto target = parse_target(sv(req.target()));
    if (!target) {
      route = "malformed";
      res = bad_request("the request target is not valid percent-encoded UTF-8 (or it holds %00)");
    } else {
      Call c{req, client_ip(req, remote_ip), std::move(*target), identify(req), started};
      res = dispatch(c, route);
    }
  } catch (const std::exception& e) {
    res = error(http::status::internal_server_error, "internal", e.what());
  }
  res.version(req.version());
  if (s_->config.behind_tls()) res.set(http::field::strict_transport_security, "max-age=31536000");
  const double secs = std::chrono::duration<double>(Clock::now() - started).count();
  s_->metrics.observe_request(route, static_cast<int>(res.result_int()), secs);
  return res;
}

Response Api::handle_metrics_only(const Request& req) {
  const std::string_view target = sv(req.target());
  Response res;
  if (target.substr(0, target.find('?')) != "/metrics") {
    res = not_found("this listener serves /metrics only");
  } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res = method_not_allowed();
  } else {
    Request copy;
    Call c{copy, std::string(), Target{"/metrics", {}}, Caller{}, Clock::now()};
    std::unique_lock<std::recursive_mutex> only;  // as in handle()
    if (s_->single_connection) only = std::unique_lock(s_->write_mu);
    res = routes::metrics_text(*s_, c);
  }
  res.version(req.version());
  return res;
}

Response Api::dispatch(Call& c, std::string& route) {
  const std::string& path = c.target.path;
  const http::verb m = c.req.method();
  const bool get = m == http::verb::get || m == http::verb::head;
  const bool post = m == http::verb::post;

  // Every state-changing request must come from this site's own pages (or
  // from no browser at all: scripts send neither Origin nor Sec-Fetch-Site).
  if (!get && m != http::verb::options) {
    if (auto refused = refuse_cross_site(c.req)) {
      route = "cross_site";
      return std::move(*refused);
    }
  }
  // CSRF: a state-changing request carried by the session cookie must echo the
  // session's CSRF token; API tokens are not sent by browsers on their own.
  if ((post || m == http::verb::patch || m == http::verb::delete_) && c.caller.by_cookie) {
    const std::string sent(c.req["X-CSRF-Token"]);
    if (!constant_time_equal(sent, c.caller.csrf)) {
      route = "csrf";
      return error(http::status::forbidden, "forbidden", "missing or wrong X-CSRF-Token");
    }
  }

  Match found = match(path, m);
  // Everything under /api/admin/ is for administrators, the answer "no such
  // route" included: nobody else learns which admin routes exist.
  if (path.rfind("/api/admin/", 0) == 0 || (found.route && found.route->auth == Auth::kAdmin)) {
    if (!c.caller.user) {
      route = "/api/admin";
      return error(http::status::unauthorized, "unauthorized", "log in as an administrator");
    }
    if (c.caller.tier != Tier::kAdmin) {
      route = "/api/admin";
      return error(http::status::forbidden, "forbidden", "administrators only");
    }
  }
  if (found.path.empty()) {
    if (path.rfind("/api/", 0) == 0) {
      route = "/api/unknown";
      return not_found("no such route: " + path);
    }
    route = "static";
    if (!get) return method_not_allowed();
    return routes::static_file(*s_, c);
  }
  route = std::string(found.path);
  if (!found.route) return method_not_allowed();
  for (const auto& [name, value] : found.params) {
    if (!doc::valid_id(value)) return bad_request("invalid document id");
  }
  if (found.route->auth == Auth::kUser && !c.caller.user) {
    return error(http::status::unauthorized, "unauthorized", "log in first");
  }
  c.path_params = std::move(found.params);
  return found.route->handler(*s_, c);
}

}  // namespace wenyuan::server
