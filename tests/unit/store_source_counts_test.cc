// The cleaner's per-source counts (schema v4, issue 14): documents_in_source
// and documents_with_edge_line stay exact through inserts, updates that move a
// document to another source, edge-line changes and removals, are rebuilt by
// the migration from a v2 catalog, and cost the same however large the source
// is (counted in SQLite's VM steps, not seconds).

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

#include "wenyuan/store/catalog.h"
#include "wenyuan/store/schema.h"
#include "wenyuan/store/sqlite_db.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::store {
namespace {

doc::Document tiny(const std::string& id, const std::string& source, const std::string& text = "y") {
  doc::Document d;
  d.id = id;
  d.title = "标题" + id;
  d.source = source;
  d.access = doc::Access::kFree;
  d.format = "jsonl";
  d.encoding = "UTF-8";
  d.origin = "t.jsonl";
  d.original = text;
  d.text = text;
  d.text_chars = static_cast<uint32_t>(text::count_code_points(text));
  d.regions = {{doc::RegionKind::kPreview, 0, d.text_chars}};
  d.paragraphs = {{0, d.text_chars}};
  d.content_hash = "h-" + id + "-" + source + "-" + text;
  d.imported_at = 1'700'000'000;
  return d;
}

class SourceCountsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wenyuan_source_counts_" + std::to_string(getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "catalog.sqlite";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Catalog> open() {
    auto c = Catalog::open(path_);
    EXPECT_TRUE(c.is_ok()) << c.status().message();
    return c.is_ok() ? std::move(c).value() : nullptr;
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST_F(SourceCountsTest, CountsFollowPutsUpdatesAndRemovals) {
  auto c = open();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->put(tiny("a", "国务院"), {"页眉", "正文a"}).is_ok());
  ASSERT_TRUE(c->put(tiny("b", "国务院"), {"页眉", "正文b"}).is_ok());
  ASSERT_TRUE(c->put(tiny("c", "人大"), {"页眉"}).is_ok());
  EXPECT_EQ(c->documents_in_source("国务院"), 2u);
  EXPECT_EQ(c->documents_in_source("人大"), 1u);
  EXPECT_EQ(c->documents_in_source("别处"), 0u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "页眉"), 2u);
  EXPECT_EQ(c->documents_with_edge_line("人大", "页眉"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "正文a"), 1u);

  // New content, other edge lines: the old ones stop counting.
  ASSERT_TRUE(c->put(tiny("a", "国务院", "z"), {"正文z"}).is_ok());
  EXPECT_EQ(c->documents_in_source("国务院"), 2u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "页眉"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "正文a"), 0u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "正文z"), 1u);

  // Moved to another source, same edge lines.
  ASSERT_TRUE(c->put(tiny("b", "人大"), {"页眉", "正文b"}).is_ok());
  EXPECT_EQ(c->documents_in_source("国务院"), 1u);
  EXPECT_EQ(c->documents_in_source("人大"), 2u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "页眉"), 0u);
  EXPECT_EQ(c->documents_with_edge_line("人大", "页眉"), 2u);
  EXPECT_EQ(c->documents_with_edge_line("人大", "正文b"), 1u);

  ASSERT_TRUE(c->remove("b").is_ok());
  EXPECT_EQ(c->documents_in_source("人大"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("人大", "页眉"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("人大", "正文b"), 0u);
  ASSERT_TRUE(c->remove("a").is_ok());
  ASSERT_TRUE(c->remove("c").is_ok());
  EXPECT_EQ(c->documents_in_source("国务院"), 0u);
  EXPECT_EQ(c->documents_in_source("人大"), 0u);
  c.reset();
  // Nothing left behind for sources that are gone.
  auto db = sqlite::Db::open(path_.string());
  ASSERT_TRUE(db.is_ok());
  EXPECT_EQ(*db->query_int("SELECT count(*) FROM source_counts"), 0);
  EXPECT_EQ(*db->query_int("SELECT count(*) FROM edge_line_counts"), 0);
}

TEST_F(SourceCountsTest, ARolledBackBatchCountsNothing) {
  auto c = open();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->put(tiny("a", "国务院"), {"页眉"}).is_ok());
  ASSERT_TRUE(c->begin_batch().is_ok());
  ASSERT_TRUE(c->put(tiny("b", "国务院"), {"页眉"}).is_ok());
  EXPECT_EQ(c->documents_in_source("国务院"), 2u);  // the batch sees its own writes
  c.reset();  // closed without commit: rolled back
  c = open();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->documents_in_source("国务院"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "页眉"), 1u);
}

TEST_F(SourceCountsTest, MigrationFromVersion2CountsExistingDocuments) {
  {
    auto db = sqlite::Db::open(path_.string());
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(migrate(*db, 2).is_ok());
    ASSERT_TRUE(db->exec("PRAGMA foreign_keys = ON").is_ok());
    for (int i = 1; i <= 3; ++i) {
      const std::string source = i < 3 ? "国务院" : "人大";
      ASSERT_TRUE(db->exec("INSERT INTO documents (rid, id, title, date, source, category, issuer, tags, access, "
                           "format, encoding, origin, text_chars, regions, outline, removed, content_hash, "
                           "imported_at) VALUES (" +
                           std::to_string(i) + ", 'd" + std::to_string(i) + "', 't', '', '" + source +
                           "', '', '', '[]', 'free', 'txt', 'UTF-8', 'o', 0, '[]', '[]', '[]', 'h', 0)")
                      .is_ok());
      ASSERT_TRUE(db->exec("INSERT INTO edge_lines (line, rid) VALUES ('页眉', " + std::to_string(i) + ")").is_ok());
    }
  }
  auto c = open();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->documents_in_source("国务院"), 2u);
  EXPECT_EQ(c->documents_in_source("人大"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "页眉"), 2u);
  EXPECT_EQ(c->documents_with_edge_line("人大", "页眉"), 1u);
  ASSERT_TRUE(c->remove("d1").is_ok());
  EXPECT_EQ(c->documents_in_source("国务院"), 1u);
  EXPECT_EQ(c->documents_with_edge_line("国务院", "页眉"), 1u);
}

// What the import does per document of one source: put it, then ask both
// counts. A count over the whole source made N documents cost N^2 steps
// (20,000 tiny records: 15.8 s; 50,000: 96 s).
TEST_F(SourceCountsTest, AskingTheCountsCostsTheSameHoweverLargeTheSource) {
  auto c = open();
  ASSERT_TRUE(c);
  auto run = [&](int from, int n) {
    const uint64_t before = c->statement_steps();
    EXPECT_TRUE(c->begin_batch().is_ok());
    for (int i = from; i < from + n; ++i) {
      EXPECT_TRUE(c->put(tiny("r" + std::to_string(i), "同一来源"), {"y"}).is_ok());
      EXPECT_EQ(c->documents_in_source("同一来源"), static_cast<uint32_t>(i + 1));
      EXPECT_EQ(c->documents_with_edge_line("同一来源", "y"), static_cast<uint32_t>(i + 1));
    }
    EXPECT_TRUE(c->commit_batch().is_ok());
    return c->statement_steps() - before;
  };
  const uint64_t first = run(0, 1'000);       // documents 1..1000
  const uint64_t second = run(1'000, 1'000);  // documents 1001..2000: same work if counts are cheap
  EXPECT_GT(first, 0u);
  EXPECT_LT(second, first * 3 / 2) << first << " -> " << second;  // a scan would make it about 3x
}

}  // namespace
}  // namespace wenyuan::store
