// The results cache (server/search_cache.h, issue 10): its bounds and its
// generations on their own, and through the server that a commit (a new index
// snapshot) makes the next search miss and answer from the new documents.
// The paywall side (an entry never crosses tiers) is in
// server_paywall_diff_test (CachedSearchesStayIdenticalForNonMembers).
#include <gtest/gtest.h>

#include <sstream>

#include "unit/server_fixture.h"
#include "wenyuan/server/search_cache.h"

namespace wenyuan::testing {
namespace {

using server::SearchCache;

std::shared_ptr<const std::string> body(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

TEST(SearchCache, KeepsTheMostRecentlyUsedWithinItsEntryBound) {
  SearchCache c(2, 1 << 20);
  const SearchCache::Generation g{std::make_shared<int>(1), 7};
  c.put(g, "a", body("A"));
  c.put(g, "b", body("B"));
  ASSERT_TRUE(c.get(g, "a"));  // a is now the most recent
  c.put(g, "c", body("C"));    // b goes
  EXPECT_FALSE(c.get(g, "b"));
  ASSERT_TRUE(c.get(g, "a"));
  EXPECT_EQ(*c.get(g, "a"), "A");
  EXPECT_EQ(*c.get(g, "c"), "C");
  const auto st = c.stats();
  EXPECT_EQ(st.entries, 2u);
  EXPECT_EQ(st.misses, 1u);
  EXPECT_EQ(st.hits, 4u);
}

TEST(SearchCache, KeepsWithinItsByteBoundAndRefusesOneHugeAnswer) {
  SearchCache c(1000, 8000);
  const SearchCache::Generation g{std::make_shared<int>(1), 1};
  for (int i = 0; i < 100; ++i) c.put(g, "k" + std::to_string(i), body(std::string(500, 'x')));
  const auto st = c.stats();
  EXPECT_LE(st.bytes, 8000u);
  EXPECT_GT(st.entries, 5u);
  EXPECT_TRUE(c.get(g, "k99"));
  EXPECT_FALSE(c.get(g, "k0"));
  c.put(g, "huge", body(std::string(2000, 'y')));  // over an eighth of the bound
  EXPECT_FALSE(c.get(g, "huge"));
  EXPECT_TRUE(c.get(g, "k99"));
}

TEST(SearchCache, ANewSnapshotOrCatalogSequenceDropsEveryEntry) {
  SearchCache c(100, 1 << 20);
  auto snap = std::make_shared<int>(1);
  const SearchCache::Generation g1{snap, 5};
  c.put(g1, "q", body("old"));
  ASSERT_TRUE(c.get(g1, "q"));
  const SearchCache::Generation g2{snap, 6};  // a catalog change (a document turned paid)
  EXPECT_FALSE(c.get(g2, "q"));
  c.put(g2, "q", body("new"));
  const SearchCache::Generation g3{std::make_shared<int>(2), 6};  // a commit: a new snapshot
  EXPECT_FALSE(c.get(g3, "q"));
  EXPECT_EQ(c.stats().entries, 0u);
  EXPECT_EQ(c.stats().invalidations, 2u);
  SearchCache off(0, 1 << 20);
  off.put(g1, "q", body("x"));
  EXPECT_FALSE(off.enabled());
  EXPECT_FALSE(off.get(g1, "q"));
}

double gauge(const TestServer& s, const std::string& name) {
  auto m = s.as(s.admin_token).get("/metrics");
  EXPECT_EQ(m.status, 200);
  std::istringstream in(m.body);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  ADD_FAILURE() << name << " is not in /metrics";
  return -1;
}

std::string record(const std::string& title, const std::string& text) {
  return nlohmann::json{{"title", title}, {"text", text}, {"date", "2024-05-01"}, {"source", "测试"}}.dump() + "\n";
}

TEST(ServerSearchCache, ASecondAskIsAHitAndACommitMakesTheNextOneMiss) {
  TestServer s;
  const fs::path first = fresh_dir("cache_records") / "first.jsonl";
  write_file(first, record("关于推进渊博工程的通知", "各单位要推进渊博工程建设。\n具体办法另行通知。") +
                        record("渊博工程年度总结", "今年渊博工程进展顺利。"));
  s.start(TestServer::base_config(), {first}, "cache");
  const std::string target = "/api/search?q=" + url_encode("渊博工程");
  auto a = s.client().get(target);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json()["total"], 2);
  const double misses = gauge(s, "wenyuan_search_cache_misses");
  const double hits = gauge(s, "wenyuan_search_cache_hits");
  auto b = s.client().get(target);
  EXPECT_EQ(b.body, a.body);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_hits"), hits + 1);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_misses"), misses);
  // Page 2 is not cached (first pages only): it misses nothing and hits nothing.
  EXPECT_EQ(s.client().get(target + "&page=2&size=1").status, 200);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_hits"), hits + 1);

  // A commit: a third document. The next ask misses and sees it.
  const fs::path second = fresh_dir("cache_records2") / "second.jsonl";
  write_file(second, record("渊博工程验收办法", "渊博工程验收按本办法执行。"));
  library::ImportReport r;
  s.server->exclusive([&](library::Library& lib) { r = lib.import_paths({second}, {}, {}, {}); });
  ASSERT_EQ(r.imported, 1u);
  auto c = s.client().get(target);
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.json()["total"], 3);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_misses"), misses + 1);
  EXPECT_GE(gauge(s, "wenyuan_search_cache_invalidations"), 1);
  // And it is cached again, under the new snapshot.
  EXPECT_EQ(s.client().get(target).body, c.body);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_hits"), hits + 2);
}

TEST(ServerSearchCache, OffWhenConfiguredSo) {
  TestServer s;
  const fs::path first = fresh_dir("cache_off_records") / "first.jsonl";
  write_file(first, record("渊博工程", "渊博工程。"));
  auto config = TestServer::base_config();
  config.limits.search_cache_entries = 0;
  s.start(config, {first}, "cache_off");
  const std::string target = "/api/search?q=" + url_encode("渊博");
  EXPECT_EQ(s.client().get(target).json()["total"], 1);
  EXPECT_EQ(s.client().get(target).json()["total"], 1);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_hits"), 0);
  EXPECT_EQ(gauge(s, "wenyuan_search_cache_misses"), 0);
}

}  // namespace
}  // namespace wenyuan::testing
