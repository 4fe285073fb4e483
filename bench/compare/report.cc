#include "compare/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace wenyuan::bench {

namespace {

// Nearest-rank percentile of `v` (sorted in place); NaN if empty.
double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string fmt(const char* f, double x) {
  if (std::isnan(x)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string micros(double us) {
  if (std::isnan(us)) return "–";
  if (us >= 100) return fmt("%.0f", us);
  if (us >= 10) return fmt("%.1f", us);
  return fmt("%.2f", us);
}

// Latencies (wall or CPU) of the successful queries of `e` in bucket `b` (kCount = all).
std::vector<double> latencies(const EngineReport& e, const std::vector<BenchQuery>& qs, Bucket b, bool cpu) {
  const std::vector<double>& src = cpu ? e.cpu_us : e.latency_us;
  std::vector<double> v;
  for (size_t i = 0; i < qs.size() && i < src.size(); ++i) {
    if ((b == Bucket::kCount || qs[i].bucket == b) && src[i] >= 0) v.push_back(src[i]);
  }
  return v;
}

double exact_pct(const std::vector<bool>& exact, const std::vector<BenchQuery>& qs, Bucket b) {
  size_t n = 0, ok = 0;
  for (size_t i = 0; i < qs.size() && i < exact.size(); ++i) {
    if (b != Bucket::kCount && qs[i].bucket != b) continue;
    ++n;
    ok += exact[i] ? 1 : 0;
  }
  return n ? 100.0 * static_cast<double>(ok) / static_cast<double>(n) : std::nan("");
}

std::string bucket_header(const char* first) {
  std::string h = std::string("| ") + first;
  std::string rule = "|---";
  for (int b = 0; b < kBucketCount; ++b) {
    h += std::string(" | ") + bucket_name(static_cast<Bucket>(b));
    rule += "|---:";
  }
  return h + " | all |\n" + rule + "|---:|\n";
}

std::string timed_call(const std::string& mode) {
  if (mode == "full-set") return "every matching id";
  if (mode == "snippets") return "count + top-10 with 3 snippets each";
  if (mode == "paragraph") return "paragraph unit: count of matching paragraphs + top-10 paragraphs with 3 snippets each";
  return "count + top-10 ids";
}

}  // namespace

void write_report(std::ostream& out, const RunInfo& info, const std::vector<BenchQuery>& queries,
                  const std::vector<size_t>& truth_sizes, const std::vector<EngineReport>& engines) {
  out << "# wenyuan search vs peers\n\n";
  out << "- command: `" << info.command << "`\n";
  out << "- corpus: " << info.corpus_dir << " — " << info.docs << " documents ("
      << (info.replicas > 1 ? std::to_string(info.replicas) + " replicas" : std::string("no replication")) << "), "
      << fmt("%.1f", static_cast<double>(info.raw_chars) / 1e6) << " M characters, "
      << fmt("%.1f", static_cast<double>(info.raw_bytes) / 1e6) << " MB UTF-8 (titles + texts)\n";
  if (!info.machine.empty()) out << "- machine: " << info.machine << "; load average " << info.load << "\n";
  out << "- queries: " << queries.size() << " (seed " << info.seed
      << "), substrings of the texts at random positions; timing = " << timed_call(info.mode)
      << ", warm, one thread\n\n";

  if (!info.only_build && !queries.empty()) {
    out << "## Query mix\n\n" << bucket_header("") ;
    std::string row_n = "| queries", row_mean = "| mean matching docs", row_med = "| median matching docs";
    for (int b = 0; b <= kBucketCount; ++b) {
      std::vector<double> sizes;
      for (size_t i = 0; i < queries.size(); ++i) {
        if (b == kBucketCount || queries[i].bucket == static_cast<Bucket>(b)) {
          sizes.push_back(static_cast<double>(truth_sizes[i]));
        }
      }
      double mean = 0;
      for (double s : sizes) mean += s;
      mean = sizes.empty() ? std::nan("") : mean / static_cast<double>(sizes.size());
      row_n += " | " + std::to_string(sizes.size());
      row_mean += " | " + fmt("%.0f", mean);
      row_med += " | " + fmt("%.0f", percentile(sizes, 0.5));
    }
    out << row_n << " |\n" << row_mean << " |\n" << row_med << " |\n\n";
  }

  out << "## Build, size, exactness\n\n";
  out << "| engine | build s | build CPU s | index MB | index / raw | exact % | raw-substring % | false-pos docs | false-neg docs "
         "| errors | count≠set |\n";
  out << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& e : engines) {
    out << "| " << e.name;
    if (!e.built) {
      out << " | failed: " << e.build_error << " ||||||||||\n";
      continue;
    }
    out << " | " << fmt("%.1f", e.build_seconds) << " | " << fmt("%.1f", e.build_cpu_seconds) << " | "
        << fmt("%.1f", static_cast<double>(e.index_bytes) / 1e6)
        << " | " << fmt("%.2f", static_cast<double>(e.index_bytes) / static_cast<double>(info.raw_bytes));
    if (info.only_build) {
      out << " | | | | | | |\n";  // the exactness columns
      continue;
    }
    out << " | " << fmt("%.1f", exact_pct(e.exact, queries, Bucket::kCount)) << " | "
        << fmt("%.1f", exact_pct(e.raw_exact, queries, Bucket::kCount)) << " | " << e.false_pos << " | "
        << e.false_neg << " | " << e.errors << " | " << e.count_mismatch << " |\n";
  }
  out << "\n";
  for (const auto& e : engines) out << "- **" << e.name << "**: " << e.describe << "\n";
  out << "\n";
  if (info.only_build || queries.empty()) return;

  out << "## Exact % per bucket (returned set == oracle set)\n\n" << bucket_header("engine");
  for (const auto& e : engines) {
    if (!e.built) continue;
    out << "| " << e.name;
    for (int b = 0; b <= kBucketCount; ++b) out << " | " << fmt("%.0f", exact_pct(e.exact, queries, static_cast<Bucket>(b)));
    out << " |\n";
  }
  const EngineReport* wy = nullptr;
  for (const auto& e : engines) {
    if (e.name == "wenyuan" && e.built) wy = &e;
  }
  for (bool cpu : {false, true}) {
    const char* what = cpu ? "thread CPU" : "wall";
    out << "\n## Latency µs (" << what << "), p50 / p99 (" << timed_call(info.mode) << ")\n\n" << bucket_header("engine");
    for (const auto& e : engines) {
      if (!e.built) continue;
      out << "| " << e.name;
      for (int b = 0; b <= kBucketCount; ++b) {
        auto v = latencies(e, queries, static_cast<Bucket>(b), cpu);
        double p50 = percentile(v, 0.5), p99 = percentile(v, 0.99);
        out << " | " << micros(p50) << " / " << micros(p99);
      }
      out << " |\n";
    }
    if (!wy) continue;
    out << "\n## peer / wenyuan, p50 ratio / p99 ratio (" << what << "; above 1: wenyuan is faster)\n\n"
        << bucket_header("engine");
    auto ratio = [](double p, double w) {
      return std::isnan(p) || std::isnan(w) || w <= 0 ? std::string("–") : fmt(p / w >= 10 ? "%.0f" : "%.2f", p / w);
    };
    for (const auto& e : engines) {
      if (!e.built || &e == wy) continue;
      out << "| " << e.name;
      for (int b = 0; b <= kBucketCount; ++b) {
        auto pv = latencies(e, queries, static_cast<Bucket>(b), cpu);
        auto wv = latencies(*wy, queries, static_cast<Bucket>(b), cpu);
        auto pv99 = pv, wv99 = wv;
        out << " | " << ratio(percentile(pv, 0.5), percentile(wv, 0.5)) << " / "
            << ratio(percentile(pv99, 0.99), percentile(wv99, 0.99));
      }
      out << " |\n";
    }
  }

  out << "\n## First disagreements with the oracle\n\n";
  for (const auto& e : engines) {
    if (!e.built || e.examples.empty()) continue;
    out << "- **" << e.name << "**:";
    for (const auto& d : e.examples) {
      out << " `" << d.query << "` (" << bucket_name(d.bucket) << ": truth " << d.truth << ", got " << d.returned;
      if (!d.error.empty()) out << ", error: " << d.error;
      out << ");";
    }
    out << "\n";
  }
}

}  // namespace wenyuan::bench
