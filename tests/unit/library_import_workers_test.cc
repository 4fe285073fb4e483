// Parallel prepare (library/prepare_pipeline.h) changes nothing but speed: the
// same inputs imported with 1 prepare worker and with several give the same
// report (counts, ids in order, per-file outcomes, warnings, skipped files,
// reject messages in order), the same stored documents (text, outline, removed
// lines, metadata), the same duplicate clusters and version groups, and the same
// index answers. The inputs are the fixtures of tests/data plus a JSONL file
// written here whose site header recurs (so some documents are prepared again
// on the catalog's thread, in input order), with bad records and duplicates.
// The whole public corpus: tests/integration/library_import_workers_corpus_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/library_snapshot.h"
#include "wenyuan/library/library.h"

namespace fs = std::filesystem;
using wenyuan::library::ImportOptions;
using wenyuan::library::Library;

namespace {

class LibraryImportWorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wenyuan_import_workers_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Imports `in/` (then `in/` again) with `workers` prepare workers; `search`:
  // snapshot the index's answers too.
  nlohmann::json import_with(unsigned workers, std::vector<std::string>& queries, bool search = true) {
    auto lib = Library::open(dir_ / ("lib" + std::to_string(workers)));
    EXPECT_TRUE(lib.is_ok()) << lib.status().message();
    if (!lib.is_ok()) return {};
    ImportOptions options;
    options.prepare_workers = workers;
    nlohmann::json j;
    for (const char* run : {"first", "again"}) {
      std::vector<std::string> rejects;
      auto report = (*lib)->import_paths({dir_ / "in"}, options, {}, [&](const std::string& m) { rejects.push_back(m); });
      j[run] = wenyuan::testing::report_json(report, rejects);
    }
    j["library"] = wenyuan::testing::library_snapshot(**lib, queries, search);
    return j;
  }

  fs::path dir_;
};

const std::string kHeader = "首页 > 政务公开 > 政策文件 > 通知公告";

std::string notice(int n) {
  const std::string k = std::to_string(n);
  return kHeader + "\n关于做好第" + k + "批重点项目建设工作的通知\n各区人民政府，市政府各部门：\n" + "为加快推进第" + k +
         "批重点项目建设，经市政府同意，现就有关事项通知如下。\n" + "一、各区要在本月底前完成第" + k +
         "批项目的前期工作，并将进展情况报送市发展改革委。\n" +
         "二、市级有关部门要加强指导服务，协调解决项目推进中的困难和问题。\n" + "某市人民政府办公室\n2024年3月" + k + "日";
}

std::string record(const std::string& title, const std::string& text, const std::string& date) {
  nlohmann::json j;
  j["title"] = title;
  j["text"] = text;
  j["source"] = "某市人民政府网站";
  j["date"] = date;
  return j.dump();
}

void write_inputs(const fs::path& in) {
  const fs::path data = WENYUAN_TEST_DATA;
  for (const char* f : {"corpus_sample.jsonl", "gb18030_law.txt", "gb18030_report_crlf.txt", "utf16le_bom_rules.txt",
                        "seed_sample.txt", "formats/two_reports.jsonl.xz", "formats/continuing_education.txt.gz",
                        "formats/corpus_catalog.xlsx"}) {
    fs::copy_file(data / f, in / fs::path(f).filename());
  }
  std::ofstream out(in / "notices.jsonl");
  for (int n = 1; n <= 40; ++n) {
    const std::string date = "2024-03-" + std::string(n % 28 + 1 < 10 ? "0" : "") + std::to_string(n % 28 + 1);
    out << record("关于做好第" + std::to_string(n) + "批重点项目建设工作的通知", notice(n), date) << "\n";
    if (n % 9 == 3) out << "{\"title\": \"broken\n";                          // not JSON
    if (n % 13 == 7) out << "{\"title\": \"空\", \"text\": \"   \"}\n";        // no text
    if (n % 10 == 5) out << record("重复的通知" + std::to_string(n), notice(n), date) << "\n";  // same text
  }
  std::ofstream(in / "README.md") << "a folder note: skipped\n";
  std::ofstream(in / "picture.png") << "not a document";
}

TEST_F(LibraryImportWorkersTest, OneWorkerAndSeveralGiveTheSameLibrary) {
  write_inputs(dir_ / "in");
  std::vector<std::string> queries;
  const nlohmann::json one = import_with(1, queries);
  ASSERT_FALSE(queries.empty());
  // The fixture exercises what it should: documents, rejects, recurring headers, clusters.
  EXPECT_GT(one["first"]["counts"][0].get<uint64_t>(), 50u);
  EXPECT_FALSE(one["first"]["rejects"].empty());
  EXPECT_EQ(one["again"]["counts"][0].get<uint64_t>(), 0u);  // nothing new the second time
  EXPECT_NE(one["library"].dump().find("recurring_header"), std::string::npos);
  EXPECT_FALSE(one["library"]["clusters"].empty());
  for (unsigned workers : {2u, 5u}) {
    const nlohmann::json many = import_with(workers, queries);
    for (const char* part : {"first", "again"}) EXPECT_EQ(one[part], many[part]) << part << ", " << workers << " workers";
    for (const char* part : {"documents", "clusters", "versions", "search"}) {
      EXPECT_EQ(one["library"][part], many["library"][part]) << part << ", " << workers << " workers";
    }
  }
}

// A record bigger than the window's byte budget (its text and its JSON line: 18 MiB) is prepared alone, between
// small ones, and still lands in order.
TEST_F(LibraryImportWorkersTest, ARecordBiggerThanTheWindowKeepsItsPlace) {
  {
    std::ofstream out(dir_ / "in" / "mixed.jsonl");
    std::string big;
    for (int i = 0; big.size() < (9u << 20); ++i) big += "第" + std::to_string(i) + "条　各级人民政府应当依法履行职责。\n";
    for (int n = 1; n <= 30; ++n) {
      out << record("通知" + std::to_string(n), n == 12 ? big : notice(n), "2024-01-02") << "\n";
    }
  }
  std::vector<std::string> queries;
  const nlohmann::json one = import_with(1, queries, /*search=*/false);
  const nlohmann::json two = import_with(3, queries, /*search=*/false);
  EXPECT_EQ(one["first"]["counts"][0].get<uint64_t>(), 30u);
  EXPECT_EQ(one["first"], two["first"]);
  // The stored documents (every field, in catalog order) say whether it kept its
  // place; the search answers are left out here: every hit of a common bigram in
  // each of the big text's paragraphs takes minutes and adds nothing to that.
  EXPECT_EQ(one["library"]["documents"], two["library"]["documents"]);
}

}  // namespace
