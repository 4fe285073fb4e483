// The version diff (dedup/diff.h) against a brute-force oracle: on random unit
// sequences its ops rebuild both sides exactly and its number of edited units
// is the minimum (n + m - 2·LCS, the LCS by the quadratic dynamic program);
// with a small edit budget it stays a correct (if not minimal) diff.
#include <gtest/gtest.h>

#include <random>

#include "wenyuan/dedup/diff.h"

namespace wenyuan::dedup {
namespace {

std::vector<DiffUnit> units(const std::vector<int>& keys) {
  std::vector<DiffUnit> out;
  for (size_t i = 0; i < keys.size(); ++i) out.push_back({uint32_t(i), uint32_t(i + 1), std::u32string(1, char32_t(U'a' + keys[i]))});
  return out;
}

size_t lcs(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

// Rebuilds a and b from the ops; returns the units edited.
size_t check_ops(const DiffResult& r, const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> ra, rb;
  size_t edited = 0;
  uint32_t ai = 0, bi = 0;
  for (size_t i = 0; i < r.ops.size(); ++i) {
    const auto& op = r.ops[i];
    EXPECT_EQ(op.a_begin, ai);
    EXPECT_EQ(op.b_begin, bi);
    if (i > 0) {
      EXPECT_NE(op.kind, r.ops[i - 1].kind);
    }
    switch (op.kind) {
      case DiffOp::Kind::kSame:
        EXPECT_EQ(op.a_end - op.a_begin, op.b_end - op.b_begin);
        for (uint32_t k = 0; k < op.a_end - op.a_begin; ++k) {
          EXPECT_EQ(a[op.a_begin + k], b[op.b_begin + k]);
          ra.push_back(a[op.a_begin + k]);
          rb.push_back(b[op.b_begin + k]);
        }
        break;
      case DiffOp::Kind::kDeleted:
        EXPECT_EQ(op.b_begin, op.b_end);
        for (uint32_t k = op.a_begin; k < op.a_end; ++k) ra.push_back(a[k]), ++edited;
        break;
      case DiffOp::Kind::kInserted:
        EXPECT_EQ(op.a_begin, op.a_end);
        for (uint32_t k = op.b_begin; k < op.b_end; ++k) rb.push_back(b[k]), ++edited;
        break;
    }
    ai = op.a_end;
    bi = op.b_end;
  }
  EXPECT_EQ(ra, a);
  EXPECT_EQ(rb, b);
  return edited;
}

TEST(Diff, MinimalAgainstTheLcsOracle) {
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    const int alphabet = 2 + round % 6;
    std::vector<int> a(rng() % 40), b;
    for (int& x : a) x = int(rng() % alphabet);
    // b: a edited (deletions, insertions, changes), or unrelated.
    if (round % 5 == 0) {
      b.resize(rng() % 40);
      for (int& x : b) x = int(rng() % alphabet);
    } else {
      for (int x : a) {
        const unsigned r = rng() % 10;
        if (r == 0) continue;
        if (r == 1) b.push_back(int(rng() % alphabet));
        b.push_back(x);
      }
    }
    const DiffResult r = diff(units(a), units(b));
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(check_ops(r, a, b), a.size() + b.size() - 2 * lcs(a, b)) << round;
  }
}

TEST(Diff, BoundedBudgetStillRebuildsBothSides) {
  std::vector<int> a(300), b(300);
  std::mt19937 rng(3);
  for (int& x : a) x = int(rng() % 50);
  for (int& x : b) x = int(rng() % 50);
  a[0] = b[0] = 99;  // a common head
  const DiffResult r = diff(units(a), units(b), 10);
  EXPECT_FALSE(r.complete);
  check_ops(r, a, b);
}

TEST(Diff, SentencesCompareCountedCharacters) {
  std::vector<DiffUnit> a, b;
  sentence_units("坚持稳中求进。推进高质量发展！", 0, a);
  sentence_units("堅持穩中求進；推进高质量发展？新增一句。", 10, b);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].start, 10u);
  EXPECT_EQ(b[0].end, 17u);
  const DiffResult r = diff(a, b);
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(r.ops[0].kind, DiffOp::Kind::kSame);  // punctuation and script aside, the same
  EXPECT_EQ(r.ops[0].a_end, 2u);
  EXPECT_EQ(r.ops[1].kind, DiffOp::Kind::kInserted);
}

}  // namespace
}  // namespace wenyuan::dedup
