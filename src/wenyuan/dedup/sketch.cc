#include "wenyuan/dedup/sketch.h"

#include <algorithm>

#include "wenyuan/dedup/clusters.h"
#include "wenyuan/dedup/winnow.h"

namespace wenyuan::dedup {

uint32_t visible_end(const doc::Document& d, const CheckText& t) {
  uint32_t first_paid = d.text_chars;
  for (const auto& r : d.regions)
    if (r.kind == doc::RegionKind::kPaid) first_paid = std::min(first_paid, r.start);
  if (d.regions.empty() && d.access == doc::Access::kPaid) first_paid = 0;
  return static_cast<uint32_t>(std::lower_bound(t.origin.begin(), t.origin.end(), first_paid) - t.origin.begin());
}

uint64_t hash_chars(std::u32string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char32_t c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

store::DupSketch sketch(std::u32string_view chars, uint32_t visible, const std::string& title) {
  store::DupSketch s;
  s.bins.fill(store::kEmptyBin);
  std::vector<Fingerprint> fps;
  winnow(chars, 0, visible, fps);
  for (const auto& f : fps) {
    // One permutation, 64 bins: a strong 64-bit mix of the 32-bit k-gram hash;
    // the top 6 bits choose the bin, the low 32 bits compete in it.
    uint64_t m = (f.hash + 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
    m = (m ^ (m >> 31)) * 0x94D049BB133111EBull;
    m ^= m >> 29;
    const auto bin = static_cast<size_t>(m >> 58);
    const auto v = static_cast<uint32_t>(std::min<uint64_t>(m & 0xFFFFFFFFu, store::kEmptyBin - 1));
    s.bins[bin] = std::min(s.bins[bin], v);
  }
  // Exact only when the whole text is visible: paid text must not decide it.
  if (visible == chars.size()) s.text_hash = hash_chars(chars) >> 1;  // SQLite integers are signed
  s.family = title_family(title);
  return s;
}

store::DupSketch sketch(const doc::Document& d) {
  const CheckText t = to_check_text(d.text);
  return sketch(t.chars, visible_end(d, t), d.title);
}

}  // namespace wenyuan::dedup
