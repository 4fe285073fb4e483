// check_eval: how well and how fast 查重 works, measured on drafts made from
// the library itself (tests/support/check_drafts.h): passages of 20–500
// characters copied from random documents, one in three edited (punctuation
// changed, traditional characters, a word inserted every 20–30 characters,
// sentences reordered), between filler text that stands in no document.
//
// Reports, over counted characters (docs/check.md):
//  - recall: copied characters (of passages of 20+) inside a reported span;
//  - precision: reported characters that were copied;
//  - share error: |reported share - true share| per draft (mean, max);
//  - latency of one check (one thread): median, p95, max, for drafts of --chars,
//    as wall time and as the thread's CPU time;
//  - the fingerprint index: build time and memory per million characters.
//
//   check_eval [--corpus DIR] [--replicate N] [--drafts N] [--chars N] [--seed S]
// Without the corpus it prints "check_eval: skipped: …" and exits 0.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compare/corpus.h"
#include "support/check_drafts.h"
#include "wenyuan/dedup/check.h"
#include "wenyuan/dedup/check_text.h"
#include "wenyuan/dedup/fingerprint_index.h"

using namespace wenyuan;

// CPU time of this thread: on the shared 2-core machine wall time swings with
// the other jobs' load by up to 10x; a check runs on one thread, so its CPU
// time is what it costs.
static double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

int main(int argc, char** argv) {
  std::string dir = WENYUAN_SHARED_DIR "/corpus";
  int replicate = 1, drafts = 200;
  uint32_t chars = 5000, seed = 11;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--corpus")) dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--replicate")) replicate = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--drafts")) drafts = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--chars")) chars = static_cast<uint32_t>(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--seed")) seed = static_cast<uint32_t>(std::atoi(argv[i + 1]));
  }
  auto corpus = bench::load_corpus(dir, replicate);
  if (!corpus) {
    std::printf("check_eval: skipped: %s\n", corpus.status().message().c_str());
    return 0;
  }
  using clock = std::chrono::steady_clock;
  std::vector<doc::Document> docs;
  docs.reserve(corpus->docs.size());
  for (auto& b : corpus->docs) docs.push_back(check_drafts::make_document(b.id, b.title, std::move(b.text)));
  corpus->docs.clear();
  const auto t0 = clock::now();
  dedup::FingerprintIndex index;
  index.begin_bulk();
  for (const auto& d : docs) index.add(d);
  index.end_bulk();
  const double build_s = std::chrono::duration<double>(clock::now() - t0).count();
  const auto st = index.stats();
  std::printf("library: %zu documents, %.1f M code points, %.1f M counted characters (replicate %d)\n", docs.size(),
              corpus->raw_chars / 1e6, st.characters / 1e6, replicate);
  std::printf("index: %.1f M fingerprints, %.1f MB = %.2f MB per million counted characters, built in %.1f s\n",
              st.fingerprints / 1e6, st.memory_bytes / 1e6, st.memory_bytes / (st.characters / 1e6) / 1e6, build_s);

  // Drafts come from the first copy only (replicas hold the same text).
  std::vector<doc::Document> originals(docs.begin(), docs.begin() + docs.size() / replicate);
  std::mt19937 rng(seed);
  uint64_t copied = 0, found = 0, reported = 0, correct = 0;
  double share_err_sum = 0, share_err_max = 0;
  std::vector<double> ms, cpu_ms;
  for (int n = 0; n < drafts; ++n) {
    const auto draft = check_drafts::make_draft(originals, chars, rng);
    dedup::CheckOptions o;
    o.paid_visible = true;
    const auto a = clock::now();
    const double c0 = thread_cpu_ms();
    const auto r = dedup::check(index, draft.text, o);
    cpu_ms.push_back(thread_cpu_ms() - c0);
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - a).count());
    const dedup::CheckText t = dedup::to_check_text(draft.text);
    std::vector<uint8_t> in_span(draft.copied.size(), 0);
    for (const auto& s : r.spans) std::fill(in_span.begin() + s.start, in_span.begin() + s.end, 1);
    uint64_t true_copied = 0;
    for (uint32_t cp : t.origin) {
      true_copied += draft.copied[cp];
      copied += draft.copied[cp];
      found += draft.copied[cp] && in_span[cp];
      reported += in_span[cp];
      correct += in_span[cp] && draft.copied[cp];
    }
    const double true_share = t.chars.empty() ? 0 : static_cast<double>(true_copied) / t.chars.size();
    const double err = std::abs(r.share - true_share);
    share_err_sum += err;
    share_err_max = std::max(share_err_max, err);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  std::printf("drafts: %d of %u code points (seed %u)\n", drafts, chars, seed);
  std::printf("recall    %.4f  (%llu of %llu copied characters found)\n", copied ? double(found) / copied : 1.0,
              static_cast<unsigned long long>(found), static_cast<unsigned long long>(copied));
  std::printf("precision %.4f  (%llu of %llu reported characters were copied)\n",
              reported ? double(correct) / reported : 1.0, static_cast<unsigned long long>(correct),
              static_cast<unsigned long long>(reported));
  std::printf("share error: mean %.4f, max %.4f\n", share_err_sum / drafts, share_err_max);
  std::printf("check latency (one thread): median %.2f ms, p95 %.2f ms, max %.2f ms\n", ms[ms.size() / 2],
              ms[ms.size() * 95 / 100], ms.back());
  std::printf("check CPU time (one thread): median %.2f ms, p95 %.2f ms, max %.2f ms\n", cpu_ms[cpu_ms.size() / 2],
              cpu_ms[cpu_ms.size() * 95 / 100], cpu_ms.back());
  return 0;
}
