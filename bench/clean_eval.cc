// The cleaning evaluation on the public corpus (issue 12): the trailer, header
// and official-ending styles of tests/data/clean_eval/edges.txt attached to
// real bodies from ../shared/corpus (every document, round robin), cleaned, and
// counted line by line: trailer-line recall, body lines lost, line precision.
// Then what clean() takes out of the corpus documents as they are (no
// additions): every such line is printed for review (site credits and share
// prompts of the web articles are expected; anything else is a loss).
//
//   build/release/bench/clean_eval [--per-block N] [--quiet] [--corpus DIR (default ../shared/corpus)]
// Not a timing benchmark: no figure here depends on the machine.
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "../tests/support/clean_eval.h"
#include "../tests/support/xz_lines.h"

namespace {

namespace fs = std::filesystem;
using wenyuan::clean_eval::Block;

}  // namespace

int main(int argc, char** argv) {
  size_t per_block = 40;
  bool quiet = false;
  fs::path corpus = fs::path(WENYUAN_SHARED_DIR) / "corpus";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--per-block") && i + 1 < argc) per_block = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--quiet")) quiet = true;
    else if (!std::strcmp(argv[i], "--corpus") && i + 1 < argc) corpus = argv[++i];
  }
  if (!fs::exists(corpus)) {
    std::printf("skipped: %s not found\n", corpus.c_str());
    return 0;
  }
  const std::vector<Block> blocks =
      wenyuan::clean_eval::load_blocks(std::string(WENYUAN_SOURCE_DIR) + "/tests/data/clean_eval/edges.txt");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(corpus))
    if (e.path().extension() == ".xz") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::vector<std::string>> bodies;
  std::vector<std::pair<std::string, std::vector<std::vector<std::string>>>> by_file;
  size_t own_removed_lines = 0, own_docs = 0;
  for (const fs::path& f : files) {
    const wenyuan::Status read = wenyuan::xz::for_each_line(f, [&](const std::string& line) {
      const auto j = nlohmann::json::parse(line);
      const std::string text = j.at("text").get<std::string>();
      bodies.push_back(wenyuan::clean_eval::body_of(text));
      if (by_file.empty() || by_file.back().first != f.filename().string()) by_file.push_back({f.filename().string(), {}});
      by_file.back().second.push_back(bodies.back());
      const wenyuan::doc::CleanResult r = wenyuan::doc::clean(text, {});
      bool any = false;
      for (const auto& p : r.removed) {
        if (p.reason == "noise") continue;
        for (const std::string& l : wenyuan::clean_eval::split_lines(p.text)) {
          if (wenyuan::clean_eval::blank(l)) continue;
          ++own_removed_lines;
          any = true;
          if (!quiet)
            std::printf("  corpus %s | %s | %s: %s\n", f.filename().c_str(), j.at("title").get<std::string>().c_str(),
                        p.reason.c_str(), l.c_str());
        }
      }
      own_docs += any;
    });
    if (!read.is_ok()) {
      std::fprintf(stderr, "%s\n", read.message().c_str());
      return 1;
    }
  }
  const wenyuan::clean_eval::Counts c = wenyuan::clean_eval::evaluate(blocks, bodies, per_block);
  if (!quiet)
    for (const std::string& m : c.misses) std::printf("  %s\n", m.c_str());
  std::printf("bodies %zu; blocks %zu; cases %zu\n", bodies.size(), blocks.size(), c.cases);
  std::printf("trailer/header lines %zu, removed %zu: recall %.4f\n", c.promo_lines, c.promo_removed, c.recall());
  std::printf("body lines %zu, lost %zu; line precision %.4f\n", c.body_lines, c.body_removed, c.precision());
  // Per corpus file: the web articles (dangjian_hust) end in their own credit
  // lines and share prompts, which an added trailer takes along; the official
  // documents must lose nothing.
  for (const auto& [name, file_bodies] : by_file) {
    const size_t per = std::max<size_t>(1, std::min(per_block, file_bodies.size()));
    const wenyuan::clean_eval::Counts fc = wenyuan::clean_eval::evaluate(blocks, file_bodies, per);
    std::printf("  %-30s bodies %5zu cases %5zu: recall %.4f, body lines %7zu lost %3zu, precision %.4f\n", name.c_str(),
                file_bodies.size(), fc.cases, fc.recall(), fc.body_lines, fc.body_removed, fc.precision());
    if (!quiet)
      for (size_t m = 0; m < fc.misses.size() && m < 40; ++m) std::printf("    %s\n", fc.misses[m].c_str());
  }
  std::printf("corpus as it is: %zu lines removed (not noise) from %zu documents (listed above)\n", own_removed_lines,
              own_docs);
  return 0;
}
