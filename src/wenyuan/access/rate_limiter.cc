#include "wenyuan/access/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace wenyuan::access {

int RateLimiter::acquire(const std::string& key, Clock::time_point now) {
  if (rule_.per_second <= 0) return 0;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) prune(now);
    it = buckets_.emplace(key, Bucket{rule_.burst, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(rule_.burst, b.tokens + elapsed * rule_.per_second);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  const double wait = (1.0 - b.tokens) / rule_.per_second;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

void RateLimiter::prune(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed * rule_.per_second >= rule_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Still full of active keys: forget the whole table rather than grow without bound.
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

}  // namespace wenyuan::access
