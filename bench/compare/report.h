// What the comparison measured, per engine, and the markdown tables printed from it.
//
// Latencies are microseconds of one timed call (RunInfo::mode: Engine::top(q, 10)
// = count + top-10, Engine::full_set = every matching id, or
// Engine::top_snippets(q, 10, 3) = top-10 with 3 snippets each),
// measured with steady_clock on a warm engine, one query at a time, and also as
// the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which a busy machine
// inflates far less than wall time (the CPU time of an engine working in another
// process, Sphinx's searchd, is not in it). Percentiles are nearest-rank.
// Exactness compares Engine::all_ids with Oracle::truth as sets.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "compare/queries.h"

namespace wenyuan::bench {

struct Disagreement {
  std::string query;
  Bucket bucket = Bucket::k1;
  size_t truth = 0;     // documents the oracle finds
  size_t returned = 0;  // documents the engine returns
  size_t false_pos = 0;
  size_t false_neg = 0;
  std::string error;    // non-empty if the engine failed on the query
};

struct EngineReport {
  std::string name;
  std::string describe;
  bool built = false;
  std::string build_error;
  double build_seconds = 0;       // wall
  double build_cpu_seconds = 0;   // user + system CPU of this process and its children
  uint64_t index_bytes = 0;
  // Per query (same order as the query list); latency < 0 when the call failed.
  std::vector<double> latency_us;
  std::vector<double> cpu_us;
  std::vector<bool> exact;       // returned set == oracle truth
  std::vector<bool> raw_exact;   // returned set == raw-substring truth
  uint64_t false_pos = 0;        // summed over queries: documents returned, not in the truth
  uint64_t false_neg = 0;        // documents in the truth, not returned
  uint64_t errors = 0;           // queries the engine failed on
  uint64_t count_mismatch = 0;   // queries where top()'s total != all_ids().size()
  std::vector<Disagreement> examples;  // the first few disagreements
};

struct RunInfo {
  std::string command;
  std::string corpus_dir;
  size_t docs = 0;
  uint64_t raw_bytes = 0;
  uint64_t raw_chars = 0;
  int replicas = 1;
  uint64_t seed = 0;
  bool only_build = false;
  std::string mode = "top";  // the timed call: top, full-set or snippets
  std::string machine;     // CPU model and core count
  std::string load;        // load averages at the start and the end of the run
};

// Writes the markdown report: run parameters, the query mix (with truth sizes),
// build/size/exactness per engine, latency per bucket, and peer/wenyuan p50 ratios
// (when an engine named "wenyuan" ran).
void write_report(std::ostream& out, const RunInfo& info, const std::vector<BenchQuery>& queries,
                  const std::vector<size_t>& truth_sizes, const std::vector<EngineReport>& engines);

}  // namespace wenyuan::bench
