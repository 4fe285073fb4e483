// search_compare: wenyuan's search side by side with real peers, in one run, on
// the same queries over the same corpus; prints a markdown report (see
// bench/README.md for the columns). This is how the project reports speed: tests
// assert behaviour, never timings.
//
// Steps: load /work/shared/corpus (optionally replicated), draw the queries, compute
// the truth of each by brute force (compare/oracle.h), then for each engine in
// turn: build its index (timed), check every query's full result set against the
// truth, run all queries once to warm up, run them again timed. Engines run one
// after another and each is destroyed before the next is built, so memory holds
// one index at a time besides the corpus and the oracle.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "compare/corpus.h"
#include "compare/engine.h"
#include "compare/oracle.h"
#include "compare/queries.h"
#include "compare/report.h"

namespace wb = wenyuan::bench;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// User + system CPU seconds of this process and its waited-for children (the
// Sphinx indexer runs as a child).
double process_cpu_seconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    getrusage(who, &ru);
    total += static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

std::string load_average() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) != 3) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %.1f %.1f", l[0], l[1], l[2]);
  return buf;
}

std::string machine() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return (model.empty() ? std::string("unknown CPU") : model) + ", " +
         std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores";
}

std::unique_ptr<wb::Engine> make_engine(const std::string& key, const std::string& dir) {
  if (key == "wenyuan") return wb::make_wenyuan_engine(dir + "/wenyuan", /*optimize=*/false);
  if (key == "wenyuan-text-paragraphs")
    return wb::make_wenyuan_engine(dir + "/wenyuan-text-paragraphs", /*optimize=*/false, /*paragraphs_from_text=*/true);
  if (key == "wenyuan-optimized") return wb::make_wenyuan_engine(dir + "/wenyuan-optimized", /*optimize=*/true);
  if (key == "brute") return wb::make_brute_engine();
  if (key == "sqlite") return wb::make_sqlite_engine(dir + "/sqlite");
  if (key == "xapian") return wb::make_xapian_engine(dir + "/xapian");
  if (key == "sphinx") return wb::make_sphinx_engine(dir + "/sphinx");
  return nullptr;
}

// Set differences of two sorted id lists.
void diff(const std::vector<uint32_t>& got, const std::vector<uint32_t>& truth, size_t& fp, size_t& fn) {
  std::vector<uint32_t> d;
  std::set_difference(got.begin(), got.end(), truth.begin(), truth.end(), std::back_inserter(d));
  fp = d.size();
  d.clear();
  std::set_difference(truth.begin(), truth.end(), got.begin(), got.end(), std::back_inserter(d));
  fn = d.size();
}

void run_engine(wb::Engine& engine, const wb::Corpus& corpus, const std::vector<wb::BenchQuery>& queries,
                const std::vector<std::vector<uint32_t>>& truths, const std::vector<std::vector<uint32_t>>& raw,
                bool only_build, const std::string& mode, wb::EngineReport& r) {
  constexpr size_t kTop = 10;
  constexpr size_t kExamples = 4;
  r.name = engine.name();
  std::cerr << "[" << r.name << "] building...\n";
  auto t0 = Clock::now();
  double cpu0 = process_cpu_seconds();
  wenyuan::Status st = engine.build(corpus);
  r.build_seconds = seconds_since(t0);
  r.build_cpu_seconds = process_cpu_seconds() - cpu0;
  r.describe = engine.describe();
  if (!st.is_ok()) {
    r.build_error = st.message();
    std::cerr << "[" << r.name << "] build failed: " << st.message() << "\n";
    return;
  }
  r.built = true;
  r.index_bytes = engine.index_bytes();
  std::cerr << "[" << r.name << "] built in " << r.build_seconds << " s, " << r.index_bytes / 1000000 << " MB\n";
  if (only_build) return;

  // Exactness: every matching id, compared as a set.
  r.exact.assign(queries.size(), false);
  r.raw_exact.assign(queries.size(), false);
  std::vector<int64_t> set_sizes(queries.size(), -1);
  for (size_t i = 0; i < queries.size(); ++i) {
    auto ids = engine.all_ids(queries[i]);
    wb::Disagreement d{queries[i].joined(), queries[i].bucket, truths[i].size(), 0, 0, 0, ""};
    if (!ids) {
      ++r.errors;
      d.error = ids.status().message();
      d.false_neg = truths[i].size();
    } else {
      set_sizes[i] = static_cast<int64_t>(ids->size());
      d.returned = ids->size();
      diff(*ids, truths[i], d.false_pos, d.false_neg);
      r.exact[i] = d.false_pos == 0 && d.false_neg == 0;
      r.raw_exact[i] = *ids == raw[i];
      if (mode == "full-set") {
        // The timed path (full_set_size) must give the same set, not only its size.
        auto set = engine.full_set(queries[i]);
        if (set) std::sort(set->begin(), set->end());
        if (!set || *set != *ids) ++r.count_mismatch;
      }
    }
    r.false_pos += d.false_pos;
    r.false_neg += d.false_neg;
    if (!r.exact[i] && r.examples.size() < kExamples) r.examples.push_back(d);
  }
  std::cerr << "[" << r.name << "] exactness checked\n";

  // The timed call of the mode: its total (the set size for full-set).
  constexpr size_t kSnippets = 3;
  auto call = [&](const wb::BenchQuery& q) -> wenyuan::Result<uint64_t> {
    if (mode == "full-set") return engine.full_set_size(q);
    auto res = mode == "snippets"    ? engine.top_snippets(q, kTop, kSnippets)
               : mode == "paragraph" ? engine.paragraphs(q, kTop, kSnippets)
                                     : engine.top(q, kTop);
    if (!res) return res.status();
    return res->total;
  };
  // Warm-up pass, then the timed pass.
  for (const auto& q : queries) (void)call(q);
  r.latency_us.assign(queries.size(), -1);
  r.cpu_us.assign(queries.size(), -1);
  for (size_t i = 0; i < queries.size(); ++i) {
    double c = thread_cpu_us();
    auto t = Clock::now();
    auto res = call(queries[i]);
    double us = std::chrono::duration<double, std::micro>(Clock::now() - t).count();
    double cpu = thread_cpu_us() - c;
    if (!res) continue;
    r.latency_us[i] = us;
    r.cpu_us[i] = cpu;
    // The paragraph mode's total counts paragraphs, not documents.
    if (mode != "paragraph" && set_sizes[i] >= 0 && *res != static_cast<uint64_t>(set_sizes[i])) ++r.count_mismatch;
  }
  std::cerr << "[" << r.name << "] timed\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wenyuan search compared with SQLite FTS5, Xapian, Sphinx and brute force, on the same queries"};
  std::string corpus_dir = std::string(WENYUAN_SHARED_DIR) + "/corpus";
  int n_queries = 600;
  int replicate = 1;
  uint64_t seed = 20261129;
  std::string engines_arg = "wenyuan,brute,sqlite,xapian,sphinx";
  bool only_build = false;
  std::string work_dir;
  bool keep = false;
  std::string out_path;
  std::string mode = "top";
  app.add_option("--corpus", corpus_dir, "folder of *.jsonl.xz")->capture_default_str();
  app.add_option("--queries", n_queries, "number of queries (split evenly over the 7 buckets)")->capture_default_str();
  app.add_option("--replicate", replicate, "index N copies of the corpus (5 gives ~110 M characters)")
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the query generator")->capture_default_str();
  app.add_option("--engines", engines_arg, "comma-separated: wenyuan,wenyuan-optimized,wenyuan-text-paragraphs,brute,sqlite,xapian,sphinx")
      ->capture_default_str();
  app.add_flag("--only-build", only_build, "build the indexes and report build time and size only");
  app.add_option("--work-dir", work_dir, "where indexes are built (default: a fresh folder under /tmp)");
  app.add_flag("--keep", keep, "keep the work folder");
  app.add_option("--out", out_path, "also write the markdown report to this file");
  app.add_option("--mode", mode,
                 "timed call: top (count + top-10 ids), full-set (every matching id), snippets (top-10 with 3 "
                 "snippets each), paragraph (paragraph unit: count + top-10 paragraphs with 3 snippets each)")
      ->check(CLI::IsMember({"top", "full-set", "snippets", "paragraph"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);

  const std::string load_at_start = load_average();
  auto t0 = Clock::now();
  auto corpus = wb::load_corpus(corpus_dir, replicate);
  if (!corpus) {
    std::cout << "search_compare: skipped: " << corpus.status().message()
              << " (the public corpus lives in ../shared/corpus; pass --corpus DIR)\n";
    return 0;
  }
  std::cerr << "corpus: " << corpus->docs.size() << " docs, " << corpus->raw_chars << " chars, loaded in "
            << seconds_since(t0) << " s\n";

  std::vector<wb::BenchQuery> queries;
  std::vector<std::vector<uint32_t>> truths, raw_truths;
  std::vector<size_t> truth_sizes;
  if (!only_build) {
    queries = wb::make_queries(*corpus, std::max(1, n_queries / wb::kBucketCount), seed);
    t0 = Clock::now();
    wb::Oracle oracle(*corpus);
    std::cerr << "oracle: normalized in " << seconds_since(t0) << " s\n";
    t0 = Clock::now();
    for (const auto& q : queries) {
      truths.push_back(oracle.truth(q));
      raw_truths.push_back(oracle.raw_truth(q));
      truth_sizes.push_back(truths.back().size());
    }
    std::cerr << "oracle: " << queries.size() << " truths in " << seconds_since(t0) << " s\n";
  }

  bool own_work_dir = work_dir.empty();
  if (own_work_dir) work_dir = "/tmp/wenyuan-search-compare-" + std::to_string(getpid());
  std::filesystem::create_directories(work_dir);

  std::vector<wb::EngineReport> reports;
  std::stringstream list(engines_arg);
  for (std::string key; std::getline(list, key, ',');) {
    if (key.empty()) continue;
    auto engine = make_engine(key, work_dir);
    if (!engine) {
      std::cerr << "search_compare: engine '" << key << "' is not available in this build; skipped\n";
      continue;
    }
    wb::EngineReport r;
    run_engine(*engine, *corpus, queries, truths, raw_truths, only_build, mode, r);
    reports.push_back(std::move(r));
  }

  wb::RunInfo info;
  info.command = command;
  info.corpus_dir = corpus_dir;
  info.docs = corpus->docs.size();
  info.raw_bytes = corpus->raw_bytes;
  info.raw_chars = corpus->raw_chars;
  info.replicas = corpus->replicas;
  info.seed = seed;
  info.only_build = only_build;
  info.mode = mode;
  info.machine = machine();
  info.load = load_at_start + " at the start, " + load_average() + " at the end";
  std::ostringstream md;
  wb::write_report(md, info, queries, truth_sizes, reports);
  std::cout << md.str();
  if (!out_path.empty()) {
    std::FILE* f = std::fopen(out_path.c_str(), "w");
    if (f) {
      std::fputs(md.str().c_str(), f);
      std::fclose(f);
    }
  }
  if (own_work_dir && !keep) std::filesystem::remove_all(work_dir);
  return 0;
}
