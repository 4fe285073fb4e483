// Handlers off the network threads (issue 14): with every worker busy and the
// queue full, a further request gets 503 + Retry-After at once, /healthz still
// answers on the network thread, and once the work is let go every accepted
// request gets its answer. The handler blocks on a latch the test opens, so
// "saturated" is a state the test sees (requests_running/queued), not a speed.
// (Every other server test runs its handlers on the workers too: Server starts
// HttpServer with workers; the search budget is checked in search_budget_test.)

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "unit/server_fixture.h"
#include "wenyuan/server/http_server.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/server/work_queue.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace wenyuan::testing {
namespace {

template <typename F>
bool eventually(F&& done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

struct Latch {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard l(mu);
      open = true;
    }
    cv.notify_all();
  }
};

TEST(WorkQueue, RefusesBeyondTheQueueAndRunsWhatItTook) {
  Latch latch;
  std::atomic<int> ran{0};
  server::WorkQueue q(2, 3);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(q.try_submit([&] { latch.wait(); ++ran; }));
  ASSERT_TRUE(eventually([&] { return q.running() == 2; }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.try_submit([&] { ++ran; }));
  EXPECT_EQ(q.queued(), 3u);
  EXPECT_FALSE(q.try_submit([&] { ++ran; }));  // full: refused, not run later
  latch.release();
  ASSERT_TRUE(eventually([&] { return ran == 5 && q.running() == 0; }));
  q.stop();
  EXPECT_FALSE(q.try_submit([&] { ++ran; }));
  EXPECT_EQ(ran, 5);
}

// The costly lane (issue 10): costly jobs that hold every costly worker and
// fill their own queue neither take an ordinary worker nor a place in the
// ordinary queue; the lane refuses beyond its own bound.
TEST(WorkQueue, CostlyJobsHaveTheirOwnWorkersAndQueue) {
  Latch latch;
  std::atomic<int> ran{0}, cheap{0};
  server::WorkQueue q(1, 1, 1, 2);
  using Lane = server::WorkQueue::Lane;
  ASSERT_TRUE(q.try_submit([&] { latch.wait(); ++ran; }, Lane::kCostly));
  ASSERT_TRUE(eventually([&] { return q.running(Lane::kCostly) == 1; }));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(q.try_submit([&] { latch.wait(); ++ran; }, Lane::kCostly));
  EXPECT_EQ(q.queued(Lane::kCostly), 2u);
  EXPECT_FALSE(q.try_submit([&] { ++ran; }, Lane::kCostly));  // the costly lane is full
  EXPECT_EQ(q.max_queued(Lane::kCostly), 2u);
  // The ordinary lane still runs job after job while the costly one is stuck.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(q.try_submit([&] { ++cheap; }));
    ASSERT_TRUE(eventually([&] { return cheap == i + 1; }));
  }
  EXPECT_EQ(q.running(Lane::kNormal), 0u);
  EXPECT_EQ(q.queued(Lane::kNormal), 0u);
  EXPECT_EQ(q.running(), 1u);
  EXPECT_EQ(q.queued(), 2u);
  latch.release();
  ASSERT_TRUE(eventually([&] { return ran == 3 && q.running() == 0; }));
}

TEST(WorkQueue, WithoutCostlyWorkersCostlyJobsShareTheOrdinaryLane) {
  Latch latch;
  std::atomic<int> ran{0};
  server::WorkQueue q(1, 1);
  using Lane = server::WorkQueue::Lane;
  ASSERT_TRUE(q.try_submit([&] { latch.wait(); ++ran; }, Lane::kCostly));
  ASSERT_TRUE(eventually([&] { return q.running() == 1; }));
  ASSERT_TRUE(q.try_submit([&] { ++ran; }));
  EXPECT_FALSE(q.try_submit([&] { ++ran; }, Lane::kCostly));  // one queue, full
  latch.release();
  ASSERT_TRUE(eventually([&] { return ran == 2 && q.running() == 0; }));
}

// Through the server: a search of more than costly_terms terms goes to the
// costly lane (routes::search_terms is the estimate); filters are not terms.
TEST(ServerWorkers, SearchTermsCountsTheQueryTermsOfSearchRoutesOnly) {
  EXPECT_EQ(server::routes::search_terms("/api/search?q=%E5%8F%91%E5%B1%95"), 1u);
  EXPECT_EQ(server::routes::search_terms("/api/search?q=a%20%7C%20b%20%7C%20c&year=2020"), 3u);
  EXPECT_EQ(server::routes::search_terms("/api/search/facets?q=a%20b"), 2u);
  EXPECT_EQ(server::routes::search_terms("/api/docs/x?q=a%20b"), 0u);
  EXPECT_EQ(server::routes::search_terms("/api/search?q=%22unclosed"), 0u);  // a 400, answered fast
  EXPECT_EQ(server::routes::search_terms("/api/searchx?q=a"), 0u);
}

TEST(ServerWorkers, HealthzAnswersWhileEveryWorkerIsBusyAndTheQueueRefuses) {
  Latch latch;
  server::HttpServer::Options o;
  o.threads = 1;
  o.workers = 2;
  o.max_queued = 2;
  o.runs_inline = [](const server::HttpServer::Request& r) { return r.target() == "/healthz"; };
  auto srv = server::HttpServer::start(
      o,
      [&](const server::HttpServer::Request& r, const std::string&) {
        server::HttpServer::Response res{http::status::ok, 11};
        if (r.target() == "/healthz") {
          res.body() = "ok";
        } else {
          latch.wait();
          res.body() = "slow " + std::string(r.target());
        }
        res.prepare_payload();
        return res;
      },
      [](const server::HttpServer::Request&) { return size_t{1024}; });
  ASSERT_TRUE(srv) << srv.status().message();
  auto& http = **srv;
  const uint16_t port = http.port();

  // Two requests occupy both workers, two more wait in the queue.
  std::vector<std::future<HttpResult>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::async(std::launch::async, [port, i] {
      return Client(port).request(http::verb::get, "/slow/" + std::to_string(i));
    }));
    if (i == 1) {
      ASSERT_TRUE(eventually([&] { return http.requests_running() == 2; }));
    }
  }
  ASSERT_TRUE(eventually([&] { return http.requests_queued() == 2; }));

  // Saturated: the next request is refused at once with Retry-After ...
  const HttpResult busy = Client(port).request(http::verb::get, "/slow/refused");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.header("retry-after"), "1");
  EXPECT_EQ(busy.json()["error"]["code"], "busy") << busy.body;
  // ... and /healthz answers, many times over, while nothing of the work moved.
  for (int i = 0; i < 20; ++i) {
    const HttpResult h = Client(port).request(http::verb::get, "/healthz");
    ASSERT_EQ(h.status, 200);
    EXPECT_EQ(h.body, "ok");
  }
  EXPECT_EQ(http.requests_running(), 2u);
  EXPECT_EQ(http.requests_queued(), 2u);

  latch.release();
  for (int i = 0; i < 4; ++i) {
    const HttpResult r = slow[i].get();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "slow /slow/" + std::to_string(i));
  }
  http.begin_shutdown();
  http.wait();
}

TEST(ServerWorkers, ShutdownWaitsForARequestOnAWorker) {
  Latch latch;
  std::atomic<bool> entered{false};
  server::HttpServer::Options o;
  o.threads = 1;
  o.workers = 1;
  o.limits.shutdown_grace_s = 60;
  auto srv = server::HttpServer::start(
      o,
      [&](const server::HttpServer::Request&, const std::string&) {
        entered = true;
        latch.wait();
        server::HttpServer::Response res{http::status::ok, 11};
        res.body() = "done";
        res.prepare_payload();
        return res;
      },
      [](const server::HttpServer::Request&) { return size_t{1024}; });
  ASSERT_TRUE(srv);
  auto& http = **srv;
  const uint16_t port = http.port();
  auto pending = std::async(std::launch::async, [port] { return Client(port).request(http::verb::get, "/x"); });
  ASSERT_TRUE(eventually([&] { return entered.load(); }));
  http.begin_shutdown();  // while the only request is on the worker
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  latch.release();
  const HttpResult r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  http.wait();
}

// The workers yield to the network threads (kWorkerNice) and the costly lane
// to everything (nice 19): each job reads its own thread's nice value.
TEST(WorkQueuePriorities, WorkersRunBelowTheCallerAndTheCostlyLaneLowest) {
  auto nice_of_this_thread = [] {
    errno = 0;
    return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  };
  const int base = nice_of_this_thread();
  server::WorkQueue q(1, 4, 1, 4);
  std::promise<int> normal, costly;
  ASSERT_TRUE(q.try_submit([&] { normal.set_value(nice_of_this_thread()); }, server::WorkQueue::Lane::kNormal));
  ASSERT_TRUE(q.try_submit([&] { costly.set_value(nice_of_this_thread()); }, server::WorkQueue::Lane::kCostly));
  EXPECT_EQ(normal.get_future().get(), std::min(19, base + server::kWorkerNice));
  EXPECT_EQ(costly.get_future().get(), 19);
}

}  // namespace
}  // namespace wenyuan::testing
