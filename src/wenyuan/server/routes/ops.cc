// Operations: GET /healthz (liveness), GET /metrics (Prometheus; admins only
// here, or anyone on the separate metrics_listen address) and GET
// /api/openapi.json (this API's description, written from the route table).
#include <filesystem>
#include <string>
#include <vector>

#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/intake_view.h"
#include "wenyuan/server/openapi.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

using access::Tier;

Response metrics_text(ApiState& s, Call&) {
  std::vector<Metrics::Gauge> gauges;
  if (auto cat = s.catalogs.acquire()) {
    if (auto n = (*cat)->count({})) gauges.push_back({"wenyuan_documents", "Documents in the catalog.", double(*n)});
  }
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(s.library.data_dir() / "index", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  gauges.push_back({"wenyuan_index_bytes", "Bytes of the search index on disk.", double(bytes)});
  const auto cache = s.search_cache.stats();  // server/search_cache.h
  gauges.push_back({"wenyuan_search_cache_hits", "Searches answered from the results cache.", double(cache.hits)});
  gauges.push_back({"wenyuan_search_cache_misses", "First-page searches not in the results cache.", double(cache.misses)});
  gauges.push_back({"wenyuan_search_cache_invalidations", "Times a new index snapshot or catalog change emptied the results cache.", double(cache.invalidations)});
  gauges.push_back({"wenyuan_search_cache_entries", "Answers in the results cache.", double(cache.entries)});
  std::string text = s.metrics.render(gauges);
  // Intake counters come from the intake log, so they count every process's
  // imports (CLI, uploads, watched folders), not only this server's.
  if (auto log = s.intake()) {
    if (auto totals = (*log)->totals()) text += intake_metrics(*totals);
  }
  return make_response(http::status::ok, std::move(text), "text/plain; version=0.0.4; charset=utf-8");
}

namespace {

Response healthz(ApiState&, Call&) { return make_response(http::status::ok, "ok", "text/plain; charset=utf-8"); }

Response metrics(ApiState& s, Call& c) {
  // Public counters tell an attacker what works; admins only here, or a
  // listener of its own (metrics_listen) that serves nothing else.
  if (!s.config.metrics_listen.empty()) return not_found("/metrics is served on its own listener");
  if (!c.caller.user) return error(http::status::unauthorized, "unauthorized", "log in as an administrator");
  if (c.caller.tier != Tier::kAdmin) return error(http::status::forbidden, "forbidden", "administrators only");
  return metrics_text(s, c);
}

Response openapi(ApiState&, Call&) {
  return make_response(http::status::ok, std::string(openapi_json()), "application/json; charset=utf-8");
}

}  // namespace

std::vector<Route> ops_routes() {
  return {
      {.method = http::verb::get,
       .path = "/healthz",
       .handler = healthz,
       .summary = "Liveness",
       .responses = {{200, "ok", "text/plain"}}},
      {.method = http::verb::get,
       .path = "/metrics",
       .handler = metrics,
       .summary = "Prometheus metrics: administrators only here (401/403), or without auth on the separate metrics_listen address (then 404 here)",
       .responses = {{200, "text exposition format", "text/plain"},
                     {401, "not logged in"},
                     {403, "not an administrator"}}},
      {.method = http::verb::get,
       .path = "/api/openapi.json",
       .handler = openapi,
       .summary = "This document",
       .responses = {{200, "OpenAPI 3.0", "application/json", kAnyObject}}},
  };
}

}  // namespace wenyuan::server::routes
