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
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/access/accounts.h"
#include "wenyuan/access/login_throttle.h"
#include "wenyuan/access/policy.h"
#include "wenyuan/access/rate_limiter.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/access_map.h"
#include "wenyuan/server/catalog_pool.h"
#include "wenyuan/server/check_service.h"
#include "wenyuan/server/cluster_map.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/metrics.h"
#include "wenyuan/server/search_cache.h"
#include "wenyuan/store/intake_log.h"
#include "wenyuan/store/user_data.h"

namespace wenyuan::server {

// The facets of the catalog as of `seq` (routes/search.cc).
struct FacetCache {
  std::mutex mu;
  uint64_t seq = UINT64_MAX;
  nlohmann::json value;         // for members
  nlohmann::json public_value;  // for non-members: years from public years (docs/paywall.md)
};

// 搜索建议 and 热门搜索 (routes/suggest.cc): the catalog's titles, normalized,
// as of a change sequence, and how often each query was asked (bounded).
struct SuggestState {
  std::mutex mu;
  uint64_t seq = UINT64_MAX;
  std::vector<std::pair<std::string, std::string>> titles;  // (normalized, as written), shortest first
  std::map<std::string, int64_t> asked;                      // query as typed -> distinct askers
  // Who asked each query (hashes of "user:NAME" or "ip:ADDR"), kept only until
  // kMinAskers are known: a query is a 热门搜索 only once that many different
  // people asked it, so no one's own queries are shown to others.
  std::map<std::string, std::vector<uint64_t>> askers;
  static constexpr size_t kMaxQueries = 5000;                // distinct queries remembered
  static constexpr int64_t kMinAskers = 3;
};

struct ApiState {
  ApiState(library::Library& lib, access::Accounts& acc, const ServerConfig& cfg);

  // The intake log (DATA/intake.db), opened on first use; its own connection,
  // or the Library's when single_connection.
  Result<store::IntakeLog*> intake();
  // The readers' own lists (DATA/me.db, routes/me.cc), opened on first use.
  Result<store::UserData*> user_data();
  // Records for a logged-in caller (no-ops otherwise; failures ignored: a
  // history row is a convenience, never a reason to fail a request).
  void note_view(const std::optional<access::User>& user, const std::string& doc_id);
  void note_download(const std::optional<access::User>& user, const std::string& doc_id, const std::string& format);
  // Counts a well-formed query for 热门搜索 (routes/suggest.cc).
  void note_query(const std::string& q, const std::string& asker);

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
  // the Library one at a time. Recursive: when single_connection, Api::handle
  // holds it for the whole request, and the write routes take it again.
  std::recursive_mutex write_mu;
  // The library's SQLite files admit one connection each (a full disk where no
  // -shm file can be made: catalog_pool.h): the server shares the Library's
  // connections and handles one request at a time, under write_mu. Decided
  // once, at start.
  bool single_connection = false;
  // The watched folders' watcher (Server sets it; it outlives every request),
  // null when nothing is watched: GET /api/admin/rejected reads through it.
  watch::Watcher* watcher = nullptr;
  FacetCache facets;
  CheckService check;  // 查重: the fingerprint index and quotas (routes/check.cc); clusters are in the catalog
  SuggestState suggestions;
  SearchCache search_cache;  // first pages of searches (routes/search.cc)
  ClusterMap clusters;       // duplicate clusters, for folding results (routes/search.cc)
  AccessMap access;          // what judging each hit's snippets needs (routes/search.cc)

 private:
  std::mutex intake_mu_;
  std::unique_ptr<store::IntakeLog> intake_;
  std::mutex user_data_mu_;
  std::unique_ptr<store::UserData> user_data_;
};

}  // namespace wenyuan::server
