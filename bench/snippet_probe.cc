// snippet_probe: the `--mode snippets` queries of search_compare (same seed,
// same 350 / 7 per bucket), timed one by one over an index search_compare
// left behind (`--work-dir DIR`, then DIR/wenyuan), to see which queries make
// a bucket's p99 and where their time goes. Each query is run `reps` times
// and its least thread-CPU time kept (the machine is shared: the minimum is the
// stable figure); the 12 slowest are listed, each split into phases by running
// it as ids only, + match ranges, + snippets. `dump` writes every hit's
// matches and snippets, to compare two builds byte for byte. With `slow N` and
// `loops L` it then runs the N slowest L times (for perf record); with PICK=i
// in the environment only query i, `loops` times.
//
// snippet_probe INDEX_DIR CORPUS_DIR REPLICATE BUCKETS REPS [DUMP|""] [SLOW LOOPS]
//   BUCKETS: digits of the buckets to run (0 = 1 char, 1 = 2 chars, ... 6 = AND2)
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "compare/corpus.h"
#include "compare/queries.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"

namespace wb = wenyuan::bench;
using namespace wenyuan;

namespace {

double cpu_us() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: snippet_probe INDEX_DIR CORPUS_DIR REPLICATE BUCKETS REPS [DUMP] [SLOW LOOPS]\n";
    return 2;
  }
  const std::string index_dir = argv[1], corpus_dir = argv[2];
  const int replicate = std::atoi(argv[3]);
  const std::string buckets = argv[4];
  const int reps = std::atoi(argv[5]);
  const std::string dump = argc > 6 ? argv[6] : "";
  const int only_slow = argc > 7 ? std::atoi(argv[7]) : 0;
  const int loops = argc > 8 ? std::atoi(argv[8]) : 0;
  auto corpus = wb::load_corpus(corpus_dir, replicate);
  if (!corpus) return 3;
  auto queries = wb::make_queries(*corpus, 350 / wb::kBucketCount, 20261129);
  auto idx = index::Index::open(index_dir);
  if (!idx) {
    std::cerr << idx.status().message() << "\n";
    return 4;
  }
  search::Engine engine(**idx);
  auto request = [](const wb::BenchQuery& q, bool matches, bool snippets = true) {
    search::SearchRequest req;
    std::string s;
    for (const auto& t : q.terms) s += (s.empty() ? "" : " ") + ("\"" + t + "\"");
    req.query = s;
    req.limit = 10;
    req.snippets = snippets;
    req.max_snippets = 3;
    req.matches = matches;
    return req;
  };
  std::vector<std::pair<double, size_t>> times;
  std::ofstream out;
  if (!dump.empty()) out.open(dump);
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    if (buckets.find(char('0' + static_cast<int>(q.bucket))) == std::string::npos) continue;
    double best = 1e18;
    for (int r = 0; r < reps; ++r) {
      const double t0 = cpu_us();
      auto res = engine.search(request(q, false));
      const double t1 = cpu_us();
      if (!res) return 5;
      best = std::min(best, t1 - t0);
    }
    times.push_back({best, i});
    if (out) {
      auto res = engine.search(request(q, true));
      out << "Q " << i << " " << q.joined() << " total " << res->total << "\n";
      for (const auto& h : res->hits) {
        out << " H " << h.id << " m";
        for (const auto& m : h.matches) out << " " << m.start << "-" << m.end;
        out << "\n";
        for (const auto& sn : h.snippets) {
          out << "  S " << sn.start << "-" << sn.end << " [" << sn.text << "]";
          for (const auto& hl : sn.highlights) out << " " << hl.first << "-" << hl.second;
          out << "\n";
        }
      }
    }
  }
  std::vector<std::pair<double, size_t>> sorted = times;
  std::sort(sorted.rbegin(), sorted.rend());
  for (size_t k = 0; k < sorted.size() && k < 12; ++k) {
    const auto& q = queries[sorted[k].second];
    std::printf("%9.0f us  q%zu b%d %s\n", sorted[k].first, sorted[k].second, static_cast<int>(q.bucket), q.joined().c_str());
  }
  for (int b = 0; b < wb::kBucketCount; ++b) {
    std::vector<double> v;
    for (auto& [t, i] : times)
      if (static_cast<int>(queries[i].bucket) == b) v.push_back(t);
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    auto rank = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(p * v.size())) - 1)]; };
    std::printf("bucket %d: n %zu p50 %.0f p90 %.0f p99 %.0f sum %.0f\n", b, v.size(), rank(0.5), rank(0.9), rank(0.99),
                [&] { double s = 0; for (double x : v) s += x; return s; }());
  }
  auto tmin = [&](const search::SearchRequest& req) {
    double best = 1e18;
    for (int r = 0; r < 7; ++r) {
      const double t0 = cpu_us();
      auto res = engine.search(req);
      const double t1 = cpu_us();
      best = std::min(best, t1 - t0);
    }
    return best;
  };
  for (size_t k = 0; k < sorted.size() && k < 12; ++k) {
    const auto& q = queries[sorted[k].second];
    const double a = tmin(request(q, false, false)), b = tmin(request(q, true, false)), c = tmin(request(q, false, true));
    std::printf("phases q%zu %s: ids %.0f, +matches %.0f, +snippets %.0f (total %.0f)\n", sorted[k].second,
                q.joined().c_str(), a, b - a, c - b, c);
  }
  if (const char* pick = std::getenv("PICK")) {
    for (int l = 0; l < loops; ++l) {
      auto res = engine.search(request(queries[std::atoi(pick)], false));
      if (!res) return 6;
    }
    return 0;
  }
  if (only_slow > 0) {
    for (int l = 0; l < loops; ++l)
      for (int k = 0; k < only_slow && k < static_cast<int>(sorted.size()); ++k) {
        auto res = engine.search(request(queries[sorted[k].second], false));
        if (!res) return 6;
      }
  }
  return 0;
}
