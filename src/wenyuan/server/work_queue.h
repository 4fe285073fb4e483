// WorkQueue: a fixed pool of worker threads taking jobs from a bounded queue.
// HttpServer runs request handlers here so that a slow search or an import
// never occupies a network thread (which would stall /healthz and every other
// connection on it).
//
// Back-pressure: try_submit() refuses a job (returns false) when `max_queued`
// jobs already wait; the caller answers 503 with Retry-After instead of
// letting the backlog grow without bound. Jobs running on workers do not count
// against `max_queued`.
//
// stop(): the workers finish the jobs they are running, queued jobs are
// dropped (destroyed without running), and the threads are joined.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wenyuan::server {

class WorkQueue {
 public:
  WorkQueue(unsigned workers, size_t max_queued);
  ~WorkQueue();  // stop()
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  bool try_submit(std::function<void()> job);
  void stop();

  size_t queued() const;   // waiting for a worker
  size_t running() const;  // on a worker right now
  unsigned workers() const { return static_cast<unsigned>(threads_.size()); }
  size_t max_queued() const { return max_queued_; }

 private:
  void work();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wenyuan::server
