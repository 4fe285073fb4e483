// Snippet selection (see snippet.h). All positions are code points; bytes appear
// only when the chosen [start, end) is sliced out of the UTF-8 text.
//
// How: every match proposes a candidate, the sentence(s) that contain it (or a
// window of about max_chars around it when they are longer), widened by whole
// neighbouring sentences while it still fits in max_chars. Candidates are scored by
// the number of distinct highlighted strings, then the number of highlights, then
// position; the best non-overlapping ones are kept.
//
// Cost: a common one-character term gives a hit a thousand matches, so nothing
// per candidate allocates or touches the text beyond the candidate: scores are
// counted over the matches inside it (found by binary search), distinct strings
// told apart by hash then by content, and the best k (k <= max_snippets, a few)
// found by k passes over the candidates instead of sorting them. Only the k
// winners are cut out of the text (choose_snippets / cut_snippet).
#include "wenyuan/search/snippet.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "wenyuan/text/chars.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search {

namespace {

using Range = std::pair<uint32_t, uint32_t>;

// Space at a snippet's edges (it may start after one, and sheds them): White_Space
// (text::is_space) and the two invisible characters an imported text may still
// hold, ZWSP and BOM, since an edge made of them would show as nothing. Not
// text::is_blank: that one leaves out '\n' and the other line separators.
bool is_edge_space(char32_t c) { return text::is_space(c) || c == 0x200B || c == 0xFEFF; }

// The matches, sorted by start, with the running maximum of their ends, so the
// matches overlapping a range are found by binary search: a long law can have
// hundreds of matches and one candidate per match, so scanning every match for
// every candidate would be quadratic.
class Matches {
 public:
  explicit Matches(std::vector<Range> ms) : ms_(std::move(ms)) {
    if (!std::is_sorted(ms_.begin(), ms_.end())) std::sort(ms_.begin(), ms_.end());
    reach_.reserve(ms_.size());
    for (const auto& m : ms_) reach_.push_back(reach_.empty() ? m.second : std::max(reach_.back(), m.second));
  }
  const std::vector<Range>& all() const { return ms_; }
  bool empty() const { return ms_.empty(); }
  uint32_t reach(size_t i) const { return reach_[i]; }
  // Calls f(m) for every match overlapping [r.first, r.second), in order.
  template <typename F>
  void for_each_in(const Range& r, F&& f) const {
    auto i = static_cast<size_t>(std::upper_bound(reach_.begin(), reach_.end(), r.first) - reach_.begin());
    for (; i < ms_.size() && ms_[i].first < r.second; ++i)
      if (ms_[i].second > r.first) f(ms_[i]);
  }

 private:
  std::vector<Range> ms_;
  std::vector<uint32_t> reach_;  // reach_[i] = max end of ms_[0..i]
};

// Every kMarkEvery-th code point's byte offset is kept while decoding, so the
// winners' byte offsets are found without walking the text from its start.
constexpr uint32_t kMarkEvery = 64;

struct Decoded {
  std::vector<char32_t> buf;    // grown only: cps() is its first n
  size_t n = 0;
  std::vector<uint32_t> marks;  // marks[k] = byte offset of code point k * kMarkEvery
  std::vector<uint32_t> breaks; // positions of '\n', sorted
  std::u32string_view cps() const { return {buf.data(), n}; }
};

// The code points of `s`, as text::decode_utf8 gives them, into a per-thread
// buffer: a hit's whole text is decoded for every search, and for a long law
// (~300 KB) a fresh buffer costs more in page faults than the decoding. The
// common well-formed 1- and 3-byte sequences (ASCII, CJK) take a fast path;
// anything else goes through text::decode_one, so ill-formed bytes read the same.
// The line breaks are noted on the way.
const Decoded& decode(std::string_view s) {
  thread_local Decoded out;
  if (out.buf.size() < s.size()) out.buf.resize(s.size());  // at most one code point a byte
  out.marks.clear();
  out.breaks.clear();
  char32_t* w = out.buf.data();
  size_t n = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size(); ++n) {
    if ((n & (kMarkEvery - 1)) == 0) out.marks.push_back(static_cast<uint32_t>(i));
    const unsigned b0 = p[i];
    if (b0 < 0x80) {
      w[n] = b0;
      if (b0 == '\n') out.breaks.push_back(static_cast<uint32_t>(n));
      ++i;
      continue;
    }
    if (i + 2 < s.size() && ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) && (p[i + 1] & 0xC0) == 0x80 &&
        (p[i + 2] & 0xC0) == 0x80) {
      w[n] = ((b0 & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
      i += 3;
      continue;
    }
    w[n] = text::decode_one(s, i);
    if (w[n] == U'\n') out.breaks.push_back(static_cast<uint32_t>(n));
  }
  out.n = n;
  if ((n & (kMarkEvery - 1)) == 0) out.marks.push_back(static_cast<uint32_t>(s.size()));  // code point n (the end)
  return out;
}

// A highlight's string, for counting distinct ones: FNV-1a of its code points,
// with its place to compare content when two hashes agree.
struct HighlightKey {
  uint64_t hash;
  uint32_t at, len;
};

struct Candidate {
  Range range;
  uint32_t distinct = 0;
  uint32_t highlights = 0;
};

// The documented order: most distinct highlighted strings, then most
// highlights, then earliest. Strict, so among equals the first proposed wins
// (as the stable sort this replaces kept it).
bool better(const Candidate& x, const Candidate& y) {
  return std::tie(x.distinct, x.highlights, y.range.first) > std::tie(y.distinct, y.highlights, x.range.first);
}

class Builder {
 public:
  Builder(std::string_view text, const std::vector<doc::Span>& sentences, size_t max_chars)
      : text_(text), dec_(decode(text)), cps_(dec_.cps()), breaks_(dec_.breaks), max_chars_(std::max<size_t>(max_chars, 1)) {
    const auto n = static_cast<uint32_t>(cps_.size());
    // Keep only well-formed sentence spans, in order and without overlap; a document
    // without sentence spans is treated as one long sentence.
    uint32_t last_end = 0;
    for (const auto& s : sentences) {
      const uint32_t b = std::max(s.start, last_end);
      const uint32_t e = std::min(s.end, n);
      if (b >= e) continue;
      sentences_.push_back({b, e});
      last_end = e;
    }
    if (sentences_.empty() && n > 0) sentences_.push_back({0, n});
    // Cut sentences at line breaks (doc::analyze never lets one cross a line, but
    // a caller's spans, or the one-sentence fallback above, may), so that whole
    // sentences are whole sentences of one paragraph.
    if (!breaks_.empty()) {
      std::vector<Range> cut;
      for (const Range& r : sentences_) {
        uint32_t b = r.first;
        for (auto it = std::lower_bound(breaks_.begin(), breaks_.end(), b); it != breaks_.end() && *it < r.second; ++it) {
          if (b < *it) cut.push_back({b, *it});
          b = *it + 1;
        }
        if (b < r.second) cut.push_back({b, r.second});
      }
      sentences_ = std::move(cut);
    }
  }

  // The paragraph (line: the text separates paragraphs by '\n') holding code
  // point `p`, as [start, end) without the line break.
  Range line_at(uint32_t p) const {
    auto it = std::lower_bound(breaks_.begin(), breaks_.end(), p);
    const uint32_t e = it == breaks_.end() ? size() : *it;
    const uint32_t b = it == breaks_.begin() ? 0 : *std::prev(it) + 1;
    return {b, e};
  }

  uint32_t size() const { return static_cast<uint32_t>(cps_.size()); }
  uint32_t max_chars() const { return static_cast<uint32_t>(std::min<size_t>(max_chars_, UINT32_MAX / 2)); }

  // The number of distinct strings among the matches, overlapping ones merged
  // (as a snippet's highlights merge them).
  uint32_t distinct_strings(const Matches& matches) const {
    thread_local std::vector<HighlightKey> keys;
    keys.clear();
    uint32_t hb = 0, he = 0;
    bool open = false;
    auto close = [&] {
      uint64_t h = 1469598103934665603ull;
      for (uint32_t p = hb; p < he; ++p) h = (h ^ cps_[p]) * 1099511628211ull;
      keys.push_back({h, hb, he - hb});
    };
    for (const Range& m : matches.all()) {
      if (open && m.first < he) {
        he = std::max(he, m.second);
        continue;
      }
      if (open) close();
      hb = m.first;
      he = m.second;
      open = true;
    }
    if (open) close();
    return count_distinct(keys);
  }

  // Whether no candidate edge can cut a highlight of `matches` (clipped to the
  // range candidates are proposed in): every merged highlight is one code
  // point, or the matches are disjoint, none longer than max_chars, and each
  // inside one sentence (sentences_ are cut at line breaks). Then every edge
  // candidate_for and window give falls outside every match: a sentence's
  // edge, the line's or the range's, or, in window, past a match crossing it
  // (taken whole, or left out whole: the matches being disjoint, the one it
  // cannot take is not its own).
  bool cannot_cut(const Matches& matches) const {
    const auto& all = matches.all();
    if (std::all_of(all.begin(), all.end(), [](const Range& m) { return m.second == m.first + 1; })) return true;
    size_t k = 0;  // the sentence holding the last match (both sorted: walked, not searched)
    for (size_t i = 0; i < all.size(); ++i) {
      const Range& m = all[i];
      if (i > 0 && m.first < matches.reach(i - 1)) return false;
      if (m.second - m.first > max_chars_) return false;
      while (k < sentences_.size() && sentences_[k].second <= m.first) ++k;
      if (k == sentences_.size() || sentences_[k].first > m.first || sentences_[k].second < m.second) return false;
    }
    return true;
  }

  // The sentence index containing code point `p`, or the nearest one before it
  // (sentence spans may leave gaps); -1 if none.
  int sentence_at(uint32_t p) const {
    auto it = std::upper_bound(sentences_.begin(), sentences_.end(), p,
                               [](uint32_t v, const Range& r) { return v < r.first; });
    if (it == sentences_.begin()) return sentences_.empty() ? -1 : 0;
    return static_cast<int>(std::prev(it) - sentences_.begin());
  }

  // The snippet range proposed for match `m`: whole sentences of the paragraph(s)
  // holding it, never beyond them nor beyond `within`.
  Range candidate_for(const Range& m, const Range& within, const Matches& matches) const {
    // Bounds: the paragraph(s) the match lies in (a match may run across a line
    // break, since whitespace is deleted before matching), clipped to `within`.
    const Range pa = line_at(m.first), pz = line_at(m.second - 1);
    const Range bound{std::max(pa.first, within.first), std::min(pz.second, within.second)};
    const Range lim{std::min(bound.first, m.first), std::max(bound.second, m.second)};
    int first = sentence_at(m.first);
    int last = sentence_at(m.second - 1);
    if (first < 0) return window(m, lim, matches);
    Range r{std::max(std::min(sentences_[first].first, m.first), lim.first),
            std::min(std::max(sentences_[last].second, m.second), lim.second)};
    if (r.second - r.first > max_chars_) return window(m, r, matches);
    // Widen by whole neighbouring sentences of the same paragraph, the following
    // one first (the text after a match usually finishes its thought), while it fits.
    bool grew = true;
    while (grew) {
      grew = false;
      if (last + 1 < static_cast<int>(sentences_.size()) && sentences_[last + 1].first >= r.second &&
          sentences_[last + 1].second <= lim.second && sentences_[last + 1].second - r.first <= max_chars_) {
        r.second = sentences_[++last].second;
        grew = true;
      }
      if (first > 0 && sentences_[first - 1].second <= r.first && sentences_[first - 1].first >= lim.first &&
          r.second - sentences_[first - 1].first <= max_chars_) {
        r.first = sentences_[--first].first;
        grew = true;
      }
    }
    return r;
  }

  // About max_chars code points of `within` around the match, cut where a reader
  // would cut: just after a clause mark (，。；：、！？…) when one lies in the slack,
  // and never through another match (a cut "发展" leaves a lone highlighted "展").
  // The text stays a verbatim slice; the UI adds any ellipsis.
  Range window(const Range& m, const Range& within, const Matches& matches) const {
    const auto max = static_cast<uint32_t>(max_chars_);
    const uint32_t len = m.second - m.first;
    if (len >= max) return {m.first, m.first + max};
    const uint32_t slack = max - len;
    uint32_t b = m.first - std::min(m.first - within.first, slack / 2);
    uint32_t e = std::min<uint32_t>(within.second, b + max);
    b = std::max<uint32_t>(within.first, e > max ? e - max : 0);
    b = std::min(b, m.first);
    e = std::max(e, m.second);
    // Start: the clause boundary nearest to b, after it (up to the match) or before
    // it (as far as the match still fits in max chars).
    if (!boundary_before(b)) {
      uint32_t after = b, before = b;
      while (after < m.first && !boundary_before(after)) ++after;
      const uint32_t lowest = std::max(within.first, m.second > max ? m.second - max : 0);
      while (before > lowest && !boundary_before(before)) --before;
      const bool has_after = boundary_before(after), has_before = boundary_before(before) && before >= within.first;
      if (has_after && (!has_before || after - b <= b - before)) b = after;
      else if (has_before) b = before;
    }
    e = std::max(std::min<uint32_t>(within.second, b + max), m.second);
    // End: the last clause boundary in (match end, e], if any.
    if (e < within.second && !boundary_before(e)) {
      uint32_t p = e;
      while (p > m.second && !boundary_before(p)) --p;
      if (boundary_before(p) && p > m.second) e = p;
    }
    // A match across either edge: take it whole if it fits, else leave it out.
    matches.for_each_in({b, b + 1}, [&](const Range& x) {
      if (x.first < b) b = e - x.first <= max ? std::max(x.first, within.first) : std::min(x.second, m.first);
    });
    matches.for_each_in({e > 0 ? e - 1 : 0, e}, [&](const Range& x) {
      if (x.second > e) e = x.second - b <= max ? std::min(x.second, within.second) : std::max(x.first, m.second);
    });
    return {b, e};
  }

  // Whether position p starts a clause: the text start, a line start, or just
  // after a clause or sentence mark.
  bool boundary_before(uint32_t p) const {
    if (p == 0 || p >= size()) return true;
    switch (cps_[p - 1]) {
      case U'\n': case U'，': case U'。': case U'；': case U'：': case U'、': case U'！': case U'？':
      case U',': case U';': case U'!': case U'?': case U'…': case U'）': case U'”': case U'」':
        return true;
      default:
        return is_edge_space(cps_[p - 1]);
    }
  }

  // Drops leading and trailing whitespace (paragraph indents of 全角 spaces) that
  // lies outside every match.
  Range trim(Range r, const Matches& matches) const {
    uint32_t lo = r.second, hi = r.first;  // the span matches cover inside r
    matches.for_each_in(r, [&](const Range& m) {
      lo = std::min(lo, std::max(m.first, r.first));
      hi = std::max(hi, std::min(m.second, r.second));
    });
    while (r.first < r.second && r.first < lo && is_edge_space(cps_[r.first])) ++r.first;
    while (r.second > r.first && r.second > hi && is_edge_space(cps_[r.second - 1])) --r.second;
    return r;
  }

  // c.highlights and c.distinct of c.range: its highlights (the matches
  // overlapping it, clipped to it, overlapping ones merged) counted, and their
  // distinct strings, without building either.
  void score(Candidate& c, const Matches& matches) const {
    thread_local std::vector<HighlightKey> keys;
    keys.clear();
    const Range& r = c.range;
    uint32_t hb = 0, he = 0;
    bool open = false;
    auto close = [&] {
      uint64_t h = 1469598103934665603ull;
      for (uint32_t p = hb; p < he; ++p) h = (h ^ cps_[p]) * 1099511628211ull;
      keys.push_back({h, hb, he - hb});
    };
    matches.for_each_in(r, [&](const Range& m) {
      const uint32_t b = std::max(m.first, r.first), e = std::min(m.second, r.second);
      if (open && b < he) {
        he = std::max(he, e);
      } else {
        if (open) close();
        hb = b;
        he = e;
        open = true;
      }
    });
    if (open) close();
    c.highlights = static_cast<uint32_t>(keys.size());
    c.distinct = count_distinct(keys);
  }

  uint32_t count_distinct(std::vector<HighlightKey>& keys) const {
    if (keys.size() < 2) return static_cast<uint32_t>(keys.size());
    const std::u32string_view all(cps_);
    auto str = [&](const HighlightKey& k) { return all.substr(k.at, k.len); };
    // By hash (cheap compares: a common term's thousand highlights are one
    // string); a run of equal hashes is sorted by content only when its
    // strings differ (a collision), so it counts as many as they are.
    std::sort(keys.begin(), keys.end(), [](const HighlightKey& x, const HighlightKey& y) { return x.hash < y.hash; });
    uint32_t d = 0;
    for (size_t i = 0, j = 0; i < keys.size(); i = j) {
      bool same = true;
      for (j = i + 1; j < keys.size() && keys[j].hash == keys[i].hash; ++j) same = same && str(keys[j]) == str(keys[i]);
      if (same) {
        ++d;
        continue;
      }
      std::sort(keys.begin() + static_cast<std::ptrdiff_t>(i), keys.begin() + static_cast<std::ptrdiff_t>(j),
                [&](const HighlightKey& x, const HighlightKey& y) { return str(x) < str(y); });
      ++d;
      for (size_t k = i + 1; k < j; ++k) d += str(keys[k]) != str(keys[k - 1]);
    }
    return d;
  }

  // The byte offset of code point p (p <= size()) in the text.
  size_t byte_of(uint32_t p) const {
    return text::skip_code_points(text_, dec_.marks[p / kMarkEvery], p % kMarkEvery);
  }

  SnippetChoice choice(const Candidate& c) const {
    return {c.range.first, c.range.second, byte_of(c.range.first), byte_of(c.range.second), c.distinct, c.highlights};
  }

 private:
  std::string_view text_;
  const Decoded& dec_;       // the per-thread buffer of decode()
  std::u32string_view cps_;  // dec_.cps()
  const std::vector<uint32_t>& breaks_;  // positions of '\n', sorted (dec_.breaks)
  size_t max_chars_;
  std::vector<Range> sentences_;
};

// Sorted by start (and end), as Matches holds them.
std::vector<Range> sorted_ranges(const std::vector<doc::Span>& matches) {
  std::vector<Range> out;
  out.reserve(matches.size());
  for (const auto& m : matches) out.push_back({m.start, m.end});
  std::sort(out.begin(), out.end());
  return out;
}

// The snippet of choice `c` of `text`: its slice, and the highlights from `ms`
// (sorted) clipped to it, relative to c.start, overlapping ones merged.
Snippet cut(std::string_view text, const std::vector<Range>& ms, const SnippetChoice& c) {
  Snippet s;
  s.start = c.start;
  s.end = c.end;
  s.text = std::string(text.substr(c.byte_start, c.byte_end - c.byte_start));
  for (const Range& m : ms) {
    if (m.first >= c.end) break;
    if (m.second <= c.start || m.first >= m.second) continue;
    std::pair<uint32_t, uint32_t> h{std::max(m.first, c.start) - c.start, std::min(m.second, c.end) - c.start};
    if (!s.highlights.empty() && h.first < s.highlights.back().second)
      s.highlights.back().second = std::max(s.highlights.back().second, h.second);
    else
      s.highlights.push_back(h);
  }
  return s;
}

}  // namespace

namespace {

// The range snippets may come from (the text, or `within` clipped to it) and
// the matches clipped to it; false when the range is empty.
bool clip_to_range(uint32_t n, const std::vector<doc::Span>& matches, std::optional<doc::Span> within, Range& in,
                   std::vector<Range>& clipped) {
  in = {0, n};
  if (within) in = {std::min(within->start, n), std::min(within->end, n)};
  if (in.first >= in.second) return false;
  clipped.reserve(matches.size());
  for (const auto& m : matches) {
    const uint32_t s = std::max(m.start, in.first), e = std::min(m.end, in.second);
    if (s < e) clipped.push_back({s, e});
  }
  return true;
}

// The candidates of `text` (see the top of the file), in the order matches
// propose them, consecutive equal ones once; scored when `scored`. False when
// there is nothing to choose from (no text, or an empty `within`). With no
// matches, the one candidate is the lead.
bool propose(const Builder& b, const std::vector<doc::Span>& matches, std::optional<doc::Span> within, bool scored,
             std::vector<Candidate>& cands) {
  cands.clear();
  const uint32_t n = b.size();
  Range in;
  std::vector<Range> clipped;
  if (!clip_to_range(n, matches, within, in, clipped)) return false;
  const Matches ms(std::move(clipped));
  if (ms.empty()) {  // a title-only hit: the lead of the document (or paragraph), unhighlighted
    Candidate c;
    c.range = b.trim(b.candidate_for({in.first, in.first + 1}, in, ms), ms);
    cands.push_back(c);
    return true;
  }
  for (const auto& m : ms.all()) {
    Candidate c;
    c.range = b.trim(b.candidate_for(m, in, ms), ms);
    if (!cands.empty() && cands.back().range == c.range) continue;
    if (scored) b.score(c, ms);
    cands.push_back(c);
  }
  return true;
}

// For each match i (sorted, as Matches holds them) an upper bound on the
// highlights of any candidate proposed for it: a candidate is at most `max`
// long and holds the match's start a, so it lies in some [x, x + max) with
// x in [max(0, a - max + 1), a], and its highlights are at most the matches
// overlapping that window. Those are the indices [lo(x), hi(x)) (lo(x): the
// first whose running maximum end passes x; hi(x): the first starting at or
// after x + max), both non-decreasing in x, so hi - lo is largest where hi has
// just grown: at x_j = max(0, s_j - max + 1) for a start s_j in
// [a, a + max - 1] (the lowest x is the one of s_j = a). So bound_i is the
// largest v_j = hi(x_j) - lo(x_j) over those j: a sliding maximum. It is at
// most the count of the matches overlapping [a - max + 1, a + max).
void highlight_bounds(const Matches& ms, uint64_t max, std::vector<uint32_t>& bound) {
  const auto& all = ms.all();
  const size_t count = all.size();
  thread_local std::vector<uint32_t> v_buf;
  std::vector<uint32_t>& v = v_buf;  // one TLS lookup, not one per use
  v.resize(count);
  for (size_t j = 0, lo = 0, hi = 0; j < count; ++j) {
    const uint64_t s = all[j].first, x = s + 1 > max ? s + 1 - max : 0;  // windows start at 0 or after
    while (lo < count && ms.reach(lo) <= x) ++lo;
    while (hi < count && all[hi].first < x + max) ++hi;
    v[j] = static_cast<uint32_t>(hi - lo);
  }
  thread_local std::vector<uint32_t> window_buf;
  std::vector<uint32_t>& window = window_buf;  // indices of v, values decreasing: the sliding maximum
  window.clear();
  size_t head = 0;
  bound.resize(count);
  for (size_t i = 0, first = 0, end = 0; i < count; ++i) {
    const uint64_t a = all[i].first;
    while (end < count && all[end].first < a + max) {  // j with s_j <= a + max - 1
      while (window.size() > head && v[window.back()] <= v[end]) window.pop_back();
      window.push_back(static_cast<uint32_t>(end++));
    }
    while (first < count && all[first].first < a) ++first;  // j with s_j >= a
    while (head < window.size() && window[head] < first) ++head;
    bound[i] = head < window.size() ? v[window[head]] : 0;
  }
}

// The greedy choice of the candidates propose() gives (the best, then the best
// not overlapping it, ...), without building every candidate: a common
// character's thousand matches make a thousand candidates, and only the few
// that could win are built and scored. A candidate is at most max_chars long
// and holds its match's start, so it sees only the matches overlapping one
// window of max_chars holding that start: the most any such window overlaps
// bounds its highlights (highlight_bounds), and that or the number of distinct
// strings of the matches (overlapping ones merged, as highlights are), plus two
// unless no candidate can cut a highlight (a highlight cut at either edge of a
// candidate is a new string; Builder::cannot_cut), bounds its distinct strings.
// Candidates are built in order of that bound, and a choice is made once the
// best eligible one built beats every bound left. Ties go to the
// earlier start, then to the earlier match, as in propose() order (where a run
// of equal candidates was one: equal ranges overlap, so only one is taken).
std::vector<std::pair<Candidate, size_t>> choose_lazily(const Builder& b, const Matches& ms, const Range& in, size_t k) {
  const auto& all = ms.all();
  const size_t count = all.size();
  const uint64_t max = b.max_chars();
  thread_local std::vector<uint32_t> bound;
  thread_local std::vector<uint32_t> order;
  bound.resize(count);
  order.resize(count);
  highlight_bounds(ms, max, bound);
  {  // order: by bound, highest first, ties in match order (a counting sort: bounds are at most count)
    thread_local std::vector<uint32_t> at;
    const uint32_t top = count == 0 ? 0 : *std::max_element(bound.begin(), bound.end());
    at.assign(top + 2, 0);
    for (size_t i = 0; i < count; ++i) ++at[top - bound[i] + 1];
    for (size_t v = 1; v < at.size(); ++v) at[v] += at[v - 1];
    for (size_t i = 0; i < count; ++i) order[at[top - bound[i]]++] = static_cast<uint32_t>(i);
  }
  const uint32_t strings = std::min<uint32_t>(b.distinct_strings(ms), UINT32_MAX - 2);
  // A candidate's highlights are whole highlights of the text (merged matches)
  // unless one of its edges cuts one, which may make a new string: hence the
  // two more distinct strings. No edge can cut when every highlight is one
  // code point, nor (see Builder::cannot_cut) when the matches are disjoint and
  // each lies inside one sentence.
  const uint32_t cut_strings = b.cannot_cut(ms) ? 0 : 2;

  std::vector<std::pair<Candidate, size_t>> picks;
  thread_local std::vector<std::pair<Candidate, size_t>> built;
  built.clear();
  auto beats = [](const std::pair<Candidate, size_t>& x, const std::pair<Candidate, size_t>& y) {
    return better(x.first, y.first) || (!better(y.first, x.first) && x.second < y.second);
  };
  auto eligible = [&](const std::pair<Candidate, size_t>& x) {
    return std::none_of(picks.begin(), picks.end(), [&](const std::pair<Candidate, size_t>& p) {
      const Range &r = x.first.range, &t = p.first.range;
      return p.second == x.second || (r.first < t.second && t.first < r.second);
    });
  };
  size_t next = 0;
  while (picks.size() < k) {
    const std::pair<Candidate, size_t>* best = nullptr;
    for (const auto& x : built)
      if (eligible(x) && (!best || beats(x, *best))) best = &x;
    size_t best_at = best ? static_cast<size_t>(best - built.data()) : SIZE_MAX;
    while (next < count) {
      const uint32_t u = bound[order[next]], du = std::min(strings + cut_strings, u);
      if (best_at != SIZE_MAX) {
        const Candidate& c = built[best_at].first;
        if (c.distinct > du || (c.distinct == du && c.highlights > u)) break;
        // A tie at best is lost by a later start: the rest of this bound's
        // candidates (in match order) start at or after all[i].first - max + 1,
        // and every later bound is beaten as above. So none can win this round.
        if (c.distinct == du && c.highlights == u && all[order[next]].first + 1 > max + c.range.first) break;
      }
      const size_t i = order[next++];
      Candidate c;
      c.range = b.trim(b.candidate_for(all[i], in, ms), ms);
      b.score(c, ms);
      built.push_back({c, i});
      if (eligible(built.back()) && (best_at == SIZE_MAX || beats(built.back(), built[best_at])))
        best_at = built.size() - 1;
    }
    if (best_at == SIZE_MAX) break;
    picks.push_back(built[best_at]);
  }
  return picks;
}

}  // namespace

std::vector<std::pair<uint32_t, uint32_t>> snippet_candidates(std::string_view text,
                                                             const std::vector<doc::Span>& sentences,
                                                             const std::vector<doc::Span>& matches, size_t max_chars,
                                                             std::optional<doc::Span> within) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  if (text.empty()) return out;
  const Builder b(text, sentences, max_chars);
  std::vector<Candidate> cands;
  propose(b, matches, within, false, cands);
  for (const Candidate& c : cands) out.push_back(c.range);
  return out;
}

std::vector<SnippetChoice> choose_snippets(std::string_view text, const std::vector<doc::Span>& sentences,
                                           const std::vector<doc::Span>& matches, size_t max_snippets,
                                           size_t max_chars, std::optional<doc::Span> within) {
  std::vector<SnippetChoice> out;
  if (max_snippets == 0 || text.empty()) return out;
  const Builder b(text, sentences, max_chars);
  const uint32_t n = b.size();
  Range in;
  std::vector<Range> clipped;
  if (!clip_to_range(n, matches, within, in, clipped)) return out;
  const Matches ms(std::move(clipped));
  if (ms.empty()) {  // a title-only hit: the lead (as propose gives it)
    Candidate c;
    c.range = b.trim(b.candidate_for({in.first, in.first + 1}, in, ms), ms);
    out.push_back(b.choice(c));
    return out;
  }
  for (const auto& [c, i] : choose_lazily(b, ms, in, max_snippets)) out.push_back(b.choice(c));
  return out;
}

Snippet cut_snippet(std::string_view text, const std::vector<doc::Span>& matches, const SnippetChoice& c) {
  // Only the matches overlapping the choice count: those sorted, not all (an
  // island may hold a thousand).
  std::vector<Range> in;
  for (const auto& m : matches)
    if (m.start < c.end && m.end > c.start && m.start < m.end) in.push_back({m.start, m.end});
  std::sort(in.begin(), in.end());
  return cut(text, in, c);
}

std::vector<Snippet> make_snippets(std::string_view text, const std::vector<doc::Span>& sentences,
                                   const std::vector<doc::Span>& matches, size_t max_snippets,
                                   size_t max_chars, std::optional<doc::Span> within) {
  std::vector<Snippet> out;
  const auto chosen = choose_snippets(text, sentences, matches, max_snippets, max_chars, within);
  if (chosen.empty()) return out;
  const std::vector<Range> ms = sorted_ranges(matches);
  for (const SnippetChoice& c : chosen) out.push_back(cut(text, ms, c));
  return out;
}

}  // namespace wenyuan::search
