// Query execution: per segment, the query tree evaluated to sorted (doc,
// score) lists (docs/scoring.md "Execution"; execution.h).
#include "wenyuan/search/execution.h"

#include <algorithm>

#include "wenyuan/search/scoring.h"

namespace wenyuan::search::detail {

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

namespace {

using index::DocMeta;
using index::PostingCursor;
using index::Segment;
using index::Snapshot;

struct Scored {
  uint32_t doc;
  float score;
};
using DocList = std::vector<Scored>;

// Occurrence counts of one term in one document, by where they lie.
struct TermCounts {
  uint32_t title = 0, heading = 0, body = 0;
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
      case QueryNode::Kind::kCategory:
      case QueryNode::Kind::kType: {
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
      case QueryNode::Kind::kType:
        return m.type == f.text;  // public (from visible text): the same for every tier
      default:
        return true;
    }
  }

 private:
  static bool is_filter(const QueryNode& n) {
    return n.kind == QueryNode::Kind::kYear || n.kind == QueryNode::Kind::kSource ||
           n.kind == QueryNode::Kind::kCategory || n.kind == QueryNode::Kind::kType;
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
    return scoring::document_term(c.title, c.heading, c.body, title_len, body_len, snap_.avg_title_len(),
                                  view_.avg_body_len, idf);
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

}  // namespace


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
    t.idf = scoring::idf(N, dfd);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Found> run(const Snapshot& snap, const QueryNode& root, const std::vector<TermInfo>& terms, const View& view,
                       const SearchRequest* budget) {
  std::vector<Found> found;
  for (uint32_t pi = 0; pi < snap.parts().size(); ++pi) {
    if (budget != nullptr && over_budget(*budget)) break;  // search() reports it
    const auto& part = snap.parts()[pi];
    SegmentExec ex(snap, part, terms, view);
    DocList l = ex.eval(root, nullptr);
    for (const auto& s : l)
      if (!part.is_deleted(s.doc)) found.push_back({s.score, pi, s.doc});
  }
  return found;
}

Result<Execution> execute(const index::Index& index, const Query& q, const SearchRequest& r) {
  Execution ex;
  ex.snap = index.snapshot();
  ex.view = view_of(*ex.snap, r.visible_only);
  ex.terms = term_infos(*ex.snap, q.root, ex.view);
  ex.found = run(*ex.snap, q.root, ex.terms, ex.view, &r);
  if (over_budget(r)) return budget_error();
  ex.positives = positive_terms(q.root);
  return ex;
}

}  // namespace wenyuan::search::detail
