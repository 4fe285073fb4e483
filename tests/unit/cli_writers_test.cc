// Many processes on one library, with the real binary (docs/living-library.md):
// the defect as a new user met it (a CLI import while `wenyuan serve`
// runs was never searchable over HTTP, and the server's next commit dropped it
// from the index), and CLI readers during a CLI import (they died with SIGBUS
// or "bad footer magic" when two writers truncated each other's segments).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/cli_process.h"
#include "unit/server_client.h"

namespace fs = std::filesystem;
using wenyuan::testing::run_cli;
using wenyuan::testing::ServeProcess;

namespace {

std::string url_encode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

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
    std::ofstream out(file);
    for (int k = first; k < first + n; ++k) {
      nlohmann::json j;
      j["id"] = "r" + std::to_string(k);
      j["title"] = "第" + std::to_string(k) + "号工作报告";
      j["text"] = "第" + std::to_string(k) + "组坚持稳中求进。\n编号" + std::to_string(k) +
                  "号专项工作取得新进展，群众满意度持续提升" + std::to_string(k) + "次。";
      out << j.dump() << "\n";
    }
    return file;
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
  ServeProcess serve((dir_ / "lib").string());
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
    std::thread w1([&] { EXPECT_EQ(run_cli("import -q " + a.string() + data_).rc, 0); });
    std::thread w2([&] { EXPECT_EQ(run_cli("import -q " + b.string() + data_).rc, 0); });
    for (int i = 0; i < 5; ++i) {
      auto r = run_cli("search --json --limit 0 群众满意度" + data_);
      EXPECT_EQ(r.signal, 0) << "a reader died with signal " << r.signal << ": " << r.out;
      EXPECT_TRUE(r.rc == 0 || r.rc == 2) << r.out;  // 2: the library folder may not exist yet
      if (r.rc == 2) EXPECT_NE(r.out.find("no library here"), std::string::npos) << r.out;
    }
    w1.join();
    w2.join();
    EXPECT_EQ(cli_total("群众满意度"), (round + 1) * 800);
  }
  auto verify = run_cli("verify" + data_);
  EXPECT_EQ(verify.rc, 0) << verify.out;
}

}  // namespace
