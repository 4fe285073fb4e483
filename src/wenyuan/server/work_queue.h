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
// Priorities: the ordinary workers run kWorkerNice below the network threads,
// so that when searches keep every core busy the network threads (which only
// parse, answer /healthz and write answers) are still scheduled at once. At
// the same priority, a cached-results run at 33,000-35,000 searches/s on 2
// cores put /healthz's p99 at 13-25 ms; at nice 5, 9.4 ms, for the same
// throughput (bench/RESULTS.md, 2026-12-04). Workers still get every cycle
// the network threads leave.
//
// Lanes (fairness, issue 10): jobs the caller estimates costly (a search of
// many terms) go to Lane::kCostly, which has its own workers and its own,
// smaller queue bound. Its threads run at the lowest CPU priority (nice 19),
// so on a busy machine they get the CPU the ordinary workers leave, and a
// flood of costly jobs can neither fill the ordinary queue nor slow the
// ordinary workers much; on an idle machine they run at full speed. With no
// costly workers, kCostly jobs share the ordinary lane.
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

inline constexpr int kWorkerNice = 5;

class WorkQueue {
 public:
  enum class Lane { kNormal, kCostly };

  WorkQueue(unsigned workers, size_t max_queued, unsigned costly_workers = 0, size_t max_costly_queued = 0);
  ~WorkQueue();  // stop()
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  bool try_submit(std::function<void()> job, Lane lane = Lane::kNormal);
  void stop();

  size_t queued() const;   // waiting for a worker, both lanes
  size_t running() const;  // on a worker right now, both lanes
  size_t queued(Lane lane) const;
  size_t running(Lane lane) const;
  unsigned workers() const { return static_cast<unsigned>(threads_.size()); }
  // The bound of `lane`'s queue (a kCostly job without costly workers: the ordinary one).
  size_t max_queued(Lane lane = Lane::kNormal) const;

 private:
  struct LaneState {
    std::deque<std::function<void()>> jobs;
    size_t running = 0;
    size_t max_queued = 0;
    unsigned workers = 0;
    std::condition_variable cv;
  };
  LaneState& lane_of(Lane lane) { return lane == Lane::kCostly && costly_.workers > 0 ? costly_ : normal_; }
  const LaneState& lane_of(Lane lane) const {
    return lane == Lane::kCostly && costly_.workers > 0 ? costly_ : normal_;
  }
  void work(LaneState& lane);

  mutable std::mutex mu_;
  LaneState normal_, costly_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wenyuan::server
