// Query execution and scoring over an index snapshot. See engine.h and
// docs/scoring.md.
#include "wenyuan/search/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "wenyuan/text/normalize.h"

namespace wenyuan::search {

namespace {

using index::DocMeta;
using index::PostingCursor;
using index::Segment;
using index::Snapshot;

// Ranking constants (docs/scoring.md).
constexpr double kK1 = 1.2;
constexpr double kBodyB = 0.75;
constexpr double kTitleB = 0.5;
constexpr double kTitleWeight = 4.0;
constexpr double kHeadingWeight = 2.0;
constexpr double kBodyWeight = 1.0;

struct Scored {
  uint32_t doc;
  float score;
};
using DocList = std::vector<Scored>;

// Occurrence counts of one term in one document, by where they lie.
struct TermCounts {
  uint32_t title = 0, heading = 0, body = 0;
};

// The bigrams covering a term of length >= 3: offsets 0, 2, 4, … and m - 2.
struct Cover {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> offsets;
};
Cover cover_of(const std::u32string& t) {
  Cover c;
  const uint32_t m = static_cast<uint32_t>(t.size());
  for (uint32_t o = 0; o + 2 <= m; o += 2) {
    c.keys.push_back(index::bigram_key(t[o], t[o + 1]));
    c.offsets.push_back(o);
  }
  if (m % 2 == 1) {
    c.keys.push_back(index::bigram_key(t[m - 2], t[m - 1]));
    c.offsets.push_back(m - 2);
  }
  return c;
}

uint64_t key_of_short(const std::u32string& t) {
  return t.size() == 1 ? index::unigram_key(t[0]) : index::bigram_key(t[0], t[1]);
}

// Per-query facts shared by all segments: the idf of each term node.
struct TermInfo {
  const QueryNode* node;
  double idf;
  Cover cover;  // terms of length >= 3
};

// Per-thread scratch so the hot path does not allocate on every query.
struct Scratch {
  std::vector<std::vector<uint32_t>> pos;
  std::vector<PostingCursor> cursors;
  std::vector<size_t> idx;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// What a search may look at: everything (a member), or visible text only; and
// the average body length its length norms use (of visible bodies then).
struct View {
  bool visible_only = false;
  double avg_body_len = 1;
  uint32_t df(const index::GramPostings& g) const { return visible_only ? g.visible_df : g.df; }
};

View view_of(const Snapshot& snap, bool visible_only) {
  View v{visible_only, snap.avg_body_len()};
  if (!visible_only || snap.doc_count() == 0) return v;
  uint64_t sum = 0;
  for (const auto& p : snap.parts()) {
    sum += p.segment->total_visible_body_len();
    if (p.tombstones->deleted_count() == 0) continue;
    for (uint32_t d = 0; d < p.segment->doc_count(); ++d)
      if (p.is_deleted(d)) sum -= p.segment->lengths(d, true).second;
  }
  v.avg_body_len = std::max(1.0, static_cast<double>(sum) / static_cast<double>(snap.doc_count()));
  return v;
}

class SegmentExec {
 public:
  SegmentExec(const Snapshot& snap, const Snapshot::Part& part, const std::vector<TermInfo>& terms, const View& view)
      : snap_(snap), seg_(*part.segment), terms_(terms), view_(view) {}

  DocList eval(const QueryNode& n, const DocList* cand) {
    switch (n.kind) {
      case QueryNode::Kind::kTerm:
        return term(n, cand);
      case QueryNode::Kind::kAnd:
        return conj(n, cand);
      case QueryNode::Kind::kOr:
        return disj(n, cand);
      case QueryNode::Kind::kNot: {
        DocList all = all_docs(cand);
        DocList neg = n.children.empty() ? DocList{} : eval(n.children[0], &all);
        return minus(all, neg);
      }
      case QueryNode::Kind::kYear:
      case QueryNode::Kind::kSource:
      case QueryNode::Kind::kCategory: {
        DocList all = all_docs(cand);
        filter(all, n);
        return all;
      }
    }
    return {};
  }

  bool passes(const QueryNode& f, uint32_t d) const {
    DocMeta m = seg_.doc(d);
    switch (f.kind) {
      case QueryNode::Kind::kYear: {
        const int32_t y = m.year_for(view_.visible_only);
        return y != index::kNoYear && y >= f.year_from && y <= f.year_to;
      }
      case QueryNode::Kind::kSource:
        return source_matches(f, m.source);
      case QueryNode::Kind::kCategory:
        return m.category == f.text;
      default:
        return true;
    }
  }

 private:
  static bool is_filter(const QueryNode& n) {
    return n.kind == QueryNode::Kind::kYear || n.kind == QueryNode::Kind::kSource ||
           n.kind == QueryNode::Kind::kCategory;
  }

  const TermInfo& info(const QueryNode& n) const {
    for (const auto& t : terms_)
      if (t.node == &n) return t;
    return terms_.front();  // unreachable: every term node has an entry
  }

  DocList all_docs(const DocList* cand) const {
    if (cand != nullptr) {
      DocList r = *cand;
      for (auto& s : r) s.score = 0;
      return r;
    }
    DocList r(seg_.doc_count());
    for (uint32_t d = 0; d < seg_.doc_count(); ++d) r[d] = {d, 0.f};
    return r;
  }

  void filter(DocList& l, const QueryNode& f) const {
    l.erase(std::remove_if(l.begin(), l.end(), [&](const Scored& s) { return !passes(f, s.doc); }), l.end());
  }

  static DocList minus(const DocList& a, const DocList& b) {
    DocList r;
    r.reserve(a.size());
    size_t j = 0;
    for (const auto& s : a) {
      while (j < b.size() && b[j].doc < s.doc) ++j;
      if (j < b.size() && b[j].doc == s.doc) continue;
      r.push_back(s);
    }
    return r;
  }

  // Intersection of a and b (b is a subset of a's docs when evaluated with
  // a as candidates); scores add.
  static DocList intersect(const DocList& a, const DocList& b) {
    DocList r;
    r.reserve(std::min(a.size(), b.size()));
    size_t j = 0;
    for (const auto& s : a) {
      while (j < b.size() && b[j].doc < s.doc) ++j;
      if (j < b.size() && b[j].doc == s.doc) r.push_back({s.doc, s.score + b[j].score});
    }
    return r;
  }

  static DocList unite(const DocList& a, const DocList& b) {
    DocList r;
    r.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a[i].doc < b[j].doc)) r.push_back(a[i++]);
      else if (i == a.size() || b[j].doc < a[i].doc) r.push_back(b[j++]);
      else {
        r.push_back({a[i].doc, a[i].score + b[j].score});
        ++i;
        ++j;
      }
    }
    return r;
  }

  // Rough cost of evaluating a child: the smallest df among its grams.
  uint64_t cost(const QueryNode& n) const {
    if (n.kind != QueryNode::Kind::kTerm) return UINT64_MAX / 2;
    if (n.normalized.size() <= 2) return view_.df(seg_.gram(key_of_short(n.normalized)));
    uint64_t c = UINT64_MAX;
    for (uint64_t k : info(n).cover.keys) c = std::min<uint64_t>(c, view_.df(seg_.gram(k)));
    return c;
  }

  DocList conj(const QueryNode& n, const DocList* cand) {
    std::vector<const QueryNode*> pos, neg, filters;
    for (const auto& c : n.children) {
      if (c.kind == QueryNode::Kind::kNot) neg.push_back(&c);
      else if (is_filter(c)) filters.push_back(&c);
      else pos.push_back(&c);
    }
    std::vector<std::pair<uint64_t, const QueryNode*>> ordered;
    for (const auto* c : pos) ordered.push_back({cost(*c), c});
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    DocList cur;
    if (ordered.empty()) {
      cur = all_docs(cand);
    } else {
      cur = eval(*ordered[0].second, cand);
      for (size_t i = 1; i < ordered.size() && !cur.empty(); ++i) cur = intersect(cur, eval(*ordered[i].second, &cur));
    }
    for (const auto* f : filters) filter(cur, *f);
    for (const auto* x : neg) {
      if (cur.empty()) break;
      if (x->children.empty()) continue;
      cur = minus(cur, eval(x->children[0], &cur));
    }
    return cur;
  }

  DocList disj(const QueryNode& n, const DocList* cand) {
    DocList cur;
    for (const auto& c : n.children) cur = unite(cur, eval(c, cand));
    return cur;
  }

  double score(const TermCounts& c, uint32_t d, double idf) const {
    const auto [title_len, body_len] = seg_.lengths(d, view_.visible_only);
    const double tl = title_len, bl = body_len;
    const double tnorm = 1 - kTitleB + kTitleB * tl / snap_.avg_title_len();
    const double bnorm = 1 - kBodyB + kBodyB * bl / view_.avg_body_len;
    const double w = kTitleWeight * c.title / tnorm + (kHeadingWeight * c.heading + kBodyWeight * c.body) / bnorm;
    return idf * w * (kK1 + 1) / (kK1 + w);
  }

  DocList term(const QueryNode& n, const DocList* cand) {
    if (n.normalized.empty()) return {};
    if (n.normalized.size() <= 2) return short_term(n, cand);
    return long_term(n, cand);
  }

  // Terms of one or two characters: the gram's doc list decides, with the
  // in_title / in_heading flags for fields.
  DocList short_term(const QueryNode& n, const DocList* cand) {
    DocList r;
    index::GramPostings g = seg_.gram(key_of_short(n.normalized));
    if (view_.df(g) == 0) return r;
    const double idf = info(n).idf;
    const bool vis = view_.visible_only;
    PostingCursor c(g);
    auto emit = [&] {
      const uint32_t tf = vis ? c.visible_tf() : c.tf();
      if (tf == 0) return;  // occurs in paid text only
      TermCounts tc;
      tc.title = c.in_title() ? 1 : 0;
      tc.heading = (vis ? c.visible_in_heading() : c.in_heading()) ? 1 : 0;
      uint32_t rest = tf - tc.title;
      tc.body = rest > tc.heading ? rest - tc.heading : 0;
      if (n.field == Field::kTitle) {
        if (!tc.title) return;
        tc.heading = tc.body = 0;
      } else if (n.field == Field::kHeading) {
        if (!tc.heading) return;
        tc.title = tc.body = 0;
      }
      r.push_back({c.doc(), static_cast<float>(score(tc, c.doc(), idf))});
    };
    if (cand != nullptr) {
      for (const auto& s : *cand) {
        c.advance(s.doc);
        if (c.done()) break;
        if (c.doc() == s.doc) emit();
      }
    } else {
      r.reserve(view_.df(g));
      for (; !c.done(); c.next()) emit();
    }
    return r;
  }

  DocList long_term(const QueryNode& n, const DocList* cand) {
    DocList r;
    const TermInfo& ti = info(n);
    const Cover& cv = ti.cover;
    const size_t k = cv.keys.size();
    Scratch& sc = scratch();
    sc.cursors.resize(k);
    sc.pos.resize(k);
    for (size_t j = 0; j < k; ++j) {
      index::GramPostings g = seg_.gram(cv.keys[j]);
      if (view_.df(g) == 0) return r;
      sc.cursors[j].reset(g);
    }
    // The rarest gram drives the doc-level intersection.
    uint32_t driver = 0;
    for (uint32_t j = 1; j < k; ++j)
      if (sc.cursors[j].df() < sc.cursors[driver].df()) driver = j;
    const uint32_t m = static_cast<uint32_t>(n.normalized.size());
    size_t ci = 0;  // position in cand
    PostingCursor& dc = sc.cursors[driver];
    while (!dc.done()) {
      uint32_t target = dc.doc();
      if (cand != nullptr) {
        while (ci < cand->size() && (*cand)[ci].doc < target) ++ci;
        if (ci == cand->size()) break;
        if ((*cand)[ci].doc != target) {
          dc.advance((*cand)[ci].doc);
          continue;
        }
      }
      // Leapfrog: bring every cursor to target; restart on overshoot.
      bool all = true;
      for (size_t j = 0; j < k && all; ++j) {
        if (j == driver) continue;
        sc.cursors[j].advance(target);
        if (sc.cursors[j].done()) return r;
        if (sc.cursors[j].doc() != target) {
          dc.advance(sc.cursors[j].doc());
          all = false;
        }
      }
      if (!all) continue;
      if (view_.visible_only) {
        // Every covering gram must occur visibly where a visible match is.
        for (size_t j = 0; j < k && all; ++j) all = sc.cursors[j].visible_tf() != 0;
        if (!all) {
          dc.next();
          continue;
        }
      }
      TermCounts tc;
      if (count_in_doc(n, target, m, tc)) {
        r.push_back({target, static_cast<float>(score(tc, target, ti.idf))});
      }
      dc.next();
    }
    return r;
  }

  // Positions check for one doc where every covering gram occurs.
  bool count_in_doc(const QueryNode& n, uint32_t d, uint32_t m, TermCounts& tc) {
    Scratch& sc = scratch();
    const Cover& cv = info(n).cover;
    const size_t k = cv.keys.size();
    size_t driver = 0;
    for (size_t j = 0; j < k; ++j) {
      sc.pos[j].clear();
      sc.cursors[j].positions(sc.pos[j]);
      if (sc.pos[j].size() < sc.pos[driver].size()) driver = j;
    }
    const DocMeta meta = seg_.doc(d);
    sc.idx.assign(k, 0);
    const std::vector<uint32_t>& dp = sc.pos[driver];
    bool any = false;
    for (uint32_t q : dp) {
      if (q < cv.offsets[driver]) continue;
      const uint32_t p = q - cv.offsets[driver];
      bool ok = true;
      for (size_t j = 0; j < k && ok; ++j) {
        if (j == driver) continue;
        const std::vector<uint32_t>& pj = sc.pos[j];
        const uint32_t want = p + cv.offsets[j];
        size_t& i = sc.idx[j];
        while (i < pj.size() && pj[i] < want) ++i;
        ok = i < pj.size() && pj[i] == want;
      }
      if (!ok) continue;
      // The match is [p, p + m): title, heading or body.
      if (view_.visible_only && !meta.is_visible(p, m)) continue;
      const bool in_title = p < meta.title_len;
      const bool in_head = !in_title && meta.in_heading(p, m, view_.visible_only);
      if (n.field == Field::kTitle && !in_title) continue;
      if (n.field == Field::kHeading && !in_head) continue;
      any = true;
      if (in_title) ++tc.title;
      else if (in_head) ++tc.heading;
      else ++tc.body;
    }
    return any;
  }

  const Snapshot& snap_;
  const Segment& seg_;
  const std::vector<TermInfo>& terms_;
  const View& view_;
};

void collect_terms(const QueryNode& n, std::vector<const QueryNode*>& out) {
  if (n.kind == QueryNode::Kind::kTerm) out.push_back(&n);
  for (const auto& c : n.children) collect_terms(c, out);
}

std::vector<TermInfo> term_infos(const Snapshot& snap, const QueryNode& root, const View& view) {
  std::vector<const QueryNode*> nodes;
  collect_terms(root, nodes);
  std::vector<TermInfo> out;
  const double N = static_cast<double>(std::max<uint64_t>(1, snap.doc_count()));
  for (const QueryNode* n : nodes) {
    TermInfo t{n, 0.0, {}};
    uint64_t df = 0;
    if (n->normalized.size() <= 2 && !n->normalized.empty()) {
      const uint64_t key = key_of_short(n->normalized);
      for (const auto& p : snap.parts()) df += view.df(p.segment->gram(key));
    } else if (!n->normalized.empty()) {
      t.cover = cover_of(n->normalized);
      df = UINT64_MAX;
      for (uint64_t key : t.cover.keys) {
        uint64_t s = 0;
        for (const auto& p : snap.parts()) s += view.df(p.segment->gram(key));
        df = std::min(df, s);
      }
    }
    const double dfd = std::min<double>(static_cast<double>(df), N);
    t.idf = std::log(1.0 + (N - dfd + 0.5) / (dfd + 0.5));
    out.push_back(std::move(t));
  }
  return out;
}

struct Found {
  float score;
  uint32_t part;
  uint32_t doc;
};

// Matching documents of every part, tombstones removed.
std::vector<Found> run(const Snapshot& snap, const QueryNode& root, const std::vector<TermInfo>& terms, const View& view) {
  std::vector<Found> found;
  for (uint32_t pi = 0; pi < snap.parts().size(); ++pi) {
    const auto& part = snap.parts()[pi];
    SegmentExec ex(snap, part, terms, view);
    DocList l = ex.eval(root, nullptr);
    for (const auto& s : l)
      if (!part.is_deleted(s.doc)) found.push_back({s.score, pi, s.doc});
  }
  return found;
}

// All [start, end) occurrences of `needle` in `hay` (overlapping ones too).
void find_all(std::u32string_view hay, std::u32string_view needle, std::vector<uint32_t>& out) {
  if (needle.empty() || needle.size() > hay.size()) return;
  for (size_t at = hay.find(needle); at != std::u32string_view::npos; at = hay.find(needle, at + 1))
    out.push_back(static_cast<uint32_t>(at));
}

// The text of a hit, normalized, with the positions of each positive term.
struct HitText {
  index::StoredText stored;
  index::NormalizedDoc norm;
  std::vector<std::pair<const QueryNode*, std::vector<uint32_t>>> occ;  // text-relative normalized starts
};

// Spans clipped to `vis` (sorted, disjoint): every non-empty piece of a span
// that lies in one visible region.
std::vector<doc::Span> clip_to(const std::vector<doc::Span>& spans, const std::vector<doc::Span>& vis) {
  std::vector<doc::Span> out;
  size_t v = 0;
  for (const auto& s : spans) {
    while (v < vis.size() && vis[v].end <= s.start) ++v;
    for (size_t w = v; w < vis.size() && vis[w].start < s.end; ++w) {
      const uint32_t a = std::max(s.start, vis[w].start), b = std::min(s.end, vis[w].end);
      if (a < b) out.push_back({a, b});
    }
  }
  return out;
}

// A non-member's view of a hit's stored text: every code point outside the
// visible regions becomes '\n' (offsets unchanged; a snippet never crosses a
// line break, so none reaches into paid text), and sentences and paragraphs are
// clipped to the visible regions, so nothing built from them depends on paid text.
void mask_paid(index::StoredText& t) {
  std::string out;
  out.reserve(t.text.size());
  uint32_t cp = 0;
  size_t v = 0;
  const auto& vis = t.visible;
  for (size_t i = 0; i < t.text.size();) {
    size_t n = 1;
    const auto b = static_cast<unsigned char>(t.text[i]);
    if (b >= 0xF0) n = 4;
    else if (b >= 0xE0) n = 3;
    else if (b >= 0xC0) n = 2;
    n = std::min(n, t.text.size() - i);
    while (v < vis.size() && vis[v].end <= cp) ++v;
    if (v < vis.size() && vis[v].start <= cp) out.append(t.text, i, n);
    else out.push_back('\n');
    i += n;
    ++cp;
  }
  t.text = std::move(out);
  t.sentences = clip_to(t.sentences, vis);
  t.paragraphs = clip_to(t.paragraphs, vis);
}

Status load_hit_text(const Segment& seg, uint32_t d, const std::vector<const QueryNode*>& positives, HitText& h,
                     bool visible_only) {
  auto t = seg.load_text(d);
  if (!t) return t.status();
  h.stored = std::move(t).value();
  DocMeta meta = seg.doc(d);
  index::normalize_document(meta.title, h.stored.text, &h.norm);
  const std::u32string_view text = std::u32string_view(h.norm.chars).substr(h.norm.title_len + 1);
  const uint32_t base = h.norm.title_len + 1;
  h.occ.clear();
  for (const QueryNode* n : positives) {
    std::vector<uint32_t> starts;
    if (n->field != Field::kTitle) {
      find_all(text, n->normalized, starts);
      const uint32_t m = static_cast<uint32_t>(n->normalized.size());
      if (visible_only) {
        starts.erase(std::remove_if(starts.begin(), starts.end(),
                                    [&](uint32_t s) { return !meta.is_visible(base + s, m); }),
                     starts.end());
      }
      if (n->field == Field::kHeading) {
        starts.erase(std::remove_if(starts.begin(), starts.end(),
                                    [&](uint32_t s) { return !meta.in_heading(base + s, m, visible_only); }),
                     starts.end());
      }
    }
    h.occ.push_back({n, std::move(starts)});
  }
  // The masked text is what snippets are cut from; normalization above ran on
  // the real text, whose positions the occurrences and origins refer to.
  if (visible_only) mask_paid(h.stored);
  return Status::ok();
}

// Match ranges in original code points, restricted to normalized text range [lo, hi).
std::vector<doc::Span> match_spans(const HitText& h, uint32_t lo, uint32_t hi) {
  std::vector<doc::Span> r;
  const auto& origin = h.norm.text_origin;
  for (const auto& [n, starts] : h.occ) {
    const uint32_t m = static_cast<uint32_t>(n->normalized.size());
    for (uint32_t s : starts) {
      if (s < lo || s + m > hi) continue;
      r.push_back({origin[s], origin[s + m - 1] + 1});
    }
  }
  std::sort(r.begin(), r.end(), [](const doc::Span& a, const doc::Span& b) { return a.start < b.start || (a.start == b.start && a.end > b.end); });
  // Merge overlaps so highlights never nest.
  std::vector<doc::Span> merged;
  for (const auto& s : r) {
    if (!merged.empty() && s.start < merged.back().end) merged.back().end = std::max(merged.back().end, s.end);
    else merged.push_back(s);
    if (merged.size() >= kMaxMatches) break;
  }
  return merged;
}

Hit make_hit(const DocMeta& m, double score, bool visible_only) {
  Hit h;
  h.id = m.id;
  h.title = m.title;
  if (m.year_for(visible_only) != index::kNoYear) h.year = m.year_for(visible_only);
  h.date = m.date;
  h.source = m.source;
  h.category = m.category;
  h.score = score;
  return h;
}

bool date_before(const DocMeta& a, const DocMeta& b, bool visible_only) {  // a sorts first (newer)
  const int32_t ya = a.year_for(visible_only), yb = b.year_for(visible_only);
  if (ya != yb) return ya > yb;  // kNoYear is INT32_MIN: last
  return a.date > b.date;
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
  std::u32string_view title = std::u32string_view(h.norm.chars).substr(0, h.norm.title_len);
  return title.find(n.normalized) != std::u32string_view::npos;
}

// True if the positive part of the query can hold in a paragraph only where
// some text occurrence of a positive term starts (mirrors para_holds): then
// only the paragraphs holding an occurrence need checking.
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
      return true;  // no branch holds without an occurrence (or none can hold at all)
    default:
      return false;
  }
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
  const auto& origin = h.norm.text_origin;
  for (const auto& [n, starts] : h.occ) {
    for (uint32_t s : starts) {
      const uint32_t o = origin[s];  // the original code point the occurrence starts at
      auto it = std::upper_bound(ps.begin(), ps.end(), o, [](uint32_t v, const doc::Span& p) { return v < p.start; });
      if (it == ps.begin()) continue;
      --it;
      if (o < it->end) out.push_back(static_cast<uint32_t>(it - ps.begin()));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

Result<SearchResult> Engine::search(const SearchRequest& r) const {
  auto q = parse_query(r.query);
  if (!q) return q.status();
  return search(*q, r);
}

Result<std::vector<std::string>> Engine::matching_ids(std::string_view query) const {
  auto q = parse_query(query);
  if (!q) return q.status();
  return matching_ids(*q);
}

std::vector<std::string> Engine::matching_ids(const Query& q) const {
  auto snap = index_.snapshot();
  const View view = view_of(*snap, false);
  auto terms = term_infos(*snap, q.root, view);
  std::vector<std::string> ids;
  for (const auto& f : run(*snap, q.root, terms, view)) ids.emplace_back(snap->parts()[f.part].segment->doc(f.doc).id);
  return ids;
}

Result<SearchResult> Engine::search(const Query& q, const SearchRequest& r) const {
  const auto t0 = std::chrono::steady_clock::now();
  auto snap = index_.snapshot();
  const View view = view_of(*snap, r.visible_only);
  const auto terms = term_infos(*snap, q.root, view);
  std::vector<Found> found = run(*snap, q.root, terms, view);
  const auto positives = positive_terms(q.root);
  SearchResult res;
  auto meta = [&](uint32_t part, uint32_t doc) { return snap->parts()[part].segment->doc(doc); };

  if (r.unit == SearchRequest::Unit::kDocument) {
    res.total = found.size();
    auto better = [&](const Found& a, const Found& b) {
      if (r.sort == SearchRequest::Sort::kDate) {
        DocMeta ma = meta(a.part, a.doc), mb = meta(b.part, b.doc);
        if (date_before(ma, mb, r.visible_only)) return true;
        if (date_before(mb, ma, r.visible_only)) return false;
      }
      if (a.score != b.score) return a.score > b.score;
      return a.part != b.part ? a.part < b.part : a.doc < b.doc;
    };
    const size_t want = std::min(found.size(), r.offset + r.limit);
    if (r.limit > 0 && r.offset < found.size()) {
      std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(want), found.end(), better);
      HitText ht;  // reused: its buffers are large for long laws
      for (size_t i = r.offset; i < want; ++i) {
        const Found& f = found[i];
        const Segment& seg = *snap->parts()[f.part].segment;
        Hit h = make_hit(seg.doc(f.doc), f.score, r.visible_only);
        if (r.snippets || r.matches) {
          WENYUAN_RETURN_IF_ERROR(load_hit_text(seg, f.doc, positives, ht, r.visible_only));
          h.matches = match_spans(ht, 0, UINT32_MAX);
          if (r.snippets) h.snippets = make_snippets(ht.stored.text, ht.stored.sentences, h.matches, r.max_snippets);
          if (!r.matches) h.matches.clear();
        }
        res.hits.push_back(std::move(h));
      }
    }
  } else {
    // Paragraph unit: every matching document's text is read to find its
    // matching paragraphs (exact, slower than the document unit).
    struct ParaHit {
      double score;
      uint32_t part, doc, para;
    };
    std::vector<ParaHit> paras;
    HitText ht;
    const bool needs_occurrence = needs_text_occurrence(q.root);
    std::vector<uint32_t> cand;  // paragraph indices to check, in order
    for (const Found& f : found) {
      const Segment& seg = *snap->parts()[f.part].segment;
      WENYUAN_RETURN_IF_ERROR(load_hit_text(seg, f.doc, positives, ht, r.visible_only));
      const auto& origin = ht.norm.text_origin;
      candidate_paragraphs(ht, needs_occurrence, cand);
      for (uint32_t pi : cand) {
        const doc::Span sp = ht.stored.paragraphs[pi];
        const uint32_t lo = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), sp.start) - origin.begin());
        const uint32_t hi = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), sp.end) - origin.begin());
        if (lo >= hi || !para_holds(q.root, ht, lo, hi, title_has)) continue;
        // Score: saturated occurrence count per term, weighted by idf, over paragraph length.
        double s = 0;
        for (const auto& [n, starts] : ht.occ) {
          uint32_t cnt = 0;
          for (auto it = std::lower_bound(starts.begin(), starts.end(), lo); it != starts.end() && *it < hi; ++it) ++cnt;
          double idf = 0;
          for (const auto& t : terms)
            if (t.node == n) idf = t.idf;
          const double norm = 1 - kBodyB + kBodyB * (hi - lo) / 120.0;
          s += idf * cnt * (kK1 + 1) / (cnt + kK1 * norm);
        }
        paras.push_back({s + 0.001 * f.score, f.part, f.doc, pi});
      }
    }
    res.total = paras.size();
    auto better = [&](const ParaHit& a, const ParaHit& b) {
      if (r.sort == SearchRequest::Sort::kDate) {
        DocMeta ma = meta(a.part, a.doc), mb = meta(b.part, b.doc);
        if (date_before(ma, mb, r.visible_only)) return true;
        if (date_before(mb, ma, r.visible_only)) return false;
      }
      if (a.score != b.score) return a.score > b.score;
      if (a.part != b.part) return a.part < b.part;
      return a.doc != b.doc ? a.doc < b.doc : a.para < b.para;
    };
    const size_t want = std::min(paras.size(), r.offset + r.limit);
    if (r.limit > 0 && r.offset < paras.size()) {
      std::partial_sort(paras.begin(), paras.begin() + static_cast<std::ptrdiff_t>(want), paras.end(), better);
      for (size_t i = r.offset; i < want; ++i) {
        const ParaHit& p = paras[i];
        const Segment& seg = *snap->parts()[p.part].segment;
        Hit h = make_hit(seg.doc(p.doc), p.score, r.visible_only);
        WENYUAN_RETURN_IF_ERROR(load_hit_text(seg, p.doc, positives, ht, r.visible_only));
        const doc::Span sp = ht.stored.paragraphs[p.para];
        const auto& origin = ht.norm.text_origin;
        const uint32_t lo = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), sp.start) - origin.begin());
        const uint32_t hi = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), sp.end) - origin.begin());
        h.paragraph = sp;
        h.matches = match_spans(ht, lo, hi);
        // The hit is the paragraph: its snippet never leaves it.
        if (r.snippets) h.snippets = make_snippets(ht.stored.text, ht.stored.sentences, h.matches, r.max_snippets, kSnippetChars, sp);
        if (!r.matches) h.matches.clear();
        res.hits.push_back(std::move(h));
      }
    }
  }
  res.took_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  return res;
}

}  // namespace wenyuan::search
