// What the route handlers share (private to server/): the library and the
// accounts, the configuration and policy, the rate limiters, the catalog
// connections, the metrics, the writers' lock, and the caches. Api owns one;
// every handler of routes/ gets it by reference.
//
// Adding state for a new resource: add a member here (keep it to the
// resource's own objects; the handlers stay free functions).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "wenyuan/access/accounts.h"
#include "wenyuan/access/login_throttle.h"
#include "wenyuan/access/policy.h"
#include "wenyuan/access/rate_limiter.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/catalog_pool.h"
#include "wenyuan/server/check_service.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/metrics.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::server {

// The facets of the catalog as of `seq` (routes/search.cc).
struct FacetCache {
  std::mutex mu;
  uint64_t seq = UINT64_MAX;
  nlohmann::json value;         // for members
  nlohmann::json public_value;  // for non-members: years from public years (docs/paywall.md)
};

struct ApiState {
  ApiState(library::Library& lib, access::Accounts& acc, const ServerConfig& cfg);

  // The intake log (DATA/intake.db), opened on first use; its own connection.
  Result<store::IntakeLog*> intake();

  library::Library& library;
  access::Accounts& accounts;
  ServerConfig config;
  access::Policy policy;
  access::RateLimiter login_limiter;     // per IP
  access::RateLimiter register_limiter;  // per IP
  access::RateLimiter search_limiter;    // per IP and per account
  access::RateLimiter download_limiter;  // per IP and per account
  access::LoginThrottle login_throttle;  // failures per IP + user name
  CatalogPool catalogs;
  Metrics metrics;
  // Writes (admin upload, delete, the tailer, the watched folder) go through
  // the Library one at a time.
  std::mutex write_mu;
  FacetCache facets;
  CheckService check;  // 查重: the fingerprint index, clusters, quotas (routes/check.cc)

 private:
  std::mutex intake_mu_;
  std::unique_ptr<store::IntakeLog> intake_;
};

}  // namespace wenyuan::server
