// Folding search results by duplicate cluster (search/collapse.h) through the
// server's in-memory ClusterMap (server/cluster_map.h): a document imported
// while the server runs changes the catalog's sequence, so the next search
// reads the map again and folds the new copy into its original at once; with
// collapse=false both are listed.
#include <gtest/gtest.h>

#include "unit/server_fixture.h"

namespace wenyuan::testing {
namespace {

std::string record(const std::string& title, const std::string& text) {
  return nlohmann::json{{"title", title}, {"text", text}, {"date", "2024-05-01"}, {"source", "测试"}}.dump() + "\n";
}

TEST(ServerClusterMap, ACopyImportedWhileServingIsFoldedAtTheNextSearch) {
  std::string text;
  for (int i = 1; i <= 40; ++i) text += "第" + std::to_string(i) + "条　各单位应当依法推进渊博工程建设，按期报送进展。\n";
  TestServer s;
  const fs::path first = fresh_dir("cluster_map_first") / "first.jsonl";
  write_file(first, record("关于推进渊博工程的通知", text));
  auto config = TestServer::base_config();
  config.limits.search_cache_entries = 0;  // every search reads the map, none is served from the cache
  s.start(config, {first}, "cluster_map");
  const std::string target = "/api/search?q=" + url_encode("渊博工程");
  const auto before = s.client().get(target).json();
  ASSERT_EQ(before["total"], 1);
  EXPECT_EQ(before["hits"][0]["similar"]["count"], 0);

  const fs::path second = fresh_dir("cluster_map_second") / "second.jsonl";
  write_file(second, record("转载：关于推进渊博工程的通知", text));
  library::ImportReport r;
  s.server->exclusive([&](library::Library& lib) { r = lib.import_paths({second}, {}, {}, {}); });
  ASSERT_EQ(r.imported, 1u);

  const auto folded = s.client().get(target).json();
  EXPECT_EQ(folded["total"], 2);
  ASSERT_EQ(folded["hits"].size(), 1u) << folded.dump();
  EXPECT_EQ(folded["hits"][0]["similar"]["count"], 1);
  const auto all = s.client().get(target + "&collapse=false").json();
  EXPECT_EQ(all["total"], 2);
  EXPECT_EQ(all["hits"].size(), 2u);
}

}  // namespace
}  // namespace wenyuan::testing
