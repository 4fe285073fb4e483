// Library::import_paths as a pipeline (prepare on a worker, catalog and index on
// the caller's thread): documents are stored in input order, bad records are
// reported as "PATH:LINE: reason" in order, recurring site headers are taken out
// exactly as a one-thread import would (the catalog is asked in input order, the
// documents of the same import included), and the progress callback sees every
// file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/doc/document.h"
#include "wenyuan/library/library.h"
#include "wenyuan/store/catalog.h"

namespace fs = std::filesystem;
using wenyuan::library::ImportOptions;
using wenyuan::library::ImportProgress;
using wenyuan::library::Library;

namespace {

class LibraryImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wenyuan_library_import_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

const std::string kHeader = "首页 > 政务公开 > 政策文件 > 通知公告";
const std::string kSource = "某市人民政府网站";

// A short notice of a city government, the way its website serves it: the site's
// navigation line on top of every page.
std::string notice(int n) {
  const std::string k = std::to_string(n);
  return kHeader + "\n关于做好第" + k + "批重点项目建设工作的通知\n各区人民政府，市政府各部门：\n" +
         "为加快推进第" + k + "批重点项目建设，经市政府同意，现就有关事项通知如下。\n" +
         "一、各区要在本月底前完成第" + k + "批项目的前期工作，并将进展情况报送市发展改革委。\n" +
         "二、市级有关部门要加强指导服务，协调解决项目推进中的困难和问题。\n" + "某市人民政府办公室\n2024年3月" + k +
         "日";
}

std::string record(int n) {
  nlohmann::json j;
  j["title"] = "关于做好第" + std::to_string(n) + "批重点项目建设工作的通知";
  j["text"] = notice(n);
  j["source"] = kSource;
  j["date"] = "2024-03-" + std::string(n < 10 ? "0" : "") + std::to_string(n);
  return j.dump();
}

TEST_F(LibraryImportTest, StoresInInputOrderReportsBadRecordsAndTakesOutRecurringHeaders) {
  const fs::path file = dir_ / "notices.jsonl";
  {
    std::ofstream out(file);
    for (int n = 1; n <= 12; ++n) {
      out << record(n) << "\n";
      if (n == 3) out << "{\"title\": \"broken\n";  // line 4: not JSON
      if (n == 7) out << "{\"title\": \"空\", \"text\": \"   \"}\n";  // line 9: no text
    }
  }
  auto lib = Library::open(dir_ / "lib");
  ASSERT_TRUE(lib.is_ok()) << lib.status().message();
  std::vector<std::string> rejects;
  std::vector<ImportProgress> progress;
  auto report = (*lib)->import_paths(
      {file}, ImportOptions{}, [&](const ImportProgress& p) { progress.push_back(p); },
      [&](const std::string& m) { rejects.push_back(m); });

  EXPECT_EQ(report.imported, 12u);
  EXPECT_EQ(report.rejected, 2u);
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].rfind(file.string() + ":4: ", 0), 0u) << rejects[0];
  EXPECT_EQ(rejects[1].rfind(file.string() + ":9: ", 0), 0u) << rejects[1];
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0].documents, 14u);
  EXPECT_EQ(progress[0].bytes_done, fs::file_size(file));
  EXPECT_EQ(progress[0].bytes_done, progress[0].bytes_total);

  ASSERT_EQ(report.imported_ids.size(), 12u);
  for (int n = 1; n <= 12; ++n) {
    auto d = (*lib)->catalog().get(report.imported_ids[n - 1]);
    ASSERT_TRUE(d.is_ok()) << d.status().message();
    // Input order: the n-th id stored is the n-th record.
    EXPECT_NE(d->text.find("第" + std::to_string(n) + "批重点项目"), std::string::npos) << n;
    // The first five documents of the source make it known; from the sixth on,
    // the navigation line is on all of them so far and is taken out.
    bool header_removed = false;
    for (const auto& r : d->removed) header_removed |= r.reason == "recurring_header" && r.text.find(kHeader) != std::string::npos;
    EXPECT_EQ(header_removed, n >= 6) << n;
    EXPECT_EQ(d->text.find(kHeader) == std::string::npos, n >= 6) << n;
  }

  // Idempotent: the same file again stores nothing new, reports the same rejects.
  rejects.clear();
  auto again = (*lib)->import_paths({file}, ImportOptions{}, {}, [&](const std::string& m) { rejects.push_back(m); });
  EXPECT_EQ(again.imported, 0u);
  EXPECT_EQ(again.rejected, 2u);
  EXPECT_EQ(rejects.size(), 2u);
}

TEST_F(LibraryImportTest, ManyFilesKeepTheirOrderAndAMissingOneIsReported) {
  std::vector<fs::path> files;
  for (int n = 1; n <= 40; ++n) {
    files.push_back(dir_ / ("notice_" + std::to_string(100 + n) + ".txt"));
    std::ofstream(files.back()) << notice(n);
  }
  files.insert(files.begin() + 20, dir_ / "absent.txt");
  auto lib = Library::open(dir_ / "lib");
  ASSERT_TRUE(lib.is_ok()) << lib.status().message();
  std::vector<std::string> rejects;
  size_t progress_calls = 0;
  auto report = (*lib)->import_paths(
      files, ImportOptions{}, [&](const ImportProgress&) { ++progress_calls; },
      [&](const std::string& m) { rejects.push_back(m); });
  EXPECT_EQ(report.imported, 40u);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_NE(rejects[0].find("absent.txt"), std::string::npos);
  EXPECT_EQ(progress_calls, 40u);
  ASSERT_EQ(report.imported_ids.size(), 40u);
  for (int n = 1; n <= 40; ++n) {
    auto d = (*lib)->catalog().get(report.imported_ids[n - 1]);
    ASSERT_TRUE(d.is_ok());
    EXPECT_NE(d->origin.find("notice_" + std::to_string(100 + n)), std::string::npos) << d->origin;
  }
}

}  // namespace
