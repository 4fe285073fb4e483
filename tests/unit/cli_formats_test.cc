// The formats offices have, as a user meets them (issue 12): `wenyuan import DIR`
// on a folder of .doc/.wps/.xlsx/.zip/.jsonl.xz material ends with "skipped N
// files:" naming every file it left out and why (also in --json), and the
// sandboxed parser (uploads, watched files) converts office files and reports
// archive members it skips through its child.
// Needs LibreOffice for the .doc files; those tests skip, saying so, without it.

#include <gtest/gtest.h>

#include "support/cli_process.h"
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/sandbox.h"
#include "wenyuan/doc/zip_archive.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kData = fs::path(WENYUAN_TEST_DATA) / "formats";

// stdout only (stderr dropped), as the checks read JSON and reports from it.
wenyuan::testing::CliRun wenyuan(const std::string& args) { return wenyuan::testing::run_cli(args, "", false); }

bool have_soffice() { return std::system("command -v soffice >/dev/null 2>&1") == 0; }

class CliFormats : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wenyuan_formats_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in" / "子目录");
    fs::create_directories(dir_ / "in" / ".git" / "objects");
    // The material: real documents of every kind, and what a folder also holds.
    for (const char* f : {"continuing_education.doc", "continuing_education.wps", "corpus_catalog.xlsx",
                          "two_reports.jsonl.xz", "scanned.pdf"}) {
      fs::copy_file(kData / f, dir_ / "in" / f);
    }
    fs::copy_file(kData / "continuing_education.txt.gz", dir_ / "in" / "子目录" / "条例.txt.gz");
    std::ofstream(dir_ / "in" / "封面.png") << "\x89PNG";
    std::ofstream(dir_ / "in" / "README.txt") << "说明";
    std::ofstream(dir_ / "in" / ".git" / "objects" / "ab12") << "x";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string data() const { return "--data " + (dir_ / "lib").string(); }
  fs::path dir_;
};

TEST_F(CliFormats, FolderImportListsEverySkippedFileWithItsReason) {
  if (!have_soffice()) GTEST_SKIP() << "LibreOffice (soffice) is not installed; scripts/setup installs it";
  const std::string in = (dir_ / "in").string();
  wenyuan::testing::CliRun r = wenyuan("import -q " + data() + " " + in);
  EXPECT_EQ(r.rc, 1) << r.out;  // the scanned PDF is rejected
  EXPECT_NE(r.out.find(", rejected 1 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped 4 files:\n"), std::string::npos) << r.out;
  for (const std::string& line : {"  " + in + "/.git/: hidden folder\n",
                                  "  " + in + "/README.txt: folder note (README, LICENSE, COPYING)\n",
                                  "  " + in + "/封面.png: unsupported type '.png'\n",
                                  "  " + in + "/scanned.pdf: rejected: scanned PDF: no text layer\n"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\nin:\n" << r.out;
  }

  // --json says the same, one object a file.
  wenyuan::testing::CliRun again = wenyuan("import -q --json " + data() + " " + in);
  const json j = json::parse(again.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << again.out;
  std::set<std::string> paths;
  for (const auto& s : j["skipped"]) paths.insert(s["path"].get<std::string>() + " | " + s["reason"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{in + "/.git/ | hidden folder",
                                          in + "/README.txt | folder note (README, LICENSE, COPYING)",
                                          in + "/封面.png | unsupported type '.png'",
                                          in + "/scanned.pdf | rejected: scanned PDF: no text layer"}));
  EXPECT_EQ(j["unchanged"], 6);  // .doc .wps .xlsx, two records of the .jsonl.xz, the .txt.gz
}

TEST_F(CliFormats, HelpNamesTheFormatsAndLimits) {
  wenyuan::testing::CliRun r = wenyuan("import --help");
  for (const char* s : {".doc .wps .rtf .odt .et .xls .ods", ".zip .7z", ".jsonl.xz", "skipped N files",
                        "10,000 members", "512 MiB inflated", "3 levels of nesting"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  }
}

struct Collected {
  std::vector<wenyuan::doc::RawDocument> docs;
  std::vector<std::string> errors;
  std::vector<std::string> skipped;
  wenyuan::Status status;
};

Collected sandboxed(const fs::path& p) {
  wenyuan::doc::SandboxOptions o;
  o.helper = WENYUAN_BINARY;
  Collected c;
  c.status = wenyuan::doc::import_file_sandboxed(
      p, {}, o,
      [&](wenyuan::Result<wenyuan::doc::RawDocument> r) {
        if (r) {
          c.docs.push_back(std::move(*r));
        } else {
          c.errors.push_back(r.status().message());
        }
      },
      [&](const std::string& origin, const std::string& why) { c.skipped.push_back(origin + ": " + why); });
  return c;
}

TEST_F(CliFormats, SandboxedChildConvertsOfficeFilesWithinItsLimits) {
  if (!have_soffice()) GTEST_SKIP() << "LibreOffice (soffice) is not installed; scripts/setup installs it";
  // The child's rlimits (512 MB of address space, 64 files) are the converter's too.
  const fs::path doc = dir_ / "in" / "continuing_education.doc";
  Collected c = sandboxed(doc);
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].format, "doc");
  EXPECT_NE(c.docs[0].text.find("重庆市专业技术人员继续教育条例"), std::string::npos);
  std::string in_process;
  ASSERT_TRUE(wenyuan::doc::import_file(doc, {}, [&](wenyuan::Result<wenyuan::doc::RawDocument> r) {
                if (r) in_process = r->text;
              }).is_ok());
  EXPECT_EQ(c.docs[0].text, in_process);
}

TEST_F(CliFormats, SandboxedChildReportsSkippedArchiveMembers) {
  // A zip made by the system's own tool would do; write it with the library's writer.
  const fs::path zip = dir_ / "material.zip";
  {
    std::ifstream xlsx(kData / "corpus_catalog.xlsx", std::ios::binary);
    const std::string table((std::istreambuf_iterator<char>(xlsx)), std::istreambuf_iterator<char>());
    auto bytes = wenyuan::doc::write_zip({{"目录.xlsx", table}, {"图/封面.png", "\x89PNG"}});
    ASSERT_TRUE(bytes.is_ok());
    std::ofstream(zip, std::ios::binary) << *bytes;
  }
  Collected c = sandboxed(zip);
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].origin, zip.string() + "/目录.xlsx");
  EXPECT_EQ(c.skipped, std::vector<std::string>{zip.string() + "/图/封面.png: unsupported type '.png'"});
}

}  // namespace
