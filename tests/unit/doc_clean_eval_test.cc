// The cleaning evaluation on fixtures: 68 trailer and 18 header styles, 16
// promotional-looking official endings and 7 openings (tests/data/clean_eval/edges.txt),
// attached to the 40 real documents of tests/data/corpus_sample.jsonl. Aims
// (issue 12): >= 99% of trailer/header lines removed, no body line lost. The
// figures are printed; bench/clean_eval.cc runs the same over ../shared/corpus.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/clean_eval.h"

namespace wenyuan::clean_eval {
namespace {

std::vector<std::vector<std::string>> sample_bodies() {
  std::ifstream f(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(f, line);) {
    const auto j = nlohmann::json::parse(line);
    out.push_back(body_of(j.at("text").get<std::string>()));
  }
  return out;
}

TEST(CleanEval, FixtureHasTheStylesItClaims) {
  const std::vector<Block> blocks = load_blocks(std::string(WENYUAN_TEST_DATA) + "/clean_eval/edges.txt");
  size_t tails = 0, heads = 0, legit = 0, legit_heads = 0;
  for (const Block& b : blocks) {
    ASSERT_FALSE(b.lines.empty()) << b.name;
    tails += b.kind == "tail";
    heads += b.kind == "head";
    legit += b.kind == "legit";
    legit_heads += b.kind == "legit-head";
  }
  EXPECT_GE(tails + heads, 60u);
  EXPECT_GE(legit, 10u);
  EXPECT_GE(legit_heads, 5u);
  EXPECT_EQ(tails + heads + legit + legit_heads, blocks.size());
}

TEST(CleanEval, TrailersGoBodiesStayOnRealDocuments) {
  const std::vector<Block> blocks = load_blocks(std::string(WENYUAN_TEST_DATA) + "/clean_eval/edges.txt");
  const std::vector<std::vector<std::string>> bodies = sample_bodies();
  ASSERT_EQ(bodies.size(), 40u);
  const Counts c = evaluate(blocks, bodies, 3);
  std::printf("clean eval (fixtures): %zu cases; trailer lines %zu, removed %zu (recall %.4f); body lines %zu, "
              "lost %zu; line precision %.4f\n",
              c.cases, c.promo_lines, c.promo_removed, c.recall(), c.body_lines, c.body_removed, c.precision());
  for (const std::string& m : c.misses) std::printf("  %s\n", m.c_str());
  EXPECT_EQ(c.body_removed, 0u);
  EXPECT_GE(c.recall(), 0.99);
}

}  // namespace
}  // namespace wenyuan::clean_eval
