#include "wenyuan/server/work_queue.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>

namespace wenyuan::server {

namespace {

// Linux gives each thread its own nice value (setpriority on the thread id);
// lowering one's own priority needs no privilege. Failure only costs fairness.
// `by` is added to the nice value the thread started with (the process's, if
// it was started niced), up to 19.
void lower_this_threads_priority(int by, const char* lane) {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno != 0 || ::setpriority(PRIO_PROCESS, tid, std::min(19, now + by)) != 0)
    spdlog::warn("{}: cannot lower the thread's priority", lane);
}

}  // namespace

WorkQueue::WorkQueue(unsigned workers, size_t max_queued, unsigned costly_workers, size_t max_costly_queued) {
  normal_.workers = std::max(1u, workers);
  normal_.max_queued = max_queued;
  costly_.workers = costly_workers;
  costly_.max_queued = max_costly_queued;
  threads_.reserve(normal_.workers + costly_.workers);
  for (unsigned i = 0; i < normal_.workers; ++i)
    threads_.emplace_back([this] {
      lower_this_threads_priority(kWorkerNice, "workers");
      work(normal_);
    });
  for (unsigned i = 0; i < costly_.workers; ++i)
    threads_.emplace_back([this] {
      lower_this_threads_priority(19, "costly lane");
      work(costly_);
    });
}

WorkQueue::~WorkQueue() { stop(); }

bool WorkQueue::try_submit(std::function<void()> job, Lane lane) {
  LaneState& l = lane_of(lane);
  {
    std::lock_guard lock(mu_);
    if (stopping_ || l.jobs.size() >= l.max_queued) return false;
    l.jobs.push_back(std::move(job));
  }
  l.cv.notify_one();
  return true;
}

void WorkQueue::stop() {
  std::deque<std::function<void()>> dropped, dropped_costly;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(normal_.jobs);
    dropped_costly.swap(costly_.jobs);
  }
  normal_.cv.notify_all();
  costly_.cv.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // The dropped jobs are destroyed here, outside the lock: a job may own a connection.
}

size_t WorkQueue::queued() const { return queued(Lane::kNormal) + (costly_.workers > 0 ? queued(Lane::kCostly) : 0); }
size_t WorkQueue::running() const {
  return running(Lane::kNormal) + (costly_.workers > 0 ? running(Lane::kCostly) : 0);
}

size_t WorkQueue::queued(Lane lane) const {
  std::lock_guard lock(mu_);
  return lane_of(lane).jobs.size();
}

size_t WorkQueue::running(Lane lane) const {
  std::lock_guard lock(mu_);
  return lane_of(lane).running;
}

size_t WorkQueue::max_queued(Lane lane) const { return lane_of(lane).max_queued; }

void WorkQueue::work(LaneState& l) {
  std::unique_lock lock(mu_);
  for (;;) {
    l.cv.wait(lock, [&] { return stopping_ || !l.jobs.empty(); });
    if (stopping_) return;
    std::function<void()> job = std::move(l.jobs.front());
    l.jobs.pop_front();
    ++l.running;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("worker: {}", e.what());
    }
    job = nullptr;  // release what the job holds before taking the lock
    lock.lock();
    --l.running;
  }
}

}  // namespace wenyuan::server
