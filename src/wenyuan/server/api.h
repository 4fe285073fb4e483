// Api: the routes of the HTTP API (the table in routes/routes.cc, served as
// /api/openapi.json) as a function from an HTTP request to an HTTP response.
// No sockets here (http_server.h carries bytes), so every route can be
// exercised directly, and the transport knows no routes.
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
//    (ApiState::write_mu); searches take no lock (search::Engine reads a snapshot),
//    except on a full disk with no -shm file (ApiState::single_connection).
//    Catalog reads use connections from a CatalogPool (one per concurrent
//    request), never the Library's own connection, which belongs to writers.
#pragma once

#include <boost/beast/http.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "wenyuan/access/accounts.h"
#include "wenyuan/access/policy.h"
#include "wenyuan/library/library.h"
#include "wenyuan/server/catalog_pool.h"
#include "wenyuan/server/config.h"
#include "wenyuan/server/metrics.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct ApiState;
struct Call;
struct Caller;

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

  Metrics& metrics();
  // The watcher of the watched folders, once the server has made it.
  void set_watcher(watch::Watcher* watcher);
  // Runs `fn` as one of the library's writers (uploads, deletes, the index
  // tailer, the watched folder): one at a time.
  void run_exclusive(const std::function<void()>& fn);
  const access::Policy& policy() const;

 private:
  // Matches the request against the route table (route.h) and runs the
  // route's handler after the checks every route shares; `route` gets the
  // label the metrics count it under.
  Response dispatch(Call& c, std::string& route);
  Caller identify(const Request& req);
  // Empty if the request may change state; else the 403 to send.
  std::optional<Response> refuse_cross_site(const Request& req) const;

  std::unique_ptr<ApiState> s_;
};

}  // namespace wenyuan::server
