#include "wenyuan/dedup/winnow.h"

#include <algorithm>

namespace wenyuan::dedup {

namespace {

constexpr uint64_t kBase = 0x100000001B3ull;  // odd, so the polynomial loses no bits

uint64_t base_pow_k() {
  uint64_t p = 1;
  for (uint32_t i = 0; i < kGram; ++i) p *= kBase;
  return p;
}

// The top half of a multiplicative mix: consecutive k-gram hashes differ in
// their low bits mostly, and winnowing needs minima that look random.
uint32_t mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0x9E3779B97F4A7C15ull;
  return static_cast<uint32_t>(h >> 32);
}

}  // namespace

void kgram_hashes(std::u32string_view chars, std::vector<uint32_t>& hashes) {
  hashes.clear();
  if (chars.size() < kGram) return;
  static const uint64_t pk = base_pow_k();
  hashes.reserve(chars.size() - kGram + 1);
  uint64_t h = 0;
  for (size_t i = 0; i < chars.size(); ++i) {
    h = h * kBase + chars[i] + 1;
    if (i >= kGram) h -= pk * (chars[i - kGram] + 1);
    if (i + 1 >= kGram) hashes.push_back(mix(h));
  }
}

void winnow(std::u32string_view chars, uint32_t begin, uint32_t end, std::vector<Fingerprint>& out) {
  if (end > chars.size() || end < begin || end - begin < kGram) return;
  std::vector<uint32_t> h;
  kgram_hashes(chars.substr(begin, end - begin), h);
  const size_t n = h.size();
  const size_t w = std::min<size_t>(kWindow, n);
  size_t last = SIZE_MAX;
  for (size_t s = 0; s + w <= n; ++s) {
    size_t best = s;
    for (size_t j = s + 1; j < s + w; ++j)
      if (h[j] <= h[best]) best = j;  // rightmost minimum: fewer distinct picks
    if (best != last) {
      out.push_back({h[best], static_cast<uint32_t>(begin + best)});
      last = best;
    }
  }
}

}  // namespace wenyuan::dedup
