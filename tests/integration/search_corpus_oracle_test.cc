// The oracle test on the whole corpus (../shared/corpus, 3,658 documents, about 22
// million characters): Engine::matching_ids must equal the brute-force oracle of
// tests/support/search_oracle.h for 5,000 queries — 3,000 real substrings of texts
// and titles (1..40 characters), 500 substrings of the normalized texts, 500
// mutated (mostly absent) strings, and 1,000 random boolean queries with title:,
// heading: and year:. Skips when the corpus is absent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "support/search_oracle.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"

namespace wenyuan::search {
namespace {

using oracle::OracleDoc;

constexpr const char* kCorpusFiles[] = {"gov_work_reports.jsonl.xz", "provincial_gwr_2026.jsonl.xz",
                                        "cpc_congress_reports.jsonl.xz", "laws.jsonl.xz", "dangjian_hust.jsonl.xz"};

TEST(SearchCorpusOracle, EngineEqualsBruteForceOnTheWholeCorpus) {
  const std::filesystem::path corpus = std::filesystem::path(WENYUAN_SHARED_DIR) / "corpus";
  if (!std::filesystem::exists(corpus / kCorpusFiles[0])) {
    GTEST_SKIP() << "the shared corpus is absent (" << corpus << "); this test needs ../shared/corpus";
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  std::vector<OracleDoc> docs;
  for (const char* f : kCorpusFiles) {
    size_t line = 0;
    const bool ok = oracle::for_each_line((corpus / f).string(), [&](const std::string& l) {
      ++line;
      if (auto d = oracle::doc_from_json(l, std::string(f) + ":" + std::to_string(line))) docs.push_back(std::move(*d));
    });
    ASSERT_TRUE(ok) << "cannot read " << (corpus / f) << " (needs the xz command)";
  }
  ASSERT_GT(docs.size(), 3000u);
  for (auto& d : docs) oracle::find_simple_headings(d);

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("wenyuan_corpus_oracle_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() { std::filesystem::remove_all(p); }
  } cleanup{dir};
  auto idx = index::Index::open(dir);
  ASSERT_TRUE(idx.is_ok()) << idx.status().message();
  for (const auto& d : docs) {
    const Status st = (*idx)->add(oracle::to_document(d));
    ASSERT_TRUE(st.is_ok()) << d.id << ": " << st.message();
  }
  const Status st = (*idx)->commit(1);
  ASSERT_TRUE(st.is_ok()) << st.message();
  const Engine engine(**idx);
  std::printf("loaded and indexed %zu documents in %.1f s\n", docs.size(), seconds());
  std::fflush(stdout);

  oracle::Oracle oracle(docs);
  oracle::QueryGen gen(docs, 2024);
  size_t compared = 0, nonempty = 0, failures = 0;
  auto same = [&](const std::string& q) {
    auto parsed = parse_query(q);
    ASSERT_TRUE(parsed.is_ok()) << q << " -> " << parsed.status().message();
    const auto want = oracle.ids(parsed->root);
    auto got = engine.matching_ids(q);
    ASSERT_TRUE(got.is_ok()) << q << ": " << got.status().message();
    std::vector<std::string> ids = *got;
    std::sort(ids.begin(), ids.end());
    ++compared;
    nonempty += !want.empty();
    if (ids != want) {
      ++failures;
      ADD_FAILURE() << "query: " << q << "\n" << oracle::first_difference(want, ids);
    }
  };

  for (int i = 0; i < 3000 && failures < 10; ++i) {  // real substrings
    const std::string s = gen.substring(40, 0.2);
    if (text::Normalizer::instance().normalize(s).empty()) continue;
    if (const auto q = oracle::as_term(s, gen.chance(0.5))) same(*q);
  }
  for (int i = 0; i < 500 && failures < 10; ++i) {  // substrings of the normalized text
    if (const auto q = oracle::as_term(gen.normalized_substring(20), true)) same(*q);
  }
  const size_t substrings = compared;
  EXPECT_EQ(nonempty, substrings);  // a real substring finds at least its own document
  for (int i = 0; i < 500 && failures < 10; ++i) {  // mutated, mostly absent
    const std::string s = gen.mutated(12);
    if (text::Normalizer::instance().normalize(s).empty()) continue;
    if (const auto q = oracle::as_term(s, true)) same(*q);
  }
  for (int i = 0; i < 1000 && failures < 10; ++i) same(gen.boolean());
  std::printf("compared %zu queries (%zu with hits) in %.1f s\n", compared, nonempty, seconds());
  EXPECT_GT(compared, 4800u);
  EXPECT_EQ(failures, 0u);
}

}  // namespace
}  // namespace wenyuan::search
