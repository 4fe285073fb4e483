// Benchmark queries: substrings cut from the real texts at random positions, so
// every single-term query has at least one match and the mix of characters is
// the corpus's own.
//
// Buckets by length in code points of the term as written: 1, 2, 3, 4-6, 7-12,
// 13-32, and "AND of two": two substrings (2-6 code points each) of the same
// document, which the query language ANDs. A candidate is rejected if it contains
// whitespace or a control character (users do not type those; the normalized
// contract deletes whitespace anyway), an ASCII '"' or '\' (they would need
// quoting rules that differ per engine), or if it normalizes to nothing.
// Generation is deterministic for a given corpus and seed: it uses its own
// mt19937_64 draws and modulo reduction, not std:: distributions (whose output
// differs between standard libraries).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compare/corpus.h"

namespace wenyuan::bench {

enum class Bucket { k1, k2, k3, k4to6, k7to12, k13plus, kAnd2, kCount };
constexpr int kBucketCount = static_cast<int>(Bucket::kCount);
const char* bucket_name(Bucket b);

struct BenchQuery {
  Bucket bucket = Bucket::k1;
  std::vector<std::string> terms;  // UTF-8, as cut from the text; ANDed
  uint32_t source_doc = 0;         // the document the terms were cut from

  // The query as a user types it: terms separated by one space.
  std::string joined() const;
};

// `per_bucket` distinct queries per bucket (fewer if the corpus cannot supply them).
std::vector<BenchQuery> make_queries(const Corpus& corpus, int per_bucket, uint64_t seed);

}  // namespace wenyuan::bench
