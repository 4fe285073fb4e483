// Import progress for people: a bar with rate and ETA on a terminal, plain
// lines (at most one every few seconds) when stderr is a file or a pipe.
#pragma once

#include <chrono>
#include <cstdint>

#include "wenyuan/library/library.h"

namespace wenyuan::cli {

class ProgressReporter {
 public:
  explicit ProgressReporter(bool terminal);
  void update(const library::ImportProgress& p);
  // Clears the bar (terminal) so the summary starts on a clean line.
  void finish();

 private:
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace wenyuan::cli
