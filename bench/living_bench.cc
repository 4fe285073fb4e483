// living_bench: a simulated month of a living library (docs/living-library.md).
// 30 days; each day brings `per_day` new documents from ../shared/corpus, in ten
// commits (as the server's tailer makes them), re-issues 5% of earlier documents
// with a revision and deletes 2%; the merge policy runs after every commit. It
// reports, per day, the segment count and index size, and at the end compares
// them with the same final documents imported in one go (and optimized).
//
//   living_bench [CORPUS_DIR] [DAYS] [PER_DAY]   (defaults: WENYUAN_SHARED_DIR/corpus 30 1000)
//
// Not a test: figures are printed, nothing is asserted.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/index/index.h"
#include "wenyuan/library/library.h"

namespace fs = std::filesystem;
using wenyuan::library::ImportOptions;
using wenyuan::library::Library;

#ifndef WENYUAN_SHARED_DIR
#define WENYUAN_SHARED_DIR "../shared"
#endif

namespace {

std::vector<nlohmann::json> read_corpus(const fs::path& dir) {
  std::vector<nlohmann::json> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".xz") continue;
    std::FILE* p = ::popen(("xz -dc '" + e.path().string() + "'").c_str(), "r");
    if (!p) continue;
    std::string line;
    for (int c; (c = std::fgetc(p)) != EOF;) {
      if (c != '\n') {
        line += static_cast<char>(c);
        continue;
      }
      auto j = nlohmann::json::parse(line, nullptr, false);
      line.clear();
      if (j.is_object() && j.contains("text") && j["text"].is_string()) out.push_back(std::move(j));
    }
    ::pclose(p);
  }
  return out;
}

void write_jsonl(const fs::path& f, const std::vector<const nlohmann::json*>& records) {
  std::ofstream out(f);
  for (const auto* r : records) out << r->dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path corpus = argc > 1 ? fs::path(argv[1]) : fs::path(WENYUAN_SHARED_DIR) / "corpus";
  const int days = argc > 2 ? std::atoi(argv[2]) : 30;
  int per_day = argc > 3 ? std::atoi(argv[3]) : 1000;
  if (!fs::is_directory(corpus)) {
    std::printf("living_bench: skipped, no corpus at %s\n", corpus.c_str());
    return 0;
  }
  std::vector<nlohmann::json> records = read_corpus(corpus);
  if (records.size() < static_cast<size_t>(days * per_day)) {
    per_day = static_cast<int>(records.size() / days);
    std::printf("corpus has %zu records: %d new documents a day\n", records.size(), per_day);
  }
  const fs::path work = fs::temp_directory_path() / ("wenyuan_living_bench_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  wenyuan::library::OpenOptions lo;
  lo.holder = "living_bench";
  auto lib = Library::open(work / "lib", lo);
  if (!lib) {
    std::fprintf(stderr, "%s\n", lib.status().message().c_str());
    return 1;
  }
  std::mt19937 rng(20261201);
  std::map<std::string, nlohmann::json> live;  // id -> current record
  size_t next = 0;
  ImportOptions io;
  double import_seconds = 0, merge_seconds = 0;
  unsigned merges = 0;
  std::printf("%4s %8s %8s %9s %10s\n", "day", "docs", "segments", "deleted", "index MB");
  for (int day = 1; day <= days; ++day) {
    std::vector<nlohmann::json> today;
    for (int i = 0; i < per_day && next < records.size(); ++i, ++next) {
      nlohmann::json r = records[next];
      r["id"] = "m" + std::to_string(next);
      today.push_back(std::move(r));
    }
    // Revisions of earlier documents, and deletes.
    std::vector<std::string> ids;
    for (const auto& [id, r] : live) ids.push_back(id);
    std::vector<std::string> deletes;
    if (!ids.empty()) {
      for (int i = 0; i < per_day / 20; ++i) {
        nlohmann::json r = live[ids[rng() % ids.size()]];
        r["text"] = r["text"].get<std::string>() + "\n（第" + std::to_string(day) + "日修订）";
        today.push_back(std::move(r));
      }
      for (int i = 0; i < per_day / 50; ++i) deletes.push_back(ids[rng() % ids.size()]);
    }
    const size_t chunk = std::max<size_t>(1, today.size() / 10);
    for (size_t at = 0; at < today.size(); at += chunk) {
      std::vector<const nlohmann::json*> part;
      for (size_t i = at; i < std::min(today.size(), at + chunk); ++i) part.push_back(&today[i]);
      const fs::path f = work / "day.jsonl";
      write_jsonl(f, part);
      auto t0 = std::chrono::steady_clock::now();
      (*lib)->import_paths({f}, io);
      auto t1 = std::chrono::steady_clock::now();
      auto m = (*lib)->merge();
      auto t2 = std::chrono::steady_clock::now();
      import_seconds += std::chrono::duration<double>(t1 - t0).count();
      merge_seconds += std::chrono::duration<double>(t2 - t1).count();
      if (m) merges += *m;
      for (const auto* r : part) live[(*r)["id"].get<std::string>()] = *r;
    }
    for (const auto& id : deletes) {
      if (live.erase(id)) (void)(*lib)->remove(id);
    }
    auto m = (*lib)->merge();
    if (m) merges += *m;
    const auto st = (*lib)->index().stats();
    std::printf("%4d %8llu %8llu %9llu %10.1f\n", day, static_cast<unsigned long long>(st.docs),
                static_cast<unsigned long long>(st.segments), static_cast<unsigned long long>(st.deleted_docs),
                static_cast<double>(st.bytes) / 1e6);
  }
  const auto month = (*lib)->index().stats();
  auto v = (*lib)->verify();
  std::printf("month: %u merges, import %.1f s, merges %.1f s; verify: %s\n", merges, import_seconds, merge_seconds,
              v && v->ok() ? "consistent" : "INCONSISTENT");
  lib->reset();

  // The same final documents in one go.
  std::vector<const nlohmann::json*> all;
  for (const auto& [id, r] : live) all.push_back(&r);
  write_jsonl(work / "all.jsonl", all);
  auto once = Library::open(work / "once", lo);
  if (!once) return 1;
  auto t0 = std::chrono::steady_clock::now();
  (*once)->import_paths({work / "all.jsonl"}, io);
  const double once_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto one_go = (*once)->index().stats();
  (void)(*once)->optimize();
  const auto optimized = (*once)->index().stats();
  std::printf("\n%-28s %8s %8s %10s\n", "", "docs", "segments", "index MB");
  auto row = [](const char* name, const wenyuan::index::IndexStats& s) {
    std::printf("%-28s %8llu %8llu %10.1f\n", name, static_cast<unsigned long long>(s.docs),
                static_cast<unsigned long long>(s.segments), static_cast<double>(s.bytes) / 1e6);
  };
  row("after the month", month);
  row("imported in one go", one_go);
  row("one go, optimized", optimized);
  std::printf("one-go import %.1f s; month/one-go index size %.2f\n", once_s,
              static_cast<double>(month.bytes) / static_cast<double>(std::max<uint64_t>(1, one_go.bytes)));
  fs::remove_all(work);
  return 0;
}
