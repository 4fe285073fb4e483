// Schema v9: edge lines stored by key (codec.h edge_line_key), not by text. The
// cleaner's counts (documents_with_edge_line) answer as before, a v8 catalog's
// lines are converted on opening with their counts, and the triggers of v4 keep
// the counts exact on the new column (remove, re-put, a move to another source).
#include <gtest/gtest.h>

#include <set>

#include "store_catalog_fixture.h"

namespace wenyuan::store {
namespace {

using namespace testing_support;  // NOLINT: the shared samples and fixture

using CatalogV9Test = CatalogTest;

// The keys must never change (stored keys are compared with keys computed by
// later versions): BLAKE2b-128, first 8 bytes little endian, checked against
// another implementation (Python's hashlib.blake2b(digest_size=16)).
TEST(StoreCodecV9, EdgeLineKeysAreBlake2bAndFixed) {
  EXPECT_EQ(edge_line_key("页眉"), -3229226428944185253);
  EXPECT_EQ(edge_line_key(""), 4665148505410102986);
  EXPECT_EQ(edge_line_key("本文来源：公文素材库"), 6764290518741518873);
  EXPECT_NE(edge_line_key("页眉"), edge_line_key("页眉 "));
}

TEST_F(CatalogV9Test, EdgeLinesAreStoredByKeyAndCountedPerSource) {
  auto c = open_catalog();
  ASSERT_TRUE(c);
  doc::Document a = make_document(samples()[0], doc_id(0));
  doc::Document b = make_document(samples()[1], doc_id(1));
  doc::Document other = make_document(samples()[2], doc_id(2));
  b.source = a.source;
  other.source = a.source + "-其他";
  ASSERT_TRUE(c->put(a, {"页眉", "甲的末行"}).is_ok());
  ASSERT_TRUE(c->put(b, {"页眉", "乙的末行"}).is_ok());
  ASSERT_TRUE(c->put(other, {"页眉"}).is_ok());
  EXPECT_EQ(sql_int("SELECT count(*) FROM edge_lines WHERE typeof(key) = 'integer'"), 5);
  EXPECT_EQ(sql_int("SELECT count(*) FROM edge_lines WHERE key = " + std::to_string(edge_line_key("页眉"))), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM pragma_table_info('edge_lines') WHERE name = 'line'"), 0);
  EXPECT_EQ(c->documents_with_edge_line(a.source, "页眉"), 2u);
  EXPECT_EQ(c->documents_with_edge_line(other.source, "页眉"), 1u);
  EXPECT_EQ(c->documents_with_edge_line(a.source, "甲的末行"), 1u);
  EXPECT_EQ(c->documents_with_edge_line(a.source, "从未出现"), 0u);
  ASSERT_TRUE(c->remove(a.id).is_ok());
  EXPECT_EQ(c->documents_with_edge_line(a.source, "页眉"), 1u);
  EXPECT_EQ(c->documents_with_edge_line(a.source, "甲的末行"), 0u);
  EXPECT_EQ(sql_int("SELECT count(*) FROM edge_line_counts WHERE documents <= 0"), 0);
}

// A v8 file (lines as text) is converted on opening: the keys are those of the
// lines, the counts per source survive, and the recreated triggers work.
TEST_F(CatalogV9Test, AVersion8CatalogsLinesBecomeKeysWithTheirCounts) {
  doc::Document a = make_document(samples()[3], doc_id(3));
  doc::Document b = make_document(samples()[4], doc_id(4));
  b.source = a.source;
  {
    auto c = open_catalog();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->put(a).is_ok());
    ASSERT_TRUE(c->put(b).is_ok());
  }
  // The documents copied column by column into a catalog migrated to 8, and
  // their edge lines written as v8 wrote them (text; v8's triggers count them).
  ASSERT_NO_FATAL_FAILURE(as_older_catalog(8));
  {
    auto db = raw(path_);
    ASSERT_TRUE(db.is_ok());
    for (const auto& [id, line] : std::vector<std::pair<std::string, std::string>>{
             {a.id, "页眉"}, {a.id, "甲的末行"}, {b.id, "页眉"}}) {
      const Status st = db->exec("INSERT INTO edge_lines (line, rid) SELECT '" + line +
                                 "', rid FROM documents WHERE id = '" + id + "'");
      ASSERT_TRUE(st.is_ok()) << st.message();
    }
    ASSERT_EQ(*db->query_int("SELECT documents FROM edge_line_counts WHERE line = '页眉'"), 2);
  }
  auto c = open_catalog();
  ASSERT_TRUE(c);
  EXPECT_EQ(sql_int("PRAGMA user_version"), latest_schema_version());
  std::set<int64_t> keys;
  {
    auto db = raw(path_);
    ASSERT_TRUE(db.is_ok());
    auto s = db->prepare("SELECT DISTINCT key FROM edge_lines", false);
    ASSERT_TRUE(s.is_ok());
    while (*s->step()) keys.insert(s->column_int(0));
  }
  EXPECT_EQ(keys, (std::set<int64_t>{edge_line_key("页眉"), edge_line_key("甲的末行")}));
  EXPECT_EQ(c->documents_with_edge_line(a.source, "页眉"), 2u);
  EXPECT_EQ(c->documents_with_edge_line(a.source, "甲的末行"), 1u);
  // The triggers after the rebuild: a move to another source moves the counts.
  doc::Document moved = b;
  moved.source = a.source + "-迁";
  ASSERT_TRUE(c->put(moved, {"页眉"}).is_ok());
  EXPECT_EQ(c->documents_with_edge_line(a.source, "页眉"), 1u);
  EXPECT_EQ(c->documents_with_edge_line(moved.source, "页眉"), 1u);
  EXPECT_EQ(c->documents_in_source(moved.source), 1u);
  ASSERT_TRUE(c->remove(a.id).is_ok());
  EXPECT_EQ(c->documents_with_edge_line(a.source, "页眉"), 0u);
  EXPECT_EQ(c->documents_with_edge_line(a.source, "甲的末行"), 0u);
  EXPECT_EQ(sql_int("SELECT count(*) FROM edge_line_counts"), 1);  // only the moved document's line
  // What the file holds reads whole.
  expect_same_document(moved, *c->get(moved.id), false);
}

}  // namespace
}  // namespace wenyuan::store
