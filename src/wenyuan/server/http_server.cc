#include "wenyuan/server/http_server.h"

#include "wenyuan/library/json_view.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "wenyuan/server/http_util.h"
#include "wenyuan/server/work_queue.h"

namespace wenyuan::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session;

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

// The peer's address as the per-IP cap and the handler see it; an IPv4 client
// of a dual-stack socket is its IPv4 address, not ::ffff:a.b.c.d.
std::string peer_ip(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return {};
  net::ip::address a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  return a.to_string();
}

bool compressible(std::string_view content_type) {
  return content_type.rfind("text/", 0) == 0 || content_type.find("json") != std::string_view::npos ||
         content_type.find("xml") != std::string_view::npos || content_type.find("javascript") != std::string_view::npos;
}

HttpServer::Response error_response(http::status status, const std::string& code, const std::string& message) {
  HttpServer::Response res{status, 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = library::error_json(code, message).dump();
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Options options;
  Handler handler;
  BodyLimit body_limit;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc};
  net::steady_timer grace{ioc};
  net::steady_timer accept_retry{ioc};
  std::vector<std::thread> threads;
  std::unique_ptr<WorkQueue> pool;  // null: handlers on the network threads
  std::atomic<bool> stopping{false};
  uint16_t port = 0;

  mutable std::mutex mu;  // guards sessions and per_ip
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::unordered_map<std::string, size_t> per_ip;  // open connections by peer address

  std::mutex join_mu;
  bool joined = false;

  explicit Impl(const Options& o) : options(o) {}

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void begin_shutdown();
  void add(Session* s, std::weak_ptr<Session> w) {
    std::lock_guard lock(mu);
    sessions.emplace(s, std::move(w));
  }
  void remove(Session* s, const std::string& ip) {
    bool last = false;
    {
      std::lock_guard lock(mu);
      sessions.erase(s);
      if (auto it = per_ip.find(ip); it != per_ip.end() && --it->second == 0) per_ip.erase(it);
      last = sessions.empty();
    }
    // The last connection gone during shutdown: nothing left to wait for.
    if (last && stopping) net::post(ioc, [self = shared_from_this()] { self->grace.cancel(); });
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `ip` has been counted in server->per_ip for this session.
  Session(tcp::socket&& socket, std::shared_ptr<HttpServer::Impl> server, std::string ip)
      : stream_(std::move(socket)), server_(std::move(server)), ip_(std::move(ip)) {}
  ~Session() { server_->remove(this, ip_); }

  void run() {
    server_->add(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Shutdown: an idle connection is closed now; a busy one after its response.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().close(ec);
      }
    });
  }

 private:
  const Limits& limits() const { return server_->options.limits; }

  void read_header() {
    busy_ = false;
    if (server_->stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits().max_header_bytes));
    // Beast checks Content-Length against the limit while parsing the head, before
    // we know the route; the route's own limit is applied in on_header.
    parser_->body_limit(std::max(limits().max_body_bytes, limits().max_upload_bytes));
    stream_.expires_after(std::chrono::seconds(first_ ? limits().header_timeout_s : limits().idle_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    busy_ = true;
    const auto& head = parser_->get();
    const size_t limit = server_->body_limit(head);
    parser_->body_limit(limit);
    if (auto cl = parser_->content_length(); cl && *cl > limit) {
      return send_error(http::status::payload_too_large, "payload_too_large",
                        "request body larger than " + std::to_string(limit) + " bytes");
    }
    stream_.expires_after(std::chrono::seconds(limits().body_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code read_ec, size_t) { self->on_body(read_ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto req = std::make_shared<HttpServer::Request>(parser_->release());
    WorkQueue* pool = server_->pool.get();
    if (pool == nullptr || (server_->options.runs_inline && server_->options.runs_inline(*req))) {
      return finish(*req, call_handler(*req));
    }
    // The worker owns the session (and the request) until it posts the
    // response back to the session's strand, where every write happens.
    // The work guard keeps the network threads running (during a shutdown too)
    // until the response has been posted back.
    auto guard = std::make_shared<net::executor_work_guard<net::io_context::executor_type>>(server_->ioc.get_executor());
    const auto& costly = server_->options.is_costly;
    const auto lane = costly && costly(*req) ? WorkQueue::Lane::kCostly : WorkQueue::Lane::kNormal;
    const bool queued = pool->try_submit(
        [self = shared_from_this(), req, guard] {
          auto res = std::make_shared<HttpServer::Response>(self->call_handler(*req));
          net::post(self->stream_.get_executor(), [self, req, res] { self->finish(*req, std::move(*res)); });
        },
        lane);
    if (!queued) {
      const bool own_lane = lane == WorkQueue::Lane::kCostly && server_->options.costly_workers > 0;
      auto busy = error_response(http::status::service_unavailable, "busy",
                                 "the server is busy (" + std::to_string(pool->max_queued(lane)) +
                                     (own_lane ? " costly requests" : " requests") + " waiting); retry in a second");
      busy.set(http::field::retry_after, "1");
      finish(*req, std::move(busy));
    }
  }

  HttpServer::Response call_handler(const HttpServer::Request& req) {
    try {
      return server_->handler(req, ip_);
    } catch (const std::exception& e) {
      return error_response(http::status::internal_server_error, "internal", e.what());
    }
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      // Beast parses the request line and then each complete field as it
      // arrives, consuming them from buffer_, so the buffer says nothing about
      // which part was too long. The parsed message does: no target yet means
      // the limit was hit inside the request line (414); a target means the
      // fields were (431), unless the target alone took most of the allowance.
      const size_t target = parser_->get().target().size();
      if (target == 0 || target > limits().max_header_bytes / 2) {
        return send_error(http::status::uri_too_long, "bad_request", "request target too long");
      }
      return send_error(http::status::request_header_fields_too_large, "bad_request", "request header fields too large");
    }
    if (ec == http::error::body_limit) {
      return send_error(http::status::payload_too_large, "payload_too_large", "request body too large");
    }
    const bool http_error = ec.category() == http::make_error_code(http::error::bad_method).category();
    if (http_error && ec != http::error::end_of_stream && ec != http::error::partial_message &&
        ec != http::error::need_more) {
      return send_error(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
    }
    close();
  }

  void send_error(http::status status, const std::string& code, const std::string& message) {
    busy_ = true;
    res_ = std::make_shared<HttpServer::Response>(error_response(status, code, message));
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, *res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  // After an error response the client may still be sending (a body we refused):
  // read and discard a little so closing does not reset the connection before
  // the client has read our answer.
  void drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    scratch_.resize(64 * 1024);
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code read_ec, size_t n) {
      self->drained_ += n;
      if (read_ec || self->drained_ > 8 * 1024 * 1024) return self->close();
      self->drain_more();
    });
  }
  void drain_more() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > 8 * 1024 * 1024) return self->close();
      self->drain_more();
    });
  }

  void finish(const HttpServer::Request& req, HttpServer::Response res) {
    const bool keep_alive = req.keep_alive() && !server_->stopping;
    res.keep_alive(keep_alive);
    const bool head = req.method() == http::verb::head;
    if (res.body().size() > 1024 && accepts_gzip(sv(req[http::field::accept_encoding])) &&
        compressible(sv(res[http::field::content_type])) && res[http::field::content_encoding].empty()) {
      if (auto z = gzip(res.body())) {
        res.body() = std::move(*z);
        res.set(http::field::content_encoding, "gzip");
      }
    }
    if (compressible(sv(res[http::field::content_type]))) res.set(http::field::vary, "Accept-Encoding");
    res.prepare_payload();
    if (head) {
      const size_t n = res.body().size();
      res.body().clear();
      res.content_length(n);
    }
    res_ = std::make_shared<HttpServer::Response>(std::move(res));
    stream_.expires_after(std::chrono::seconds(limits().body_timeout_s));
    http::async_write(stream_, *res_, [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
      self->res_.reset();
      if (ec || !keep_alive) return self->close();
      self->first_ = false;
      self->read_header();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::Response> res_;
  std::shared_ptr<HttpServer::Impl> server_;
  std::string ip_;
  std::string scratch_;
  size_t drained_ = 0;
  bool busy_ = false;
  bool first_ = true;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
    self->on_accept(ec, std::move(s));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    // Out of file descriptors and the like: back off instead of spinning.
    spdlog::warn("accept: {}", ec.message());
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->accept();
    });
    return;
  }
  std::string ip = peer_ip(socket);
  const auto& exempt = options.limits.per_ip_exempt;
  const bool capped = std::find(exempt.begin(), exempt.end(), ip) == exempt.end();
  std::optional<HttpServer::Response> refusal;
  {
    std::lock_guard lock(mu);
    size_t& from_ip = per_ip[ip];
    if (sessions.size() >= options.limits.max_connections) {
      refusal = error_response(http::status::service_unavailable, "internal", "too many connections");
    } else if (capped && from_ip >= options.limits.max_connections_per_ip) {
      refusal = error_response(http::status::too_many_requests, "rate_limited",
                               "too many connections from your address (at most " +
                                   std::to_string(options.limits.max_connections_per_ip) + ")");
    }
    if (refusal) {
      if (from_ip == 0) per_ip.erase(ip);
    } else {
      ++from_ip;  // the Session gives it back when it ends
    }
  }
  if (refusal) {
    // Small enough for the socket's send buffer: this write does not wait for the client.
    beast::error_code wec;
    http::write(socket, *refusal, wec);
    socket.shutdown(tcp::socket::shutdown_both, wec);
    socket.close(wec);
  } else {
    std::make_shared<Session>(std::move(socket), shared_from_this(), std::move(ip))->run();
  }
  accept();
}

void HttpServer::Impl::begin_shutdown() {
  net::post(ioc, [self = shared_from_this()] {
    if (self->stopping.exchange(true)) return;
    beast::error_code ec;
    self->acceptor.close(ec);
    self->signals.cancel(ec);
    self->accept_retry.cancel();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(self->mu);
      for (auto& [p, w] : self->sessions) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->close_if_idle();
    if (live.empty()) return;
    self->grace.expires_after(std::chrono::seconds(self->options.limits.shutdown_grace_s));
    self->grace.async_wait([self](beast::error_code e) {
      if (!e) {
        spdlog::warn("shutdown: connections still busy after the grace period; stopping");
        self->ioc.stop();
      }
    });
  });
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const Options& options, Handler handler, BodyLimit body_limit) {
  auto impl = std::make_shared<Impl>(options);
  impl->handler = std::move(handler);
  impl->body_limit = std::move(body_limit);
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) return Status::invalid_argument("listen address \"" + options.host + "\": " + ec.message());
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::io_error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                            ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  if (options.handle_signals) {
    impl->signals.add(SIGINT);
    impl->signals.add(SIGTERM);
    impl->signals.async_wait([weak = std::weak_ptr<Impl>(impl)](beast::error_code e, int sig) {
      if (e) return;
      if (auto self = weak.lock()) {
        spdlog::info("signal {}: shutting down (finishing requests in flight)", sig);
        self->begin_shutdown();
      }
    });
  }
  if (options.workers > 0) {
    impl->pool = std::make_unique<WorkQueue>(options.workers, options.max_queued, options.costly_workers,
                                             options.max_costly_queued);
  }
  impl->accept();
  const unsigned n = std::max(1u, options.threads);
  for (unsigned i = 0; i < n; ++i) {
    impl->threads.emplace_back([impl] {
      for (;;) {
        try {
          impl->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("server thread: {}", e.what());
        }
      }
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  begin_shutdown();
  wait();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::begin_shutdown() { impl_->begin_shutdown(); }

void HttpServer::wait() {
  std::lock_guard lock(impl_->join_mu);
  if (impl_->joined) return;
  for (auto& t : impl_->threads) t.join();
  impl_->joined = true;
  // Network threads are gone: jobs still queued (after the grace period) are
  // dropped; the ones running finish, and their posted responses go unsent.
  if (impl_->pool) impl_->pool->stop();
  // Handlers still queued hold the Impl; drop them with the io_context's work.
  impl_->ioc.stop();
  impl_->ioc.restart();
  impl_->ioc.poll();
}

size_t HttpServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

size_t HttpServer::requests_running() const { return impl_->pool ? impl_->pool->running() : 0; }
size_t HttpServer::requests_queued() const { return impl_->pool ? impl_->pool->queued() : 0; }

size_t HttpServer::connections_from(const std::string& ip) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->per_ip.find(ip);
  return it == impl_->per_ip.end() ? 0 : it->second;
}

}  // namespace wenyuan::server
