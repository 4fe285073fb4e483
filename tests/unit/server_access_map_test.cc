// The server's AccessMap (server/access_map.h): every document's access,
// length and regions in memory, kept current through the catalog's change log.
// Compared with the catalog's own rows (Catalog::get_for_snippets) after
// inserts, updates that make a document paid or free, removals and a trimmed
// log; and through the search route, a document made paid, then removed, in
// the catalog while the index still holds it free: anonymous callers never get
// its snippets.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "unit/server_fixture.h"
#include "unit/store_catalog_fixture.h"
#include "wenyuan/server/access_map.h"

namespace wenyuan::testing {
namespace {

using store::testing_support::CatalogTest;
using store::testing_support::doc_id;
using store::testing_support::make_document;
using store::testing_support::samples;

class AccessMapTest : public CatalogTest {
 protected:
  // The map holds exactly the catalog's documents, each as its row reads.
  void expect_current(const server::AccessMap::Map& map, store::Catalog& c, const std::vector<std::string>& ids) {
    size_t present = 0;
    for (const std::string& id : ids) {
      auto row = c.get_for_snippets(id, 0);
      auto it = map.find(id);
      if (!row) {
        ASSERT_EQ(row.status().code(), StatusCode::kNotFound);
        EXPECT_EQ(it, map.end()) << id << " was removed";
        continue;
      }
      ++present;
      ASSERT_NE(it, map.end()) << id;
      const doc::Document d = it->second.document(id);
      EXPECT_EQ(d.id, id);
      EXPECT_EQ(d.access, row->access) << id;
      EXPECT_EQ(d.text_chars, row->text_chars) << id;
      ASSERT_EQ(d.regions.size(), row->regions.size()) << id;
      for (size_t k = 0; k < d.regions.size(); ++k) {
        EXPECT_EQ(d.regions[k].kind, row->regions[k].kind) << id;
        EXPECT_EQ(d.regions[k].start, row->regions[k].start) << id;
        EXPECT_EQ(d.regions[k].end, row->regions[k].end) << id;
      }
    }
    EXPECT_EQ(map.size(), present);
  }
};

// The sample made free; its content hash differs, as a real one would (put()
// writes a document whose hash and metadata are unchanged as nothing).
doc::Document free_document(size_t i) {
  doc::Document d = make_document(samples()[i], doc_id(i));
  d.access = doc::Access::kFree;
  d.regions = {{doc::RegionKind::kPreview, 0, d.text_chars}};
  d.content_hash += "-free";
  return d;
}

TEST_F(AccessMapTest, FollowsInsertsUpdatesRemovalsAndATrimmedLog) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  server::AccessMap access;
  std::vector<std::string> ids;
  const size_t n = std::min<size_t>(samples().size(), 6);
  ASSERT_GE(n, 4u);
  for (size_t i = 0; i < n; ++i) {
    ids.push_back(doc_id(i));
    ASSERT_TRUE(c->put(i % 2 ? make_document(samples()[i], doc_id(i)) : free_document(i)));
  }
  auto first = access.get(*c);
  ASSERT_TRUE(first) << first.status().message();
  expect_current(**first, *c, ids);
  auto same = access.get(*c);  // nothing changed: the same map
  ASSERT_TRUE(same);
  EXPECT_EQ(same->get(), first->get());

  // Document 0 made paid, 1 made free, 2 removed: read from the log.
  for (const doc::Document& d : {make_document(samples()[0], doc_id(0)), free_document(1)}) {
    auto put = c->put(d);
    ASSERT_TRUE(put) << put.status().message();
    ASSERT_EQ(*put, store::PutOutcome::kUpdated) << d.id;
  }
  ASSERT_TRUE(c->remove(doc_id(2)).is_ok());
  auto after = access.get(*c);
  ASSERT_TRUE(after) << after.status().message();
  EXPECT_NE(after->get(), first->get());
  expect_current(**after, *c, ids);
  EXPECT_EQ((*after)->at(doc_id(0)).access, doc::Access::kPaid);
  EXPECT_EQ((*after)->at(doc_id(1)).access, doc::Access::kFree);
  // The page that held the first map still reads it unchanged (copy-on-write).
  EXPECT_EQ((*first)->at(doc_id(0)).access, doc::Access::kFree);
  EXPECT_EQ((*first)->count(doc_id(2)), 1u);

  // The log trimmed past the map: every row is read again.
  ASSERT_TRUE(c->put(free_document(2)));
  ASSERT_TRUE(c->put(free_document(3)));
  ASSERT_TRUE(c->trim_changes(c->last_seq()).is_ok());
  auto trimmed = access.get(*c);
  ASSERT_TRUE(trimmed) << trimmed.status().message();
  expect_current(**trimmed, *c, ids);
  EXPECT_EQ((*trimmed)->at(doc_id(3)).access, doc::Access::kFree);
  EXPECT_EQ((*trimmed)->count(doc_id(2)), 1u);
}

// Request threads ask for the map while another connection writes: each
// answer is a whole map of some moment (every entry as one of the versions
// written), and once the writing stops the next one is the catalog's.
TEST_F(AccessMapTest, ReadersWhileAnotherConnectionWrites) {
  auto writer = open_catalog();
  ASSERT_TRUE(writer);
  server::AccessMap access;
  const size_t n = std::min<size_t>(samples().size(), 6);
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) {
    ids.push_back(doc_id(i));
    ASSERT_TRUE(writer->put(free_document(i)));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      auto c = open_catalog();  // one connection a thread, as the server's pool gives
      if (!c) {
        ++bad;
        return;
      }
      while (!stop) {
        auto m = access.get(*c);
        if (!m) {
          ++bad;
          continue;
        }
        ++reads;
        for (const auto& [id, e] : **m) {
          const bool as_free = e.access == doc::Access::kFree && e.regions.size() == 1;
          const bool as_paid = e.access == doc::Access::kPaid && e.regions.size() == 2;
          if (!as_free && !as_paid) ++bad;
        }
      }
    });
  }
  for (int round = 0; round < 20; ++round) {
    const size_t i = static_cast<size_t>(round) % n;
    // EXPECT, not ASSERT: returning here would leave the readers running.
    if (round % 5 == 4) EXPECT_TRUE(writer->remove(doc_id(i)).is_ok());
    else EXPECT_TRUE(writer->put(round % 2 ? make_document(samples()[i], doc_id(i)) : free_document(i)));
  }
  while (reads < 20 && bad == 0) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  auto last = access.get(*writer);
  ASSERT_TRUE(last) << last.status().message();
  expect_current(**last, *writer, ids);
}

std::string record(const std::string& title, const std::string& text) {
  return nlohmann::json{{"title", title}, {"text", text}, {"date", "2024-05-01"}, {"source", "测试"}}.dump() + "\n";
}

TEST(ServerAccessMap, ADocumentMadePaidOrRemovedBehindTheIndexShowsAnonymousNoSnippet) {
  TestServer s;
  s.refresh_ms = 3'600'000;  // the index is not brought up to the catalog during the test
  std::string text;
  for (int i = 1; i <= 30; ++i) text += "第" + std::to_string(i) + "条　各单位应当依法履行职责。\n";
  text += "本办法所称渊博深处条款，是指最后一条。\n";
  const fs::path file = fresh_dir("access_map") / "doc.jsonl";
  write_file(file, record("关于渊博规定的通知", text));
  auto config = TestServer::base_config();
  config.limits.search_cache_entries = 0;  // every answer is made afresh
  s.start(config, {file}, "access_map");
  const std::string target = "/api/search?q=" + url_encode("渊博深处");
  auto shown = [](const nlohmann::json& hit) {
    for (const auto& snip : hit["snippets"])
      if (!snip["locked"].get<bool>() && snip["text"].get<std::string>().find("渊博深处") != std::string::npos)
        return true;
    return false;
  };
  const auto before = s.client().get(target).json();
  ASSERT_EQ(before["total"], 1) << before.dump();
  EXPECT_EQ(before["hits"][0]["access"], "free");
  EXPECT_TRUE(shown(before["hits"][0])) << before.dump();
  const std::string id = before["hits"][0]["id"].get<std::string>();

  // Another process makes it paid after its first line: the catalog changes, the index does not.
  auto cat = store::Catalog::open(s.dir / "data" / "catalog.db");
  ASSERT_TRUE(cat) << cat.status().message();
  auto d = (*cat)->get(id);
  ASSERT_TRUE(d) << d.status().message();
  d->access = doc::Access::kPaid;
  d->regions = {{doc::RegionKind::kPreview, 0, 10}, {doc::RegionKind::kPaid, 10, d->text_chars}};
  d->content_hash += "-paid";  // as the markers a real edit adds would change it
  auto put = (*cat)->put(*d);
  ASSERT_TRUE(put) << put.status().message();
  ASSERT_EQ(*put, store::PutOutcome::kUpdated);
  const auto paid = s.client().get(target).json();
  ASSERT_EQ(paid["total"], 1) << "the index was brought up to date: the test needs it behind";
  EXPECT_EQ(paid["hits"][0]["access"], "paid");
  EXPECT_FALSE(shown(paid["hits"][0])) << paid.dump();
  const auto vip = s.as(s.vip_token).get(target).json();
  EXPECT_TRUE(shown(vip["hits"][0])) << vip.dump();

  // Removed: the hit the index still holds is shown without snippets or badge.
  ASSERT_TRUE((*cat)->remove(id).is_ok());
  const auto gone = s.client().get(target).json();
  ASSERT_EQ(gone["total"], 1);
  EXPECT_TRUE(gone["hits"][0]["access"].is_null()) << gone.dump();
  EXPECT_FALSE(shown(gone["hits"][0])) << gone.dump();
}

}  // namespace
}  // namespace wenyuan::testing
