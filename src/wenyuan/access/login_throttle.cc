#include "wenyuan/access/login_throttle.h"

#include <algorithm>
#include <cmath>

namespace wenyuan::access {

int LoginThrottle::wait(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.next_allowed <= now) return 0;
  const double secs = std::chrono::duration<double>(it->second.next_allowed - now).count();
  return std::max(1, static_cast<int>(std::ceil(secs)));
}

void LoginThrottle::failure(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) prune(now);
    it = entries_.emplace(key, Entry{0, now}).first;
  }
  Entry& e = it->second;
  ++e.failures;
  const int over = e.failures - rule_.free_failures;  // 0 at the last free failure
  if (over < 0) return;
  // 2^over, computed in double and capped before it can overflow.
  const double delay = std::min(rule_.max_delay_s, rule_.base_delay_s * std::exp2(std::min(over, 60)));
  e.next_allowed = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
}

void LoginThrottle::success(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void LoginThrottle::prune(Clock::time_point now) {
  // Keys still counting towards a delay but not delayed now are the cheapest to
  // forget: their owner gets `free_failures` more tries, no more.
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.next_allowed <= now ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() >= max_keys_) entries_.clear();
}

}  // namespace wenyuan::access
