// What library.cc, import.cc and verify.cc share. Not part of the library's API.
#pragma once

#include <chrono>
#include <cstdint>

#include "wenyuan/index/index.h"
#include "wenyuan/library/library.h"

namespace wenyuan::library {

// A document this process put, kept for the index until it is published.
struct Library::OwnChange {
  uint64_t seq = 0;
  index::IndexDoc doc;
};

namespace internal {

// How often a long import makes what it stored so far searchable (and frees
// the documents it kept for the index): near-real-time without a commit per batch.
constexpr int64_t kPublishIntervalMs = 1000;

inline int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace internal

}  // namespace wenyuan::library
