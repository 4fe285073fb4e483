// The watched folder of issue 8, end to end: 1,000 files dropped into a folder
// watched by a running in-process server (mixed .txt in UTF-8 and GB18030,
// .html, .md, .jsonl; some invalid; some written slowly in pieces; some renamed
// in from a hidden temporary name) while a client searches in a loop. Every
// valid document must become searchable exactly once (a phrase of its own
// text), every invalid file must be listed by GET /api/admin/rejected with its
// reason, and no search may fail. The timing is printed, not asserted.
#include <fcntl.h>
#include <unicode/ucnv.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "unit/server_fixture.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string to_gb18030(const std::string& utf8) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(utf8.size() * 2 + 16, '\0');
  const int32_t n = ucnv_convert("gb18030", "utf-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                 static_cast<int32_t>(utf8.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err));
  out.resize(static_cast<size_t>(n));
  return out;
}

// The phrase only document `n` holds.
std::string phrase(int n) { return "第" + std::to_string(n) + "号专项材料"; }

const char* const kSentences[] = {
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。",
    "一是加强组织领导，明确责任分工，确保各项任务落到实处。",
    "二是强化督促检查，建立工作台账，定期通报进展情况。",
    "三是注重宣传引导，营造良好氛围，推动形成工作合力。",
    "全年共组织开展专题学习十二次，覆盖党员干部三百余人次。",
    "下一步，我们将持续深化改革，着力解决群众急难愁盼问题。",
};

// Text of document `n`: every line carries n, so no line recurs across documents.
std::string body(int n, int lines) {
  std::string t;
  for (int i = 0; i < lines; ++i) {
    t += "（" + std::to_string(n) + "-" + std::to_string(i) + "）" + kSentences[(n + i) % 6] + "\n";
    if (i == lines / 2) t += "本文是" + phrase(n) + "的正文段落。\n";
  }
  return t;
}

std::string title(int n) { return "关于第" + std::to_string(n) + "号工作的情况报告"; }

void write_slowly(const fs::path& p, const std::string& bytes) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  for (size_t at = 0; at < bytes.size(); at += 200) {
    const size_t n = std::min<size_t>(200, bytes.size() - at);
    ASSERT_EQ(::write(fd, bytes.data() + at, n), static_cast<ssize_t>(n));
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  ::close(fd);
}

TEST(ServerWatch, ThousandFilesDroppedWhileSearchingBecomeSearchableOnceAndInvalidOnesAreListed) {
  const fs::path drop = fresh_dir("drop");
  auto config = TestServer::base_config();
  config.watch.folders = {drop};
  config.watch.stable_seconds = 0.5;
  // The searching client below measures search during the drop, not the rate limiter: on an
  // idle machine it asks more than the fixture's 1,000 a second.
  config.search_rate = {1e6, 1e6};
  TestServer ts;
  ts.start(config, {}, "watch");
  if (::testing::Test::HasFatalFailure()) return;

  constexpr int kFiles = 1000;
  std::vector<int> valid_docs;        // document numbers that must be found
  std::vector<std::string> invalid;   // relative paths that must be rejected
  std::atomic<bool> searching{true};
  std::atomic<uint64_t> searches{0}, failed{0};
  std::vector<double> latency_ms;
  std::thread client([&] {
    Client c = ts.as(ts.admin_token);
    int k = 0;
    while (searching.load()) {
      const auto t0 = Clock::now();
      auto r = c.get("/api/search?q=" + url_encode("\"" + phrase(k++ % kFiles) + "\"") + "&size=5");
      latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      ++searches;
      if (r.status != 200 || !r.json().contains("total")) ++failed;
    }
  });

  const auto t_start = Clock::now();
  std::vector<std::thread> slow;
  const char* folders[] = {"党建/工作总结/2024", "政府/报告", "讲话稿", "", "信息/简报"};
  int doc = 0;
  for (int i = 0; i < kFiles; ++i) {
    const fs::path dir = drop / folders[i % 5];
    fs::create_directories(dir);
    const std::string name = "f" + std::to_string(i);
    switch (i % 20) {
      case 0:  // empty: rejected
        write_file(dir / (name + ".txt"), "");
        invalid.push_back((fs::path(folders[i % 5]) / (name + ".txt")).generic_string());
        break;
      case 1: {  // binary garbage under an importable extension: rejected
        std::string g(2000, '\0');
        for (size_t b = 0; b < g.size(); ++b) g[b] = static_cast<char>((b * 131 + i) & 0xff);
        write_file(dir / (name + ".txt"), g);
        invalid.push_back((fs::path(folders[i % 5]) / (name + ".txt")).generic_string());
        break;
      }
      case 2:  // a .jsonl whose every line is broken: rejected
        write_file(dir / (name + ".jsonl"), "{\"title\": \"x\"\nnot json\n");
        invalid.push_back((fs::path(folders[i % 5]) / (name + ".jsonl")).generic_string());
        break;
      case 3: case 4: case 5: {  // GB18030 .txt (long enough for detection)
        const int n = doc++;
        write_file(dir / (name + ".txt"), to_gb18030(title(n) + "\n" + body(n, 24)));
        valid_docs.push_back(n);
        break;
      }
      case 6: case 7: {  // .html
        const int n = doc++;
        std::string b = body(n, 8), html = "<html><head><title>" + title(n) + "</title></head><body>";
        size_t s = 0;
        for (size_t e; (e = b.find('\n', s)) != std::string::npos; s = e + 1) html += "<p>" + b.substr(s, e - s) + "</p>";
        write_file(dir / (name + ".html"), html + "</body></html>");
        valid_docs.push_back(n);
        break;
      }
      case 8: case 9: {  // .md
        const int n = doc++;
        write_file(dir / (name + ".md"), "# " + title(n) + "\n\n" + body(n, 8));
        valid_docs.push_back(n);
        break;
      }
      case 10: {  // .jsonl with three documents
        std::string lines;
        for (int r = 0; r < 3; ++r) {
          const int n = doc++;
          lines += nlohmann::json{{"title", title(n)}, {"text", body(n, 6)}}.dump() + "\n";
          valid_docs.push_back(n);
        }
        write_file(dir / (name + ".jsonl"), lines);
        break;
      }
      case 11: {  // renamed in from a hidden temporary name, as sync clients do
        const int n = doc++;
        write_file(dir / ("." + name + ".txt.tmp"), title(n) + "\n" + body(n, 8));
        fs::rename(dir / ("." + name + ".txt.tmp"), dir / (name + ".txt"));
        valid_docs.push_back(n);
        break;
      }
      case 12: {  // written slowly in pieces
        const int n = doc++;
        slow.emplace_back(write_slowly, dir / (name + ".txt"), title(n) + "\n" + body(n, 12));
        valid_docs.push_back(n);
        break;
      }
      default: {  // UTF-8 .txt
        const int n = doc++;
        write_file(dir / (name + ".txt"), title(n) + "\n" + body(n, 8));
        valid_docs.push_back(n);
        break;
      }
    }
  }
  for (auto& t : slow) t.join();
  const double dropped_s = std::chrono::duration<double>(Clock::now() - t_start).count();

  const auto& engine = ts.server->library().engine();
  auto all_found = [&] {
    return std::all_of(valid_docs.begin(), valid_docs.end(), [&](int n) {
      auto ids = engine.matching_ids("\"" + phrase(n) + "\"");
      return ids && ids->size() == 1;
    });
  };
  Client admin = ts.as(ts.admin_token);
  auto rejected_count = [&] {
    auto j = admin.get("/api/admin/rejected").json();
    return j.contains("files") ? j["files"].size() : 0u;
  };
  const auto until = Clock::now() + std::chrono::seconds(120);
  while (Clock::now() < until && !(all_found() && rejected_count() == invalid.size())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double done_s = std::chrono::duration<double>(Clock::now() - t_start).count();
  searching = false;
  client.join();

  // Through HTTP, as a user would: each document's own phrase finds exactly it.
  size_t not_once = 0;
  for (int n : valid_docs) {
    auto r = admin.get("/api/search?q=" + url_encode("\"" + phrase(n) + "\"") + "&size=5").json();
    if (r.value("total", 0) != 1) {
      if (++not_once <= 5) ADD_FAILURE() << phrase(n) << ": total " << r.value("total", -1);
    }
  }
  EXPECT_EQ(not_once, 0u);
  uint64_t stored = 0;
  ts.server->exclusive([&](library::Library& lib) { stored = *lib.catalog().count({}); });
  EXPECT_EQ(stored, valid_docs.size());

  auto rej = admin.get("/api/admin/rejected");
  ASSERT_EQ(rej.status, 200);
  EXPECT_EQ(rej.body.find(drop.string()), std::string::npos) << "an absolute server path in the answer";
  std::vector<std::string> listed;
  const auto rej_json = rej.json();
  for (const auto& f : rej_json["files"]) {
    listed.push_back(f["path"].get<std::string>());
    EXPECT_FALSE(f["reason"].get<std::string>().empty()) << f.dump();
  }
  std::sort(listed.begin(), listed.end());
  std::sort(invalid.begin(), invalid.end());
  EXPECT_EQ(listed, invalid);
  EXPECT_EQ(ts.as(ts.free_token).get("/api/admin/rejected").status, 403);
  EXPECT_EQ(ts.client().get("/api/admin/rejected").status, 401);

  EXPECT_EQ(failed.load(), 0u) << "searches that failed during the drop";
  std::sort(latency_ms.begin(), latency_ms.end());
  const auto pct = [&](double p) {
    return latency_ms.empty() ? 0.0 : latency_ms[static_cast<size_t>(p * (latency_ms.size() - 1))];
  };
  std::printf(
      "[watch drop] %d files (%zu documents, %zu invalid) written in %.2f s; all searchable and listed %.2f s "
      "after the first file; %llu searches during it, %llu failed, p50 %.2f ms, p99 %.2f ms\n",
      kFiles, valid_docs.size(), invalid.size(), dropped_s, done_s, static_cast<unsigned long long>(searches.load()),
      static_cast<unsigned long long>(failed.load()), pct(0.5), pct(0.99));
  fs::remove_all(drop);
}

}  // namespace
}  // namespace wenyuan::testing
