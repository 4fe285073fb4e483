#include "wenyuan/index/merge_policy.h"

#include <algorithm>
#include <map>

namespace wenyuan::index {

unsigned merge_level(uint64_t bytes, const MergePolicyOptions& o) {
  unsigned level = 0;
  for (uint64_t limit = o.min_bytes; bytes >= limit && level < 32; limit *= o.factor) ++level;
  return level;
}

std::vector<uint64_t> choose_merge(const std::vector<SegmentInfo>& segments, const MergePolicyOptions& o) {
  // Live bytes estimate a segment's size after the merge: deleted documents go.
  auto live_bytes = [](const SegmentInfo& s) {
    return s.docs == 0 ? 0 : s.bytes * (s.docs - s.deleted) / s.docs;
  };
  std::map<unsigned, std::vector<const SegmentInfo*>> levels;
  for (const auto& s : segments) levels[merge_level(live_bytes(s), o)].push_back(&s);
  for (auto& [level, members] : levels) {
    (void)level;
    if (members.size() < o.factor) continue;
    // The smallest first, so a burst of tiny commits merges before anything big.
    std::sort(members.begin(), members.end(), [&](const SegmentInfo* a, const SegmentInfo* b) {
      return live_bytes(*a) != live_bytes(*b) ? live_bytes(*a) < live_bytes(*b) : a->number < b->number;
    });
    std::vector<uint64_t> out;
    uint64_t total = 0;
    for (const SegmentInfo* s : members) {
      if (out.size() >= o.factor) break;
      if (!out.empty() && total + live_bytes(*s) > o.max_merged_bytes) break;
      out.push_back(s->number);
      total += live_bytes(*s);
    }
    if (out.size() >= 2) return out;
  }
  for (const auto& s : segments) {
    if (s.docs > 0 && s.deleted > 0 &&
        static_cast<double>(s.deleted) >= o.max_deleted_share * static_cast<double>(s.docs)) {
      return {s.number};
    }
  }
  return {};
}

}  // namespace wenyuan::index
