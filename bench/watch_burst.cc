// watch_burst: 10,000 files dropped at once into the watched folder of a running
// server (in-process, real HTTP): how long until the last one is searchable, and
// search latency (p50/p99, over HTTP) during the burst against idle.
//
//   build/release/bench/watch_burst [--files 10000] [--prefill 2000] [--stable 2] [--idle-seconds 5]
//
// The library holds `--prefill` documents before the burst, so searches have
// something to do. Every burst document carries one marker phrase; the burst is
// done when a search for it finds all of them. Searches draw phrases of the
// prefilled documents and two common terms, anonymously, one keep-alive
// connection, back to back.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "wenyuan/search/engine.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/server.h"

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace wenyuan;

namespace {

const char* const kSentences[] = {
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。",
    "一是加强组织领导，明确责任分工，确保各项任务落到实处。",
    "二是强化督促检查，建立工作台账，定期通报进展情况。",
    "三是注重宣传引导，营造良好氛围，推动形成工作合力。",
    "全年共组织开展专题学习十二次，覆盖党员干部三百余人次。",
    "下一步，我们将持续深化改革，着力解决群众急难愁盼问题。",
};
const std::string kMarker = "突发批次专用标记语";

std::string document(const std::string& tag, int n, bool marker) {
  std::string t = "关于" + tag + std::to_string(n) + "号工作的情况报告\n";
  for (int i = 0; i < 20; ++i) {
    t += "（" + tag + std::to_string(n) + "-" + std::to_string(i) + "）" + kSentences[(n + i) % 6];
    // Inside a line that names n: a line recurring at the edge of many documents
    // would be taken out by the cleaner as a site footer.
    if (marker && i == 10) t += "本文含" + kMarker + "。";
    t += "\n";
  }
  return t;
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

struct Searcher {
  uint16_t port;
  std::vector<std::string> queries;
  std::atomic<int> phase{0};  // 0 wait, 1 idle, 2 burst, 3 stop
  std::vector<double> idle_ms, burst_ms;
  std::atomic<uint64_t> failed{0};

  void run() {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    beast::flat_buffer buffer;
    size_t k = 0;
    for (int p; (p = phase.load()) != 3;) {
      if (p == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      http::request<http::string_body> req{http::verb::get, "/api/search?q=" + server::percent_encode(queries[k++ % queries.size()]) + "&size=10", 11};
      req.set(http::field::host, "127.0.0.1");
      const auto t0 = Clock::now();
      http::response<http::string_body> res;
      beast::error_code ec;
      http::write(socket, req, ec);
      if (!ec) http::read(socket, buffer, res, ec);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (ec || res.result_int() != 200) {
        ++failed;
        if (ec) {  // reconnect
          socket = tcp::socket(ioc);
          socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        }
        continue;
      }
      (p == 1 ? idle_ms : burst_ms).push_back(ms);
    }
  }
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int files = 10000, prefill = 2000;
  double stable = 2, idle_seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--files") files = std::stoi(argv[i + 1]);
    else if (a == "--prefill") prefill = std::stoi(argv[i + 1]);
    else if (a == "--stable") stable = std::stod(argv[i + 1]);
    else if (a == "--idle-seconds") idle_seconds = std::stod(argv[i + 1]);
  }
  const fs::path root = fs::temp_directory_path() / ("wenyuan_watch_burst_" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path drop = root / "网盘", pre = root / "prefill";
  fs::create_directories(drop);
  fs::create_directories(pre);
  for (int n = 0; n < prefill; ++n) write_file(pre / ("p" + std::to_string(n) + ".txt"), document("存量", n, false));

  server::ServeOptions o;
  o.data_dir = root / "data";
  o.config.listen = "127.0.0.1:0";
  o.config.threads = 2;
  o.config.search_rate = {1e6, 1e6};
  o.config.watch.folders = {drop};
  o.config.watch.stable_seconds = stable;
  auto s = server::Server::start(o);
  if (!s) {
    std::fprintf(stderr, "watch_burst: %s\n", s.status().message().c_str());
    return 2;
  }
  auto& srv = **s;
  {
    srv.exclusive([&](library::Library& lib) { lib.import_paths({pre}, {}); });
  }

  Searcher searcher;
  searcher.port = srv.port();
  for (int n = 0; n < prefill; n += std::max(1, prefill / 200)) searcher.queries.push_back("存量" + std::to_string(n) + "-3");
  searcher.queries.push_back("工作");
  searcher.queries.push_back("组织领导");
  std::thread client([&] { searcher.run(); });

  searcher.phase = 1;
  std::this_thread::sleep_for(std::chrono::duration<double>(idle_seconds));
  searcher.phase = 2;

  const auto t0 = Clock::now();
  for (int n = 0; n < files; ++n) {
    const fs::path dir = drop / ("文件夹" + std::to_string(n % 10));
    if (n < 10) fs::create_directories(dir);
    write_file(dir / ("b" + std::to_string(n) + ".txt"), document("新增", n, true));
  }
  const double written_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto& engine = srv.library().engine();
  size_t found = 0;
  const auto give_up = t0 + std::chrono::seconds(600);
  while (Clock::now() < give_up) {
    auto ids = engine.matching_ids("\"" + kMarker + "\"");
    found = ids ? ids->size() : 0;
    if (found >= static_cast<size_t>(files)) break;
    if (std::getenv("WATCH_BURST_VERBOSE")) std::fprintf(stderr, "found %zu\n", found);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double done_s = std::chrono::duration<double>(Clock::now() - t0).count();
  searcher.phase = 3;
  client.join();
  // The counters are added up after the batch's index commit (which made the documents searchable).
  for (int i = 0; i < 100 && srv.watcher()->counters().imported < static_cast<uint64_t>(files); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto c = srv.watcher()->counters();
  char load[128] = "";
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (!std::fgets(load, sizeof load, f)) load[0] = 0;
    std::fclose(f);
  }
  std::printf("watch_burst: %d files (prefill %d documents, stable %.1f s); load average %s", files, prefill, stable, load);
  std::printf("  written in %.2f s; last searchable %.2f s after the first was written (%zu of %d found)\n", written_s,
              done_s, found, files);
  std::printf("  watcher: %llu batches, %llu rescans, imported %llu, rejected %llu\n",
              static_cast<unsigned long long>(c.batches), static_cast<unsigned long long>(c.rescans),
              static_cast<unsigned long long>(c.imported), static_cast<unsigned long long>(c.rejected));
  std::printf("  search idle:  %zu searches, p50 %.2f ms, p99 %.2f ms\n", searcher.idle_ms.size(), pct(searcher.idle_ms, 0.5),
              pct(searcher.idle_ms, 0.99));
  std::printf("  search burst: %zu searches, p50 %.2f ms, p99 %.2f ms; %llu failed\n", searcher.burst_ms.size(),
              pct(searcher.burst_ms, 0.5), pct(searcher.burst_ms, 0.99),
              static_cast<unsigned long long>(searcher.failed.load()));
  s->reset();
  fs::remove_all(root);
  return found >= static_cast<size_t>(files) ? 0 : 1;
}
