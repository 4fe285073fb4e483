// The truth for a benchmark query, by brute force, in the simplest form that can
// be checked by reading it: every document's title and text normalized with
// text::Normalizer (wenyuan's matching contract: NFKC, lowercase, t2s, whitespace
// deleted) and held as UTF-32; a document matches when every query term, also
// normalized, is a substring of its normalized title or of its normalized text.
//
// Also a second, looser reference: plain byte substring of the unnormalized
// title/text. Peers that index the raw text are exact with respect to that one
// and differ from the contract exactly where normalization matters (whitespace
// inside a phrase, full-width forms, traditional characters, case).
//
// Memory: 4 bytes per code point (22 M chars -> ~90 MB; 110 M chars -> ~440 MB).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compare/corpus.h"
#include "compare/queries.h"

namespace wenyuan::bench {

class Oracle {
 public:
  explicit Oracle(const Corpus& corpus);

  // Sorted ordinals of the documents matching `q` under the normalized contract.
  std::vector<uint32_t> truth(const BenchQuery& q) const;
  // Sorted ordinals of the documents containing every term as raw bytes.
  std::vector<uint32_t> raw_truth(const BenchQuery& q) const;

 private:
  const Corpus& corpus_;
  std::vector<std::u32string> title_;
  std::vector<std::u32string> text_;
};

}  // namespace wenyuan::bench
