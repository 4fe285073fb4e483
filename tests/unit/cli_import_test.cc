// End-to-end tests of the `wenyuan` command as a user runs it: import the
// bundled sample library, re-import (idempotent), bad files (reported, rest goes
// on, exit code 1), show/list/stats/delete/export shapes, search --json/--batch.
#include <gtest/gtest.h>

#include "support/cli_process.h"
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "wenyuan/doc/import.h"
#include "wenyuan/text/normalize.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// stderr appended to stdout only when `merge_stderr` (support/cli_process.h).
wenyuan::testing::CliRun wenyuan(const std::string& args, bool merge_stderr = false) {
  return wenyuan::testing::run_cli(args, "", merge_stderr);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("wenyuan_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = "--data " + (dir_ / "lib").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  json run_json(const std::string& args) {
    wenyuan::testing::CliRun r = wenyuan(args + " --json " + data_);
    EXPECT_EQ(r.rc, 0) << args << "\n" << r.out;
    return json::parse(r.out, nullptr, false);
  }

  fs::path dir_;
  std::string data_;
};

// Every importable file of data/sample but its README; .jsonl counts its lines.
size_t expected_sample_documents() {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(WENYUAN_SAMPLE_DIR)) {
    if (!wenyuan::doc::is_importable(e.path()) || e.path().stem() == "README") continue;
    if (e.path().extension() == ".jsonl") {
      std::ifstream in(e.path());
      std::string line;
      while (std::getline(in, line)) n += !line.empty();
    } else {
      ++n;
    }
  }
  return n;
}

TEST_F(CliTest, ImportsTheSampleLibraryAndReimportIsIdempotent) {
  const size_t expected = expected_sample_documents();
  ASSERT_GE(expected, 10u);
  json first = run_json(std::string("import ") + WENYUAN_SAMPLE_DIR);
  EXPECT_EQ(first["imported"].get<size_t>(), expected);
  EXPECT_EQ(first["rejected"].get<size_t>(), 0u) << first.dump();

  json again = run_json(std::string("import ") + WENYUAN_SAMPLE_DIR);
  EXPECT_EQ(again["imported"].get<size_t>(), 0u);
  EXPECT_EQ(again["unchanged"].get<size_t>(), expected);

  json list = run_json("list");
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list.size(), expected);
  std::set<std::string> ids;
  for (const auto& d : list) {
    ids.insert(d["id"].get<std::string>());
    EXPECT_FALSE(d["title"].get<std::string>().empty()) << d.dump();
  }
  EXPECT_EQ(ids.size(), expected);

  json stats = run_json("stats");
  EXPECT_EQ(stats["documents"].get<size_t>(), expected);
  EXPECT_GT(stats["characters"].get<size_t>(), 100000u);
}

TEST_F(CliTest, BadFilesAreReportedAndTheRestIsImported) {
  const fs::path in = dir_ / "in";
  fs::create_directories(in);
  fs::copy_file(fs::path(WENYUAN_TEST_DATA) / "gb18030_law.txt", in / "law.txt");
  { std::ofstream(in / "broken.docx") << "this is not a zip"; }
  { std::ofstream(in / "records.jsonl") << "{\"id\":\"r1\",\"title\":\"甲\",\"text\":\"第一条 甲乙丙。\"}\nnot json\n"; }
  wenyuan::testing::CliRun r = wenyuan("import " + in.string() + " " + (dir_ / "missing.txt").string() + " " + data_, true);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("broken.docx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("records.jsonl:2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("missing.txt"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("imported 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rejected 3"), std::string::npos) << r.out;
  json list = run_json("list");
  EXPECT_EQ(list.size(), 2u);
}

TEST_F(CliTest, ShowGivesRegionsOutlineAndRemovedForTheSeedSample) {
  run_json(std::string("import ") + WENYUAN_TEST_DATA + "/seed_sample.txt");
  json list = run_json("list");
  ASSERT_EQ(list.size(), 1u);
  const std::string id = list[0]["id"];
  json d = run_json("show " + id);
  EXPECT_EQ(d["title"], "2023年度党建工作情况总结");
  EXPECT_EQ(d["year"], 2023);
  const std::string text = d["text"];
  EXPECT_EQ(text.find("公众号"), std::string::npos);
  EXPECT_EQ(text.find("paidbegin"), std::string::npos);
  ASSERT_EQ(d["regions"].size(), 2u);
  EXPECT_EQ(d["regions"][0]["kind"], "preview");
  EXPECT_EQ(d["regions"][1]["kind"], "paid");
  EXPECT_EQ(d["regions"][0]["end"], d["regions"][1]["start"]);
  ASSERT_EQ(d["outline"].size(), 4u);
  EXPECT_NE(d["outline"][0]["title"].get<std::string>().find("思想过硬"), std::string::npos);
  EXPECT_FALSE(d["outline"][0]["children"].empty());

  json removed = run_json("show --removed " + id);
  bool trailer_kept = false;
  for (const auto& r : removed["removed"]) trailer_kept |= r["text"].get<std::string>().find("哒哒素材库") != std::string::npos;
  EXPECT_TRUE(trailer_kept) << removed["removed"].dump();

  wenyuan::testing::CliRun raw = wenyuan("show --raw " + id + " " + data_);
  std::ifstream seed(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt", std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(seed)), std::istreambuf_iterator<char>());
  EXPECT_EQ(raw.out, original);
}

// A .jsonl "\u0000" is a character of the text like any other: `show` prints
// the text whole (printf's "%s" stopped at it: attacker run, 2026-12-02).
TEST_F(CliTest, ShowPrintsATextThatHoldsANulWhole) {
  const fs::path file = dir_ / "nul.jsonl";
  std::ofstream(file) << R"({"title":"空字符","text":"正常的文本\u0000带空字符的后文"})" << "\n";
  run_json("import " + file.string());
  json list = run_json("list");
  ASSERT_EQ(list.size(), 1u);
  wenyuan::testing::CliRun r = wenyuan("show " + list[0]["id"].get<std::string>() + " " + data_);
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find(std::string("正常的文本\0带空字符的后文\n", 38)), std::string::npos) << r.out;
}

TEST_F(CliTest, NoCleanKeepsTextExactlyAndPaidGetsAPreview) {
  run_json(std::string("import --no-clean ") + WENYUAN_TEST_DATA + "/seed_sample.txt");
  json list = run_json("list");
  json d = run_json("show " + list[0]["id"].get<std::string>());
  EXPECT_NE(d["text"].get<std::string>().find("哒哒素材库"), std::string::npos);

  run_json(std::string("import --paid ") + WENYUAN_TEST_DATA + "/gb18030_law.txt");
  json laws = run_json("list");
  for (const auto& row : laws) {
    if (row["id"] == list[0]["id"]) continue;
    json law = run_json("show " + row["id"].get<std::string>());
    EXPECT_EQ(law["access"], "paid");
    ASSERT_EQ(law["regions"].size(), 2u);
    EXPECT_EQ(law["regions"][1]["kind"], "paid");
  }
}

TEST_F(CliTest, DeleteRemovesFromListAndSearch) {
  run_json(std::string("import ") + WENYUAN_TEST_DATA + "/seed_sample.txt");
  json list = run_json("list");
  const std::string id = list[0]["id"];
  json hits = run_json("search 思想过硬");
  EXPECT_EQ(hits["total"], 1);
  run_json("delete " + id);
  EXPECT_TRUE(run_json("list").empty());
  EXPECT_EQ(run_json("search 思想过硬")["total"], 0);
  wenyuan::testing::CliRun again = wenyuan("delete " + id + " " + data_);
  EXPECT_EQ(again.rc, 1);
}

TEST_F(CliTest, ExportDocxReadsBackWithTheImporter) {
  run_json(std::string("import ") + WENYUAN_TEST_DATA + "/seed_sample.txt");
  const std::string id = run_json("list")[0]["id"];
  const fs::path out = dir_ / "seed.docx";
  run_json("export " + id + " --format docx -o " + out.string());
  std::string back;
  auto st = wenyuan::doc::import_file(out, {}, [&](wenyuan::Result<wenyuan::doc::RawDocument> r) {
    ASSERT_TRUE(r) << r.status().message();
    back = r->text;
  });
  ASSERT_TRUE(st) << st.message();
  json d = run_json("show " + id);
  const auto& norm = wenyuan::text::Normalizer::instance();
  EXPECT_NE(norm.normalize_utf8(back).find(norm.normalize_utf8(d["text"].get<std::string>())), std::string::npos);

  if (std::system("command -v soffice >/dev/null 2>&1") != 0) GTEST_SKIP() << "libreoffice not installed: .docx -> PDF check skipped";
  const std::string cmd = "cd " + dir_.string() + " && timeout 120 soffice --headless --convert-to pdf " + out.string() +
                          " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_TRUE(fs::exists(dir_ / "seed.pdf"));
}

TEST_F(CliTest, SearchJsonAndBatchFollowTheContract) {
  run_json(std::string("import ") + WENYUAN_SAMPLE_DIR);
  json r = run_json("search 政府工作报告 --limit 3");
  ASSERT_TRUE(r.contains("total") && r.contains("took_us") && r.contains("hits"));
  EXPECT_GT(r["total"].get<int>(), 0);
  EXPECT_LE(r["hits"].size(), 3u);
  for (const auto& h : r["hits"]) {
    for (const char* k : {"id", "title", "year", "source", "score", "snippets"}) EXPECT_TRUE(h.contains(k)) << k;
  }

  const fs::path batch = dir_ / "queries.txt";
  { std::ofstream(batch) << "政府\n不存在的词语组合甲乙丙\n(\n"; }
  wenyuan::testing::CliRun b = wenyuan("search --batch " + batch.string() + " --limit 0 " + data_);
  std::istringstream lines(b.out);
  std::string line;
  std::vector<json> rows;
  while (std::getline(lines, line)) rows.push_back(json::parse(line));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["total"].get<size_t>(), rows[0]["ids"].size());
  EXPECT_GT(rows[0]["total"].get<size_t>(), 3u);
  EXPECT_EQ(rows[1]["total"], 0);
  EXPECT_TRUE(rows[2].contains("error"));
  EXPECT_EQ(b.rc, 1);

  wenyuan::testing::CliRun bad = wenyuan("search '\"unclosed' " + data_, true);
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.out.find("column"), std::string::npos) << bad.out;
}

}  // namespace
