// The merge policy's choices (merge_policy.h): levels fill and merge, deletes
// are reclaimed, nothing merges when nothing needs it.
#include <gtest/gtest.h>

#include <algorithm>

#include "wenyuan/index/merge_policy.h"

using wenyuan::index::choose_merge;
using wenyuan::index::merge_level;
using wenyuan::index::MergePolicyOptions;
using wenyuan::index::SegmentInfo;

namespace {

constexpr uint64_t kMiB = 1u << 20;

TEST(MergePolicy, LevelsAreLogarithmicInSize) {
  EXPECT_EQ(merge_level(0), 0u);
  EXPECT_EQ(merge_level(kMiB - 1), 0u);
  EXPECT_EQ(merge_level(kMiB), 1u);
  EXPECT_EQ(merge_level(8 * kMiB - 1), 1u);
  EXPECT_EQ(merge_level(8 * kMiB), 2u);
  EXPECT_EQ(merge_level(64 * kMiB), 3u);
}

TEST(MergePolicy, AFullLevelMergesItsSmallestAndAPartialOneWaits) {
  std::vector<SegmentInfo> segs;
  for (uint64_t n = 1; n <= 7; ++n) segs.push_back({n, 1000 * n, 10, 0});
  segs.push_back({50, 20 * kMiB, 100, 0});  // another level
  EXPECT_TRUE(choose_merge(segs).empty());
  segs.push_back({8, 500, 10, 0});
  segs.push_back({9, 400, 10, 0});
  auto m = choose_merge(segs);
  ASSERT_EQ(m.size(), 8u);
  EXPECT_NE(std::find(m.begin(), m.end(), 9u), m.end());  // the smallest are in
  EXPECT_NE(std::find(m.begin(), m.end(), 8u), m.end());
  EXPECT_EQ(std::find(m.begin(), m.end(), 7u), m.end());  // the biggest of level 0 waits
  EXPECT_EQ(std::find(m.begin(), m.end(), 50u), m.end());
}

TEST(MergePolicy, DeletedShareIsReclaimed) {
  std::vector<SegmentInfo> segs = {{1, 30 * kMiB, 100, 29}, {2, 30 * kMiB, 100, 30}};
  auto m = choose_merge(segs);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], 2u);
  segs[1].deleted = 10;
  EXPECT_TRUE(choose_merge(segs).empty());
}

TEST(MergePolicy, LiveBytesDecideTheLevelAndTheCap) {
  MergePolicyOptions o;
  o.max_merged_bytes = 3 * kMiB;
  std::vector<SegmentInfo> segs;
  for (uint64_t n = 1; n <= 8; ++n) segs.push_back({n, 2 * kMiB, 10, 0});  // level 1, 2 MiB each
  auto m = choose_merge(segs, o);
  EXPECT_TRUE(m.empty()) << "a merge of two would exceed the cap, so none is built";
  // Half deleted: live bytes 1 MiB each, level 1 still, now three fit under the cap.
  for (auto& s : segs) s.deleted = 5;
  o.max_deleted_share = 0.9;
  m = choose_merge(segs, o);
  EXPECT_EQ(m.size(), 3u);
}

}  // namespace
