// Catalog put throughput: how long an import of the size of the shared corpus
// (about 3,600 documents, 64 MB of text) spends in store::Catalog, in batches
// of various sizes and with one transaction per document.
//
// Documents are the 40 real ones of tests/data/corpus_sample.jsonl repeated
// under distinct ids (each row is compressed on its own, so repetition does not
// flatter zstd). Built directly, not through doc::prepare: this measures the
// catalog alone.
//
//   store_put_bench [--benchmark_filter=...]   (WENYUAN_STORE_BENCH_DIR: where to
//   put the catalog; default the system temp directory)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "wenyuan/store/catalog.h"
#include "wenyuan/text/utf8.h"

namespace {

namespace fs = std::filesystem;
using wenyuan::doc::Document;

// bench/CMakeLists.txt defines WENYUAN_SHARED_DIR as "<source dir>/../shared";
// the fixture lives in <source dir>/tests/data.
fs::path fixture() {
  std::string root = WENYUAN_SHARED_DIR;
  const std::string suffix = "/../shared";
  if (root.size() >= suffix.size() && root.compare(root.size() - suffix.size(), suffix.size(), suffix) == 0) {
    root.resize(root.size() - suffix.size());
  }
  return fs::path(root) / "tests" / "data" / "corpus_sample.jsonl";
}

std::vector<Document> load_templates() {
  std::ifstream in(fixture());
  std::vector<Document> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    Document d;
    d.title = j.at("title").get<std::string>();
    d.text = j.at("text").get<std::string>();
    d.date = j.value("date", "");
    d.source = "bench";
    d.category = j.value("category", "");
    d.format = "jsonl";
    d.encoding = "UTF-8";
    d.original = line;
    const std::vector<uint32_t> offsets = wenyuan::text::code_point_byte_offsets(d.text);
    d.text_chars = static_cast<uint32_t>(offsets.size() - 1);
    d.regions = {{wenyuan::doc::RegionKind::kPreview, 0, d.text_chars}};
    auto cp = [&](size_t byte) {
      return static_cast<uint32_t>(std::lower_bound(offsets.begin(), offsets.end(), byte) - offsets.begin());
    };
    size_t b = 0;
    for (size_t e = d.text.find('\n'); e != std::string::npos; e = d.text.find('\n', b)) {
      d.paragraphs.push_back({cp(b), cp(e)});
      b = e + 1;
    }
    b = 0;
    for (size_t e = d.text.find("。"); e != std::string::npos; e = d.text.find("。", b)) {
      d.sentences.push_back({cp(b), cp(e + 3)});
      b = e + 3;
    }
    d.content_hash = std::to_string(std::hash<std::string>{}(d.text));
    d.imported_at = 1'700'000'000;
    out.push_back(std::move(d));
  }
  return out;
}

const std::vector<Document>& templates() {
  static const std::vector<Document> t = load_templates();
  return t;
}

fs::path bench_dir() {
  const char* env = std::getenv("WENYUAN_STORE_BENCH_DIR");
  return fs::path(env != nullptr ? env : fs::temp_directory_path().string()) /
         ("wenyuan_store_bench_" + std::to_string(::getpid()));
}

// Puts `n` documents, committing every `batch` (0: one transaction each).
void put_documents(benchmark::State& state, size_t n, size_t batch) {
  if (templates().empty()) {
    state.SkipWithError("tests/data/corpus_sample.jsonl not found");
    return;
  }
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path dir = bench_dir();
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto c = wenyuan::store::Catalog::open(dir / "catalog.db");
    if (!c.is_ok()) {
      state.SkipWithError(c.status().message().c_str());
      return;
    }
    state.ResumeTiming();
    for (size_t i = 0; i < n; ++i) {
      Document d = templates()[i % templates().size()];
      d.id = "bench-" + std::to_string(i);
      // A failed write ends the run: its time would measure nothing.
      wenyuan::Status st = batch != 0 && i % batch == 0 ? (*c)->begin_batch() : wenyuan::Status::ok();
      auto r = (*c)->put(d, {d.title});
      if (st.is_ok() && !r.is_ok()) st = r.status();
      if (st.is_ok() && batch != 0 && (i % batch == batch - 1 || i + 1 == n)) st = (*c)->commit_batch();
      if (!st.is_ok()) {
        state.SkipWithError(st.message().c_str());
        return;
      }
      bytes += d.text.size();
    }
    state.PauseTiming();
    c->reset();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// The corpus-sized import, in batches of state.range(0) documents.
void BM_ImportInBatches(benchmark::State& state) { put_documents(state, 3600, static_cast<size_t>(state.range(0))); }
BENCHMARK(BM_ImportInBatches)->Arg(100)->Arg(1000)->Arg(3600)->Iterations(1)->Unit(benchmark::kMillisecond);

// One transaction per document (what a single upload does).
void BM_PutOneTransactionEach(benchmark::State& state) { put_documents(state, 300, 0); }
BENCHMARK(BM_PutOneTransactionEach)->Iterations(1)->Unit(benchmark::kMillisecond);

// Reading back: get() of every document of a 3,600-document catalog.
void BM_GetAll(benchmark::State& state) {
  const fs::path dir = bench_dir();
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto c = wenyuan::store::Catalog::open(dir / "catalog.db");
  if (!c.is_ok() || templates().empty()) {
    state.SkipWithError("cannot set up");
    return;
  }
  wenyuan::Status st = (*c)->begin_batch();
  for (size_t i = 0; i < 3600 && st.is_ok(); ++i) {
    Document d = templates()[i % templates().size()];
    d.id = "bench-" + std::to_string(i);
    st = (*c)->put(d).status();
  }
  if (st.is_ok()) st = (*c)->commit_batch();
  if (!st.is_ok()) {
    state.SkipWithError(st.message().c_str());
    return;
  }
  for (auto _ : state) {
    for (size_t i = 0; i < 3600; ++i) benchmark::DoNotOptimize((*c)->get("bench-" + std::to_string(i)));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 3600));
  c->reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_GetAll)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
