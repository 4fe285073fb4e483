// import_dedup: what duplicate detection at import costs (store/clusters.h,
// dedup/sketch.h). Imports the public corpus (../shared/corpus/*.jsonl.xz,
// decompressed first, not timed) into fresh libraries through
// library::Library, alternately with ImportOptions::detect_duplicates on and
// off, --runs times each, and prints the wall and CPU seconds of each run, the
// best of each and their ratios, and the clusters and version groups found.
//
//   import_dedup [--corpus DIR] [--runs N]
// Skips with a message when the corpus folder is absent.
#include <lzma.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "wenyuan/library/library.h"
#include "wenyuan/store/catalog.h"

namespace fs = std::filesystem;

namespace {

bool xz_decompress(const fs::path& in, const fs::path& out) {
  std::ifstream src(in, std::ios::binary);
  std::ofstream dst(out, std::ios::binary);
  if (!src || !dst) return false;
  lzma_stream s = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) return false;
  std::vector<uint8_t> ibuf(1 << 16), obuf(1 << 20);
  lzma_action action = LZMA_RUN;
  lzma_ret rc = LZMA_OK;
  while (rc == LZMA_OK) {
    if (s.avail_in == 0 && action == LZMA_RUN) {
      src.read(reinterpret_cast<char*>(ibuf.data()), static_cast<std::streamsize>(ibuf.size()));
      s.next_in = ibuf.data();
      s.avail_in = static_cast<size_t>(src.gcount());
      if (s.avail_in == 0) action = LZMA_FINISH;
    }
    s.next_out = obuf.data();
    s.avail_out = obuf.size();
    rc = lzma_code(&s, action);
    dst.write(reinterpret_cast<const char*>(obuf.data()), static_cast<std::streamsize>(obuf.size() - s.avail_out));
  }
  lzma_end(&s);
  return rc == LZMA_STREAM_END && static_cast<bool>(dst);
}

// CPU seconds of the whole process (every thread): on the shared build machine
// wall time swings by 2x between runs with the load, CPU time much less.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path corpus = fs::path(WENYUAN_SHARED_DIR) / "corpus";
  int runs = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--corpus")) corpus = argv[i + 1];
    else if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  std::vector<fs::path> inputs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(corpus, ec))
    if (e.path().string().ends_with(".jsonl.xz")) inputs.push_back(e.path());
  if (ec || inputs.empty()) {
    std::printf("import_dedup: skipped, no corpus at %s (*.jsonl.xz)\n", corpus.string().c_str());
    return 0;
  }
  std::sort(inputs.begin(), inputs.end());
  const fs::path tmp = fs::temp_directory_path() / ("wenyuan_import_dedup_" + std::to_string(getpid()));
  fs::create_directories(tmp / "in");
  std::vector<fs::path> files;
  for (const auto& in : inputs) {
    files.push_back(tmp / "in" / in.stem());
    if (!xz_decompress(in, files.back())) {
      std::fprintf(stderr, "import_dedup: cannot decompress %s\n", in.string().c_str());
      return 1;
    }
  }
  double best[2] = {1e30, 1e30}, best_cpu[2] = {1e30, 1e30};
  for (int run = 0; run < runs; ++run)
    for (int on = 1; on >= 0; --on) {
      const fs::path dir = tmp / ("lib_" + std::to_string(run) + "_" + std::to_string(on));
      auto lib = wenyuan::library::Library::open(dir);
      if (!lib) {
        std::fprintf(stderr, "import_dedup: %s\n", lib.status().message().c_str());
        return 1;
      }
      wenyuan::library::ImportOptions options;
      options.detect_duplicates = on == 1;
      const double cpu0 = cpu_seconds();
      const auto report = (*lib)->import_paths(files, options);
      const double cpu = cpu_seconds() - cpu0;
      best[on] = std::min(best[on], report.seconds);
      best_cpu[on] = std::min(best_cpu[on], cpu);
      std::printf("run %d, detection %-3s: %llu documents, %.1f M characters, %.2f s wall, %.2f s CPU", run + 1,
                  on ? "on" : "off", static_cast<unsigned long long>(report.imported), report.characters / 1e6,
                  report.seconds, cpu);
      if (on) {
        auto clusters = (*lib)->catalog().dup_clusters();
        auto versions = (*lib)->catalog().dup_versions();
        size_t members = 0;
        if (clusters)
          for (const auto& g : *clusters) members += g.members.size();
        std::printf("; %zu clusters (%zu documents), %zu version groups", clusters ? clusters->size() : 0, members,
                    versions ? versions->size() : 0);
      }
      std::printf("\n");
      std::fflush(stdout);
      lib->reset();
      fs::remove_all(dir, ec);
    }
  fs::remove_all(tmp, ec);
  std::printf("best wall: on %.2f s, off %.2f s: %+.1f%%\n", best[1], best[0], (best[1] / best[0] - 1) * 100);
  std::printf("best CPU:  on %.2f s, off %.2f s: %+.1f%%\n", best_cpu[1], best_cpu[0], (best_cpu[1] / best_cpu[0] - 1) * 100);
  return 0;
}
