// Many processes on one library, with the real binary (docs/living-library.md):
// the defect as a new user met it (a CLI import while `wenyuan serve`
// runs was never searchable over HTTP, and the server's next commit dropped it
// from the index), and CLI readers during a CLI import (they died with SIGBUS
// or "bad footer magic" when two writers truncated each other's segments).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_process.h"
#include "support/report_records.h"
#include "unit/server_client.h"

namespace fs = std::filesystem;
using wenyuan::testing::run_cli;
using wenyuan::testing::ServeProcess;
using wenyuan::testing::url_encode;

namespace {

class CliWriters : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wy_cli_writers_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = " --data " + (dir_ / "lib").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `n` reports, each with its own phrase "编号K号专项" and the shared "群众满意度持续提升".
  fs::path jsonl(const std::string& name, int first, int n) {
    const fs::path file = dir_ / name;
    wenyuan::testing::write_report_records(file, "r", first, n);
    return file;
  }

  // A server config whose search rate limit the tests' polling loops never reach
  // (the default is per IP, and every client here is 127.0.0.1).
  std::vector<std::string> unthrottled() {
    const fs::path f = dir_ / "serve.toml";
    std::ofstream(f) << "[rate.search]\nper_second = 100000.0\nburst = 100000.0\n";
    return {"--config", f.string()};
  }

  int cli_total(const std::string& q) {
    auto r = run_cli("search --json --limit 0 '" + q + "'" + data_);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_EQ(r.rc, 0) << r.out;
    return j.is_object() && j.contains("total") ? j["total"].get<int>() : -1;
  }

  fs::path dir_;
  std::string data_;
};

TEST_F(CliWriters, ACliImportWhileServingIsSearchableAndSurvivesTheServersCommits) {
  ASSERT_EQ(run_cli("import -q " + std::string(WENYUAN_SAMPLE_DIR) + data_).rc, 0);
  ASSERT_EQ(run_cli("user add boss --tier admin --password boss-password" + data_).rc, 0);
  const std::string token = run_cli("token create --user boss" + data_).out.substr(0, 64);
  ServeProcess serve((dir_ / "lib").string(), unthrottled());
  ASSERT_NE(serve.port(), 0);
  wenyuan::testing::Client http(serve.port());
  const std::string q = "/api/search?q=" + url_encode("群众满意度持续提升");
  EXPECT_EQ(http.get(q).json()["total"], 0);

  auto imported = run_cli("import -q " + jsonl("reports.jsonl", 0, 72).string() + data_);
  ASSERT_EQ(imported.rc, 0) << imported.out;
  EXPECT_NE(imported.out.find("imported 72"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("wenyuan serve"), std::string::npos) << imported.out;  // who indexes them
  // Searchable over HTTP once the server's tailer has seen the log (aim: a second).
  const auto t0 = std::chrono::steady_clock::now();
  int total = 0;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20)) {
    total = http.get(q).json()["total"].get<int>();
    if (total == 72) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(total, 72);
  std::printf("[ timing ] a CLI import of 72 documents searchable over HTTP %.0f ms after the import exited\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());

  // The server's own commit (an admin upload) keeps them.
  http.bearer = token;
  const std::string boundary = "----wyBoundary8";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"extra.txt\"\r\n"
                           "Content-Type: text/plain\r\n\r\n追加材料\n编号900号专项工作取得新进展，群众满意度持续提升。\r\n--" +
                           boundary + "--\r\n";
  auto up = http.request(boost::beast::http::verb::post, "/api/admin/documents", body,
                         "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(http.get(q).json()["total"], 73);
  EXPECT_EQ(cli_total("群众满意度持续提升"), 73);
  EXPECT_EQ(cli_total("编号45号专项"), 1);

  // A CLI delete reaches the server the same way.
  ASSERT_EQ(run_cli("delete r45" + data_).rc, 0);
  for (int i = 0; i < 1000 && http.get(q).json()["total"] != 72; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(http.get(q).json()["total"], 72);
  auto verify = run_cli("verify" + data_);
  EXPECT_EQ(verify.rc, 0) << verify.out;
  EXPECT_NE(verify.out.find("consistent"), std::string::npos) << verify.out;
  // The server holds the lock: maintenance says who does, and changes nothing.
  auto reindex = run_cli("reindex" + data_);
  EXPECT_EQ(reindex.rc, 2);
  EXPECT_NE(reindex.out.find("wenyuan serve"), std::string::npos) << reindex.out;
  EXPECT_EQ(serve.stop(), 0);
  verify = run_cli("verify --json" + data_);
  auto vj = nlohmann::json::parse(verify.out, nullptr, false);
  ASSERT_TRUE(vj.is_object()) << verify.out;
  EXPECT_EQ(vj["ok"], true);
  EXPECT_EQ(vj["pending_changes"], 0);
  EXPECT_EQ(vj["index_documents"], vj["catalog_documents"]);
}

TEST_F(CliWriters, ReadersDuringAnImportNeverCrash) {
  // Two CLI writers and readers at once, six rounds, as the issue tried it.
  for (int round = 0; round < 6; ++round) {
    const fs::path a = jsonl("a" + std::to_string(round) + ".jsonl", round * 1000, 400);
    const fs::path b = jsonl("b" + std::to_string(round) + ".jsonl", round * 1000 + 500, 400);
    std::thread w1([&] { auto r = run_cli("import -q " + a.string() + data_); EXPECT_EQ(r.rc, 0) << r.out; });
    std::thread w2([&] { auto r = run_cli("import -q " + b.string() + data_); EXPECT_EQ(r.rc, 0) << r.out; });
    for (int i = 0; i < 5; ++i) {
      auto r = run_cli("search --json --limit 0 群众满意度" + data_);
      EXPECT_EQ(r.signal, 0) << "a reader died with signal " << r.signal << ": " << r.out;
      EXPECT_TRUE(r.rc == 0 || r.rc == 2) << r.out;  // 2: the library folder may not exist yet
      if (r.rc == 2) {
        EXPECT_NE(r.out.find("no library here"), std::string::npos) << r.out;
      }
    }
    w1.join();
    w2.join();
    EXPECT_EQ(cli_total("群众满意度"), (round + 1) * 800);
  }
  auto verify = run_cli("verify" + data_);
  EXPECT_EQ(verify.rc, 0) << verify.out;
}

// Everything at once against one served library, as an office uses it: CLI
// imports, CLI deletes, admin uploads and files arriving in a watched folder.
// Afterwards the index verifies and every surviving document is found exactly
// once by a phrase of its own text; every deleted one not at all.
TEST_F(CliWriters, ImportsDeletesUploadsAndAWatchedFolderAtOnce) {
  ASSERT_EQ(run_cli("user add boss --tier admin --password boss-password" + data_).rc, 0);
  const std::string token = run_cli("token create --user boss" + data_).out.substr(0, 64);
  const fs::path watched = dir_ / "网盘";
  fs::create_directories(watched);
  std::vector<std::string> args = unthrottled();
  args.insert(args.end(), {"--watch", watched.string()});
  ServeProcess serve((dir_ / "lib").string(), args);
  ASSERT_NE(serve.port(), 0);
  std::map<int, bool> expect;  // phrase number -> should be found
  std::mutex expect_mu;
  auto want = [&](int k, bool found) {
    std::lock_guard<std::mutex> l(expect_mu);
    expect[k] = found;
  };
  std::thread cli_imports([&] {
    for (int round = 0; round < 4; ++round) {
      const int first = round * 100;
      auto r = run_cli("import -q " + jsonl("cli" + std::to_string(round) + ".jsonl", first, 50).string() + data_);
      EXPECT_EQ(r.rc, 0) << r.out;
      for (int k = first; k < first + 50; ++k) want(k, true);
      // CLI deletes of part of what was just imported.
      for (int k = first; k < first + 5; ++k) {
        EXPECT_EQ(run_cli("delete r" + std::to_string(k) + data_).rc, 0);
        want(k, false);
      }
    }
  });
  std::thread uploads([&] {
    wenyuan::testing::Client http(serve.port());
    http.bearer = token;
    for (int k = 1000; k < 1020; ++k) {
      const std::string b = "----wyUp" + std::to_string(k);
      const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"u" +
                               std::to_string(k) + ".txt\"\r\nContent-Type: text/plain\r\n\r\n上传材料" +
                               std::to_string(k) + "\n编号" + std::to_string(k) +
                               "号专项工作取得新进展，群众满意度持续提升。\r\n--" + b + "--\r\n";
      auto up = http.request(boost::beast::http::verb::post, "/api/admin/documents", body,
                             "multipart/form-data; boundary=" + b);
      EXPECT_EQ(up.status, 200) << up.body;
      want(k, true);
    }
  });
  std::thread watch_drops([&] {
    for (int k = 2000; k < 2040; ++k) {
      // As a sync client does: written under a hidden name, renamed into place.
      const fs::path tmp = watched / (".part" + std::to_string(k));
      {
        std::ofstream out(tmp);
        out << "网盘材料" << k << "\n编号" << k << "号专项工作取得新进展，群众满意度持续提升。\n";
      }
      fs::create_directories(watched / "党建");
      fs::rename(tmp, watched / "党建" / ("w" + std::to_string(k) + ".txt"));
      want(k, true);
    }
  });
  // Readers all along: none fails.
  std::atomic<bool> done{false};
  std::thread searches([&] {
    wenyuan::testing::Client http(serve.port());
    while (!done) {
      auto r = http.get("/api/search?q=" + url_encode("群众满意度持续提升"));
      EXPECT_EQ(r.status, 200) << r.body;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  cli_imports.join();
  uploads.join();
  watch_drops.join();

  wenyuan::testing::Client http(serve.port());
  size_t alive = 0;
  for (const auto& [k, found] : expect) alive += found;
  // Wait for every change, not for the count: a late watched file and a late delete give the
  // right total together while both documents are still wrong.
  auto phrases_right = [&] {
    for (const auto& [k, found] : expect) {
      const auto r = http.get("/api/search?q=" + url_encode("编号" + std::to_string(k) + "号专项")).json();
      if (r.value("total", -1) != (found ? 1 : 0)) return false;
    }
    return true;
  };
  int total = -1;
  for (int i = 0; i < 1500; ++i) {
    const auto j = http.get("/api/search?q=" + url_encode("群众满意度持续提升")).json();
    total = j.contains("total") ? j["total"].get<int>() : -1;
    if (total == static_cast<int>(alive) && phrases_right()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  done = true;
  searches.join();
  EXPECT_EQ(total, static_cast<int>(alive));
  for (const auto& [k, found] : expect) {
    const auto r = http.get("/api/search?q=" + url_encode("编号" + std::to_string(k) + "号专项")).json();
    EXPECT_EQ(r["total"], found ? 1 : 0) << "phrase " << k;
  }
  auto verify = run_cli("verify --json" + data_);
  auto vj = nlohmann::json::parse(verify.out, nullptr, false);
  ASSERT_TRUE(vj.is_object()) << verify.out;
  EXPECT_EQ(vj["ok"], true) << verify.out;
  EXPECT_EQ(vj["index_documents"], static_cast<int>(alive)) << verify.out;
  EXPECT_EQ(serve.stop(), 0);
}

}  // namespace
