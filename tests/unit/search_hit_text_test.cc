// Hit text from the format 4 text store (search/hit_text.h): occurrences from
// the postings through the sparse origin map, snippets from the blocks around
// the matches, must give exactly what the whole-text path gave: normalize the
// whole stored text with its origin map, find every occurrence, map, merge,
// mask paid text for non-members, make_snippets over the whole text. Checked
// here against that brute-force reference on the real documents of
// tests/data/corpus_sample.jsonl (analysed as imports analyse them), a
// many-block document made of all of them with whitespace and NFKC-expanding
// characters sprinkled in, and paid variants (non-member view), for random
// 1-8 character substrings and two-term AND queries, document and paragraph unit.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "wenyuan/doc/outline.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/search/snippet.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {
namespace {

index::IndexDoc analysed(const std::string& id, const std::string& title, const std::string& text) {
  doc::Document d;
  d.id = id;
  d.title = title;
  d.text = text;
  d.text_chars = static_cast<uint32_t>(text::count_code_points(text));
  auto a = doc::analyze(text, {}, title);
  d.outline = std::move(a.outline);
  d.paragraphs = std::move(a.paragraphs);
  d.sentences = std::move(a.sentences);
  return index::to_index_doc(d);
}

std::vector<index::IndexDoc> load_docs() {
  std::vector<index::IndexDoc> docs;
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  std::string line, all;
  std::mt19937 rng(7);
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    const std::string text = j.value("text", "");
    docs.push_back(analysed("s" + std::to_string(docs.size()), j.value("title", ""), text));
    // Into the long one: the text with a space, ㍿ or ﬁ after some lines.
    const std::u32string u = text::decode_utf8(text);
    std::u32string mixed;
    for (char32_t c : u) {
      mixed.push_back(c);
      if (c == U'。' && rng() % 4 == 0) mixed += (rng() % 2 ? U"\u337F" : U" \uFB01 ");
    }
    all += text::encode_utf8(mixed) + "\n";
  }
  docs.push_back(analysed("long", "长文档", all));
  // Paid variants: two preview regions; the rest is paid.
  for (int k = 0; k < 6; ++k) {
    index::IndexDoc d = docs[static_cast<size_t>(k) * 5];
    d.id = "paid" + std::to_string(k);
    const uint32_t n = d.text_chars;
    d.visible = std::vector<doc::Span>{{0, n / 4}, {n / 2, n / 2 + n / 5}};
    d.public_headings.clear();
    docs.push_back(std::move(d));
  }
  docs.push_back(analysed("empty", "空文档的标题", ""));
  // One-character terms stop reading blocks once the first kMaxMatches ranges
  // are settled: here 的 fills the first block, where "的的" merges it into one
  // range, then stands alone in the next block, then 1,500 中国 follow (known
  // from the postings): a stop that looked only at the count of ranges would
  // end after the first block and lose the lone 的.
  std::string dense(3000 * 3, ' ');
  for (size_t i = 0; i < 3000; ++i) dense.replace(i * 3, 3, "的");
  for (int i = 0; i < 300; ++i) dense += "的，";
  for (int i = 0; i < 1500; ++i) dense += "中国，";
  dense += "\n末尾的话";
  docs.push_back(analysed("dense", "密集的的", dense));
  return docs;
}

// The whole-text path (what load_hit_text + make_snippets did before format 4).
struct Reference {
  std::vector<doc::Span> matches;
  std::vector<Snippet> snippets;
};

bool visible_at(const std::vector<uint32_t>& origin, const std::vector<doc::Span>& vis, uint32_t s, uint32_t m) {
  for (const auto& v : vis) {
    const auto lo = std::lower_bound(origin.begin(), origin.end(), v.start) - origin.begin();
    const auto hi = std::lower_bound(origin.begin(), origin.end(), v.end) - origin.begin();
    if (lo <= s && s + m <= hi) return true;
  }
  return false;
}

std::vector<doc::Span> clip(const std::vector<doc::Span>& spans, const std::vector<doc::Span>& vis) {
  std::vector<doc::Span> out;
  for (const auto& s : spans)
    for (const auto& v : vis) {
      const uint32_t a = std::max(s.start, v.start), b = std::min(s.end, v.end);
      if (a < b) out.push_back({a, b});
    }
  return out;
}

Reference reference(const index::IndexDoc& d, const std::vector<std::u32string>& terms, bool visible_only,
                    std::optional<doc::Span> para) {
  const auto& norm = text::Normalizer::instance();
  std::u32string chars;
  std::vector<uint32_t> origin;
  norm.normalize(d.text, chars, &origin);
  const bool masked = visible_only && d.visible;
  uint32_t lo = 0, hi = UINT32_MAX;
  if (para) {
    lo = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), para->start) - origin.begin());
    hi = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), para->end) - origin.begin());
  }
  std::vector<doc::Span> r;
  for (const auto& t : terms) {
    const auto m = static_cast<uint32_t>(t.size());
    for (size_t at = chars.find(t); at != std::u32string::npos; at = chars.find(t, at + 1)) {
      const auto s = static_cast<uint32_t>(at);
      if (masked && !visible_at(origin, *d.visible, s, m)) continue;
      if (s < lo || s + m > hi) continue;
      r.push_back({origin[s], origin[s + m - 1] + 1});
    }
  }
  std::sort(r.begin(), r.end(), [](const doc::Span& a, const doc::Span& b) { return a.start < b.start || (a.start == b.start && a.end > b.end); });
  Reference out;
  for (const auto& s : r) {
    if (!out.matches.empty() && s.start < out.matches.back().end) out.matches.back().end = std::max(out.matches.back().end, s.end);
    else out.matches.push_back(s);
    if (out.matches.size() >= kMaxMatches) break;
  }
  std::string text = d.text;
  std::vector<doc::Span> sentences = d.sentences;
  if (masked) {
    const std::u32string u = text::decode_utf8(d.text);
    std::u32string mu;
    for (uint32_t i = 0; i < u.size(); ++i) {
      const bool vis = std::any_of(d.visible->begin(), d.visible->end(), [&](const doc::Span& v) { return v.start <= i && i < v.end; });
      mu.push_back(vis ? u[i] : U'\n');
    }
    text = text::encode_utf8(mu);
    sentences = clip(sentences, *d.visible);
  }
  out.snippets = make_snippets(text, sentences, out.matches, 3, kSnippetChars, para);
  return out;
}

std::string show(const std::vector<Snippet>& ss) {
  std::string s;
  for (const auto& x : ss) s += "[" + std::to_string(x.start) + "," + std::to_string(x.end) + ") " + x.text + "\n";
  return s;
}

class HitText : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    docs_ = new std::vector<index::IndexDoc>(load_docs());
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() / ("wenyuan_hit_text_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    auto idx = index::Index::open(*dir_);
    ASSERT_TRUE(idx.is_ok());
    index_ = std::move(*idx).release();
    for (const auto& d : *docs_) ASSERT_TRUE(index_->add(d).is_ok()) << d.id;
    ASSERT_TRUE(index_->commit(1).is_ok());
  }
  static void TearDownTestSuite() {
    delete index_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete docs_;
  }
  static const index::IndexDoc& doc(const std::string& id) {
    return *std::find_if(docs_->begin(), docs_->end(), [&](const index::IndexDoc& d) { return d.id == id; });
  }
  // Compares every hit of `q` (terms: its normalized positive terms) with the reference.
  static void check(const std::string& q, const std::vector<std::u32string>& terms, bool visible, bool paragraphs,
                    size_t& hits, size_t& snippets) {
    Engine e(*index_);
    SearchRequest r;
    r.query = q;
    r.limit = 60;
    r.visible_only = visible;
    if (paragraphs) r.unit = SearchRequest::Unit::kParagraph;
    auto res = e.search(r);
    ASSERT_TRUE(res.is_ok()) << q << ": " << res.status().message();
    for (const Hit& h : res->hits) {
      const auto& d = doc(h.id);
      const Reference want = reference(d, terms, visible, h.paragraph);
      ASSERT_EQ(h.matches.size(), want.matches.size()) << q << " in " << h.id;
      for (size_t i = 0; i < want.matches.size(); ++i) {
        ASSERT_EQ(h.matches[i].start, want.matches[i].start) << q << " in " << h.id;
        ASSERT_EQ(h.matches[i].end, want.matches[i].end) << q << " in " << h.id;
      }
      ASSERT_EQ(show(h.snippets), show(want.snippets)) << q << " in " << h.id << (visible ? " (non-member)" : "");
      for (size_t i = 0; i < want.snippets.size(); ++i) ASSERT_EQ(h.snippets[i].highlights, want.snippets[i].highlights) << q << " in " << h.id;
      ++hits;
      snippets += h.snippets.size();
      capped_ += h.matches.size() >= kMaxMatches;
    }
  }
  static std::vector<index::IndexDoc>* docs_;
  static std::filesystem::path* dir_;
  static index::Index* index_;
  static inline size_t capped_ = 0;  // hits with kMaxMatches match ranges
};
std::vector<index::IndexDoc>* HitText::docs_ = nullptr;
std::filesystem::path* HitText::dir_ = nullptr;
index::Index* HitText::index_ = nullptr;

// A random substring of a random document's text, 1-8 code points, with no quote
// or query syntax in it; nullopt when it normalizes to nothing.
std::optional<std::pair<std::string, std::u32string>> substring(const std::vector<index::IndexDoc>& docs, std::mt19937& rng) {
  const auto& d = docs[rng() % docs.size()];
  if (d.text_chars < 10) return std::nullopt;
  const uint32_t len = 1 + rng() % 8, at = rng() % (d.text_chars - len);
  const std::string s = text::substr_code_points(d.text, at, at + len);
  if (s.find_first_of("\"()|-:") != std::string::npos) return std::nullopt;
  std::u32string n = text::Normalizer::instance().normalize(s);
  if (n.empty()) return std::nullopt;
  return std::make_pair("\"" + s + "\"", n);
}

TEST_F(HitText, SnippetsAndMatchesEqualTheWholeTextPath) {
  std::mt19937 rng(2026);
  size_t hits = 0, snippets = 0, paid = 0;
  for (int i = 0; i < 400; ++i) {
    auto a = substring(*docs_, rng);
    if (!a) continue;
    const bool visible = i % 3 == 0, para = i % 5 == 0;
    if (i % 4 == 0) {
      auto b = substring(*docs_, rng);
      if (!b) continue;
      check(a->first + " " + b->first, {a->second, b->second}, visible, para, hits, snippets);
    } else {
      check(a->first, {a->second}, visible, para, hits, snippets);
    }
    if (HasFatalFailure()) return;
    paid += visible;
  }
  EXPECT_GT(hits, 2000u);
  EXPECT_GT(snippets, 2000u);
  EXPECT_GT(paid, 100u);
}

// One-character terms (no positions: found block by block in the stored
// text, only as far as the result can change): the commonest characters of
// the long document (past kMaxMatches), characters of titles (tf counts them
// too), characters that occur only near the end of the long document, and
// combinations with each other and with longer terms, both units, members and
// non-members.
TEST_F(HitText, OneCharacterTermsEqualTheWholeTextPath) {
  const auto& norm = text::Normalizer::instance();
  const std::u32string lng = norm.normalize(doc("long").text);
  std::map<char32_t, size_t> freq;
  for (char32_t c : lng) ++freq[c];
  std::vector<std::pair<size_t, char32_t>> by;
  for (const auto& [c, n] : freq) by.push_back({n, c});
  std::sort(by.rbegin(), by.rend());
  std::vector<char32_t> chars;
  for (size_t i = 0; i < by.size() && chars.size() < 6; ++i)
    if (std::u32string_view(U"，、。（）：；\"“”|-").find(by[i].second) == std::u32string_view::npos) chars.push_back(by[i].second);
  for (size_t i = lng.size() - 400; i < lng.size(); ++i)  // seen near the end only
    if (freq[lng[i]] <= 2 && chars.size() < 12) chars.push_back(lng[i]);
  for (const auto& d : *docs_) {
    const std::u32string t = norm.normalize(d.title);
    if (!t.empty() && chars.size() < 18 && std::u32string_view(U"\"()|-:").find(t[0]) == std::u32string_view::npos) chars.push_back(t[0]);
  }
  ASSERT_GE(chars.size(), 14u);
  size_t hits = 0, snippets = 0;
  auto one = [&](char32_t c) { return std::make_pair(text::encode_utf8(std::u32string(1, c)), std::u32string(1, c)); };
  for (size_t i = 0; i < chars.size(); ++i) {
    const auto [q, t] = one(chars[i]);
    const auto [q2, t2] = one(chars[(i + 1) % chars.size()]);
    for (int v = 0; v < 2; ++v) {
      for (int para = 0; para < 2; ++para) {
        check(q, {t}, v, para, hits, snippets);
        check(q + " " + q2, {t, t2}, v, para, hits, snippets);
        check(q + "|" + q2, {t, t2}, v, para, hits, snippets);
        check(q + " 人民", {t, U"人民"}, v, para, hits, snippets);
        if (HasFatalFailure()) return;
      }
    }
  }
  for (int v = 0; v < 2; ++v)
    for (int para = 0; para < 2; ++para) check("的 \"的的\" 中国", {U"的", U"的的", U"中国"}, v, para, hits, snippets);
  EXPECT_GT(hits, 3000u);
  EXPECT_GT(snippets, 3000u);
  EXPECT_GT(capped_, 20u);
}

TEST_F(HitText, TitleOnlyHitsGetTheLeadAndEmptyTextsNone) {
  size_t hits = 0, snippets = 0;
  check("title:空文档", {}, false, false, hits, snippets);
  check("title:长文档", {}, false, false, hits, snippets);
  check("title:长文档", {}, true, false, hits, snippets);
  EXPECT_EQ(hits, 3u);
  EXPECT_EQ(snippets, 2u);  // the long one's lead; none for the empty text
}

}  // namespace
}  // namespace wenyuan::search
