// MergePolicy: which segments to merge after a commit (docs/living-library.md, "Merging").
//
// A living library commits often (the server commits every change within a
// second), so without merging a day of small commits leaves thousands of small
// segments and every query pays for each. The policy is log-structured, as
// Tantivy's LogMergePolicy: a segment's level is floor(log_F(bytes / min_bytes))
// (every segment under min_bytes is level 0); when a level holds `merge_factor`
// segments they are merged into one of the next level. So a segment's bytes are
// rewritten about once per level, O(log n) times in all, and the segment count
// stays below merge_factor per level: bounded by merge_factor * log_F(total).
// A segment whose deleted share reaches `max_deleted_share` is merged too
// (with its level, or alone), so deleted documents' space is reclaimed.
//
// The policy only chooses; Index::maybe_merge does the merging.
#pragma once

#include <cstdint>
#include <vector>

namespace wenyuan::index {

struct MergePolicyOptions {
  uint64_t min_bytes = 1u << 20;   // segments below this are all level 0
  unsigned factor = 8;             // F: level width and merge fan-in
  double max_deleted_share = 0.3;  // rewrite a segment this much deleted
  uint64_t max_merged_bytes = 2ull << 30;  // never build a merge larger than this
};

struct SegmentInfo {
  uint64_t number = 0;
  uint64_t bytes = 0;     // file size
  uint32_t docs = 0;      // documents in the file
  uint32_t deleted = 0;   // of which tombstoned
};

// One merge to run, as segment numbers (two or more, or one to reclaim deletes).
// Empty when nothing needs merging. Picks the lowest level first: small merges
// are cheap and keep the segment count down fastest.
std::vector<uint64_t> choose_merge(const std::vector<SegmentInfo>& segments, const MergePolicyOptions& options = {});

// The level of a segment of `bytes` live bytes.
unsigned merge_level(uint64_t bytes, const MergePolicyOptions& options = {});

}  // namespace wenyuan::index
