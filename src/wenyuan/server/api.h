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
#include <string>

#include "wenyuan/access/accounts.h"
#include "wenyuan/access/policy.h"
#include "wenyuan/access/rate_limiter.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/catalog_pool.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/metrics.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class Api {
 public:
  Api(library::Library& library, access::Accounts& accounts, const ServerConfig& config);
  ~Api();

  // Handles one request from `remote_ip`. HEAD is answered as GET (the
  // transport drops the body).
  Response handle(const Request& req, const std::string& remote_ip);

  // The body limit for a request with this head: uploads get max_upload_bytes.
  size_t body_limit(http::verb method, std::string_view target) const;

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
  Response admin_upload(Call& c);
  Response admin_documents(Call& c);
  Response admin_delete(Call& c, const std::string& id);
  Response admin_users(Call& c);
  Response admin_patch_user(Call& c);
  Response admin_intake(Call& c);
  Response metrics_text(Call& c);
  Response static_file(Call& c, const std::string& path);

  // The intake log (DATA/intake.db), opened on first use; its own connection.
  Result<store::IntakeLog*> intake();

  Response session_response(Call& c, const access::User& u, http::status status);
  Caller identify(const Request& req);

  library::Library& library_;
  access::Accounts& accounts_;
  ServerConfig config_;
  access::Policy policy_;
  access::RateLimiter login_limiter_;
  access::RateLimiter search_limiter_;
  CatalogPool catalogs_;
  Metrics metrics_;
  std::mutex write_mu_;
  struct FacetCache;
  std::unique_ptr<FacetCache> facets_;
  std::mutex intake_mu_;
  std::unique_ptr<store::IntakeLog> intake_;
};

}  // namespace wenyuan::server
