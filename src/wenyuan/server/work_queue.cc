#include "wenyuan/server/work_queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace wenyuan::server {

WorkQueue::WorkQueue(unsigned workers, size_t max_queued) : max_queued_(max_queued) {
  const unsigned n = std::max(1u, workers);
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { work(); });
}

WorkQueue::~WorkQueue() { stop(); }

bool WorkQueue::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkQueue::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // `dropped` is destroyed here, outside the lock: a job may own a connection.
}

size_t WorkQueue::queued() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

size_t WorkQueue::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

void WorkQueue::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("worker: {}", e.what());
    }
    job = nullptr;  // release what the job holds before taking the lock
    lock.lock();
    --running_;
  }
}

}  // namespace wenyuan::server
