#include "cli/progress.h"

#include <cstdio>
#include <string>

namespace wenyuan::cli {

namespace {
std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 360000) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}
}  // namespace

ProgressReporter::ProgressReporter(bool terminal)
    : terminal_(terminal), start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressReporter::update(const library::ImportProgress& p) {
  const auto now = std::chrono::steady_clock::now();
  const auto since_last = std::chrono::duration<double>(now - last_).count();
  const bool done = p.bytes_total > 0 && p.bytes_done >= p.bytes_total;
  if (since_last < (terminal_ ? 0.1 : 5.0) && !(done && terminal_)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double mb = static_cast<double>(p.bytes_done) / 1e6;
  const double rate = elapsed > 0 ? mb / elapsed : 0;
  const double frac = p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0;
  const double eta = (rate > 0 && p.bytes_total) ? (static_cast<double>(p.bytes_total - std::min(p.bytes_total, p.bytes_done)) / 1e6) / rate : -1;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    std::fprintf(stderr, "\r[%s] %3.0f%%  %llu docs  %.1f MB/s  ETA %s ", bar.c_str(), frac * 100,
                 static_cast<unsigned long long>(p.documents), rate, format_duration(eta).c_str());
    drawn_ = true;
  } else {
    std::fprintf(stderr, "import: %llu documents, %.1f of %.1f MB (%.0f%%), %.1f MB/s, ETA %s\n",
                 static_cast<unsigned long long>(p.documents), mb, static_cast<double>(p.bytes_total) / 1e6,
                 frac * 100, rate, format_duration(eta).c_str());
  }
  std::fflush(stderr);
}

void ProgressReporter::finish() {
  if (terminal_ && drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace wenyuan::cli
