// Memory of an import is bounded by a written-down multiple of the input
// (docs/intake.md, "Memory"): `wenyuan import` runs as a child process on one
// large generated file and its peak resident set (ru_maxrss from wait4: the
// kernel's VmHWM of the child) must stay under the bound. A memory bound, not a
// timing assertion: the figure does not depend on the machine's load.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "wenyuan/doc/zip_archive.h"

namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The bound of docs/intake.md: peak RSS <= 40 bytes × the input's characters
// + 4 × its bytes + 80 MB, where the input is the file (the inflated
// document.xml of a .docx) and its characters its code points. For Chinese
// text (3 bytes a character) that is about 17 × the file's size + 80 MB.
constexpr uint64_t kPerChar = 40;
constexpr uint64_t kPerByte = 4;
constexpr uint64_t kFixed = 80ull << 20;

struct Peak {
  int exit_code = -1;
  uint64_t max_rss = 0;  // bytes
};

// Runs `wenyuan import --data DATA -q FILE` as a child; its exit code and peak RSS.
Peak import_peak(const fs::path& data, const fs::path& file) {
  Peak p;
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string d = data.string(), f = file.string();
    execl(WENYUAN_BINARY, WENYUAN_BINARY, "import", "--data", d.c_str(), "-q", f.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) return p;
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) != pid) return p;
  p.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  p.max_rss = static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
  return p;
}

// Chinese prose with sentence ends and no line breaks: one paragraph, the case
// that kept per-line copies of everything.
const std::string kSentence = "各地区各部门要坚持以人民为中心的发展思想，扎实推进共同富裕。";
constexpr uint64_t kSentenceChars = 30;

// Code points of a file (the tests write ASCII and whole UTF-8 characters).
uint64_t code_points(const std::string& bytes) {
  uint64_t n = 0;
  for (const char c : bytes) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string read_all(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class MemoryBound : public testing::Test {
 protected:
  void SetUp() override {
    if (kSanitized) GTEST_SKIP() << "sanitizers change memory use; the bound is for the release build";
    dir_ = fs::temp_directory_path() / ("wenyuan_memory_" + std::to_string(getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Imports `file` and checks the bound for an input of `chars` code points in `bytes`.
  void check(const fs::path& file, uint64_t chars, uint64_t bytes) {
    const Peak p = import_peak(dir_ / "lib", file);
    ASSERT_EQ(p.exit_code, 0) << file;
    const uint64_t bound = kPerChar * chars + kPerByte * bytes + kFixed;
    EXPECT_LE(p.max_rss, bound) << file.filename() << ": peak " << (p.max_rss >> 20) << " MB for " << (bytes >> 20)
                                << " MB, bound " << (bound >> 20) << " MB";
    // The bound must be about this input, not the constant: a run that stayed
    // under the fixed part alone read too little to say anything.
    EXPECT_GT(p.max_rss, kFixed / 2) << "the import used less memory than the fixed part of the bound";
    std::cout << file.filename().string() << ": " << chars << " characters in " << (bytes >> 20) << " MB, peak RSS " << (p.max_rss >> 20)
              << " MB (bound " << (bound >> 20) << " MB)\n";
  }

  fs::path dir_;
};


TEST_F(MemoryBound, OneLargeJsonlRecord) {
  const fs::path f = dir_ / "big.jsonl";
  {
    std::ofstream out(f, std::ios::binary);
    out << "{\"title\":\"大文件\",\"text\":\"";
    for (size_t n = 0; n < (24u << 20) / kSentence.size(); ++n) out << kSentence;
    out << "\"}\n";
  }
  check(f, code_points(read_all(f)), fs::file_size(f));
}

TEST_F(MemoryBound, OneLineTextFile) {
  const fs::path f = dir_ / "one_line.txt";
  {
    std::ofstream out(f, std::ios::binary);
    for (size_t n = 0; n < (24u << 20) / kSentence.size(); ++n) out << kSentence;
  }
  check(f, (24u << 20) / kSentence.size() * kSentenceChars, fs::file_size(f));
}

TEST_F(MemoryBound, HtmlPageOfManyParagraphs) {
  const fs::path f = dir_ / "many.html";
  {
    std::ofstream out(f, std::ios::binary);
    out << "<html><head><meta charset=utf-8><title>页</title></head><body>";
    for (size_t n = 0; n < 300'000; ++n) out << "<p>" << kSentence << n << "</p>";
    out << "</body></html>";
  }
  check(f, code_points(read_all(f)), fs::file_size(f));
}

TEST_F(MemoryBound, DocxOfManyParagraphs) {
  // The bound counts the inflated document.xml: a .docx is compressed, and
  // what its parser holds grows with what it inflates to.
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
      "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
  for (size_t n = 0; n < 400'000; ++n) xml += "<w:p><w:r><w:t>段落" + std::to_string(n) + "</w:t></w:r></w:p>";
  xml += "</w:body></w:document>";
  const uint64_t inflated = xml.size();
  const uint64_t chars = code_points(xml);
  auto zip = wenyuan::doc::write_zip({{"word/document.xml", std::move(xml)}});
  ASSERT_TRUE(zip.is_ok()) << zip.status().message();
  const fs::path f = dir_ / "many.docx";
  {
    std::ofstream out(f, std::ios::binary);
    out << *zip;
  }
  check(f, chars, inflated);
}

}  // namespace
