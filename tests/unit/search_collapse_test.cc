// Folding hits of one duplicate cluster: the best ranked stays, the others are
// folded into it in rank order, hits without a cluster are untouched, and the
// page holds `limit` distinct hits.
#include <gtest/gtest.h>

#include <map>

#include "wenyuan/search/collapse.h"

namespace wenyuan::search {
namespace {

std::vector<Hit> hits(const std::vector<std::string>& ids) {
  std::vector<Hit> out;
  for (const auto& id : ids) out.push_back(Hit{.id = id, .title = "t" + id});
  return out;
}

TEST(Collapse, FoldsLaterHitsOfAClusterIntoTheFirst) {
  const std::map<std::string, uint64_t> cluster = {{"a", 1}, {"c", 1}, {"d", 2}, {"e", 1}, {"f", 2}};
  auto of = [&](const std::string& id) -> std::optional<uint64_t> {
    auto it = cluster.find(id);
    return it == cluster.end() ? std::nullopt : std::optional<uint64_t>(it->second);
  };
  auto h = hits({"a", "b", "c", "d", "e", "f", "g"});
  const auto folded = collapse(h, of);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].id, "a");
  EXPECT_EQ(h[1].id, "b");
  EXPECT_EQ(h[2].id, "d");
  EXPECT_EQ(h[3].id, "g");
  EXPECT_EQ(folded[0], (std::vector<std::string>{"c", "e"}));
  EXPECT_TRUE(folded[1].empty());
  EXPECT_EQ(folded[2], (std::vector<std::string>{"f"}));

  auto page = hits({"a", "c", "b", "e", "g", "d"});
  const auto f2 = collapse(page, of, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1].id, "b");
  EXPECT_EQ(f2[0], (std::vector<std::string>{"c", "e"}));

  auto none = hits({"a", "c"});
  collapse(none, nullptr);
  EXPECT_EQ(none.size(), 2u);
}

}  // namespace
}  // namespace wenyuan::search
