// Api: the routes of docs/http-api (notes/api.md) as a function from an HTTP
// request to an HTTP response. No sockets here (http_server.h carries bytes), so
// every route can be exercised directly, and the transport knows no routes.
//
// Invariants:
//  - Every response that carries document text gets it from access::Policy
//    (blocks, outline, snippets, downloads, feed summaries); handlers never cut
//    regions themselves and never return a document's `original`.
//  - handle() never throws and never returns a body with invalid UTF-8 in JSON
//    (titles and text are valid by the catalog's invariants; dumps replace).
//  - Every state-changing request (not GET/HEAD) passes the origin check
//    (Origin / Sec-Fetch-Site must be this site) and, when carried by the
//    session cookie, the CSRF check; nothing that spends a quota runs on a
//    cookie-authenticated GET or on any HEAD.
//  - Writes (admin upload, delete) go through the Library one at a time
//    (`write_mu_`); searches take no lock (search::Engine reads a snapshot).
//    Catalog reads use connections from a CatalogPool (one per concurrent
//    request), never the Library's own connection, which belongs to writers.
#pragma once

#include <boost/beast/http.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "wenyuan/access/accounts.h"
#include "wenyuan/access/login_throttle.h"
#include "wenyuan/access/policy.h"
#include "wenyuan/access/rate_limiter.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/catalog_pool.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/metrics.h"
#include "wenyuan/store/intake_log.h"
#include "wenyuan/store/user_data.h"

namespace wenyuan::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class Api {
 public:
  Api(library::Library& library, access::Accounts& accounts, const ServerConfig& config);
  ~Api();

  // Handles one request from `remote_ip`. HEAD is answered as GET (the
  // transport drops the body) but never spends a download.
  Response handle(const Request& req, const std::string& remote_ip);

  // The body limit for a request with this head (asked before the body is
  // read): max_anonymous_body_bytes unless the head authenticates a user;
  // max_upload_bytes only for an admin's upload; else max_body_bytes.
  size_t body_limit(const Request& head);

  // The handler of the separate metrics listener (config metrics_listen):
  // GET /metrics and nothing else.
  Response handle_metrics_only(const Request& req);

  // The client address of a request from `peer`: the peer, unless the peer is
  // a trusted proxy, then the last X-Forwarded-For entry that is not one.
  std::string client_ip(const Request& req, const std::string& peer) const;

  Metrics& metrics() { return metrics_; }
  // Runs `fn` as one of the library's writers (uploads, deletes, the index
  // tailer, the watched folder): one at a time.
  void run_exclusive(const std::function<void()>& fn) {
    std::lock_guard lock(write_mu_);
    fn();
  }
  const access::Policy& policy() const { return policy_; }

 private:
  struct Caller;
  struct Call;
  Response dispatch(Call& c, std::string& route);

  Response search(Call& c);
  Response facets(Call& c);
  Response document(Call& c, const std::string& id);
  Response download(Call& c, const std::string& id);
  Response download_zip(Call& c);
  Response new_documents(Call& c);
  Response feed(Call& c);
  Response register_user(Call& c);
  Response login(Call& c);
  Response logout(Call& c);
  Response me(Call& c);
  Response change_password(Call& c);
  Response sessions(Call& c);
  Response revoke_other_sessions(Call& c);
  Response admin_invites(Call& c);
  Response admin_upload(Call& c);
  Response admin_documents(Call& c);
  Response admin_delete(Call& c, const std::string& id);
  Response admin_users(Call& c);
  Response admin_patch_user(Call& c);
  Response admin_rejected(Call& c);
  Response admin_intake(Call& c);
  Response metrics_text(Call& c);
  Response static_file(Call& c, const std::string& path);
  // The reader's own lists (api_me.cc): /api/me/favorites, history, downloads, basket.
  Response me_data(Call& c);
  void note_view(Call& c, const std::string& id);
  void note_download(Call& c, const std::string& id, const std::string& format);
  Result<store::UserData*> user_data();  // DATA/me.db, opened on first use
  // 搜索建议 and 热门搜索 (api_suggest.cc).
  Response suggest(Call& c);
  void note_query(const std::string& q);

  // The intake log (DATA/intake.db), opened on first use; its own connection.
  Result<store::IntakeLog*> intake();

  Response session_response(Call& c, const access::User& u, http::status status);
  Caller identify(const Request& req);
  // Empty if the request may change state; else the 403 to send.
  std::optional<Response> refuse_cross_site(const Request& req) const;
  std::string cookie_attributes(int64_t max_age) const;

  library::Library& library_;
  access::Accounts& accounts_;
  ServerConfig config_;
  access::Policy policy_;
  access::RateLimiter login_limiter_;     // per IP
  access::RateLimiter register_limiter_;  // per IP
  access::RateLimiter search_limiter_;    // per IP and per account
  access::RateLimiter download_limiter_;  // per IP and per account
  access::LoginThrottle login_throttle_;  // failures per IP + user name
  CatalogPool catalogs_;
  Metrics metrics_;
  std::mutex write_mu_;
  struct FacetCache;
  std::unique_ptr<FacetCache> facets_;
  std::mutex intake_mu_;
  std::unique_ptr<store::IntakeLog> intake_;
  struct Suggestions;
  std::unique_ptr<Suggestions> suggestions_;
  std::mutex user_data_mu_;
  std::unique_ptr<store::UserData> user_data_;
};

}  // namespace wenyuan::server
