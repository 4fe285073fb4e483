// Normalization speed (Google Benchmark): building the process-wide table, and
// normalizing real Chinese text with and without the origin map. Uses the
// fixtures in tests/data (always present), so it needs no ../shared.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "wenyuan/text/normalize.h"

namespace {

const std::string& chinese_text() {
  static const std::string text = [] {
    std::string all;
    std::ifstream in(std::string(WENYUAN_SOURCE_DIR) + "/tests/data/corpus_sample.jsonl");
    std::string line;
    while (std::getline(in, line)) all += nlohmann::json::parse(line).at("text").get<std::string>();
    return all;
  }();
  return text;
}

void BM_NormalizeWithOrigin(benchmark::State& state) {
  const auto& n = wenyuan::text::Normalizer::instance();
  const std::string& text = chinese_text();
  std::u32string out;
  std::vector<uint32_t> origin;
  for (auto _ : state) {
    out.clear();
    origin.clear();
    n.normalize(text, out, &origin);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_NormalizeWithOrigin);

void BM_NormalizeWithoutOrigin(benchmark::State& state) {
  const auto& n = wenyuan::text::Normalizer::instance();
  const std::string& text = chinese_text();
  std::u32string out;
  for (auto _ : state) {
    out.clear();
    n.normalize(text, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_NormalizeWithoutOrigin);

}  // namespace

// The table is built on first use; time that once, before the loops above.
int main(int argc, char** argv) {
  const auto t0 = std::chrono::steady_clock::now();
  (void)wenyuan::text::Normalizer::instance();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("Normalizer::instance() built in %.1f ms\n", ms);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
