// Snippet selection (see snippet.h). All positions are code points; bytes appear
// only when the chosen [start, end) is sliced out of the UTF-8 text.
//
// How: every match proposes a candidate, the sentence(s) that contain it (or a
// window of about max_chars around it when they are longer), widened by whole
// neighbouring sentences while it still fits in max_chars. Candidates are scored by
// the number of distinct highlighted strings, then the number of highlights, then
// position; the best non-overlapping ones are kept.
#include "wenyuan/search/snippet.h"

#include <algorithm>
#include <optional>
#include <set>
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
    std::sort(ms_.begin(), ms_.end());
    reach_.reserve(ms_.size());
    for (const auto& m : ms_) reach_.push_back(reach_.empty() ? m.second : std::max(reach_.back(), m.second));
  }
  const std::vector<Range>& all() const { return ms_; }
  bool empty() const { return ms_.empty(); }
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

// The code points of `s`, as text::decode_utf8 gives them, into a per-thread
// buffer: a hit's whole text is decoded for every search, and for a long law
// (~300 KB) a fresh buffer costs more in page faults than the decoding. The
// common well-formed 1- and 3-byte sequences (ASCII, CJK) take a fast path;
// anything else goes through text::decode_one, so ill-formed bytes read the same.
const std::u32string& decode(std::string_view s) {
  thread_local std::u32string out;
  out.clear();
  out.reserve(s.size() / 2 + 1);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size();) {
    const unsigned b0 = p[i];
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    if (i + 2 < s.size() && ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) && (p[i + 1] & 0xC0) == 0x80 &&
        (p[i + 2] & 0xC0) == 0x80) {
      out.push_back(((b0 & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu));
      i += 3;
      continue;
    }
    out.push_back(text::decode_one(s, i));
  }
  return out;
}

struct Candidate {
  Range range;
  size_t distinct = 0;
  size_t highlights = 0;
};

class Builder {
 public:
  Builder(std::string_view text, const std::vector<doc::Span>& sentences, size_t max_chars)
      : text_(text), cps_(decode(text)), max_chars_(std::max<size_t>(max_chars, 1)) {
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
    for (uint32_t i = 0; i < n; ++i)
      if (cps_[i] == U'\n') breaks_.push_back(i);
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

  // Highlights of `r`, relative to r.first, overlapping ones merged.
  std::vector<Range> highlights(const Range& r, const Matches& matches) const {
    std::vector<Range> out;
    matches.for_each_in(r, [&](const Range& m) {
      Range h{std::max(m.first, r.first) - r.first, std::min(m.second, r.second) - r.first};
      if (!out.empty() && h.first < out.back().second) {
        out.back().second = std::max(out.back().second, h.second);
      } else {
        out.push_back(h);
      }
    });
    return out;
  }

  size_t distinct(const Range& r, const std::vector<Range>& hs) const {
    std::set<std::u32string_view> seen;
    for (const auto& h : hs) seen.insert(std::u32string_view(cps_).substr(r.first + h.first, h.second - h.first));
    return seen.size();
  }

  Snippet make(const Range& r, const Matches& matches) const {
    Snippet s;
    s.start = r.first;
    s.end = r.second;
    s.highlights = highlights(r, matches);
    s.text = text::substr_code_points(text_, r.first, r.second);
    return s;
  }

 private:
  std::string_view text_;
  std::u32string_view cps_;  // the per-thread buffer of decode()
  size_t max_chars_;
  std::vector<Range> sentences_;
  std::vector<uint32_t> breaks_;  // positions of '\n', sorted
};

}  // namespace

std::vector<Snippet> make_snippets(std::string_view text, const std::vector<doc::Span>& sentences,
                                   const std::vector<doc::Span>& matches, size_t max_snippets,
                                   size_t max_chars, std::optional<doc::Span> within) {
  std::vector<Snippet> out;
  if (max_snippets == 0 || text.empty()) return out;
  Builder b(text, sentences, max_chars);
  const uint32_t n = b.size();
  Range in{0, n};
  if (within) in = {std::min(within->start, n), std::min(within->end, n)};
  if (in.first >= in.second) return out;

  std::vector<Range> clipped;
  for (const auto& m : matches) {
    const uint32_t s = std::max(m.start, in.first), e = std::min(m.end, in.second);
    if (s < e) clipped.push_back({s, e});
  }
  const Matches ms(std::move(clipped));

  if (ms.empty()) {  // a title-only hit: the lead of the document (or paragraph), unhighlighted
    out.push_back(b.make(b.trim(b.candidate_for({in.first, in.first + 1}, in, ms), ms), ms));
    return out;
  }

  std::vector<Candidate> cands;
  for (const auto& m : ms.all()) {
    Candidate c;
    c.range = b.trim(b.candidate_for(m, in, ms), ms);
    if (!cands.empty() && cands.back().range == c.range) continue;
    const auto hs = b.highlights(c.range, ms);
    c.highlights = hs.size();
    c.distinct = b.distinct(c.range, hs);
    cands.push_back(c);
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& x, const Candidate& y) {
    return std::tie(y.distinct, y.highlights, x.range.first) < std::tie(x.distinct, x.highlights, y.range.first);
  });
  std::vector<Range> taken;
  for (const auto& c : cands) {
    if (taken.size() >= max_snippets) break;
    const bool overlaps = std::any_of(taken.begin(), taken.end(), [&](const Range& t) {
      return c.range.first < t.second && t.first < c.range.second;
    });
    if (overlaps) continue;
    taken.push_back(c.range);
    out.push_back(b.make(c.range, ms));
  }
  return out;
}

}  // namespace wenyuan::search
