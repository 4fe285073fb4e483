// Snippets: whole sentences, windows in long sentences, exact highlights in code
// points (supplementary plane included), best-first choice without overlap, and
// properties over random matches on real text.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "support/files.h"
#include "wenyuan/search/snippet.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {
namespace {

using Range = std::pair<uint32_t, uint32_t>;

// A plain sentence splitter for the tests: a sentence ends after 。！？；or a newline.
std::vector<doc::Span> split_sentences(std::string_view text) {
  const std::u32string u = text::decode_utf8(text);
  std::vector<doc::Span> out;
  uint32_t start = 0;
  for (uint32_t i = 0; i < u.size(); ++i) {
    const char32_t c = u[i];
    if (c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'\n') {
      if (i + 1 > start) out.push_back({start, i + 1});
      start = i + 1;
    }
  }
  if (start < u.size()) out.push_back({start, static_cast<uint32_t>(u.size())});
  return out;
}

// Code point ranges of every occurrence of `needle` in `text`.
std::vector<doc::Span> find_all(std::string_view text, std::string_view needle) {
  const std::u32string t = text::decode_utf8(text), n = text::decode_utf8(needle);
  std::vector<doc::Span> out;
  for (size_t p = t.find(n); p != std::u32string::npos; p = t.find(n, p + 1)) {
    out.push_back({static_cast<uint32_t>(p), static_cast<uint32_t>(p + n.size())});
  }
  return out;
}

std::string highlighted(const Snippet& s, size_t k) {
  return text::substr_code_points(s.text, s.highlights[k].first, s.highlights[k].second);
}

TEST(Snippets, WholeSentenceAroundTheMatch) {
  const std::string text = "第一句没有。第二句讲党建工作。第三句也没有。";
  const auto sentences = split_sentences(text);
  ASSERT_EQ(sentences.size(), 3u);
  const auto s = make_snippets(text, sentences, find_all(text, "党建"), 3, 10);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "第二句讲党建工作。");  // neighbours would not fit in 10
  EXPECT_EQ(s[0].start, 6u);
  EXPECT_EQ(s[0].end, 15u);
  ASSERT_EQ(s[0].highlights.size(), 1u);
  EXPECT_EQ(s[0].highlights[0], Range(4, 6));
  EXPECT_EQ(highlighted(s[0], 0), "党建");
}

TEST(Snippets, WidensByNeighbouringSentencesWhileItFits) {
  const std::string text = "甲。乙讲党建。丙。丁丁丁丁丁丁丁丁丁丁。";
  const auto s = make_snippets(text, split_sentences(text), find_all(text, "党建"), 3, 10);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "甲。乙讲党建。丙。");  // the 11-char fourth sentence does not fit
  EXPECT_EQ(highlighted(s[0], 0), "党建");
}

TEST(Snippets, LongSentenceIsCutToAWindowAroundTheMatch) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "前";
  text += "精准搜索";
  for (int i = 0; i < 100; ++i) text += "后";
  text += "。";
  const auto s = make_snippets(text, split_sentences(text), find_all(text, "精准搜索"), 3, 20);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(text::count_code_points(s[0].text), 20u);
  EXPECT_EQ(s[0].text, text::substr_code_points(text, s[0].start, s[0].end));
  ASSERT_EQ(s[0].highlights.size(), 1u);
  EXPECT_EQ(highlighted(s[0], 0), "精准搜索");
  EXPECT_EQ(s[0].start, 100u - 8u);  // centred: 8 before, 4 matched, 8 after
}

TEST(Snippets, AWindowStartsAndEndsAtClauseMarks) {
  // One long sentence of clauses: the window around 精准搜索 begins just after a
  // '，' and ends just after one, instead of in the middle of a clause.
  const std::string text =
      "甲甲甲甲甲甲甲甲甲，乙乙乙乙乙乙乙乙乙，丙丙精准搜索丙丙丙，丁丁丁丁丁丁丁丁丁，戊戊戊戊戊戊戊戊戊。";
  const auto s = make_snippets(text, split_sentences(text), find_all(text, "精准搜索"), 3, 24);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "乙乙乙乙乙乙乙乙乙，丙丙精准搜索丙丙丙，");
  EXPECT_EQ(highlighted(s[0], 0), "精准搜索");
}

TEST(Snippets, AWindowNeverCutsThroughAnotherMatch) {
  // A centred 20-char window around the first 发展 would end inside the second;
  // it is taken whole (or left out), never as a lone highlighted "展".
  std::string text;
  for (int i = 0; i < 40; ++i) text += "前";
  text += "发展";
  for (int i = 0; i < 8; ++i) text += "中";
  text += "发展";
  for (int i = 0; i < 40; ++i) text += "后";
  text += "。";
  const auto all = find_all(text, "发展");
  for (size_t max_chars : {16u, 19u, 20u, 21u, 22u, 30u}) {
    for (const Snippet& s : make_snippets(text, split_sentences(text), all, 3, max_chars)) {
      ASSERT_LE(s.end - s.start, max_chars);
      for (size_t k = 0; k < s.highlights.size(); ++k) EXPECT_EQ(highlighted(s, k), "发展") << max_chars;
    }
  }
}

TEST(Snippets, SupplementaryPlaneCharactersCountOnce) {
  const std::string text = "\U00030F84\U00030F84甲。乙\U00030F84鋂丙。";
  const auto matches = find_all(text, "\U00030F84鋂");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].start, 5u);
  const auto s = make_snippets(text, split_sentences(text), matches, 3, 5);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "乙\U00030F84鋂丙。");
  EXPECT_EQ(s[0].start, 4u);
  ASSERT_EQ(s[0].highlights.size(), 1u);
  EXPECT_EQ(s[0].highlights[0], Range(1, 3));
  EXPECT_EQ(highlighted(s[0], 0), "\U00030F84鋂");
}

TEST(Snippets, OverlappingHighlightsMerge) {
  const std::string text = "关于党建工作的报告。";
  const std::vector<doc::Span> matches = {{2, 4}, {3, 6}, {6, 7}};  // 党建, 建工作, 的
  const auto s = make_snippets(text, split_sentences(text), matches);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].highlights, (std::vector<Range>{{2, 6}, {6, 7}}));
}

TEST(Snippets, BestFirstNonOverlappingAndCapped) {
  const std::string text = "甲有经济。乙无。丙有经济和社会。丁无。戊有社会。己有经济。";
  std::vector<doc::Span> matches = find_all(text, "经济");
  for (auto m : find_all(text, "社会")) matches.push_back(m);
  std::sort(matches.begin(), matches.end(), [](auto a, auto b) { return a.start < b.start; });
  const auto s = make_snippets(text, split_sentences(text), matches, 2, 8);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].text, "丙有经济和社会。");  // two distinct terms wins
  EXPECT_EQ(s[1].text, "甲有经济。乙无。");  // then the earliest
  EXPECT_LE(s[1].end, s[0].start);
}

TEST(Snippets, TrimsIndentAndGivesALeadWithoutMatches) {
  const std::string text = "　　现在，我代表国务院作报告。\n　　请予审议。";
  const auto lead = make_snippets(text, split_sentences(text), {});
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_TRUE(lead[0].highlights.empty());
  EXPECT_EQ(lead[0].text.rfind("现在", 0), 0u);
  EXPECT_EQ(lead[0].start, 2u);
  // Without sentence spans the text is one sentence and a window is cut.
  const auto s = make_snippets(text, {}, find_all(text, "审议"), 3, 6);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(highlighted(s[0], 0), "审议");
  EXPECT_LE(text::count_code_points(s[0].text), 6u);
}

TEST(Snippets, OutOfRangeMatchesAreIgnored) {
  const std::string text = "短文。";
  const auto s = make_snippets(text, split_sentences(text), {{1, 2}, {5, 9}, {2, 2}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].highlights, (std::vector<Range>{{1, 2}}));
  EXPECT_TRUE(make_snippets("", {}, {{0, 1}}).empty());
}

// doc::analyze splits sentences at line ends, so a paragraph's last sentence and
// the next paragraph's first one are neighbours: widening must stop at the '\n'.
TEST(Snippets, NeverWidenAcrossAParagraphBreak) {
  const std::string text = "上一段的话。\n二、坚定不移推进改革\n　　我们要坚定不移推进改革。\n三、下一个标题";
  const auto matches = find_all(text, "坚定不移");
  ASSERT_EQ(matches.size(), 2u);
  const auto s = make_snippets(text, split_sentences(text), {matches[1]});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "我们要坚定不移推进改革。");
  EXPECT_EQ(highlighted(s[0], 0), "坚定不移");
  // A heading is a paragraph of its own.
  const auto h = make_snippets(text, split_sentences(text), {matches[0]});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].text, "二、坚定不移推进改革");
  // Without sentence spans (one sentence) the window stays in the paragraph too.
  const auto w = make_snippets(text, {}, {matches[1]});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].text, "我们要坚定不移推进改革。");
}

TEST(Snippets, WithinAParagraphTheParagraphIsTheSnippet) {
  const std::string text = "前文。\n　　第一句。第二句讲党建。第三句。\n后文讲党建。";
  const auto all = find_all(text, "党建");
  ASSERT_EQ(all.size(), 2u);
  const doc::Span para{4, 21};  // "　　第一句。第二句讲党建。第三句。"
  ASSERT_EQ(text::substr_code_points(text, para.start, para.end), "　　第一句。第二句讲党建。第三句。");
  const auto s = make_snippets(text, split_sentences(text), all, 3, 160, para);
  ASSERT_EQ(s.size(), 1u);  // the match in the next paragraph is not this hit's
  EXPECT_EQ(s[0].text, "第一句。第二句讲党建。第三句。");
  EXPECT_EQ(s[0].start, 6u);
  EXPECT_EQ(s[0].end, 21u);
  ASSERT_EQ(s[0].highlights.size(), 1u);
  EXPECT_EQ(highlighted(s[0], 0), "党建");
  // A paragraph longer than max_chars: a window inside it around the match.
  const auto c = make_snippets(text, split_sentences(text), all, 3, 12, para);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].text, "第二句讲党建。第三句。");
  // No match in it (a title-only hit): the paragraph's lead.
  const auto lead = make_snippets(text, split_sentences(text), {}, 3, 160, para);
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].text, "第一句。第二句讲党建。第三句。");
}

TEST(Snippets, AMatchAcrossALineBreakKeepsBothLines) {
  // Whitespace is deleted before matching, so "坚定不移" matches across the break.
  const std::string text = "前一段。\n甲。我们坚定\n不移地走。乙。\n后一段。";
  ASSERT_EQ(text::substr_code_points(text, 9, 14), "坚定\n不移");
  const auto s = make_snippets(text, split_sentences(text), {{9, 14}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "甲。我们坚定\n不移地走。乙。");
}

// Offsets count code points as text::decode_utf8 does, ill-formed bytes one each,
// whatever mix of 1- to 4-byte sequences precedes the match.
TEST(Snippets, OffsetsCountIllFormedBytesAsOneCodePoint) {
  const std::string text = "a\xff\xe4\xb8乙é\xed\xa0\x80\U00030F84\xe0\x80\x80。甲\n丙讲党建。";
  const std::u32string cps = text::decode_utf8(text);
  const auto matches = find_all(text, "党建");
  ASSERT_EQ(matches.size(), 1u);
  const auto s = make_snippets(text, split_sentences(text), matches);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].end, cps.size());
  EXPECT_EQ(s[0].text, "丙讲党建。");
  EXPECT_EQ(s[0].text, text::substr_code_points(text, s[0].start, s[0].end));
  EXPECT_EQ(highlighted(s[0], 0), "党建");
  const auto lead = make_snippets(text, split_sentences(text), {});
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].start, 0u);
  EXPECT_EQ(lead[0].end, cps.find(U'\n'));
}

using ::wenyuan::testing::read_file;

// Properties over random matches in the real seed sample: every snippet is a
// verbatim slice at its offsets, at most max_chars long, highlights sorted, disjoint,
// inside the snippet and covering only matched characters; snippets disjoint.
TEST(Snippets, PropertiesOnRealText) {
  const std::string text = read_file(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt");
  ASSERT_FALSE(text.empty());
  const auto sentences = split_sentences(text);
  const uint32_t n = static_cast<uint32_t>(text::count_code_points(text));
  const std::u32string cps = text::decode_utf8(text);
  std::vector<doc::Span> paragraphs;  // non-empty lines
  for (uint32_t b = 0, i = 0; i <= n; ++i) {
    if (i < n && cps[i] != U'\n') continue;
    if (i > b) paragraphs.push_back({b, i});
    b = i + 1;
  }
  ASSERT_GT(paragraphs.size(), 10u);
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<doc::Span> matches;
    const int k = std::uniform_int_distribution<int>(1, 12)(rng);
    for (int i = 0; i < k; ++i) {
      const uint32_t a = std::uniform_int_distribution<uint32_t>(0, n - 1)(rng);
      const uint32_t len = std::uniform_int_distribution<uint32_t>(1, 12)(rng);
      matches.push_back({a, std::min(n, a + len)});
    }
    std::sort(matches.begin(), matches.end(), [](auto a, auto b) { return a.start < b.start; });
    std::vector<bool> matched(n, false);
    for (auto m : matches)
      for (uint32_t p = m.start; p < m.end; ++p) matched[p] = true;
    const size_t max_chars = std::uniform_int_distribution<size_t>(20, 200)(rng);
    const auto snippets = make_snippets(text, sentences, matches, 3, max_chars);
    ASSERT_FALSE(snippets.empty());
    ASSERT_LE(snippets.size(), 3u);
    for (size_t i = 0; i < snippets.size(); ++i) {
      const Snippet& s = snippets[i];
      ASSERT_EQ(s.text, text::substr_code_points(text, s.start, s.end));
      ASSERT_LE(s.end - s.start, max_chars);
      ASSERT_FALSE(s.highlights.empty());
      for (size_t h = 0; h < s.highlights.size(); ++h) {
        const auto [hb, he] = s.highlights[h];
        ASSERT_LT(hb, he);
        ASSERT_LE(he, s.end - s.start);
        if (h > 0) {
          ASSERT_GE(hb, s.highlights[h - 1].second);
        }
        for (uint32_t p = hb; p < he; ++p) ASSERT_TRUE(matched[s.start + p]);
      }
      for (size_t j = 0; j < i; ++j) {
        ASSERT_TRUE(s.end <= snippets[j].start || snippets[j].end <= s.start);
      }
      // A line break inside a snippet lies inside a match (one that runs across it).
      for (uint32_t p = s.start; p < s.end; ++p) {
        if (cps[p] == U'\n') {
          ASSERT_TRUE(matched[p]) << "snippet " << s.start << ".." << s.end << " crosses line " << p;
        }
      }
    }
    // Confined to a paragraph: every snippet inside it.
    const auto& para = paragraphs[std::uniform_int_distribution<size_t>(0, paragraphs.size() - 1)(rng)];
    for (const Snippet& s : make_snippets(text, sentences, matches, 3, max_chars, para)) {
      ASSERT_GE(s.start, para.start);
      ASSERT_LE(s.end, para.end);
      ASSERT_EQ(s.text, text::substr_code_points(text, s.start, s.end));
    }
  }
}

}  // namespace
}  // namespace wenyuan::search
