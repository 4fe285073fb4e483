// Index build and search latency on the public corpus (../shared/corpus/*.jsonl.xz).
//
// Prints: documents, characters, build time (commit of everything, segments
// built on IndexOptions::build_threads threads), bytes on disk, and search
// latency p50/p99 per query-length bucket for count + top-10 ids (no
// snippets, no match ranges). Queries are random substrings of the corpus
// (so every one matches something) drawn with a fixed seed. Each query runs
// as a member and as a non-member (SearchRequest::visible_only, docs/paywall.md);
// with --paid every document is paid after a preview of its first 30% of code
// points (the default share), so the non-member column pays for the paywall.
//
//   index_bench [corpus_dir] [--threads N] [--segment-chars N] [--queries N] [--paid]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "../tests/support/xz_lines.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/text/utf8.h"

namespace {

using Clock = std::chrono::steady_clock;
double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path corpus = std::filesystem::path(WENYUAN_SHARED_DIR) / "corpus";
  wenyuan::index::IndexOptions opts;
  size_t n_queries = 300;
  bool keep = false, paid = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) opts.build_threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (a == "--segment-chars" && i + 1 < argc) opts.segment_chars = std::stoul(argv[++i]);
    else if (a == "--queries" && i + 1 < argc) n_queries = std::stoul(argv[++i]);
    else if (a == "--keep") keep = true;
    else if (a == "--paid") paid = true;
    else corpus = a;
  }
  if (!std::filesystem::is_directory(corpus)) {
    std::printf("index_bench: %s not found; skipping (the public corpus is not part of the repository)\n", corpus.c_str());
    return 0;
  }
  // Load. dangjian_hust is CC BY-NC-SA: fine to benchmark locally, it is not redistributed.
  auto t0 = Clock::now();
  std::vector<wenyuan::index::IndexDoc> docs;
  uint64_t chars = 0, bytes_utf8 = 0;
  for (const auto& e : std::filesystem::directory_iterator(corpus)) {
    if (e.path().extension() != ".xz") continue;
    std::string raw;
    if (!wenyuan::xz::read_all(e.path(), raw).is_ok()) {
      std::fprintf(stderr, "cannot read %s\n", e.path().c_str());
      return 1;
    }
    size_t at = 0;
    while (at < raw.size()) {
      size_t nl = raw.find('\n', at);
      if (nl == std::string::npos) nl = raw.size();
      auto j = nlohmann::json::parse(raw.begin() + static_cast<std::ptrdiff_t>(at), raw.begin() + static_cast<std::ptrdiff_t>(nl), nullptr, false);
      at = nl + 1;
      if (!j.is_object() || !j.contains("text")) continue;
      wenyuan::index::IndexDoc d;
      d.id = e.path().stem().string() + ":" + std::to_string(docs.size());
      d.title = j.value("title", "");
      d.text = j.value("text", "");
      d.date = j.value("date", "");
      d.source = j.value("source", "");
      d.category = j.value("category", "");
      if (d.date.size() >= 4 && std::isdigit(static_cast<unsigned char>(d.date[0]))) d.year = std::atoi(d.date.substr(0, 4).c_str());
      d.text_chars = static_cast<uint32_t>(wenyuan::text::count_code_points(d.text));
      if (paid) {
        d.visible = std::vector<wenyuan::doc::Span>{{0, static_cast<uint32_t>(d.text_chars * 0.3)}};
        d.public_year = d.year;
      }
      chars += d.text_chars + wenyuan::text::count_code_points(d.title);
      bytes_utf8 += d.text.size() + d.title.size();
      docs.push_back(std::move(d));
    }
  }
  auto t1 = Clock::now();
  std::printf("corpus: %zu docs, %.1f M chars, %.1f MB UTF-8, loaded in %.2f s\n", docs.size(), chars / 1e6,
              bytes_utf8 / 1e6, secs(t0, t1));

  const auto dir = std::filesystem::temp_directory_path() / "wenyuan_index_bench";
  std::filesystem::remove_all(dir);
  auto idx = wenyuan::index::Index::open(dir, opts);
  if (!idx.is_ok()) {
    std::fprintf(stderr, "%s\n", idx.status().message().c_str());
    return 1;
  }
  for (const auto& d : docs) (void)(*idx)->add(d);
  auto t2 = Clock::now();
  const std::clock_t c2 = std::clock();
  auto st = (*idx)->commit(1);
  auto t3 = Clock::now();
  const double cpu_build = static_cast<double>(std::clock() - c2) / CLOCKS_PER_SEC;
  if (!st.is_ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  const auto stats = (*idx)->stats();
  std::printf("build: commit %.2f s wall, %.2f s CPU (all threads) (%.1f M chars/s wall) on %u threads, %llu segments; index %.1f MB = %.2f x UTF-8 text\n",
              secs(t2, t3), cpu_build, chars / 1e6 / secs(t2, t3), opts.build_threads, static_cast<unsigned long long>(stats.segments),
              stats.bytes / 1e6, static_cast<double>(stats.bytes) / static_cast<double>(bytes_utf8));
  auto t4 = Clock::now();
  auto st2 = (*idx)->optimize();
  auto t5 = Clock::now();
  std::printf("optimize (merge into one segment): %.2f s %s, %.1f MB\n", secs(t4, t5), st2.is_ok() ? "" : st2.message().c_str(),
              (*idx)->stats().bytes / 1e6);

  // Queries: random substrings of random documents, per length bucket.
  wenyuan::search::Engine engine(**idx);
  std::mt19937 rng(42);
  struct Bucket {
    const char* name;
    size_t lo, hi;
    bool pair;
  };
  const Bucket buckets[] = {{"1", 1, 1, false},     {"2", 2, 2, false},       {"3", 3, 3, false},
                            {"4-6", 4, 6, false},   {"7-12", 7, 12, false},   {"13-40", 13, 40, false},
                            {"AND 2x2-4", 2, 4, true}};
  std::vector<std::u32string> texts;
  for (const auto& d : docs) texts.push_back(wenyuan::text::decode_utf8(d.text));
  auto pick = [&](size_t lo, size_t hi) {
    for (;;) {
      const auto& t = texts[rng() % texts.size()];
      const size_t len = lo + rng() % (hi - lo + 1);
      if (t.size() < len) continue;
      std::u32string s = t.substr(rng() % (t.size() - len + 1), len);
      bool ok = true;
      for (char32_t c : s) ok &= !(c == U' ' || c == U'\n' || c == U'\t' || c == U'"' || c == U'(' || c == U')' || c == U'|' || c == 0x3000 || c == U'-' || c == U':');
      if (ok) return "\"" + wenyuan::text::encode_utf8(s) + "\"";
    }
  };
  std::printf("\nsearch latency, count + top-10 ids, no snippets (%zu queries per bucket, each run 3x, best kept)\n", n_queries);
  std::printf("%-10s %10s %10s %10s %12s %12s %12s %12s\n", "length", "p50 us", "p99 us", "max us", "avg hits",
              "vis p50 us", "vis p99 us", "vis hits");
  for (const auto& b : buckets) {
    std::vector<double> lat, vlat;
    double hits = 0, vhits = 0;
    for (size_t i = 0; i < n_queries; ++i) {
      wenyuan::search::SearchRequest r;
      r.query = b.pair ? pick(b.lo, b.hi) + " " + pick(b.lo, b.hi) : pick(b.lo, b.hi);
      r.snippets = false;
      r.matches = false;
      for (bool visible_only : {false, true}) {
        r.visible_only = visible_only;
        double best = 1e18;
        uint64_t total = 0;
        for (int rep = 0; rep < 3; ++rep) {
          auto q0 = Clock::now();
          auto res = engine.search(r);
          auto q1 = Clock::now();
          best = std::min(best, secs(q0, q1) * 1e6);
          total = res.is_ok() ? res->total : 0;
        }
        (visible_only ? vlat : lat).push_back(best);
        (visible_only ? vhits : hits) += static_cast<double>(total);
      }
    }
    std::printf("%-10s %10.1f %10.1f %10.1f %12.1f %12.1f %12.1f %12.1f\n", b.name, pct(lat, 0.5), pct(lat, 0.99),
                pct(lat, 1.0), hits / n_queries, pct(vlat, 0.5), pct(vlat, 0.99), vhits / n_queries);
  }
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
