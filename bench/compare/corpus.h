// The benchmark corpus: the public documents of /work/shared/corpus, read once
// into memory and optionally replicated to reach the product's target scale.
//
// Invariants: docs[i].ordinal == i; ids are distinct (a replica k >= 1 gets
// "<id>#k" and its title a " #k" suffix, its text is identical, so replicas grow
// every truth set by the same factor and keep the text statistics of the
// original). Every engine indexes exactly `title` and `text` as given (no cleaning),
// so all engines see the same characters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::bench {

struct BenchDoc {
  uint32_t ordinal = 0;
  std::string id;     // "<file stem>:<line>" (+ "#k" for replica k)
  std::string title;
  std::string text;
  uint32_t text_chars = 0;  // code points of `text`
};

struct Corpus {
  std::vector<BenchDoc> docs;
  uint64_t raw_bytes = 0;   // UTF-8 bytes of all titles and texts
  uint64_t raw_chars = 0;   // code points of all titles and texts
  int replicas = 1;
};

// Reads every *.jsonl.xz of `dir` (sorted by name, so the order is stable) and
// appends `replicate - 1` copies. kNotFound if `dir` has no corpus files.
Result<Corpus> load_corpus(const std::string& dir, int replicate);

}  // namespace wenyuan::bench
