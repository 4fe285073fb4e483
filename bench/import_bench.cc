// import_bench: how fast `wenyuan import` takes in the real corpus, and at what
// memory cost. For each ../shared/corpus/*.jsonl.xz (decompressed first, not
// timed) it imports the file into a fresh temporary library through
// library::Library, the way the CLI does, then imports all of them together into
// one more. Each import runs in a child process, so "peak RSS" (getrusage of
// that child) is the import's own high-water mark, not the harness's.
//
//   import_bench [CORPUS_DIR]    (default: WENYUAN_SHARED_DIR/corpus)
//
// Prints: file, MB (input), docs (imported + updated + unchanged), seconds,
// MB/s, peak RSS. Skips with a message when the corpus folder is absent.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../tests/support/xz_lines.h"
#include "wenyuan/library/library.h"

namespace fs = std::filesystem;

namespace {

#ifndef WENYUAN_SHARED_DIR
#define WENYUAN_SHARED_DIR "../shared"
#endif

bool xz_decompress(const fs::path& in, const fs::path& out) {
  std::ofstream dst(out, std::ios::binary);
  if (!dst) return false;
  const wenyuan::Status st = wenyuan::xz::decode(
      in, [&](std::string_view bytes) { dst.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
  return st.is_ok() && static_cast<bool>(dst);
}

struct Row {
  std::string name;
  double mb = 0;
  uint64_t docs = 0;
  double seconds = 0;
  long peak_kb = 0;
  bool ok = false;
};

// Imports `files` into a fresh library under `dir` in a child process.
Row run_import(const std::string& name, const std::vector<fs::path>& files, const fs::path& dir) {
  Row row;
  row.name = name;
  for (const auto& f : files) row.mb += static_cast<double>(fs::file_size(f)) / 1e6;
  int fds[2];
  if (pipe(fds) != 0) return row;
  const pid_t pid = fork();
  if (pid < 0) return row;
  if (pid == 0) {
    close(fds[0]);
    double result[2] = {-1, 0};
    auto lib = wenyuan::library::Library::open(dir);
    if (lib) {
      wenyuan::library::ImportOptions options;
      auto report = (*lib)->import_paths(files, options);
      result[0] = report.seconds;
      result[1] = static_cast<double>(report.imported + report.updated + report.unchanged);
    } else {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), lib.status().message().c_str());
    }
    const ssize_t w = write(fds[1], result, sizeof result);
    _exit(w == static_cast<ssize_t>(sizeof result) && result[0] >= 0 ? 0 : 1);
  }
  close(fds[1]);
  double result[2] = {-1, 0};
  const ssize_t r = read(fds[0], result, sizeof result);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  row.ok = r == static_cast<ssize_t>(sizeof result) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  row.seconds = result[0];
  row.docs = static_cast<uint64_t>(result[1]);
  row.peak_kb = usage.ru_maxrss;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path corpus = argc > 1 ? fs::path(argv[1]) : fs::path(WENYUAN_SHARED_DIR) / "corpus";
  std::vector<fs::path> inputs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(corpus, ec))
    if (e.path().string().ends_with(".jsonl.xz")) inputs.push_back(e.path());
  if (ec || inputs.empty()) {
    std::printf("import_bench: skipped, no corpus at %s (*.jsonl.xz)\n", corpus.string().c_str());
    return 0;
  }
  std::sort(inputs.begin(), inputs.end());
  const fs::path tmp = fs::temp_directory_path() / ("wenyuan_import_bench_" + std::to_string(getpid()));
  fs::create_directories(tmp / "in");
  std::vector<fs::path> files;
  for (const auto& in : inputs) {
    const fs::path out = tmp / "in" / in.stem();  // x.jsonl
    if (!xz_decompress(in, out)) {
      std::fprintf(stderr, "import_bench: cannot decompress %s\n", in.string().c_str());
      fs::remove_all(tmp, ec);
      return 1;
    }
    files.push_back(out);
  }
  std::vector<Row> rows;
  for (const auto& f : files) rows.push_back(run_import(f.filename().string(), {f}, tmp / ("lib_" + f.stem().string())));
  rows.push_back(run_import("(all, one library)", files, tmp / "lib_all"));
  fs::remove_all(tmp, ec);

  std::printf("%-30s %9s %7s %9s %8s %12s\n", "file", "MB", "docs", "seconds", "MB/s", "peak RSS MB");
  bool all_ok = true;
  for (const Row& r : rows) {
    if (!r.ok) {
      std::printf("%-30s %9.1f  import failed\n", r.name.c_str(), r.mb);
      all_ok = false;
      continue;
    }
    std::printf("%-30s %9.1f %7llu %9.2f %8.1f %12.1f\n", r.name.c_str(), r.mb, static_cast<unsigned long long>(r.docs),
                r.seconds, r.seconds > 0 ? r.mb / r.seconds : 0.0, static_cast<double>(r.peak_kb) / 1024.0);
  }
  return all_ok ? 0 : 1;
}
