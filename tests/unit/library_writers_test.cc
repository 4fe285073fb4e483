// One index writer, many processes (docs/living-library.md), as Library objects:
// two Libraries on one folder hold separate flocks, exactly as two processes
// do. The defect this guards against: a second writer's commit knew only its
// own segments, so the server's next commit dropped a CLI import from search.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "support/report_records.h"
#include "wenyuan/index/format.h"
#include "wenyuan/index/index.h"
#include "wenyuan/library/library.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"

namespace fs = std::filesystem;
using wenyuan::library::ImportOptions;
using wenyuan::library::Library;
using wenyuan::library::OpenOptions;

namespace {

class LibraryWriters : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wenyuan_library_writers_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `n` short reports, each with a phrase of its own ("编号N号专项").
  fs::path jsonl(const std::string& name, int first, int n) {
    const fs::path file = dir_ / name;
    wenyuan::testing::write_report_records(file, "doc", first, n);
    return file;
  }

  std::unique_ptr<Library> open(const std::string& holder, bool read_only = false) {
    OpenOptions o;
    o.holder = holder;
    o.read_only = read_only;
    auto lib = Library::open(dir_ / "lib", o);
    EXPECT_TRUE(lib.is_ok()) << lib.status().message();
    return lib.is_ok() ? std::move(lib.value()) : nullptr;
  }

  static uint64_t count(const Library& lib, const std::string& q) {
    wenyuan::search::SearchRequest r;
    r.query = q;
    r.limit = 0;
    auto res = lib.engine().search(r);
    EXPECT_TRUE(res.is_ok()) << res.status().message();
    return res.is_ok() ? res->total : 0;
  }

  fs::path dir_;
};

TEST_F(LibraryWriters, OneWriterAndEveryCatalogChangeReachesItsIndex) {
  auto server = open("wenyuan serve");
  ASSERT_TRUE(server);
  EXPECT_TRUE(server->is_index_writer());
  ASSERT_EQ(server->import_paths({jsonl("a.jsonl", 0, 10)}, ImportOptions{}).imported, 10u);
  EXPECT_EQ(count(*server, "高质量发展"), 10u);

  // A CLI import while the server runs: it stores, the server indexes.
  auto cli = open("wenyuan import");
  ASSERT_TRUE(cli);
  EXPECT_FALSE(cli->is_index_writer());
  EXPECT_NE(cli->index_writer().find("wenyuan serve"), std::string::npos) << cli->index_writer();
  auto report = cli->import_paths({jsonl("b.jsonl", 10, 72)}, ImportOptions{});
  EXPECT_EQ(report.imported, 72u);
  EXPECT_EQ(count(*server, "高质量发展"), 10u);  // not until the server looks at the log
  ASSERT_TRUE(server->refresh().is_ok());
  EXPECT_EQ(count(*server, "高质量发展"), 82u);

  // The server's own next commit keeps them (it used to drop them).
  ASSERT_EQ(server->import_paths({jsonl("c.jsonl", 82, 1)}, ImportOptions{}).imported, 1u);
  EXPECT_EQ(count(*server, "高质量发展"), 83u);
  EXPECT_EQ(count(*server, "编号45号专项"), 1u);

  // The CLI's delete reaches the server's index through the log as well.
  ASSERT_TRUE(cli->remove("doc45").is_ok());
  ASSERT_TRUE(server->refresh().is_ok());
  EXPECT_EQ(count(*server, "编号45号专项"), 0u);
  EXPECT_EQ(count(*server, "高质量发展"), 82u);

  // A reader in a third process sees the same, and the index verifies.
  auto reader = open("wenyuan search", true);
  ASSERT_TRUE(reader);
  EXPECT_EQ(count(*reader, "高质量发展"), 82u);
  auto v = reader->verify();
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
  EXPECT_EQ(v->catalog_documents, 82u);
  EXPECT_EQ(v->index_documents, 82u);
  EXPECT_EQ(v->pending_changes, 0u);
}

TEST_F(LibraryWriters, AReaderSeesWhatTheWriterHasNotIndexedYetAndWritesNothing) {
  {
    auto w = open("wenyuan import");
    ASSERT_TRUE(w);
    ASSERT_EQ(w->import_paths({jsonl("a.jsonl", 0, 5)}, ImportOptions{}).imported, 5u);
  }
  // Catalog changes nobody indexed: a second catalog connection, as a crashed writer leaves them.
  {
    auto cat = wenyuan::store::Catalog::open(dir_ / "lib" / "catalog.db");
    ASSERT_TRUE(cat);
    ASSERT_TRUE((*cat)->remove("doc2").is_ok());
  }
  std::map<std::string, fs::file_time_type> before;
  for (const auto& e : fs::directory_iterator(dir_ / "lib" / "index")) before[e.path().filename()] = e.last_write_time();
  {
    auto reader = open("wenyuan search", true);
    ASSERT_TRUE(reader);
    EXPECT_EQ(count(*reader, "高质量发展"), 4u);  // the delete is seen, from the log, in memory
    EXPECT_EQ(count(*reader, "编号2号专项"), 0u);
    auto v = reader->verify();  // the committed index is behind: pending, not an error
    ASSERT_TRUE(v.is_ok());
    EXPECT_FALSE(reader->is_index_writer());
  }
  std::map<std::string, fs::file_time_type> after;
  for (const auto& e : fs::directory_iterator(dir_ / "lib" / "index")) after[e.path().filename()] = e.last_write_time();
  EXPECT_EQ(before, after) << "a read-only library changed index files";
  // The next writer catches up.
  auto w = open("wenyuan import");
  ASSERT_TRUE(w);
  EXPECT_EQ(count(*w, "高质量发展"), 4u);
  auto v = w->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->pending_changes, 0u);
}

TEST_F(LibraryWriters, TheHolderIndexesWhatOthersStoredBeforeItLetsGo) {
  auto holder = open("wenyuan import");
  ASSERT_TRUE(holder);
  ASSERT_TRUE(holder->is_index_writer());
  {
    auto other = open("wenyuan import");
    ASSERT_TRUE(other);
    ASSERT_FALSE(other->is_index_writer());
    ASSERT_EQ(other->import_paths({jsonl("b.jsonl", 0, 7)}, ImportOptions{}).imported, 7u);
  }  // `other` closes: the lock was taken, so it leaves the indexing to the holder
  holder->close();  // indexes the 7 before letting go
  EXPECT_FALSE(holder->is_index_writer());
  auto reader = open("wenyuan verify", true);
  ASSERT_TRUE(reader);
  auto v = reader->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->index_documents, 7u);
  EXPECT_EQ(v->pending_changes, 0u);
  // Having let go, the old holder is a reader: another process writes now.
  auto next = open("wenyuan import");
  ASSERT_TRUE(next);
  ASSERT_TRUE(next->is_index_writer());
  ASSERT_EQ(next->import_paths({jsonl("c.jsonl", 100, 3)}, ImportOptions{}).imported, 3u);
  ASSERT_TRUE(holder->refresh().is_ok());
  EXPECT_FALSE(holder->is_index_writer());
  EXPECT_EQ(count(*holder, "高质量发展"), 10u);
  v = next->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
  EXPECT_EQ(v->index_documents, 10u);
}

TEST_F(LibraryWriters, VerifyReportsWhatDiffers) {
  auto w = open("wenyuan import");
  ASSERT_TRUE(w);
  ASSERT_EQ(w->import_paths({jsonl("a.jsonl", 0, 4)}, ImportOptions{}).imported, 4u);
  auto v = w->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok());
  // Break the index behind the catalog's back: one document gone, one invented.
  const uint64_t seq = w->index().catalog_seq();
  ASSERT_TRUE(w->index().remove("doc1").is_ok());
  wenyuan::index::IndexDoc ghost;
  ghost.id = "ghost";
  ghost.title = "不存在的文件";
  ghost.text = "这份文件只在索引里。";
  ghost.text_chars = 10;
  ASSERT_TRUE(w->index().add(ghost).is_ok());
  ASSERT_TRUE(w->index().commit(seq).is_ok());
  v = w->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_FALSE(v->ok());
  std::string all;
  for (const auto& p : v->problems) all += p + "\n";
  EXPECT_NE(all.find("doc1 is in the catalog but not in the index"), std::string::npos) << all;
  EXPECT_NE(all.find("ghost is in the index but not in the catalog"), std::string::npos) << all;
  ASSERT_TRUE(w->reindex().is_ok());
  v = w->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
}

TEST_F(LibraryWriters, ReindexAndOptimizeNeedTheLock) {
  auto holder = open("wenyuan serve");
  ASSERT_TRUE(holder);
  auto other = open("wenyuan reindex");
  ASSERT_TRUE(other);
  auto st = other->reindex();
  EXPECT_EQ(st.code(), wenyuan::StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("wenyuan serve"), std::string::npos) << st.message();
  EXPECT_EQ(other->optimize().code(), wenyuan::StatusCode::kPermissionDenied);
}

TEST_F(LibraryWriters, ManySmallCommitsStayFewSegments) {
  auto w = open("wenyuan serve");
  ASSERT_TRUE(w);
  // A day of small commits, as the server makes them, with the tailer's merges.
  for (int batch = 0; batch < 120; ++batch) {
    ASSERT_EQ(w->import_paths({jsonl("d" + std::to_string(batch) + ".jsonl", batch * 3, 3)}, ImportOptions{}).imported,
              3u);
    if (batch % 5 == 0) {
      ASSERT_TRUE(w->remove("doc" + std::to_string(batch * 3)).is_ok());
    }
    auto merged = w->merge();
    ASSERT_TRUE(merged.is_ok()) << merged.status().message();
  }
  const auto st = w->index().stats();
  EXPECT_LT(st.segments, 16u) << "the merge policy let segments pile up";
  EXPECT_EQ(st.docs, 360u - 24u);
  EXPECT_EQ(count(*w, "高质量发展"), 336u);
  EXPECT_EQ(count(*w, "编号0号专项"), 0u);
  EXPECT_EQ(count(*w, "编号301号专项"), 1u);
  auto v = w->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
}

}  // namespace

namespace {

// An index written in an older segment format (version 2 had no 文种 in its
// doc records) is refused with "run `wenyuan reindex`", and reindex — opening
// with rebuild_index, as the command does — is the upgrade.
TEST_F(LibraryWriters, ReindexUpgradesAnOldSegmentFormat) {
  {
    auto w = open("wenyuan import");
    ASSERT_TRUE(w);
    auto r = w->import_paths({jsonl("a.jsonl", 1, 3)}, ImportOptions{});
    ASSERT_EQ(r.imported, 3u);
  }
  size_t downgraded = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "lib" / "index")) {
    if (e.path().extension() != ".wys") continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(7);
    f.put(static_cast<char>(wenyuan::index::kSegmentFormatVersion - 1));
    ++downgraded;
  }
  ASSERT_GT(downgraded, 0u);
  OpenOptions plain;
  auto refused = Library::open(dir_ / "lib", plain);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("wenyuan reindex"), std::string::npos) << refused.status().message();
  {
    OpenOptions o;
    o.holder = "wenyuan reindex";
    o.catch_up = false;
    o.rebuild_index = true;
    auto lib = Library::open(dir_ / "lib", o);
    ASSERT_TRUE(lib.is_ok()) << lib.status().message();
    ASSERT_TRUE((*lib)->reindex().is_ok());
  }
  auto after = open("wenyuan serve");
  ASSERT_TRUE(after);
  EXPECT_EQ(count(*after, "编号2号专项"), 1u);
  auto v = after->verify();
  ASSERT_TRUE(v.is_ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
}

}  // namespace
