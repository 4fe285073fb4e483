// The formats offices have (issue 12): .doc .wps .rtf .odt (LibreOffice), .xlsx
// (direct) and .et, archives (.zip .7z .tar.gz, nested), compressed files
// (.jsonl.xz, .txt.gz), and their limits; scanned PDFs. Fixtures are in
// tests/data/formats (made by its make.sh from tests/data/corpus_sample.jsonl);
// archives are written here with libarchive from those real documents.
// Tests that need LibreOffice skip, saying so, when soffice is not installed.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "wenyuan/doc/import.h"
#include "wenyuan/text/encoding.h"
#include "wenyuan/text/utf8.h"

namespace fs = std::filesystem;
using namespace wenyuan;
using namespace wenyuan::doc;

namespace {

const fs::path kData = fs::path(WENYUAN_TEST_DATA) / "formats";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Record `i` of corpus_sample.jsonl (the fixtures were made from it).
nlohmann::json corpus_record(size_t i) {
  std::ifstream in(fs::path(WENYUAN_TEST_DATA) / "corpus_sample.jsonl");
  std::string line;
  for (size_t n = 0; std::getline(in, line); ++n) {
    if (n == i) return nlohmann::json::parse(line);
  }
  return {};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    const size_t b = l.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    out.push_back(l.substr(b, l.find_last_not_of(" \t\r") - b + 1));
  }
  return out;
}

struct Collected {
  std::vector<RawDocument> docs;
  std::vector<std::string> errors;
  std::vector<std::pair<std::string, std::string>> skipped;
  Status status;
};

Collected import_path(const fs::path& p, const ImportLimits& limits = {}) {
  Collected c;
  c.status = import_file(
      p, limits,
      [&](Result<RawDocument> r) {
        if (r) {
          c.docs.push_back(std::move(r).value());
        } else {
          c.errors.push_back(r.status().message());
        }
      },
      [&](const std::string& o, const std::string& why) { c.skipped.emplace_back(o, why); });
  return c;
}

Collected import_memory(const std::string& name, std::string bytes, const ImportLimits& limits = {}) {
  Collected c;
  c.status = import_bytes(
      name, std::move(bytes), limits,
      [&](Result<RawDocument> r) {
        if (r) {
          c.docs.push_back(std::move(r).value());
        } else {
          c.errors.push_back(r.status().message());
        }
      },
      [&](const std::string& o, const std::string& why) { c.skipped.emplace_back(o, why); });
  return c;
}

bool have_soffice() {
  if (const char* forced = std::getenv("WENYUAN_SOFFICE")) return *forced != '\0';
  return std::system("command -v soffice >/dev/null 2>&1") == 0;
}

#define REQUIRE_SOFFICE() \
  if (!have_soffice()) GTEST_SKIP() << "LibreOffice (soffice) is not installed; scripts/setup installs it"

// Every paragraph of corpus record 21 (the source of continuing_education.*)
// is a paragraph of the import, in order, and the title comes first.
void expect_continuing_education(const RawDocument& d) {
  const nlohmann::json rec = corpus_record(21);
  const std::vector<std::string> got = lines_of(d.text);
  std::vector<std::string> want = lines_of(rec["title"].get<std::string>() + "\n" + rec["text"].get<std::string>());
  ASSERT_FALSE(want.empty());
  size_t at = 0;
  for (const std::string& w : want) {
    auto it = std::find(got.begin() + static_cast<std::ptrdiff_t>(at), got.end(), w);
    ASSERT_NE(it, got.end()) << "paragraph missing or out of order: " << w;
    at = static_cast<size_t>(it - got.begin()) + 1;
  }
}

class OfficeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(OfficeTest, ConvertsThroughLibreOfficeKeepingEveryParagraphAndTheOriginalBytes) {
  REQUIRE_SOFFICE();
  const fs::path p = kData / (std::string("continuing_education") + GetParam());
  Collected c = import_path(p);
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  expect_continuing_education(c.docs[0]);
  EXPECT_EQ(c.docs[0].format, std::string(GetParam()).substr(1));
  EXPECT_EQ(c.docs[0].origin, p.string());
  EXPECT_EQ(c.docs[0].original, read_file(p));  // the .doc as it came, not the converted .docx
}

INSTANTIATE_TEST_SUITE_P(Formats, OfficeTest, ::testing::Values(".doc", ".wps", ".rtf", ".odt"),
                         [](const auto& test_info) { return std::string(test_info.param).substr(1); });

// Sets an environment variable for one test and restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Office, MissingConverterIsAClearError) {
  ScopedEnv none("WENYUAN_SOFFICE", "");
  Collected c = import_path(kData / "continuing_education.doc");
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.message(), (kData / "continuing_education.doc").string() +
                                    ": cannot import .doc: LibreOffice (soffice) is not installed; run scripts/setup");
  EXPECT_TRUE(c.docs.empty());
}

bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  // A zombie (no reaper in a container) has finished all the same.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  std::getline(stat, s);
  const size_t paren = s.rfind(')');
  return paren != std::string::npos && paren + 2 < s.size() && s[paren + 2] == 'Z';
}

TEST(Office, AConverterThatHangsIsKilledWithItsWholeProcessGroup) {
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_hang_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path script = dir / "soffice";
  const fs::path pids = dir / "pids";
  {
    // A converter that starts a child (as soffice starts soffice.bin) and never finishes.
    std::ofstream f(script);
    f << "#!/bin/sh\nsleep 300 &\necho $! > " << pids.string() << "\nsleep 300\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  ScopedEnv fake("WENYUAN_SOFFICE", script.string());
  ImportLimits limits;
  limits.convert_seconds = 1;
  const auto t0 = std::chrono::steady_clock::now();
  Collected c = import_path(kData / "continuing_education.doc", limits);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_NE(c.status.message().find("rejected: LibreOffice took more than 1 s to convert it"), std::string::npos)
      << c.status.message();
  EXPECT_LT(seconds, 30.0);  // not the 300 s the script would take: it was killed
  std::ifstream in(pids);
  pid_t grandchild = 0;
  in >> grandchild;
  ASSERT_GT(grandchild, 0);
  for (int i = 0; i < 100 && !process_gone(grandchild); ++i) ::usleep(20000);
  EXPECT_TRUE(process_gone(grandchild)) << "the converter's child " << grandchild << " outlived the timeout";
  fs::remove_all(dir);
}

TEST(Office, AFileLibreOfficeCannotReadIsOneError) {
  REQUIRE_SOFFICE();
  // Not a Word file at all: LibreOffice has nothing to convert.
  Collected c = import_memory("broken.doc", std::string("\xD0\xCF\x11\xE0 not really OLE", 20));
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.message().rfind("broken.doc: ", 0), 0u) << c.status.message();
}

// ---- .xlsx and .et ----

// The rows of corpus_catalog.* as make.sh wrote them: 序号, 标题, 日期, 字数 of
// the first 12 records, empty cells left out.
std::vector<std::string> expected_catalog_rows() {
  std::vector<std::string> rows = {"序号\t标题\t日期\t字数"};
  for (size_t i = 0; i < 12; ++i) {
    const nlohmann::json r = corpus_record(i);
    std::string row = std::to_string(i + 1) + "\t" + r["title"].get<std::string>();
    const std::string date = r.value("date", "");
    if (!date.empty()) row += "\t" + date;
    row += "\t" + std::to_string(text::count_code_points(r["text"].get<std::string>()));
    rows.push_back(row);
  }
  return rows;
}

TEST(Office, AFolderBatchConvertsSeveralFilesInOneLibreOfficeRun) {
  REQUIRE_SOFFICE();
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_batch_" + std::to_string(::getpid()));
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  // Two folders with a file of the same name: the batch must not mix them up.
  fs::copy_file(kData / "continuing_education.doc", dir / "a" / "通知.doc");
  fs::copy_file(kData / "continuing_education.rtf", dir / "b" / "通知.rtf");
  fs::copy_file(kData / "continuing_education.wps", dir / "b" / "通知.wps");
  fs::copy_file(kData / "corpus_catalog.et", dir / "b" / "目录.et");
  // A converter that notes each run, then is LibreOffice.
  const fs::path runs = dir / "runs";
  const fs::path wrapper = dir / "soffice";
  {
    const char* real = std::getenv("WENYUAN_SOFFICE");
    std::ofstream f(wrapper);
    f << "#!/bin/sh\necho run >> " << runs.string() << "\nexec " << (real ? real : "soffice") << " \"$@\"\n";
  }
  fs::permissions(wrapper, fs::perms::owner_all);
  ScopedEnv fake("WENYUAN_SOFFICE", wrapper.string());
  const std::vector<fs::path> files = {dir / "a" / "通知.doc", dir / "b" / "通知.rtf", dir / "b" / "通知.wps",
                                       dir / "b" / "目录.et"};
  std::vector<RawDocument> docs;
  {
    OfficeBatchScope batch(files, {});
    for (const auto& f : files) {
      Collected c = import_path(f);
      ASSERT_TRUE(c.status.is_ok()) << c.status.message();
      ASSERT_EQ(c.docs.size(), 1u);
      docs.push_back(std::move(c.docs[0]));
    }
  }
  std::ifstream in(runs);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  EXPECT_EQ(n, 2u);  // one run to .docx for three files, one to .xlsx
  for (size_t i = 0; i < 3; ++i) {
    expect_continuing_education(docs[i]);
    EXPECT_EQ(docs[i].origin, files[i].string());
    EXPECT_EQ(docs[i].original, read_file(files[i]));
  }
  EXPECT_EQ(docs[1].format, "rtf");
  EXPECT_EQ(lines_of(docs[3].text), expected_catalog_rows());
  fs::remove_all(dir);
}

TEST(Xlsx, CellsRowByRowWithDatesAsDates) {
  Collected c = import_path(kData / "corpus_catalog.xlsx");
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].format, "xlsx");
  EXPECT_EQ(lines_of(c.docs[0].text), expected_catalog_rows());
  EXPECT_TRUE(c.docs[0].headings.empty());  // one sheet: its name is no heading
}

TEST(Xlsx, EtConvertsThroughLibreOfficeToTheSameRows) {
  REQUIRE_SOFFICE();
  Collected c = import_path(kData / "corpus_catalog.et");
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].format, "et");
  EXPECT_EQ(lines_of(c.docs[0].text), expected_catalog_rows());
}

TEST(Xlsx, NotAWorkbookIsOneError) {
  Collected c = import_memory("x.xlsx", read_file(kData / "continuing_education.odt"));  // a zip, not a workbook
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_NE(c.status.message().find("x.xlsx: not a .xlsx file"), std::string::npos) << c.status.message();
}

// ---- archives ----

struct Member {
  std::string path;
  std::string data;
};

// An archive of `members` written by libarchive: "zip", "7zip" or "gnutar" (+ "gzip").
// Names are UTF-8 (the writer is told so by the C.UTF-8 locale), unless
// `raw_names`: then they are written as the bytes given, without the UTF-8 flag.
std::string make_archive(const std::string& format, const std::vector<Member>& members, bool gzip = false,
                         bool raw_names = false) {
  locale_t utf8 = raw_names ? static_cast<locale_t>(nullptr) : newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  locale_t old = utf8 ? uselocale(utf8) : static_cast<locale_t>(nullptr);
  archive* a = archive_write_new();
  archive_write_set_format_by_name(a, format.c_str());
  if (gzip) archive_write_add_filter_gzip(a);
  std::string out(64u << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK) << archive_error_string(a);
  for (const Member& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    EXPECT_EQ(archive_write_data(a, m.data.data(), m.data.size()), static_cast<la_ssize_t>(m.data.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  if (utf8) {
    uselocale(old);
    freelocale(utf8);
  }
  out.resize(used);
  return out;
}

std::string corpus_text(size_t i) {
  const nlohmann::json r = corpus_record(i);
  return r["title"].get<std::string>() + "\n" + r["text"].get<std::string>() + "\n";
}

// A folder of material as an office zips it: documents in subfolders, a table,
// a picture, a README, macOS forks, and a zip inside.
std::vector<Member> material() {
  const std::string inner = make_archive("zip", {{"附件/禁毒法.md", "# 禁毒法\n" + corpus_record(27)["text"].get<std::string>()}});
  return {{"材料/重庆市专业技术人员继续教育条例.txt", corpus_text(21)},
          {"材料/目录.xlsx", read_file(kData / "corpus_catalog.xlsx")},
          {"材料/logo.png", "\x89PNG\r\n\x1a\n"},
          {"README.md", "这个压缩包是材料汇编。\n"},
          {"__MACOSX/材料/._目录.xlsx", "fork"},
          {"材料/附件.zip", inner}};
}

void expect_material(const Collected& c, const std::string& name) {
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  EXPECT_TRUE(c.errors.empty()) << c.errors.front();
  ASSERT_EQ(c.docs.size(), 3u);
  EXPECT_EQ(c.docs[0].origin, name + "/材料/重庆市专业技术人员继续教育条例.txt");
  expect_continuing_education(c.docs[0]);
  EXPECT_EQ(c.docs[1].origin, name + "/材料/目录.xlsx");
  EXPECT_EQ(lines_of(c.docs[1].text), expected_catalog_rows());
  EXPECT_EQ(c.docs[2].origin, name + "/材料/附件.zip/附件/禁毒法.md");
  EXPECT_EQ(c.docs[2].format, "md");
  EXPECT_NE(c.docs[2].text.find(corpus_record(27)["text"].get<std::string>().substr(0, 300)), std::string::npos);
  const std::vector<std::pair<std::string, std::string>> skipped = {
      {name + "/材料/logo.png", "unsupported type '.png'"},
      {name + "/README.md", "folder note (README, LICENSE, COPYING)"},
      {name + "/__MACOSX/材料/._目录.xlsx", "in a hidden folder"}};
  EXPECT_EQ(c.skipped, skipped);
}

TEST(Archive, ZipMembersAreImportedLikeFilesOfAFolder) {
  expect_material(import_memory("汇编.zip", make_archive("zip", material())), "汇编.zip");
}

TEST(Archive, SevenZipAndTarGz) {
  expect_material(import_memory("汇编.7z", make_archive("7zip", material())), "汇编.7z");
  expect_material(import_memory("汇编.tar.gz", make_archive("gnutar", material(), true)), "汇编.tar.gz");
}

TEST(Archive, GbkNamesOfAChineseWindowsZipAreRead) {
  // No UTF-8 flag, names in GBK: what the Windows "send to compressed folder" of a Chinese system writes.
  Result<std::string> gbk = text::encode_text("通知.txt", "GB18030");
  ASSERT_TRUE(gbk.is_ok());
  std::string zip = make_archive("zip", {{*gbk, corpus_text(22)}}, false, true);
  Collected c = import_memory("a.zip", zip);
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].origin, "a.zip/通知.txt");
}

TEST(Archive, BombCostsTheArchiveWithAClearError) {
  ImportLimits limits;
  limits.max_uncompressed_bytes = 8u << 20;
  // 64 MiB of one byte deflates to ~64 KiB; the member before it is kept.
  const std::string zip = make_archive("zip", {{"a.txt", corpus_text(22)}, {"bomb.txt", std::string(64u << 20, 'a')}});
  ASSERT_LT(zip.size(), 1u << 20);
  Collected c = import_memory("bomb.zip", zip, limits);
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(c.status.message(), "bomb.zip: inflates to more than 8 MiB (an archive bomb?)");
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].origin, "bomb.zip/a.txt");
}

TEST(Archive, MemberCountLimit) {
  ImportLimits limits;
  limits.max_archive_members = 10;
  std::vector<Member> many;
  for (int i = 0; i < 50; ++i) many.push_back({"n" + std::to_string(i) + ".txt", corpus_text(22)});
  Collected c = import_memory("many.zip", make_archive("zip", many), limits);
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.message(), "many.zip: more than 10 files in the archive");
  EXPECT_EQ(c.docs.size(), 10u);
}

TEST(Archive, NestingDepthLimit) {
  std::string z = make_archive("zip", {{"deep.txt", corpus_text(22)}});
  for (int i = 0; i < 4; ++i) z = make_archive("zip", {{"level" + std::to_string(i) + ".zip", z}});
  Collected c = import_memory("top.zip", z);  // top > level3 > level2 > level1 > level0 > deep.txt
  EXPECT_TRUE(c.status.is_ok());
  EXPECT_TRUE(c.docs.empty());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0], "top.zip/level3.zip/level2.zip/level1.zip: archives nested more than 3 deep");
}

TEST(Archive, MemberTooLargeIsOneErrorAndTheRestGoesOn) {
  ImportLimits limits;
  limits.max_file_bytes = 1u << 20;
  const std::string zip = make_archive("zip", {{"big.txt", std::string(2u << 20, 'x')}, {"b.txt", corpus_text(22)}});
  Collected c = import_memory("m.zip", zip, limits);
  EXPECT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0], "m.zip/big.txt: file is larger than the limit of 1 MiB");
  ASSERT_EQ(c.docs.size(), 1u);
}

TEST(Archive, DamagedArchiveIsOneError) {
  std::string zip = make_archive("zip", material());
  zip.resize(zip.size() / 3);
  Collected c = import_memory("cut.zip", zip);
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.message().rfind("cut.zip: ", 0), 0u);
  Collected junk = import_memory("junk.7z", "not an archive at all");
  ASSERT_FALSE(junk.status.is_ok());
  EXPECT_EQ(junk.status.message().rfind("junk.7z: not a readable archive", 0), 0u) << junk.status.message();
}

// ---- compressed files ----

TEST(Compressed, JsonlXzStreamsItsRecords) {
  Collected c = import_path(kData / "two_reports.jsonl.xz");
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const nlohmann::json r = corpus_record(3 + i);
    EXPECT_EQ(c.docs[i].title, r["title"].get<std::string>());
    EXPECT_EQ(c.docs[i].text, r["text"].get<std::string>());
    EXPECT_EQ(c.docs[i].origin, (kData / "two_reports.jsonl.xz").string() + ":" + std::to_string(i + 1));
  }
}

TEST(Compressed, TxtGzIsOneDocumentNamedAfterTheFile) {
  Collected c = import_path(kData / "continuing_education.txt.gz");
  ASSERT_TRUE(c.status.is_ok()) << c.status.message();
  ASSERT_EQ(c.docs.size(), 1u);
  expect_continuing_education(c.docs[0]);
  EXPECT_EQ(c.docs[0].origin, (kData / "continuing_education.txt.gz").string());
}

TEST(Compressed, JsonlXzBombStops) {
  // 64 MiB of newlines: xz makes it a few KiB, far beyond any real text's ratio.
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_xz_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path bomb = dir / "bomb.jsonl.xz";
  ASSERT_EQ(std::system(("head -c 67108864 /dev/zero | tr '\\0' '\\n' | xz -1 > " + bomb.string()).c_str()), 0);
  ImportLimits limits;
  limits.max_uncompressed_bytes = 8u << 20;
  Collected c = import_path(bomb, limits);
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.message(), bomb.string() + ": inflates to more than 8 MiB (an archive bomb?)");
  fs::remove_all(dir);
}

TEST(Compressed, UnsupportedInsideIsASkipNotAnError) {
  Collected c = import_memory("photo.png.gz", "whatever");
  EXPECT_TRUE(c.status.is_ok());
  ASSERT_EQ(c.skipped.size(), 1u);
  EXPECT_EQ(c.skipped[0].second, "holds unsupported type '.png'");
}

// ---- PDF ----

TEST(Pdf, ScannedPdfIsRejectedInOurWords) {
  Collected c = import_path(kData / "scanned.pdf");
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_EQ(c.status.message(), (kData / "scanned.pdf").string() + ": scanned PDF: no text layer");
}

// ---- the rules a folder walk shares ----

TEST(SkipReason, SaysWhy) {
  EXPECT_EQ(skip_reason("a/b/x.docx"), "");
  EXPECT_EQ(skip_reason("x.DOC"), "");
  EXPECT_EQ(skip_reason("corpus.jsonl.xz"), "");
  EXPECT_EQ(skip_reason("a/.DS_Store"), "hidden file");
  EXPECT_EQ(skip_reason("README.md"), "folder note (README, LICENSE, COPYING)");
  EXPECT_EQ(skip_reason("scan.tiff"), "unsupported type '.tiff'");
  EXPECT_EQ(skip_reason("Makefile"), "unsupported type (no extension)");
}

}  // namespace
