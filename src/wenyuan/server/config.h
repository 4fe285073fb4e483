// ServerConfig: everything `wenyuan serve` can be told, with its defaults, and
// the TOML file that overrides them (toml++). Command-line flags override the file.
//
// Example (every key optional):
//   listen = "127.0.0.1:8080"
//   threads = 4                    # network threads (reading and writing)
//   workers = 4                    # threads running handlers (search, import, ...); 0: as threads
//   web_dir = "/usr/share/wenyuan/web"
//   preview_share = 0.3            # share of a paid document without markers shown free
//   public_url = "https://wenyuan.example.org"  # https: Secure cookies + HSTS; the origin
//                                  # state-changing requests must come from
//   registration = "open"          # "closed", "invite" (codes from `wenyuan invite create`) or "open"
//   metrics_listen = "127.0.0.1:9100"  # /metrics there (no auth); unset: /metrics for admins only
//   trusted_proxies = ["127.0.0.1"]    # peers whose X-Forwarded-For names the client
//   [limits]
//   max_header_bytes = 16384       # larger request heads get 431
//   max_anonymous_body_bytes = 65536  # bodies of callers not logged in
//   max_body_bytes = 1048576       # larger bodies get 413 (uploads: max_upload_bytes)
//   max_upload_bytes = 67108864    # admin uploads only
//   max_query_bytes = 2048         # longer search queries get 400
//   max_connections = 10000
//   max_connections_per_ip = 64    # more from one address are refused (429), so one
//                                  # client holding idle sockets cannot lock others out
//   per_ip_exempt = ["127.0.0.1", "::1"]  # no per-IP cap: a reverse proxy on this
//                                  # machine carries every client's connections
//   header_timeout_s = 10          # a client must send a whole request head within this
//   body_timeout_s = 300
//   idle_timeout_s = 20            # keep-alive connections idle longer are closed
//   max_queued = 64                # requests waiting for a worker; more get 503 + Retry-After
//   search_budget_ms = 2000        # a search computing longer stops with an error (0: none)
//   search_cache_entries = 4096    # first pages of searches kept (per tier); 0: no cache
//   search_cache_mb = 32           # and at most this much memory for them
//   costly_terms = 8               # a search of more terms runs in the costly lane:
//   costly_workers = 1             # this many low-priority threads of its own
//   costly_queued = 4              # and this many waiting; more get 503 + Retry-After
//   session_days = 30
//   [rate.login]    per_second = 0.2, burst = 10   # per IP
//   [rate.register] per_second = 0.01, burst = 5   # per IP
//   [rate.search]   per_second = 10, burst = 40    # per IP and per account, both
//   [rate.download] per_second = 1, burst = 30     # per IP and per account, both
//   [login_delay]   free_failures = 5, base_s = 1, max_s = 900  # per IP + user name
//   [tiers.vip]   full = true, downloads_per_day = 20   # -1 = unlimited
//   [sandbox]                      # uploads and watched files are parsed in a child process
//   enabled = true                 # (doc/sandbox.h); false: in the server's own process
//   cpu_s = 10                     # the child's CPU time; wall_s its real time; then it is killed
//   wall_s = 10
//   memory_mb = 512                # the child's address space
//   [watch]                        # watched folders (docs/watch.md); --watch DIR adds one
//   folders = ["/srv/网盘/素材"]
//   stable_seconds = 2             # a file is complete when unchanged this long (or renamed in / closed)
//   rescan_seconds = 60            # the safety-net full rescan
//   on_delete = "remove"           # or "keep": a deleted file's documents stay
//   folder_category = true         # category = folder relative to the watched folder
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "wenyuan/access/login_throttle.h"
#include "wenyuan/access/policy.h"
#include "wenyuan/access/rate_limiter.h"
#include "wenyuan/core/status.h"
#include "wenyuan/doc/sandbox.h"
#include "wenyuan/watch/watcher.h"

namespace wenyuan::server {

struct Limits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_anonymous_body_bytes = 64 * 1024;  // before authentication, every route
  size_t max_body_bytes = 1024 * 1024;
  size_t max_upload_bytes = 64 * 1024 * 1024;
  size_t max_query_bytes = 2048;
  size_t max_connections = 10000;
  size_t max_connections_per_ip = 64;
  std::vector<std::string> per_ip_exempt = {"127.0.0.1", "::1"};
  size_t max_zip_documents = 200;
  int header_timeout_s = 10;
  int body_timeout_s = 300;
  int idle_timeout_s = 20;
  int shutdown_grace_s = 20;  // in-flight requests get this long after SIGTERM
  size_t max_queued = 64;     // requests waiting for a worker before 503
  int search_budget_ms = 2000;  // per search; 0: unlimited
  size_t search_cache_entries = 4096;  // first pages kept (server/search_cache.h); 0: off
  size_t search_cache_mb = 32;
  // The costly lane (server/work_queue.h): searches of more than costly_terms
  // terms run on their own low-priority workers, so a flood of them leaves
  // the ordinary searches their CPU and their queue. costly_workers 0: no lane.
  size_t costly_terms = 8;
  unsigned costly_workers = 1;
  size_t costly_queued = 4;
};

enum class Registration { kClosed, kInvite, kOpen };
const char* to_string(Registration r);

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
  unsigned threads = 0;                   // 0: hardware threads clamped to 2..4
  unsigned workers = 0;                   // handler threads; 0: as many as network threads
  std::filesystem::path web_dir;          // empty: the built-in default (the source tree's web/)
  double preview_share = 0.3;
  Limits limits;
  access::PolicyConfig policy;
  access::RateRule login_rate{0.2, 10};      // per IP
  access::RateRule register_rate{0.01, 5};   // per IP
  access::RateRule search_rate{10, 40};      // per IP and per account
  access::RateRule download_rate{1, 30};     // per IP and per account
  access::ThrottleRule login_delay;          // per IP + user name
  Registration registration = Registration::kOpen;
  int64_t session_seconds = 30LL * 24 * 3600;
  std::string public_url;                 // "https://host": Secure cookies, HSTS, the expected Origin
  bool secure_cookies = false;            // add "Secure" to cookies (implied by an https public_url)
  std::string metrics_listen;             // "host:port" for /metrics alone; empty: admins on `listen`
  std::vector<std::string> trusted_proxies;  // peers allowed to name the client in X-Forwarded-For
  unsigned long long pwhash_ops = 0;      // Argon2id cost; 0: libsodium interactive defaults
  size_t pwhash_mem = 0;

  bool behind_tls() const { return public_url.rfind("https://", 0) == 0; }
  watch::WatchOptions watch;              // no folders: nothing is watched
  // Parsing of uploads and watched files in a sandboxed child. `helper` is set
  // by `wenyuan serve` (its own binary); empty (in-process tests): no sandbox.
  doc::SandboxOptions sandbox;
  bool sandbox_enabled = true;            // [sandbox] enabled
  // Set by load_config: "FILE: unknown key \"x\" (ignored)" for each key of the
  // file the server does not read (a typo would otherwise pass in silence).
  std::vector<std::string> warnings;
};

// The dotted names of every key load_config reads ("limits.max_body_bytes",
// "tiers.vip.full"): the one list unknown keys are checked against.
std::vector<std::string> known_config_keys();

// The default web folder: the source tree's web/ compiled in (WENYUAN_WEB_DIR) while it
// exists, else PREFIX/share/wenyuan/web beside the installed binary (PREFIX/bin).
std::filesystem::path default_web_dir();

// Reads `file` over `base`. Errors name the file and the key.
Result<ServerConfig> load_config(const std::filesystem::path& file, ServerConfig base = {});

// Splits "host:port" ("[::1]:8080" for IPv6). InvalidArgument if malformed.
Status parse_listen(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace wenyuan::server
