// LoginThrottle: failed logins slow down the one who fails, never the account.
// Keyed by "IP + user name": the `free_failures`-th failure on a key and every
// one after it make the next attempt on that key wait base_delay_s · 2^k
// seconds (k = 0, 1, 2, … for those failures; capped at max_delay_s). An
// attempt made while waiting is refused without running (so it cannot guess);
// a success clears the key.
//
// Why not a per-user lock: anyone could lock anyone out by failing on purpose.
// Here an attacker only delays themselves (their IP); the owner logging in from
// their own address is untouched. Per-IP volume is capped separately by a
// RateLimiter bucket (see server/routes/accounts.cc).
//
// Invariants: memory is bounded (at most max_keys entries; entries whose delay
// has passed are dropped first); state is in memory only (a restart forgets it,
// erring towards letting a request in). Threads: all methods may be called
// concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wenyuan::access {

struct ThrottleRule {
  int free_failures = 5;     // failures on a key before attempts are delayed
  double base_delay_s = 1;   // the first delay; doubles with each further failure
  double max_delay_s = 900;  // a delay never grows beyond this
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(ThrottleRule rule, size_t max_keys = 100000) : rule_(rule), max_keys_(max_keys) {}

  // 0 if an attempt on `key` may run now; otherwise whole seconds (>= 1) to wait.
  int wait(const std::string& key, Clock::time_point now = Clock::now());
  void failure(const std::string& key, Clock::time_point now = Clock::now());
  void success(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point next_allowed;
  };
  void prune(Clock::time_point now);

  ThrottleRule rule_;
  size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace wenyuan::access
