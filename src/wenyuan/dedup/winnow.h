// Winnowing (Schleimer, Wilkerson, Aiken, SIGMOD 2003) over counted characters.
//
// A k-gram is kGram consecutive counted characters (check_text.h); its hash is
// a polynomial hash of the code points, mixed to 32 bits. Winnowing keeps, of
// every window of kWindow consecutive k-gram hashes, the rightmost smallest
// one (its position is the fingerprint). The guarantee 查重 relies on: every
// run of kWindow + kGram - 1 = kGuaranteed characters contains a whole window,
// so two texts sharing such a run share one of the library's fingerprints in
// it. Only the library is winnowed; a draft looks up every one of its k-grams.
//
// Hashes are of code points, never of storage codes (fingerprint_index.h), so
// a document's fingerprints depend on its own text alone.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace wenyuan::dedup {

inline constexpr uint32_t kGram = 8;
inline constexpr uint32_t kWindow = 6;
inline constexpr uint32_t kGuaranteed = kWindow + kGram - 1;  // 13, the 查重 default span

// hashes[i] = hash of chars[i, i + kGram), for every i (empty if too short).
void kgram_hashes(std::u32string_view chars, std::vector<uint32_t>& hashes);

struct Fingerprint {
  uint32_t hash = 0;
  uint32_t pos = 0;  // first character of the k-gram
};

// Appends the winnowed fingerprints of chars[begin, end) (k-grams wholly
// inside it; offsets are of `chars`). A range with fewer than kWindow k-grams
// keeps its smallest one.
void winnow(std::u32string_view chars, uint32_t begin, uint32_t end, std::vector<Fingerprint>& out);

}  // namespace wenyuan::dedup
