// A merged index answers exactly what the brute-force oracle and the unmerged
// index answer. The sample corpus, cut into a few hundred documents, indexed
// in several commits of several segments each, a fifth of the documents
// deleted; every query (random substrings of live and of deleted documents,
// random boolean queries) is asked of the unmerged index, then again after
// optimize() (the streamed merge, segment_merger.h) and of a fresh index of
// the live documents alone: the three answers and the oracle's are one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/search_oracle.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::search {
namespace {

using oracle::Oracle;
using oracle::OracleDoc;
using oracle::QueryGen;

// Each sample record cut into pieces of 20 lines.
std::vector<OracleDoc> load_pieces() {
  std::vector<OracleDoc> docs;
  const bool ok = oracle::for_each_line(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl", [&](const std::string& l) {
    auto d = oracle::doc_from_json(l, "x");
    if (!d) return;
    std::string piece;
    int lines = 0, k = 0;
    auto flush = [&] {
      OracleDoc p = *d;
      p.id = "piece-" + std::to_string(docs.size());
      if (k++ > 0) p.title += " " + std::to_string(k);
      p.text = piece;
      docs.push_back(std::move(p));
      piece.clear();
    };
    for (char ch : d->text) {
      piece.push_back(ch);
      if (ch == '\n' && ++lines % 20 == 0) flush();
    }
    flush();
  });
  EXPECT_TRUE(ok);
  for (auto& d : docs) oracle::find_simple_headings(d);
  return docs;
}

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::vector<std::string> ask(const Engine& e, const std::string& q) {
  auto got = e.matching_ids(q);
  EXPECT_TRUE(got.is_ok()) << q << ": " << got.status().message();
  std::vector<std::string> ids = got.is_ok() ? *got : std::vector<std::string>{};
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(MergeVsOracle, MergedFreshAndUnmergedIndexesAnswerAsTheOracle) {
  const auto docs = load_pieces();
  ASSERT_GT(docs.size(), 300u);
  TempDir dir_a("wenyuan_merge_oracle_a"), dir_b("wenyuan_merge_oracle_b"), dir_c("wenyuan_merge_oracle_c");
  index::IndexOptions o;
  o.segment_chars = 60000;  // several segments a commit
  std::vector<OracleDoc> live;
  for (size_t i = 0; i < docs.size(); ++i)
    if (i % 5 != 2) live.push_back(docs[i]);
  // Two commits of half the documents each, then every fifth document deleted.
  auto make = [&](const std::filesystem::path& dir, const index::IndexOptions& opt) {
    auto x = index::Index::open(dir, opt);
    EXPECT_TRUE(x) << x.status().message();
    const size_t half = docs.size() / 2;
    for (size_t i = 0; i < docs.size(); ++i) {
      EXPECT_TRUE((*x)->add(oracle::to_document(docs[i])).is_ok());
      if (i + 1 == half) {
        EXPECT_TRUE((*x)->commit(1).is_ok());
      }
    }
    EXPECT_TRUE((*x)->commit(2).is_ok());
    for (size_t i = 0; i < docs.size(); ++i)
      if (i % 5 == 2) {
        EXPECT_TRUE((*x)->remove(docs[i].id).is_ok());
      }
    EXPECT_TRUE((*x)->commit(3).is_ok());
    EXPECT_GT((*x)->stats().segments, 3u);
    return std::move(x).value();
  };
  auto a = make(dir_a.path, o);
  ASSERT_TRUE(a);

  // The queries: substrings of every document (deleted ones too: they must
  // find nothing of it), and boolean queries.
  std::vector<std::string> queries;
  QueryGen gen(docs, 23);
  for (int i = 0; i < 1500; ++i) {
    const std::string s = gen.substring(30, 0.2);
    if (text::Normalizer::instance().normalize(s).empty()) continue;
    if (auto q = oracle::as_term(s, gen.chance(0.5))) queries.push_back(*q);
  }
  for (int i = 0; i < 300; ++i) queries.push_back(gen.boolean());
  ASSERT_GT(queries.size(), 1700u);

  Oracle want_of(live);
  std::vector<std::vector<std::string>> want;
  for (const auto& q : queries) {
    auto parsed = parse_query(q);
    ASSERT_TRUE(parsed.is_ok()) << q;
    want.push_back(want_of.ids(parsed->root));
  }
  size_t nonempty = 0;
  for (const auto& w : want) nonempty += !w.empty();
  EXPECT_GT(nonempty, queries.size() / 2);

  auto check = [&](const Engine& e, const char* which) {
    int failures = 0;
    for (size_t i = 0; i < queries.size() && failures < 10; ++i) {
      const auto got = ask(e, queries[i]);
      if (got != want[i]) {
        ++failures;
        ADD_FAILURE() << which << ": " << queries[i] << "\n" << oracle::first_difference(want[i], got);
      }
    }
  };
  {
    const Engine unmerged(*a);
    check(unmerged, "unmerged");
  }
  ASSERT_TRUE(a->optimize().is_ok());
  ASSERT_EQ(a->stats().segments, 1u);
  ASSERT_EQ(a->stats().deleted_docs, 0u);
  check(Engine(*a), "merged");
  // The merged index as it is on disk, opened again.
  a.reset();
  auto reopened = index::Index::open(dir_a.path, o);
  ASSERT_TRUE(reopened) << reopened.status().message();
  check(Engine(**reopened), "merged, reopened");

  o.segment_chars = SIZE_MAX;
  auto b = index::Index::open(dir_b.path, o);
  ASSERT_TRUE(b);
  for (const auto& d : live) ASSERT_TRUE((*b)->add(oracle::to_document(d)).is_ok());
  ASSERT_TRUE((*b)->commit(3).is_ok());
  check(Engine(**b), "fresh");

  // The policy's merges (maybe_merge: the same merge, written outside the
  // writer's mutex), two segments at a time, level by level.
  index::IndexOptions pairs = o;
  pairs.segment_chars = 60000;
  pairs.merge.factor = 2;
  pairs.merge.min_bytes = 1ull << 40;  // every segment level 0
  auto c = make(dir_c.path, pairs);
  ASSERT_TRUE(c);
  auto merges = c->maybe_merge();
  ASSERT_TRUE(merges) << merges.status().message();
  EXPECT_GT(*merges, 1u);
  EXPECT_EQ(c->stats().segments, 1u);
  check(Engine(*c), "maybe_merge");
}

}  // namespace
}  // namespace wenyuan::search
