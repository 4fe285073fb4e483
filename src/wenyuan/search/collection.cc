// Collection of hits: document and paragraph top-k (collection.h).
#include "wenyuan/search/collection.h"

#include <algorithm>
#include <cstring>

#include "wenyuan/search/hit_text.h"
#include "wenyuan/search/paragraph_index.h"
#include "wenyuan/search/scoring.h"

namespace wenyuan::search::detail {

namespace {

using index::DocMeta;
using index::Segment;
using index::Snapshot;

Hit make_hit(const DocMeta& m, double score, bool visible_only) {
  Hit h;
  h.id = m.id;
  h.score = score;
  h.title = m.title;
  if (m.year_for(visible_only) != index::kNoYear) h.year = m.year_for(visible_only);
  h.date = m.date;
  h.source = m.source;
  h.category = m.category;
  h.type = m.type;
  return h;
}

// SearchRequest::ids_only: the ids and scores of hits [first, last) (Found or
// ParaHit), packed.
template <typename It>
void pack_ids(const Snapshot& snap, It first, It last, IdList& out) {
  const size_t n = static_cast<size_t>(last - first);
  out.ends.reserve(n);
  out.scores.reserve(n);
  out.bytes.reserve(n * 16);  // the importers' ids are 16 hex digits
  for (It it = first; it != last; ++it) out.push(snap.parts()[it->part].segment->id(it->doc), it->score);
}

bool date_before(const DocMeta& a, const DocMeta& b, bool visible_only) {  // a sorts first (newer)
  const int32_t ya = a.year_for(visible_only), yb = b.year_for(visible_only);
  if (ya != yb) return ya > yb;  // kNoYear is INT32_MIN: last
  return a.date > b.date;
}

// The order of results, documents (Found) and paragraphs (with a `para`) alike:
// newest first when sorting by date, then score descending, then index position
// (part, document, paragraph), so equal scores keep a stable order.
template <typename H>
auto result_order(const Snapshot& snap, const SearchRequest& r) {
  return [&snap, &r](const H& a, const H& b) {
    if (r.sort == SearchRequest::Sort::kDate) {
      const DocMeta ma = snap.parts()[a.part].segment->doc(a.doc), mb = snap.parts()[b.part].segment->doc(b.doc);
      if (date_before(ma, mb, r.visible_only)) return true;
      if (date_before(mb, ma, r.visible_only)) return false;
    }
    if (a.score != b.score) return a.score > b.score;
    if (a.part != b.part) return a.part < b.part;
    if constexpr (requires { a.para; }) {
      if (a.doc != b.doc) return a.doc < b.doc;
      return a.para < b.para;
    } else {
      return a.doc < b.doc;
    }
  };
}

// result_order for relevance over a whole set: score descending, ties in
// (part, doc) order, which is the order run() emits `found` in. A stable LSD
// radix sort of the scores' bits (4 passes of 8 bits, a pass skipped where all
// keys share the byte) carries each entry's index: linear, where a comparison
// sort of the thousands of hits of a one-character term spent more time than
// finding them.
void sort_by_score(std::vector<Found>& found) {
  static_assert(sizeof(float) == sizeof(uint32_t));
  struct Entry {
    uint32_t key, index;
  };
  const size_t n = found.size();
  std::vector<Entry> a(n), b(n);
  for (size_t i = 0; i < n; ++i) {
    // A float's bits as an unsigned key of the same order (negative: all bits
    // flipped; positive: the sign bit set); -0 is made +0, which compares
    // equal to it. Inverted, the best score sorts first. Scores are finite.
    const float s = found[i].score == 0 ? 0.0f : found[i].score;
    uint32_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    bits = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
    a[i] = {~bits, static_cast<uint32_t>(i)};
  }
  for (int shift = 0; shift < 32; shift += 8) {
    size_t count[257] = {};
    for (const Entry& e : a) ++count[((e.key >> shift) & 0xff) + 1];
    if (std::find(count + 1, count + 257, n) != count + 257) continue;  // one bucket: nothing moves
    for (int i = 1; i < 257; ++i) count[i] += count[i - 1];
    for (const Entry& e : a) b[count[(e.key >> shift) & 0xff]++] = e;
    a.swap(b);
  }
  std::vector<Found> sorted(n);
  for (size_t i = 0; i < n; ++i) sorted[i] = found[a[i].index];
  found.swap(sorted);
}

// Paragraph unit: does the positive part of the query hold inside normalized
// text range [lo, hi)? NOT and filters were decided per document already.
bool para_holds(const QueryNode& n, const HitText& h, uint32_t lo, uint32_t hi, bool title_has(const QueryNode&, const HitText&)) {
  switch (n.kind) {
    case QueryNode::Kind::kTerm: {
      if (n.field == Field::kTitle) return title_has(n, h);
      const uint32_t m = static_cast<uint32_t>(n.normalized.size());
      for (const auto& [node, starts] : h.occ) {
        if (node != &n) continue;
        auto it = std::lower_bound(starts.begin(), starts.end(), lo);
        return it != starts.end() && *it + m <= hi;
      }
      return false;
    }
    case QueryNode::Kind::kAnd:
      for (const auto& c : n.children)
        if (!para_holds(c, h, lo, hi, title_has)) return false;
      return true;
    case QueryNode::Kind::kOr:
      for (const auto& c : n.children)
        if (c.kind != QueryNode::Kind::kNot && para_holds(c, h, lo, hi, title_has)) return true;
      return false;
    default:
      return true;  // kNot, filters: per document
  }
}

bool title_has(const QueryNode& n, const HitText& h) {
  return h.title.find(n.normalized) != std::u32string::npos;
}

// The indices of the paragraphs of `h` worth checking, in order: with
// `needs_occurrence`, those where an occurrence of a positive term starts
// (found from the occurrences, not by visiting every paragraph of a long law);
// otherwise all.
void candidate_paragraphs(const HitText& h, bool needs_occurrence, std::vector<uint32_t>& out) {
  out.clear();
  const auto& ps = h.stored.paragraphs;
  if (!needs_occurrence) {
    for (uint32_t i = 0; i < ps.size(); ++i) out.push_back(i);
    return;
  }
  for (const auto& [n, starts] : h.occ) {
    for (uint32_t s : starts) {
      const uint32_t o = h.origin(s);  // the original code point the occurrence starts at
      auto it = std::upper_bound(ps.begin(), ps.end(), o, [](uint32_t v, const doc::Span& p) { return v < p.start; });
      if (it == ps.begin()) continue;
      --it;
      if (o < it->end) out.push_back(static_cast<uint32_t>(it - ps.begin()));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

// Paragraph unit, the text path: every matching document's text is read and
// re-normalized to find its matching paragraphs (SearchRequest::paragraphs_from_text;
// the index path, paragraph_index.cc, must give the same hits).
Status paragraph_hits_from_text(const Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                                const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                                const SearchRequest& r, std::vector<ParaHit>& paras) {
  HitText ht;
  const bool needs_occurrence = needs_text_occurrence(root);
  std::vector<uint32_t> cand;  // paragraph indices to check, in order
  for (const Found& f : found) {
    if (over_budget(r)) return budget_error();
    const Segment& seg = *snap.parts()[f.part].segment;
    WENYUAN_RETURN_IF_ERROR(load_hit_text(seg, f.doc, positives, ht, r.visible_only));
    candidate_paragraphs(ht, needs_occurrence, cand);
    for (uint32_t pi : cand) {
      const doc::Span sp = ht.stored.paragraphs[pi];
      const uint32_t lo = ht.norm_of(sp.start), hi = ht.norm_of(sp.end);
      if (lo >= hi || !para_holds(root, ht, lo, hi, title_has)) continue;
      // Score: saturated occurrence count per term, weighted by idf, over paragraph length.
      double s = 0;
      for (const auto& [n, starts] : ht.occ) {
        uint32_t cnt = 0;
        for (auto it = std::lower_bound(starts.begin(), starts.end(), lo); it != starts.end() && *it < hi; ++it) ++cnt;
        double idf = 0;
        for (const auto& t : terms)
          if (t.node == n) idf = t.idf;
        s += scoring::paragraph_term(idf, cnt, hi - lo);
      }
      s *= scoring::paragraph_quote_factor(hi - lo);
      paras.push_back({s + scoring::kParagraphDocTieBreak * f.score, f.part, f.doc, pi, lo, hi});
    }
  }
  return Status::ok();
}

}  // namespace

void order_documents(const Snapshot& snap, std::vector<Found>& found, const SearchRequest& r, size_t want) {
  want = std::min(want, found.size());
  // A full set (--limit 0) sorts everything: introsort beats partial_sort's heap there.
  if (want == found.size() && r.sort == SearchRequest::Sort::kRelevance) sort_by_score(found);
  else if (want == found.size()) std::sort(found.begin(), found.end(), result_order<Found>(snap, r));
  else std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(want), found.end(),
                         result_order<Found>(snap, r));
}

Result<Hit> document_hit(const Snapshot& snap, const Found& f, const std::vector<const QueryNode*>& positives,
                         const SearchRequest& r, HitText& ht) {
  const Segment& seg = *snap.parts()[f.part].segment;
  Hit h = make_hit(seg.doc(f.doc), f.score, r.visible_only);
  if (r.snippets || r.matches) {
    WENYUAN_RETURN_IF_ERROR(
        load_hit_text(seg, f.doc, positives, ht, r.visible_only, OccurrenceNeed::for_matches(0, UINT32_MAX)));
    h.matches = match_spans(ht, 0, UINT32_MAX);
    if (r.snippets) {
      WENYUAN_ASSIGN_OR_RETURN(h.snippets, hit_snippets(ht, h.matches, r.max_snippets));
    }
    if (!r.matches) h.matches.clear();
  }
  return h;
}

Status collect_documents(const Snapshot& snap, std::vector<Found>& found, const std::vector<const QueryNode*>& positives,
                         const SearchRequest& r, SearchResult& res) {
  res.total = found.size();
  const size_t want = std::min(found.size(), r.offset + std::min(r.limit, SIZE_MAX - r.offset));
  if (r.limit > 0 && r.offset < found.size()) {
    order_documents(snap, found, r, want);
    if (r.ids_only) {
      pack_ids(snap, found.begin() + static_cast<std::ptrdiff_t>(r.offset),
               found.begin() + static_cast<std::ptrdiff_t>(want), res.ids);
      return Status::ok();
    }
    res.hits.reserve(want - r.offset);
    HitText ht;  // reused: its buffers are large for long laws
    for (size_t i = r.offset; i < want; ++i) {
      WENYUAN_ASSIGN_OR_RETURN(Hit h, document_hit(snap, found[i], positives, r, ht));
      res.hits.push_back(std::move(h));
    }
  }
  return Status::ok();
}

Status rank_paragraphs(const Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                       const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                       const SearchRequest& r, size_t keep, std::vector<ParaHit>& paras, uint64_t& total) {
  paras.clear();
  const auto better = result_order<ParaHit>(snap, r);
  if (r.paragraphs_from_text) {
    WENYUAN_RETURN_IF_ERROR(paragraph_hits_from_text(snap, root, found, terms, positives, r, paras));
    total = paras.size();
  } else {
    WENYUAN_RETURN_IF_ERROR(paragraph_hits_from_index(snap, root, found, terms, positives, r, keep, better, paras, total));
  }
  const size_t want = std::min(paras.size(), keep);
  std::partial_sort(paras.begin(), paras.begin() + static_cast<std::ptrdiff_t>(want), paras.end(), better);
  return Status::ok();
}

Result<Hit> paragraph_hit(const Snapshot& snap, const ParaHit& p, const std::vector<const QueryNode*>& positives,
                          const SearchRequest& r, HitText& ht) {
  const Segment& seg = *snap.parts()[p.part].segment;
  Hit h = make_hit(seg.doc(p.doc), p.score, r.visible_only);
  // Only the hits shown read their text: the paragraph (clipped to a visible
  // region for a non-member) is the one holding normalized position lo, and
  // the snippet never leaves it.
  WENYUAN_RETURN_IF_ERROR(
      load_hit_text(seg, p.doc, positives, ht, r.visible_only, OccurrenceNeed::for_matches(p.lo, p.hi)));
  const auto& ps = ht.stored.paragraphs;
  const uint32_t o = ht.origin(p.lo);
  auto it = std::upper_bound(ps.begin(), ps.end(), o, [](uint32_t v, const doc::Span& q) { return v < q.start; });
  if (it == ps.begin() || o >= std::prev(it)->end) return Status::corruption(seg.name() + ": paragraph not in the text");
  const doc::Span sp = *std::prev(it);
  h.paragraph = sp;
  h.matches = match_spans(ht, p.lo, p.hi);
  if (r.snippets) {
    WENYUAN_ASSIGN_OR_RETURN(h.snippets, hit_snippets(ht, h.matches, r.max_snippets, kSnippetChars, sp));
  }
  if (!r.matches) h.matches.clear();
  return h;
}

Status collect_paragraphs(const Snapshot& snap, const QueryNode& root, const std::vector<Found>& found,
                          const std::vector<TermInfo>& terms, const std::vector<const QueryNode*>& positives,
                          const SearchRequest& r, SearchResult& res) {
  std::vector<ParaHit> paras;
  const size_t keep = r.limit == 0 ? 0 : r.offset + std::min(r.limit, SIZE_MAX - r.offset);
  WENYUAN_RETURN_IF_ERROR(rank_paragraphs(snap, root, found, terms, positives, r, keep, paras, res.total));
  const size_t want = std::min(paras.size(), keep);
  if (r.limit > 0 && r.offset < paras.size()) {
    if (r.ids_only) {
      pack_ids(snap, paras.begin() + static_cast<std::ptrdiff_t>(r.offset),
               paras.begin() + static_cast<std::ptrdiff_t>(want), res.ids);
      return Status::ok();
    }
    HitText ht;
    for (size_t i = r.offset; i < want; ++i) {
      WENYUAN_ASSIGN_OR_RETURN(Hit h, paragraph_hit(snap, paras[i], positives, r, ht));
      res.hits.push_back(std::move(h));
    }
  }
  return Status::ok();
}

}  // namespace wenyuan::search::detail
