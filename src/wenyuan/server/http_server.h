// HttpServer: HTTP/1.1 over Boost.Beast/Asio, carrying requests to a handler
// and responses back. It knows no routes (api.h does).
//
// Model: one io_context run by N network threads; each connection is a Session
// on its own strand, reading a request head, then its body, handing the request
// to the handler, writing the response, and reading the next request. Idle
// keep-alive connections cost a socket and a buffer, no thread.
//
// Where the handler runs: with `workers` > 0, on a WorkQueue of that many
// threads (work_queue.h), so a slow search or an import never holds a network
// thread; requests for which `runs_inline` says true (/healthz: constant time)
// are answered on the network thread and so never wait behind that work. When
// `max_queued` requests already wait for a worker, a new one gets 503 with
// Retry-After at once (back-pressure instead of an unbounded backlog). With
// `workers` = 0 every handler runs on the network thread (the metrics listener).
//
// Limits, all answered with a JSON error and then the connection is closed:
// request head > max_header_bytes -> 431 (414 when the limit is reached inside the
// request line, or the target alone is over half of it); body > the handler's
// body limit -> 413; a malformed request -> 400;
// head not complete within header_timeout_s (slow clients), body not within
// body_timeout_s, or idle keep-alive for idle_timeout_s -> closed. More than
// max_connections open connections -> new ones get 503 and are closed; more
// than max_connections_per_ip from one address (unless it is in per_ip_exempt)
// -> new ones from that address get 429 and are closed, so one client holding
// thousands of idle sockets cannot lock the others out.
//
// Responses: gzip when the client accepts it, the body is over 1 KiB and of a
// compressible type; HEAD gets the head of the GET response.
//
// Shutdown (begin_shutdown, or SIGTERM/SIGINT when handle_signals): stop
// accepting, close idle connections, let in-flight requests finish and write
// their responses (then close), and return from wait() once every connection is
// gone or shutdown_grace_s has passed.
#pragma once

#include <boost/beast/http.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "wenyuan/core/status.h"
#include "wenyuan/server/config.h"

namespace wenyuan::server {

class HttpServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Handler = std::function<Response(const Request&, const std::string& remote_ip)>;
  // Asked with the request head (method, target, headers; empty body) before
  // the body is read: the limit may depend on who the head authenticates.
  using BodyLimit = std::function<size_t(const Request& head)>;

  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 0;
    unsigned threads = 2;
    Limits limits;
    bool handle_signals = false;
    unsigned workers = 0;      // 0: handlers run on the network threads
    size_t max_queued = 64;    // requests waiting for a worker before 503
    std::function<bool(const Request& req)> runs_inline;  // unset: none
    // The costly lane (work_queue.h): requests for which `is_costly` says true
    // run on `costly_workers` low-priority threads of their own, at most
    // `max_costly_queued` waiting (more get 503). 0 workers: no lane.
    std::function<bool(const Request& req)> is_costly;
    unsigned costly_workers = 0;
    size_t max_costly_queued = 4;
  };

  static Result<std::unique_ptr<HttpServer>> start(const Options& options, Handler handler, BodyLimit body_limit);
  ~HttpServer();  // begin_shutdown() and wait()

  uint16_t port() const;
  // Non-blocking; safe from any thread (also from inside a handler).
  void begin_shutdown();
  // Blocks until the server has shut down (after begin_shutdown or a signal).
  void wait();
  // Open connections right now (all, and from one address).
  size_t connections() const;
  size_t connections_from(const std::string& ip) const;
  // Requests on a worker right now, and waiting for one (0 without workers).
  size_t requests_running() const;
  size_t requests_queued() const;

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace wenyuan::server
