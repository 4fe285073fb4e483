// RateLimiter: token buckets in memory, one per key ("ip:1.2.3.4",
// "user:alice"), for login and search. Counters are deliberately not persisted:
// a restart forgets them, which only ever errs towards letting a request in.
//
// Invariants: a bucket holds at most `burst` tokens and refills at `per_second`;
// a request that finds less than one token is refused with the time until one
// is there (the HTTP layer's Retry-After). Memory is bounded: when more than
// `max_keys` buckets exist, full (idle) buckets are dropped first.
// Threads: all methods may be called concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wenyuan::access {

struct RateRule {
  double per_second = 1.0;  // refill rate; <= 0 disables the limit
  double burst = 10.0;      // bucket size
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateRule rule, size_t max_keys = 100000) : rule_(rule), max_keys_(max_keys) {}

  // 0 if the request may proceed (a token was taken); otherwise the whole
  // seconds (>= 1) after which a token will be available.
  int acquire(const std::string& key, Clock::time_point now = Clock::now());

  const RateRule& rule() const { return rule_; }

  // How many keys have a bucket now (at most max_keys).
  size_t keys() const {
    std::lock_guard lock(mu_);
    return buckets_.size();
  }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  void prune(Clock::time_point now);

  RateRule rule_;
  size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace wenyuan::access
