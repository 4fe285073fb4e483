// make_snippets' choice against a brute-force reference on real text: the
// reference takes every candidate window (snippet_candidates), counts each one's
// highlights and distinct highlighted strings from scratch (every match
// scanned, strings compared as strings), stable-sorts them by the documented
// order (most distinct strings, most highlights, earliest), takes the best
// non-overlapping ones greedily and cuts them with text::substr_code_points.
// make_snippets must give exactly that, text, offsets and highlights alike, for
// random match sets on the documents of tests/data/corpus_sample.jsonl (split
// into sentences and paragraphs as imports do): random ranges (overlapping,
// nested, empty, out of range), and every occurrence of real one- to
// three-character substrings, thousands of them in a long report.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <tuple>

#include "wenyuan/doc/outline.h"
#include "wenyuan/search/snippet.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {
namespace {

using Range = std::pair<uint32_t, uint32_t>;

struct Text {
  std::string utf8;
  std::u32string cps;
  std::vector<doc::Span> sentences, paragraphs;
};

std::vector<Text> load_texts() {
  std::vector<Text> out;
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    Text t;
    t.utf8 = j.value("text", "");
    if (t.utf8.empty()) continue;
    t.cps = text::decode_utf8(t.utf8);
    auto a = doc::analyze(t.utf8, {}, j.value("title", ""));
    t.sentences = std::move(a.sentences);
    t.paragraphs = std::move(a.paragraphs);
    out.push_back(std::move(t));
  }
  return out;
}

// The reference: see the top of the file.
std::vector<Snippet> reference(const Text& t, const std::vector<doc::Span>& matches, size_t k, size_t max_chars,
                               std::optional<doc::Span> within) {
  std::vector<Snippet> out;
  if (k == 0 || t.utf8.empty()) return out;
  const auto n = static_cast<uint32_t>(t.cps.size());
  Range in{0, n};
  if (within) in = {std::min(within->start, n), std::min(within->end, n)};
  if (in.first >= in.second) return out;
  std::vector<Range> ms;  // clipped to `in`, sorted
  for (const auto& m : matches) {
    const uint32_t s = std::max(m.start, in.first), e = std::min(m.end, in.second);
    if (s < e) ms.push_back({s, e});
  }
  std::sort(ms.begin(), ms.end());
  struct Cand {
    Range r;
    size_t distinct, count;
    std::vector<Range> hs;
  };
  std::vector<Cand> cands;
  for (const Range& r : snippet_candidates(t.utf8, t.sentences, matches, max_chars, within)) {
    Cand c{r, 0, 0, {}};
    for (const Range& m : ms) {  // every match, in order, clipped and merged
      if (m.second <= r.first || m.first >= r.second) continue;
      const Range h{std::max(m.first, r.first) - r.first, std::min(m.second, r.second) - r.first};
      if (!c.hs.empty() && h.first < c.hs.back().second) c.hs.back().second = std::max(c.hs.back().second, h.second);
      else c.hs.push_back(h);
    }
    std::set<std::u32string> strings;
    for (const Range& h : c.hs) strings.insert(t.cps.substr(r.first + h.first, h.second - h.first));
    c.distinct = strings.size();
    c.count = c.hs.size();
    cands.push_back(std::move(c));
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) {
    return std::tie(y.distinct, y.count, x.r.first) < std::tie(x.distinct, x.count, y.r.first);
  });
  std::vector<Range> taken;
  for (const Cand& c : cands) {
    if (taken.size() >= k) break;
    if (std::any_of(taken.begin(), taken.end(), [&](const Range& x) { return c.r.first < x.second && x.first < c.r.second; }))
      continue;
    taken.push_back(c.r);
    Snippet s;
    s.start = c.r.first;
    s.end = c.r.second;
    s.text = text::substr_code_points(t.utf8, c.r.first, c.r.second);
    s.highlights = c.hs;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<doc::Span> occurrences(const Text& t, const std::u32string& needle) {
  std::vector<doc::Span> out;
  for (size_t p = t.cps.find(needle); p != std::u32string::npos; p = t.cps.find(needle, p + 1))
    out.push_back({static_cast<uint32_t>(p), static_cast<uint32_t>(p + needle.size())});
  return out;
}

void expect_same(const std::vector<Snippet>& got, const std::vector<Snippet>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].start, want[i].start) << what << " snippet " << i;
    ASSERT_EQ(got[i].end, want[i].end) << what << " snippet " << i;
    ASSERT_EQ(got[i].text, want[i].text) << what << " snippet " << i;
    ASSERT_EQ(got[i].highlights, want[i].highlights) << what << " snippet " << i;
  }
}

// make_snippets against the brute force for `matches` over the whole text and,
// as a paragraph hit, confined to one paragraph of `t` picked by `rng`.
template <typename Rng>
void expect_same_whole_and_in_a_paragraph(const Text& t, const std::vector<doc::Span>& matches, size_t k,
                                          size_t max_chars, Rng& rng, const std::string& what) {
  expect_same(make_snippets(t.utf8, t.sentences, matches, k, max_chars), reference(t, matches, k, max_chars, {}), what);
  if (::testing::Test::HasFatalFailure()) return;
  if (!t.paragraphs.empty()) {
    const doc::Span para = t.paragraphs[rng() % t.paragraphs.size()];
    expect_same(make_snippets(t.utf8, t.sentences, matches, k, max_chars, para),
                reference(t, matches, k, max_chars, para), what + ", within a paragraph");
  }
}

TEST(SnippetOracle, ChoiceEqualsBruteForceOnRealText) {
  const std::vector<Text> texts = load_texts();
  ASSERT_GT(texts.size(), 10u);
  // The longest text, where common characters have thousands of matches.
  const size_t longest = static_cast<size_t>(
      std::max_element(texts.begin(), texts.end(), [](const Text& a, const Text& b) { return a.cps.size() < b.cps.size(); }) -
      texts.begin());
  ASSERT_GT(texts[longest].cps.size(), 20000u);
  std::mt19937 rng(11);
  size_t most = 0, rounds_over_1000 = 0;
  for (int round = 0; round < 1200; ++round) {
    const Text& t = round % 4 == 0 ? texts[longest] : texts[rng() % texts.size()];
    const auto n = static_cast<uint32_t>(t.cps.size());
    std::vector<doc::Span> matches;
    const int kind = round % 3;
    if (kind == 0) {  // random ranges: overlapping, nested, some empty or past the end
      const size_t count = std::uniform_int_distribution<size_t>(0, round % 8 == 0 ? 5000 : 60)(rng);
      for (size_t i = 0; i < count; ++i) {
        const uint32_t a = std::uniform_int_distribution<uint32_t>(0, n + 3)(rng);
        const uint32_t len = std::uniform_int_distribution<uint32_t>(0, 14)(rng);
        matches.push_back({a, a + len});
      }
      std::sort(matches.begin(), matches.end(), [](const doc::Span& a, const doc::Span& b) { return a.start < b.start; });
    } else {  // every occurrence of one to three real substrings of 1-3 characters
      const int terms = std::uniform_int_distribution<int>(1, 3)(rng);
      for (int i = 0; i < terms; ++i) {
        const uint32_t len = std::uniform_int_distribution<uint32_t>(1, kind == 1 ? 1 : 3)(rng);
        const uint32_t a = std::uniform_int_distribution<uint32_t>(0, n - len)(rng);
        for (const auto& m : occurrences(t, t.cps.substr(a, len))) matches.push_back(m);
      }
      std::sort(matches.begin(), matches.end(), [](const doc::Span& a, const doc::Span& b) { return a.start < b.start; });
    }
    most = std::max(most, matches.size());
    rounds_over_1000 += matches.size() >= 1000;
    const size_t k = std::uniform_int_distribution<size_t>(1, 4)(rng);
    const size_t max_chars = std::uniform_int_distribution<size_t>(8, 220)(rng);
    const std::string what = "round " + std::to_string(round) + ", " + std::to_string(matches.size()) +
                             " matches, k " + std::to_string(k) + ", max_chars " + std::to_string(max_chars);
    // Whole, and confined to a paragraph (a paragraph hit).
    expect_same_whole_and_in_a_paragraph(t, matches, k, max_chars, rng, what);
    if (::testing::Test::HasFatalFailure()) return;
    // choose + cut is make_snippets.
    const auto chosen = choose_snippets(t.utf8, t.sentences, matches, k, max_chars);
    const auto made = make_snippets(t.utf8, t.sentences, matches, k, max_chars);
    ASSERT_EQ(chosen.size(), made.size()) << what;
    for (size_t i = 0; i < chosen.size(); ++i) {
      const Snippet s = cut_snippet(t.utf8, matches, chosen[i]);
      ASSERT_EQ(s.text, made[i].text) << what;
      ASSERT_EQ(s.highlights, made[i].highlights) << what;
      ASSERT_EQ(chosen[i].highlights, made[i].highlights.size()) << what;
    }
  }
  // The sets were as large as the brief says common terms make them.
  EXPECT_GE(most, 3000u);
  EXPECT_GE(rounds_over_1000, 40u);
}

// Terms that run across a sentence's end or a line break (a candidate made of
// whole sentences then cuts some of their occurrences, and a cut highlight is
// a new string), with or without a common one-character term, and terms of
// one character alone (no candidate can cut those): the bound on distinct
// strings choose_snippets builds candidates by must hold in every case, as
// must the one for terms that overlap each other or are longer than a snippet.
TEST(SnippetOracle, ChoiceEqualsBruteForceWithTermsAcrossSentenceEdges) {
  const std::vector<Text> texts = load_texts();
  ASSERT_GT(texts.size(), 10u);
  std::mt19937 rng(23);
  size_t across = 0;
  for (int round = 0; round < 1600; ++round) {
    const Text& t = texts[rng() % texts.size()];
    const auto n = static_cast<uint32_t>(t.cps.size());
    if (n < 8 || t.sentences.size() < 2) continue;
    std::vector<doc::Span> matches;
    const int kind = round % 4;
    if (kind == 3) {  // two terms that overlap where they occur together (a highlight of both), inside a sentence
      const uint32_t a = rng() % (n - 4), l1 = 2 + rng() % 2, l2 = 2 + rng() % 2;
      for (const auto& m : occurrences(t, t.cps.substr(a, l1))) matches.push_back(m);
      for (const auto& m : occurrences(t, t.cps.substr(a + 1, l2))) matches.push_back(m);
    } else if (kind != 2) {  // a term across a sentence end (kind 0: with a common character too)
      const doc::Span s = t.sentences[1 + rng() % (t.sentences.size() - 1)];
      const uint32_t before = std::uniform_int_distribution<uint32_t>(1, 2)(rng);
      const uint32_t after = std::uniform_int_distribution<uint32_t>(1, 2)(rng);
      if (s.start < before || s.start + after > n) continue;
      for (const auto& m : occurrences(t, t.cps.substr(s.start - before, before + after))) matches.push_back(m);
      across += matches.size();
    }
    if (kind == 0 || kind == 2) {  // every occurrence of one or two single characters
      const int terms = std::uniform_int_distribution<int>(1, 2)(rng);
      for (int i = 0; i < terms; ++i)
        for (const auto& m : occurrences(t, t.cps.substr(rng() % n, 1))) matches.push_back(m);
    }
    std::sort(matches.begin(), matches.end(), [](const doc::Span& a, const doc::Span& b) { return a.start < b.start; });
    const size_t k = std::uniform_int_distribution<size_t>(1, 4)(rng);
    const size_t max_chars = std::uniform_int_distribution<size_t>(2, 120)(rng);  // from 2: terms longer than it
    const std::string what = "round " + std::to_string(round) + ", " + std::to_string(matches.size()) +
                             " matches, k " + std::to_string(k) + ", max_chars " + std::to_string(max_chars);
    expect_same_whole_and_in_a_paragraph(t, matches, k, max_chars, rng, what);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GE(across, 300u);
}

}  // namespace
}  // namespace wenyuan::search
