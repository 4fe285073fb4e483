// Library::import_paths records every run in DATA/intake.db: its origin, the
// counts of its report, and its rejects split into the path as given and the
// reason (a .jsonl record's line kept with the path). The caller's on_reject
// still sees every message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "wenyuan/library/library.h"
#include "wenyuan/store/intake_log.h"

namespace fs = std::filesystem;
using wenyuan::library::ImportOptions;
using wenyuan::library::Library;

namespace {

class LibraryIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wenyuan_library_intake_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
  fs::path dir_;
};

TEST_F(LibraryIntakeTest, EveryRunIsRecordedWithOriginCountsAndRejects) {
  write(dir_ / "in" / "a.txt", "第一份文件\n正文第一段。");
  write(dir_ / "in" / "b.jsonl",
        "{\"id\":\"r1\",\"title\":\"记录一\",\"text\":\"记录一的正文。\"}\n{\"title\":5,\"text\":\"x\"}\n");
  auto lib = Library::open(dir_ / "data");
  ASSERT_TRUE(lib) << lib.status().message();
  EXPECT_FALSE(fs::exists(dir_ / "data" / "intake.db")) << "opening a library writes no intake log";

  std::vector<std::string> seen;
  ImportOptions o;
  const fs::path missing = dir_ / "in" / "missing.txt";
  auto r = (*lib)->import_paths({dir_ / "in", missing}, o, {}, [&](const std::string& m) { seen.push_back(m); });
  EXPECT_EQ(r.imported, 2u);
  EXPECT_EQ(r.rejected, 2u);
  EXPECT_EQ(seen.size(), 2u) << "the caller's on_reject still gets every message";
  EXPECT_TRUE(r.intake_error.empty()) << r.intake_error;

  o.intake_origin = "watch";
  auto again = (*lib)->import_paths({dir_ / "in" / "a.txt"}, o);
  EXPECT_EQ(again.unchanged, 1u);

  auto log = wenyuan::store::IntakeLog::open(dir_ / "data" / "intake.db");
  ASSERT_TRUE(log) << log.status().message();
  auto days = (*log)->days_since(0);
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  const auto& runs = (*days)[0].run_list;
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].origin, "watch");
  EXPECT_EQ(runs[0].unchanged, 1u);
  EXPECT_EQ(runs[1].origin, "cli");
  EXPECT_EQ(runs[1].imported, 2u);
  EXPECT_EQ(runs[1].rejected, 2u);
  EXPECT_GT(runs[1].bytes, 0u);
  ASSERT_EQ(runs[1].rejects.size(), 2u);
  std::map<std::string, std::string> rejects;
  for (const auto& x : runs[1].rejects) rejects[x.file] = x.reason;
  const std::string jsonl_line = (dir_ / "in" / "b.jsonl").string() + ":2";
  ASSERT_EQ(rejects.count(jsonl_line), 1u) << runs[1].rejects[0].file << " | " << runs[1].rejects[1].file;
  EXPECT_NE(rejects[jsonl_line].find("title"), std::string::npos) << rejects[jsonl_line];
  ASSERT_EQ(rejects.count(missing.string()), 1u);
  EXPECT_EQ(rejects[missing.string()], "no such file or folder");

  auto seen_at = (*log)->first_seen({"r1"});
  ASSERT_TRUE(seen_at);
  EXPECT_EQ(seen_at->count("r1"), 1u);
}

}  // namespace
