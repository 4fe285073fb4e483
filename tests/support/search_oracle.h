// A brute-force oracle for exact search, shared by the unit and integration
// oracle tests. It knows nothing of the index: for each query term it scans the
// normalized title, text and heading texts of every document for the normalized
// term (memmem over UTF-8 with a separator byte that UTF-8 never contains), and
// evaluates the parsed query tree over those sets.
//
// Semantics it encodes (the contract of search::Engine::matching_ids):
//   term (any field)  normalize(term) is a substring of normalize(title) or of
//                     normalize(text), each field on its own (never across them);
//   title:X           ... of normalize(title);
//   heading:X         ... of normalize(one outline heading span of the text);
//   year:A..B         the document has a year and A <= year <= B;
//   source:X          the document's source starts with X, ASCII letters in any case
//                     (a filter built with prefix=false: equals X); category:X equals X;
//   AND / OR / NOT    set intersection / union / difference within an AND.
// Plus the generators of random queries the tests use.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/doc/document.h"
#include "wenyuan/search/query.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::oracle {

// What the oracle knows of a document (the same values the index is given).
struct OracleDoc {
  std::string id, title, text, source, category;
  std::optional<int> year;
  std::vector<doc::Span> headings;  // code point spans of heading texts in `text`
};

// A document as it is read from a corpus .jsonl line: title, text, date, source,
// category. Year = the leading four digits of date, if any.
inline std::optional<OracleDoc> doc_from_json(std::string_view line, const std::string& id) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) return std::nullopt;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  OracleDoc d;
  d.id = id;
  d.title = str("title");
  d.text = str("text");
  d.source = str("source");
  d.category = str("category");
  const std::string date = str("date");
  if (date.size() >= 4 && std::all_of(date.begin(), date.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
    const int y = std::stoi(date.substr(0, 4));
    if (y >= 1) d.year = y;
  }
  return d;
}

// Headings for heading: queries, found by a deliberately simple rule so the
// test does not depend on doc::analyze: a line (trimmed) that starts with
// 第…章 / 第…节, or with 一、 … 十、 and is at most 40 characters long.
inline void find_simple_headings(OracleDoc& d) {
  const std::u32string u = text::decode_utf8(d.text);
  auto is_num = [](char32_t c) { return std::u32string_view(U"一二三四五六七八九十百零〇").find(c) != std::u32string_view::npos; };
  auto is_ws = [](char32_t c) { return c == U' ' || c == U'\t' || c == U'\r' || c == 0x3000; };
  d.headings.clear();
  for (size_t b = 0; b < u.size();) {
    size_t e = u.find(U'\n', b);
    if (e == std::u32string::npos) e = u.size();
    size_t s = b, t = e;
    while (s < t && is_ws(u[s])) ++s;
    while (t > s && is_ws(u[t - 1])) --t;
    bool heading = false;
    if (t - s >= 3 && u[s] == U'第') {
      size_t k = s + 1;
      while (k < t && is_num(u[k])) ++k;
      heading = k > s + 1 && k < t && (u[k] == U'章' || u[k] == U'节');
    } else if (t - s >= 2 && t - s <= 40 && is_num(u[s])) {
      size_t k = s;
      while (k < t && is_num(u[k])) ++k;
      heading = k < t && u[k] == U'、';
    }
    if (heading) d.headings.push_back({static_cast<uint32_t>(s), static_cast<uint32_t>(t)});
    b = e + 1;
  }
}

// The doc::Document the index is given for `d`: same text and metadata, the
// headings above as a flat outline, sentences split after 。！？； and newlines.
inline doc::Document to_document(const OracleDoc& d) {
  doc::Document x;
  x.id = d.id;
  x.title = d.title;
  x.text = d.text;
  x.year = d.year;
  x.source = d.source;
  x.category = d.category;
  const std::u32string u = text::decode_utf8(d.text);
  x.text_chars = static_cast<uint32_t>(u.size());
  uint32_t start = 0;
  for (uint32_t i = 0; i < u.size(); ++i) {
    const char32_t c = u[i];
    if (c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'\n') {
      if (i + 1 > start) x.sentences.push_back({start, i + 1});
      start = i + 1;
    }
  }
  if (start < u.size()) x.sentences.push_back({start, static_cast<uint32_t>(u.size())});
  for (const auto& h : d.headings) {
    doc::OutlineNode n;
    n.kind = doc::OutlineKind::kChapter;
    n.title = text::substr_code_points(d.text, h.start, h.end);
    n.start = h.start;
    n.end = h.end;
    n.heading = h;
    x.outline.push_back(std::move(n));
  }
  return x;
}

// Paragraphs one per non-empty line, as the importers make them.
inline std::vector<doc::Span> line_paragraphs(std::string_view text_utf8) {
  std::vector<doc::Span> out;
  const std::u32string u = text::decode_utf8(text_utf8);
  uint32_t s = 0;
  for (uint32_t i = 0; i <= u.size(); ++i) {
    if (i == u.size() || u[i] == U'\n') {
      if (i > s) out.push_back({s, i});
      s = i + 1;
    }
  }
  return out;
}

class Oracle {
 public:
  using Bits = std::vector<char>;  // one flag per document

  explicit Oracle(std::vector<OracleDoc> docs) : docs_(std::move(docs)) {
    const auto& norm = text::Normalizer::instance();
    for (size_t i = 0; i < docs_.size(); ++i) {
      const OracleDoc& d = docs_[i];
      append(title_, norm.normalize_utf8(d.title), i);
      append(text_, norm.normalize_utf8(d.text), i);
      for (const auto& h : d.headings) {
        append(heading_, norm.normalize_utf8(text::substr_code_points(d.text, h.start, h.end)), i);
      }
    }
  }

  const std::vector<OracleDoc>& docs() const { return docs_; }

  // Ids of the documents matching `root`, sorted.
  std::vector<std::string> ids(const search::QueryNode& root) {
    const Bits b = eval(root);
    std::vector<std::string> out;
    for (size_t i = 0; i < docs_.size(); ++i)
      if (b[i]) out.push_back(docs_[i].id);
    std::sort(out.begin(), out.end());
    return out;
  }

  Bits eval(const search::QueryNode& n) {
    using K = search::QueryNode::Kind;
    Bits out(docs_.size(), 0);
    switch (n.kind) {
      case K::kTerm: {
        const std::string needle = text::encode_utf8(n.normalized);
        if (n.field == search::Field::kAny || n.field == search::Field::kTitle) scan(title_, needle, out);
        if (n.field == search::Field::kAny) scan(text_, needle, out);
        if (n.field == search::Field::kHeading) scan(heading_, needle, out);
        return out;
      }
      case K::kAnd: {
        std::fill(out.begin(), out.end(), 1);
        for (const auto& c : n.children) {
          const bool negate = c.kind == K::kNot;
          const Bits b = eval(negate ? c.children.at(0) : c);
          for (size_t i = 0; i < out.size(); ++i) out[i] = out[i] && (negate ? !b[i] : b[i]);
        }
        return out;
      }
      case K::kOr:
        for (const auto& c : n.children) {
          const Bits b = eval(c);
          for (size_t i = 0; i < out.size(); ++i) out[i] = out[i] || b[i];
        }
        return out;
      case K::kNot: {  // only reached at a root, which the parser rejects
        const Bits b = eval(n.children.at(0));
        for (size_t i = 0; i < out.size(); ++i) out[i] = !b[i];
        return out;
      }
      case K::kYear:
        for (size_t i = 0; i < docs_.size(); ++i) {
          const auto& y = docs_[i].year;
          out[i] = y && *y >= n.year_from && *y <= n.year_to;
        }
        return out;
      case K::kSource:
        for (size_t i = 0; i < docs_.size(); ++i) {
          std::string head = docs_[i].source.substr(0, n.prefix ? n.text.size() : std::string::npos);
          std::string want = n.text;
          if (n.prefix) {
            for (auto* s : {&head, &want})
              std::transform(s->begin(), s->end(), s->begin(), [](unsigned char c) { return std::tolower(c); });
          }
          out[i] = head == want;
        }
        return out;
      case K::kCategory:
        for (size_t i = 0; i < docs_.size(); ++i) out[i] = docs_[i].category == n.text;
        return out;
    }
    return out;
  }

 private:
  // All documents' strings of one field, each followed by 0xFF (never in UTF-8),
  // and for each string its start offset and document.
  struct Haystack {
    std::string bytes;
    std::vector<size_t> starts;
    std::vector<uint32_t> doc;
  };

  static void append(Haystack& h, const std::string& s, size_t doc) {
    h.starts.push_back(h.bytes.size());
    h.doc.push_back(static_cast<uint32_t>(doc));
    h.bytes += s;
    h.bytes.push_back('\xFF');
  }

  // Marks every document with an occurrence of `needle`; after a hit it jumps to
  // the next document's string, so the work is one scan of the field at most.
  static void scan(const Haystack& h, const std::string& needle, Bits& out) {
    if (needle.empty()) return;
    const char* base = h.bytes.data();
    size_t pos = 0;
    while (pos < h.bytes.size()) {
      const void* hit = memmem(base + pos, h.bytes.size() - pos, needle.data(), needle.size());
      if (!hit) break;
      const size_t at = static_cast<const char*>(hit) - base;
      const size_t k = std::upper_bound(h.starts.begin(), h.starts.end(), at) - h.starts.begin() - 1;
      out[h.doc[k]] = 1;
      pos = k + 1 < h.starts.size() ? h.starts[k + 1] : h.bytes.size();
    }
  }

  std::vector<OracleDoc> docs_;
  Haystack title_, text_, heading_;
};

// True if `s` can stand in a query as a bareword: no syntax or whitespace, not
// starting with '-' or “ or （, not an operator word (OR AND 与 且), no ':' or '：'
// (so never a field prefix), no '|' or '｜'.
inline bool bareword_safe(std::string_view s) {
  if (s.empty() || s[0] == '-' || s == "OR" || s == "AND" || s == "与" || s == "且") return false;
  const std::u32string u = text::decode_utf8(s);
  if (u[0] == U'\u201C' || u[0] == U'\uFF08') return false;
  for (char32_t c : u) {
    if (c == U'(' || c == U')' || c == U'"' || c == U'|' || c == U':' || c == U'\uFF5C' || c == U'\uFF1A' ||
        c <= 0x20 || c == 0x85 || c == 0xA0 ||
        c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
        c == 0x205F || c == 0x3000)
      return false;
  }
  return true;
}

// `s` written as one query term: a bareword when safe, else quoted; nullopt if it
// contains an ASCII '"' (not expressible: the language has no escapes).
inline std::optional<std::string> as_term(std::string_view s, bool prefer_quotes) {
  if (s.find('"') != std::string_view::npos) return std::nullopt;
  if (!prefer_quotes && bareword_safe(s)) return std::string(s);
  return "\"" + std::string(s) + "\"";
}

// Random query material drawn from real documents.
class QueryGen {
 public:
  QueryGen(const std::vector<OracleDoc>& docs, uint32_t seed) : docs_(docs), rng_(seed) {
    for (const auto& d : docs_) {
      texts_.push_back(text::decode_utf8(d.text));
      titles_.push_back(text::decode_utf8(d.title));
      if (d.year) years_.push_back(*d.year);
      for (const auto& h : d.headings) headings_.push_back(texts_.back().substr(h.start, h.end - h.start));
    }
    std::sort(years_.begin(), years_.end());
  }

  size_t uniform(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // A substring of length 1..max_len at a random position of a random document's
  // text (or title, with probability p_title), verbatim (not normalized).
  // `doc` and `in_title`, if given, receive where it was taken from.
  std::string substring(size_t max_len, double p_title = 0.2, size_t* doc = nullptr, bool* in_title = nullptr) {
    for (;;) {
      const size_t d = uniform(0, docs_.size() - 1);
      const bool t = chance(p_title);
      const std::u32string& s = t ? titles_[d] : texts_[d];
      if (s.empty()) continue;
      const size_t len = std::min(uniform(1, max_len), s.size());
      const size_t at = uniform(0, s.size() - len);
      if (doc) *doc = d;
      if (in_title) *in_title = t;
      return text::encode_utf8(s.substr(at, len));
    }
  }

  // A substring of a random document's normalized text: it may start or end in
  // the middle of a character's expansion (NFKC ㈠ -> (一)) or join characters
  // that whitespace separated in the original.
  std::string normalized_substring(size_t max_len) {
    for (;;) {
      const size_t d = uniform(0, docs_.size() - 1);
      const std::u32string n = text::Normalizer::instance().normalize(docs_[d].text);
      if (n.empty()) continue;
      const size_t len = std::min(uniform(1, max_len), n.size());
      return text::encode_utf8(n.substr(uniform(0, n.size() - len), len));
    }
  }

  std::string title_substring(size_t max_len) {
    for (;;) {
      const size_t d = uniform(0, docs_.size() - 1);
      if (titles_[d].empty()) continue;
      const size_t len = std::min(uniform(1, max_len), titles_[d].size());
      return text::encode_utf8(titles_[d].substr(uniform(0, titles_[d].size() - len), len));
    }
  }

  // A real substring with one code point replaced by another character of the
  // corpus: mostly absent, sometimes present (the oracle decides).
  std::string mutated(size_t max_len) {
    std::u32string s = text::decode_utf8(substring(max_len, 0.0));
    const std::u32string donor = text::decode_utf8(substring(1, 0.0));
    s[uniform(0, s.size() - 1)] = donor.empty() ? U'鋂' : donor[0];
    return text::encode_utf8(s);
  }

  std::string year_filter() {
    if (years_.empty()) return "year:2000";
    const int a = years_[uniform(0, years_.size() - 1)];
    if (chance(0.5)) return "year:" + std::to_string(a);
    const int b = years_[uniform(0, years_.size() - 1)];
    return "year:" + std::to_string(std::min(a, b)) + ".." + std::to_string(std::max(a, b));
  }

  // A leaf term: a short real substring (so it matches something), sometimes a
  // mutated one, sometimes restricted to the title.
  std::string leaf() {
    for (;;) {
      std::string s;
      std::string prefix;
      const size_t r = uniform(0, 9);
      if (r == 0) {
        prefix = "title:";
        s = title_substring(4);
      } else if (r == 9 && !headings_.empty()) {
        prefix = "heading:";
        const std::u32string& h = headings_[uniform(0, headings_.size() - 1)];
        const size_t len = std::min(uniform(1, 4), h.size());
        s = text::encode_utf8(h.substr(uniform(0, h.size() - len), len));
      } else if (r == 1) {
        s = mutated(4);
      } else {
        s = substring(r < 5 ? 2 : 4, 0.1);
      }
      if (text::Normalizer::instance().normalize(s).empty()) continue;
      auto t = as_term(s, chance(0.3));
      if (t) return prefix + *t;
    }
  }

  // A random boolean query: AND, OR, NOT (always beside a positive), groups,
  // title: and year: filters. Depth-limited.
  std::string boolean(int depth = 0) {
    const size_t r = depth >= 2 ? 0 : uniform(0, 5);
    if (r <= 1) return leaf();
    if (r <= 3) {  // AND of 2..3 parts, maybe with an exclusion and a filter
      std::string s = "(" + boolean(depth + 1);
      const size_t n = uniform(1, 2);
      for (size_t i = 0; i < n; ++i) s += " " + boolean(depth + 1);
      if (chance(0.4)) s += " -" + group(boolean(depth + 1));
      if (chance(0.25)) s += " " + year_filter();
      return s + ")";
    }
    std::string s = boolean(depth + 1);  // OR of 2..3
    const size_t n = uniform(1, 2);
    for (size_t i = 0; i < n; ++i) s += (chance(0.5) ? " | " : " OR ") + boolean(depth + 1);
    return "(" + s + ")";
  }

 private:
  static std::string group(const std::string& s) { return s.empty() || s[0] == '(' ? s : "(" + s + ")"; }

  const std::vector<OracleDoc>& docs_;
  std::mt19937 rng_;
  std::vector<std::u32string> texts_, titles_, headings_;
  std::vector<int> years_;
};

// The first document in which two sorted id lists differ, for failure messages.
inline std::string first_difference(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::string s = "oracle " + std::to_string(want.size()) + " docs, engine " + std::to_string(got.size());
  if (!missing.empty()) s += "; first missing from engine: " + missing.front();
  if (!extra.empty()) s += "; first extra in engine: " + extra.front();
  return s;
}

// Reads a .jsonl or .jsonl.xz file (the latter through `xz -dc`) line by line.
// Returns false if the file cannot be read.
template <typename F>
bool for_each_line(const std::string& path, F&& f) {
  const bool xz = path.size() > 3 && path.compare(path.size() - 3, 3, ".xz") == 0;
  FILE* in = xz ? popen(("xz -dc '" + path + "'").c_str(), "r") : std::fopen(path.c_str(), "rb");
  if (!in) return false;
  std::string line;
  char buf[1 << 16];
  size_t lines = 0;
  while (size_t n = std::fread(buf, 1, sizeof buf, in)) {
    for (size_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        f(line);
        line.clear();
        ++lines;
      } else {
        line.push_back(buf[i]);
      }
    }
  }
  if (!line.empty()) {
    f(line);
    ++lines;
  }
  const int rc = xz ? pclose(in) : std::fclose(in);
  return rc == 0 && lines > 0;
}

}  // namespace wenyuan::oracle
