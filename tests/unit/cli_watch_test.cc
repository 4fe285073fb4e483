// `wenyuan watch --once` and `wenyuan rejected` as a user runs them: a folder
// with good, bad, temporary and foreign files; a second run after a change and
// a delete; and --no-folder-category.
#include <gtest/gtest.h>

#include "support/cli_process.h"
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

wenyuan::testing::CliRun wenyuan(const std::string& args) { return wenyuan::testing::run_cli(args, "", false); }

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

std::string notice(const std::string& k) {
  return "关于做好" + k + "工作的通知\n各单位：\n现就做好" + k + "工作通知如下。\n一、提高认识，加强领导。\n某市人民政府办公室\n";
}

TEST(CliWatch, OnceImportsListsRejectedAndFollowsChanges) {
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_cli_watch_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path w = dir / "网盘";
  write(w / "党建" / "2024" / "a.txt", notice("防汛"));
  write(w / "b.md", "# " + notice("招商"));
  write(w / "empty.txt", "");
  write(w / "~$lock.txt", notice("锁文件"));
  write(w / "c.txt.tmp", notice("临时"));
  write(w / "pic.png", "png");
  const std::string data = "--data '" + (dir / "lib").string() + "'";
  const std::string once = "watch '" + w.string() + "' --once --stable-seconds 0.1 --json " + data;

  auto r = wenyuan(once);
  EXPECT_EQ(r.rc, 1) << r.out;  // a file was rejected
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_EQ(j["imported"], 2);
  EXPECT_EQ(j["rejected"], 1);
  ASSERT_EQ(j["skipped"].size(), 1u);
  EXPECT_EQ(j["skipped"][0]["path"], "pic.png");
  EXPECT_EQ(j["skipped"][0]["reason"], "not an importable format");

  auto rej = json::parse(wenyuan("rejected --json " + data).out, nullptr, false);
  ASSERT_EQ(rej["files"].size(), 1u);
  EXPECT_EQ(rej["files"][0]["path"], "empty.txt");
  EXPECT_FALSE(rej["files"][0]["reason"].get<std::string>().empty());

  auto list = json::parse(wenyuan("list --json " + data).out, nullptr, false);
  ASSERT_EQ(list.size(), 2u);
  for (const auto& d : list) {
    EXPECT_EQ(d["category"], d["title"].get<std::string>().find("防汛") != std::string::npos ? "党建/2024" : "")
        << d.dump();
  }

  // Nothing changed: nothing to do, and the rejected file is not retried.
  j = json::parse(wenyuan(once).out, nullptr, false);
  EXPECT_EQ(j["imported"], 0);
  EXPECT_EQ(j["rejected"], 0);

  // The rejected file gets text, one file goes: imported and removed.
  write(w / "empty.txt", notice("安全生产"));
  fs::remove(w / "b.md");
  r = wenyuan(once);
  EXPECT_EQ(r.rc, 0) << r.out;
  j = json::parse(r.out, nullptr, false);
  EXPECT_EQ(j["imported"], 1);
  EXPECT_EQ(j["removed"], 1);
  EXPECT_EQ(json::parse(wenyuan("rejected --json " + data).out, nullptr, false)["files"].size(), 0u);
  EXPECT_EQ(json::parse(wenyuan("list --json " + data).out, nullptr, false).size(), 2u);

  // Without folder categories, in a fresh library.
  const std::string data2 = "--data '" + (dir / "lib2").string() + "'";
  r = wenyuan("watch '" + w.string() + "' --once --stable-seconds 0.1 --no-folder-category " + data2);
  EXPECT_EQ(r.rc, 0) << r.out;
  for (const auto& d : json::parse(wenyuan("list --json " + data2).out, nullptr, false)) EXPECT_EQ(d["category"], "");
  fs::remove_all(dir);
}

}  // namespace
