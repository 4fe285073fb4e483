// Paragraph hits from postings and paragraph tables (paragraph_index.h).
//
// Per segment and per positive term, every occurrence in a found document is
// taken from the postings, filtered as the text path filters it (visible only,
// inside a heading span), and counted against the paragraph it starts in (one
// search in the document's paragraph table, galloping forward through the
// sorted positions). What each paragraph needs is then known without its text:
// how many occurrences start in it (the score) and whether one lies entirely
// inside it (the match). Terms of one character have no positions of their own:
// their occurrences are the starts of the bigrams that begin with the character
// (one key range of the sorted dictionary), plus the last position of a field,
// where no bigram starts; the unigram's tf tells whether that position holds
// the character. One-character terms outside heading: take another way
// (paragraph_unigram.cc).
#include "wenyuan/search/paragraph_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "wenyuan/search/paragraph_entries.h"
#include "wenyuan/search/scoring.h"
#include "wenyuan/text/normalize.h"

namespace wenyuan::search::detail {

namespace {

using index::DocMeta;
using index::GramPostings;
using index::PostingCursor;
using index::Segment;
using index::Snapshot;
using para::Entry;
using para::first_after;
using para::kCountMask;
using para::kFits;
using para::span_a;
using para::span_b;

struct Scratch {
  std::vector<uint32_t> cnt, doc_of, touched;  // dense, by span index (zero between uses)
  std::vector<Entry> sparse;                    // non-members, documents with several visible ranges
  std::vector<uint32_t> slot, seen;             // by local doc (zero between uses)
  std::vector<uint32_t> pos, match;
  std::vector<std::vector<uint32_t>> cover_pos;
  std::vector<PostingCursor> cursors;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Occurrences of one term in one segment -> its sorted Entry list.
class Accumulator {
 public:
  Accumulator(Scratch& sc, const Segment& seg, bool visible_only) : sc_(sc), seg_(seg), vis_(visible_only) {
    if (sc_.cnt.size() < seg.span_count()) {
      sc_.cnt.resize(seg.span_count(), 0);
      sc_.doc_of.resize(seg.span_count(), 0);
    }
    sc_.touched.clear();
    sc_.sparse.clear();
  }

  // Occurrences [p, p+m) of a term in `doc`, positions ascending (position space).
  void add(uint32_t doc, const DocMeta& d, const uint32_t* ps, size_t n, uint32_t m, bool heading) {
    if (d.paragraph_count == 0) return;
    if (vis_ && d.visible_count == 0) return;  // nothing of the body is visible
    const uint32_t base = d.title_len + 1;
    const bool dense = !vis_ || d.visible_count == 1;
    uint32_t pj = 0, vj = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t p = ps[i];
      if (p < base) continue;  // the title: in no paragraph
      uint32_t hi = UINT32_MAX, v = 0;
      if (vis_) {
        vj = first_after(d.visible, d.visible_count, vj, p);
        if (vj == 0) continue;
        v = vj - 1;
        hi = span_b(d.visible, v);
        if (p + m > hi) continue;  // not visible (DocMeta::is_visible)
      }
      if (heading && !d.in_heading(p, m, vis_)) continue;
      pj = first_after(d.paragraphs, d.paragraph_count, pj, p);
      if (pj == 0) continue;
      const uint32_t j = pj - 1, pe = span_b(d.paragraphs, j);
      if (p >= pe) continue;  // between paragraphs
      hi = std::min(hi, pe);
      const uint32_t fits = p + m <= hi ? kFits : 0;
      const uint32_t g = d.paragraph_first + j;
      if (dense) {
        uint32_t& c = sc_.cnt[g];
        if (c == 0) {
          sc_.touched.push_back(g);
          sc_.doc_of[g] = doc;
        }
        c = (c + 1) | fits;
      } else {
        sc_.sparse.push_back({uint64_t{g} << 32 | v, doc, 1 | fits});
      }
    }
  }

  void finish(std::vector<Entry>& out) {
    out.clear();
    auto& t = sc_.touched;
    if (t.size() > seg_.span_count() / 16) {
      // Most paragraphs touched: a scan of the counts beats sorting the list.
      for (uint32_t g = 0; g < seg_.span_count(); ++g) {
        if (sc_.cnt[g] == 0) continue;
        out.push_back({uint64_t{g} << 32, sc_.doc_of[g], sc_.cnt[g]});
        sc_.cnt[g] = 0;
      }
    } else {
      std::sort(t.begin(), t.end());
      out.reserve(t.size());
      for (uint32_t g : t) {
        out.push_back({uint64_t{g} << 32, sc_.doc_of[g], sc_.cnt[g]});
        sc_.cnt[g] = 0;
      }
    }
    t.clear();
    if (sc_.sparse.empty()) return;
    auto& sp = sc_.sparse;
    std::sort(sp.begin(), sp.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
    std::vector<Entry> merged;
    for (const Entry& e : sp) {
      if (!merged.empty() && merged.back().key == e.key) {
        merged.back().cnt = ((merged.back().cnt & kCountMask) + (e.cnt & kCountMask)) | ((merged.back().cnt | e.cnt) & kFits);
      } else {
        merged.push_back(e);
      }
    }
    sp.clear();
    std::vector<Entry> all;
    all.reserve(out.size() + merged.size());
    std::merge(out.begin(), out.end(), merged.begin(), merged.end(), std::back_inserter(all),
               [](const Entry& a, const Entry& b) { return a.key < b.key; });
    out.swap(all);
  }

 private:
  Scratch& sc_;
  const Segment& seg_;
  bool vis_;
};

// The occurrences of one positive term in the found documents `fd` (sorted;
// sc.slot marks them) of one segment, fed to `acc`.
class TermScan {
 public:
  TermScan(Scratch& sc, const Segment& seg, const std::vector<uint32_t>& fd, bool visible_only)
      : sc_(sc), seg_(seg), fd_(fd), vis_(visible_only) {}

  void run(const QueryNode& n, const TermInfo& info, Accumulator& acc) {
    const uint32_t m = static_cast<uint32_t>(n.normalized.size());
    const bool heading = n.field == Field::kHeading;
    if (m == 1) one_char(n.normalized[0], heading, acc);
    else if (m == 2) two_chars(index::bigram_key(n.normalized[0], n.normalized[1]), heading, acc);
    else longer(info.cover, m, heading, acc);
  }

 private:
  // fn(cursor) at every found document of the gram's posting list.
  template <typename Fn>
  void each_found(const GramPostings& g, Fn&& fn) {
    para::each_found(g, fd_, sc_.slot, fn);
  }

  void two_chars(uint64_t key, bool heading, Accumulator& acc) {
    each_found(seg_.gram(key), [&](PostingCursor& c) {
      if (vis_ && c.visible_tf() == 0) return;
      if (heading && !(vis_ ? c.visible_in_heading() : c.in_heading())) return;
      sc_.pos.clear();
      c.positions(sc_.pos);
      acc.add(c.doc(), seg_.doc(c.doc()), sc_.pos.data(), sc_.pos.size(), 2, heading);
    });
  }

  // A one-character heading: term (the others: paragraph_unigram.cc).
  void one_char(char32_t ch, bool heading, Accumulator& acc) {
    // Every bigram ch·x: its positions are the occurrences of ch followed by
    // x in the same field. `seen` counts them per document (title included).
    const uint64_t end_key = index::bigram_key(ch + 1, 0);
    const index::DictReader& dict = seg_.dictionary();
    for (index::DictReader::Walk w(dict, dict.lower_bound(index::bigram_key(ch, 0))); !w.done() && w.entry().key < end_key;
         w.next()) {
      each_found(seg_.postings(w.entry()), [&](PostingCursor& c) {
        sc_.pos.clear();
        c.positions(sc_.pos);
        sc_.seen[c.doc()] += static_cast<uint32_t>(sc_.pos.size());
        // No shortcut on the bigram's visible_tf: ch can be visible where the
        // bigram is not (ch the last visible character before paid text).
        acc.add(c.doc(), seg_.doc(c.doc()), sc_.pos.data(), sc_.pos.size(), 1, heading);
      });
    }
    body_end(ch, [&](uint32_t d, const DocMeta& meta) {
      const uint32_t p = meta.norm_len - 1;
      acc.add(d, meta, &p, 1, 1, heading);
    });
    for (uint32_t d : fd_) sc_.seen[d] = 0;
  }

  // The occurrences no bigram starts at: fn(doc, meta) for each found document
  // whose body ends in ch (sc_.seen = its bigram positions).
  template <typename Fn>
  void body_end(char32_t ch, Fn&& fn) {
    each_found(seg_.gram(index::unigram_key(ch)), [&](PostingCursor& c) {
      if (para::ends_body(seg_, c, ch, sc_.seen[c.doc()])) fn(c.doc(), seg_.doc(c.doc()));
    });
  }

  void longer(const Cover& cv, uint32_t m, bool heading, Accumulator& acc) {
    const size_t k = cv.keys.size();
    sc_.cursors.resize(k);
    sc_.cover_pos.resize(k);
    for (size_t j = 0; j < k; ++j) {
      const GramPostings g = seg_.gram(cv.keys[j]);
      if (g.df == 0 || (vis_ && g.visible_df == 0)) return;
      sc_.cursors[j].reset(g);
    }
    for (uint32_t d : fd_) {
      bool all = true;
      for (size_t j = 0; j < k && all; ++j) {
        sc_.cursors[j].advance(d);
        if (sc_.cursors[j].done()) return;
        all = sc_.cursors[j].doc() == d && (!vis_ || sc_.cursors[j].visible_tf() != 0);
      }
      if (!all) continue;
      // Starts p with every covering gram at p + offset (as execution.cc).
      size_t driver = 0;
      for (size_t j = 0; j < k; ++j) {
        sc_.cover_pos[j].clear();
        sc_.cursors[j].positions(sc_.cover_pos[j]);
        if (sc_.cover_pos[j].size() < sc_.cover_pos[driver].size()) driver = j;
      }
      sc_.match.clear();
      std::vector<size_t> idx(k, 0);
      for (uint32_t q : sc_.cover_pos[driver]) {
        if (q < cv.offsets[driver]) continue;
        const uint32_t p = q - cv.offsets[driver];
        bool ok = true;
        for (size_t j = 0; j < k && ok; ++j) {
          if (j == driver) continue;
          const auto& pj = sc_.cover_pos[j];
          const uint32_t want = p + cv.offsets[j];
          size_t& i = idx[j];
          while (i < pj.size() && pj[i] < want) ++i;
          ok = i < pj.size() && pj[i] == want;
        }
        if (ok) sc_.match.push_back(p);
      }
      if (!sc_.match.empty()) acc.add(d, seg_.doc(d), sc_.match.data(), sc_.match.size(), m, heading);
    }
  }

  Scratch& sc_;
  const Segment& seg_;
  const std::vector<uint32_t>& fd_;
  bool vis_;
};

// docs/scoring.md: the positive part of the query holds in a paragraph (as
// collection.cc's para_holds, from per-term facts instead of text).
struct Holds {
  // (node, index of its first entry) sorted by node: searched once per
  // paragraph and term, where a hash lookup showed in profiles.
  const std::vector<std::pair<const QueryNode*, size_t>>& index;
  const std::vector<uint8_t>& fits;       // by positive term
  const std::vector<uint8_t>& title_has;  // by positive term (title: terms)
  bool operator()(const QueryNode& n) const {
    switch (n.kind) {
      case QueryNode::Kind::kTerm: {
        const QueryNode* key = &n;
        auto it = std::lower_bound(index.begin(), index.end(), key,
                                   [](const std::pair<const QueryNode*, size_t>& e, const QueryNode* k) { return e.first < k; });
        if (it == index.end() || it->first != key) return false;
        return n.field == Field::kTitle ? title_has[it->second] != 0 : fits[it->second] != 0;
      }
      case QueryNode::Kind::kAnd:
        for (const auto& c : n.children)
          if (!(*this)(c)) return false;
        return true;
      case QueryNode::Kind::kOr:
        for (const auto& c : n.children)
          if (c.kind != QueryNode::Kind::kNot && (*this)(c)) return true;
        return false;
      default:
        return true;  // kNot, filters: per document
    }
  }
};

}  // namespace

bool needs_text_occurrence(const QueryNode& n) {
  switch (n.kind) {
    case QueryNode::Kind::kTerm:
      return n.field != Field::kTitle;
    case QueryNode::Kind::kAnd:
      for (const auto& c : n.children)
        if (needs_text_occurrence(c)) return true;
      return false;
    case QueryNode::Kind::kOr:
      for (const auto& c : n.children)
        if (c.kind != QueryNode::Kind::kNot && !needs_text_occurrence(c)) return false;
      return true;
    default:
      return false;
  }
}

Status paragraph_hits_from_index(const Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                                 const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                                 const SearchRequest& r, size_t keep, const ParaOrder& better,
                                 std::vector<ParaHit>& out, uint64_t& total) {
  out.clear();
  total = 0;
  // The best `keep` so far are at most `cap` hits; past that they are cut back
  // to `keep`, and a hit not better than the worst kept at the last cut is
  // dropped on arrival (it cannot be among the best `keep`).
  const size_t cap = keep > (size_t{1} << 20) ? SIZE_MAX : 2 * keep + 256;
  bool cut = false;
  ParaHit worst{};
  Scratch& sc = scratch();
  const bool vis = r.visible_only;
  const size_t np = positives.size();
  std::unordered_map<const QueryNode*, size_t> pidx;
  std::vector<double> idf(np, 0);
  std::vector<const TermInfo*> info(np, nullptr);
  bool any_title = false;
  for (size_t i = 0; i < np; ++i) {
    pidx.emplace(positives[i], i);  // the first entry of a node, as the text path's occ lookup
    for (const auto& t : terms)
      if (t.node == positives[i]) {
        idf[i] = t.idf;
        info[i] = &t;
      }
    any_title |= positives[i]->field == Field::kTitle;
  }
  const bool need_occ = needs_text_occurrence(root);
  std::vector<std::vector<Entry>> lists(np);
  std::vector<size_t> at(np);
  std::vector<uint8_t> fits(np), title_has(np);
  std::vector<uint32_t> cnt(np);
  std::vector<uint32_t> fd;
  std::vector<Entry> cand;
  std::u32string title;
  // paragraph_term by (term, count, length) for the small counts and lengths
  // nearly every paragraph has: the same values (one call each), but a common
  // character scores a million paragraphs and the divisions showed in profiles.
  constexpr uint32_t kMemoCount = 8, kMemoLen = 1024;
  // (Per thread, not per call: a query of a rare term should not pay for it.)
  thread_local std::vector<double> memo;
  const bool memoize = np <= 4;
  if (memoize) memo.assign(np * kMemoCount * kMemoLen, std::numeric_limits<double>::quiet_NaN());
  auto term_score = [&](size_t i, uint32_t c, uint32_t len) {
    if (c >= kMemoCount || len >= kMemoLen || !memoize) return scoring::paragraph_term(idf[i], c, len);
    double& m = memo[(i * kMemoCount + c) * kMemoLen + len];
    if (std::isnan(m)) m = scoring::paragraph_term(idf[i], c, len);
    return m;
  };
  std::vector<std::pair<const QueryNode*, size_t>> flat(pidx.begin(), pidx.end());
  std::sort(flat.begin(), flat.end());
  const Holds holds{flat, fits, title_has};
  // Not sorting by date, the order is by score first (collection.cc's
  // result_order): a lower score than the worst kept is out without asking it.
  const bool by_score = r.sort != SearchRequest::Sort::kDate;
  // A query of one term (the common case): Holds reduced to that term's fact.
  size_t root_at = np;
  if (root.kind == QueryNode::Kind::kTerm)
    for (const auto& [node, i] : flat)
      if (node == &root) root_at = i;
  const bool one_term = root_at < np;
  const auto& nz = text::Normalizer::instance();

  for (size_t fb = 0; fb < found.size();) {
    if (over_budget(r)) return budget_error();
    const uint32_t part = found[fb].part;
    size_t fe = fb;
    while (fe < found.size() && found[fe].part == part) ++fe;
    const Segment& seg = *snap.parts()[part].segment;
    if (sc.slot.size() < seg.doc_count()) {
      sc.slot.resize(seg.doc_count(), 0);
      sc.seen.resize(seg.doc_count(), 0);
    }
    fd.clear();
    for (size_t i = fb; i < fe; ++i) {
      fd.push_back(found[i].doc);
      sc.slot[found[i].doc] = static_cast<uint32_t>(i + 1);
    }
    // Per positive term: the paragraphs its occurrences start in.
    TermScan scan(sc, seg, fd, vis);
    for (size_t i = 0; i < np; ++i) {
      lists[i].clear();
      const QueryNode& n = *positives[i];
      if (n.field == Field::kTitle || n.normalized.empty() || info[i] == nullptr) continue;
      if (pidx[&n] != i) continue;  // a repeated node: same facts as its first entry
      if (n.normalized.size() == 1 && n.field != Field::kHeading) {
        para::one_char_entries(seg, fd, sc.slot, vis, n.normalized[0], lists[i]);
        continue;
      }
      Accumulator acc(sc, seg, vis);
      scan.run(n, *info[i], acc);
      acc.finish(lists[i]);
    }
    for (size_t i = 0; i < np; ++i)
      if (pidx[positives[i]] != i) lists[i] = lists[pidx[positives[i]]];
    // The paragraphs to check, in key order: with one term's list, that list.
    cand.clear();
    const std::vector<Entry>* only = nullptr;
    size_t nonempty = 0;
    for (size_t i = 0; i < np; ++i)
      if (pidx[positives[i]] == i && !lists[i].empty()) {
        only = &lists[i];
        ++nonempty;
      }
    const std::vector<Entry>* checked = &cand;
    if (need_occ && nonempty <= 1) {
      if (only != nullptr) checked = only;
    } else if (need_occ) {
      for (const auto& l : lists) cand.insert(cand.end(), l.begin(), l.end());
      std::sort(cand.begin(), cand.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
      cand.erase(std::unique(cand.begin(), cand.end(), [](const Entry& a, const Entry& b) { return a.key == b.key; }),
                 cand.end());
    } else {
      for (uint32_t d : fd) {
        const DocMeta m = seg.doc(d);
        for (uint32_t j = 0; j < m.paragraph_count; ++j) {
          const uint64_t g = uint64_t{m.paragraph_first} + j;
          if (!vis) {
            cand.push_back({g << 32, d, 0});
            continue;
          }
          const uint32_t ps = span_a(m.paragraphs, j), pe = span_b(m.paragraphs, j);
          for (uint32_t v = 0; v < m.visible_count; ++v)
            if (std::max(ps, span_a(m.visible, v)) < std::min(pe, span_b(m.visible, v))) cand.push_back({g << 32 | v, d, 0});
        }
      }
    }
    std::fill(at.begin(), at.end(), 0);
    uint32_t cur = UINT32_MAX;
    DocMeta meta;
    double doc_score = 0;
    for (const Entry& c : *checked) {
      if (c.doc != cur) {
        cur = c.doc;
        meta = seg.doc(cur);
        doc_score = found[sc.slot[cur] - 1].score;
        if (any_title) {
          title.clear();
          nz.normalize(meta.title, title);
          for (size_t i = 0; i < np; ++i)
            title_has[i] = positives[i]->field == Field::kTitle && !positives[i]->normalized.empty() &&
                           title.find(positives[i]->normalized) != std::u32string::npos;
        }
      }
      const uint32_t j = static_cast<uint32_t>(c.key >> 32) - meta.paragraph_first;
      uint32_t lo = span_a(meta.paragraphs, j), hi = span_b(meta.paragraphs, j);
      if (vis) {
        const uint32_t v = static_cast<uint32_t>(c.key);
        lo = std::max(lo, span_a(meta.visible, v));
        hi = std::min(hi, span_b(meta.visible, v));
      }
      if (lo >= hi) continue;
      for (size_t i = 0; i < np; ++i) {
        const auto& l = lists[i];
        size_t& a = at[i];
        while (a < l.size() && l[a].key < c.key) ++a;
        const uint32_t e = a < l.size() && l[a].key == c.key ? l[a].cnt : 0;
        cnt[i] = e & kCountMask;
        fits[i] = (e & kFits) != 0;
      }
      if (!(one_term ? (root.field == Field::kTitle ? title_has[root_at] : fits[root_at]) != 0 : holds(root))) continue;
      const uint32_t len = hi - lo;
      double s = 0;
      for (size_t i = 0; i < np; ++i) s += term_score(i, cnt[i], len);
      s *= scoring::paragraph_quote_factor(len);
      const uint32_t base = meta.title_len + 1;
      ++total;
      if (keep == 0) continue;
      const ParaHit h{s + scoring::kParagraphDocTieBreak * doc_score, part, cur, c.key, lo - base, hi - base};
      if (cut && ((by_score && h.score < worst.score) || !better(h, worst))) continue;
      out.push_back(h);
      if (out.size() >= cap) {
        std::nth_element(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep - 1), out.end(), better);
        out.resize(keep);
        worst = out.back();
        cut = true;
      }
    }
    for (uint32_t d : fd) sc.slot[d] = 0;
    fb = fe;
  }
  return Status::ok();
}

}  // namespace wenyuan::search::detail
