// Hit text: occurrences from the postings, match ranges through the origin
// map, snippets from the blocks around the matches (hit_text.h).
#include "wenyuan/search/hit_text.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "wenyuan/index/format.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/search/execution.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search::detail {

namespace {

using index::DocMeta;
using index::Segment;

// Position-space starts of term `t` (two or more code points) in doc `d`: the
// positions the engine matched (docs/index-format.md "Grams": the covering
// bigrams at p + offset, exact without reading text).
void term_positions(const Segment& seg, uint32_t d, const std::u32string& t, std::vector<uint32_t>& out) {
  const Cover cv = cover_of(t);
  const size_t k = cv.keys.size();
  thread_local std::vector<std::vector<uint32_t>> pos;
  if (pos.size() < k) pos.resize(k);
  for (size_t j = 0; j < k; ++j) {
    pos[j].clear();
    index::PostingCursor c(seg.gram(cv.keys[j]));
    if (c.done()) return;
    c.advance(d);
    if (c.done() || c.doc() != d) return;
    c.positions(pos[j]);
  }
  std::vector<size_t> idx(k, 0);
  for (uint32_t p : pos[0]) {  // offsets[0] == 0
    bool ok = true;
    for (size_t j = 1; j < k && ok; ++j) {
      const uint32_t want = p + cv.offsets[j];
      size_t& i = idx[j];
      while (i < pos[j].size() && pos[j][i] < want) ++i;
      ok = i < pos[j].size() && pos[j][i] == want;
    }
    if (ok) out.push_back(p);
  }
}

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

}  // namespace

Status load_hit_text(const Segment& seg, uint32_t d, const std::vector<const QueryNode*>& positives, HitText& h,
                     bool visible_only, OccurrenceNeed need) {
  h.has_spans = false;
  h.seg = &seg;
  h.doc = d;
  h.visible_only = visible_only;
  WENYUAN_ASSIGN_OR_RETURN(h.region, seg.text_region(d));
  WENYUAN_RETURN_IF_ERROR(h.region.spans(h.stored));
  h.stored.text.clear();
  h.text_b0 = h.text_b1 = 0;
  const DocMeta meta = seg.doc(d);
  const auto& norm = text::Normalizer::instance();
  h.title.clear();
  norm.normalize(meta.title, h.title);
  const uint32_t base = meta.title_len + 1;
  // The filters every occurrence passes, whichever way it was found.
  auto keep = [&](const QueryNode* n, uint32_t s) {
    const auto m = static_cast<uint32_t>(n->normalized.size());
    if (visible_only && !meta.is_visible(base + s, m)) return false;
    return n->field != Field::kHeading || meta.in_heading(base + s, m, visible_only);
  };
  // One-character terms: their slot in h.occ and how many text occurrences
  // are still to be found (tf counts title and text; kUnknown without a
  // posting entry, e.g. a corrupt index: then the scan runs to the end).
  constexpr uint32_t kUnknown = UINT32_MAX;
  struct One {
    size_t slot;
    char32_t c;
    uint32_t left;
  };
  std::vector<One> ones;
  h.occ.clear();
  std::vector<uint32_t> at;
  for (const QueryNode* n : positives) {
    std::vector<uint32_t> starts;
    const auto m = static_cast<uint32_t>(n->normalized.size());
    if (n->field != Field::kTitle && m == 1) {
      const char32_t c = n->normalized[0];
      uint32_t left = kUnknown;
      index::PostingCursor cur(seg.gram(index::unigram_key(c)));
      if (!cur.done()) cur.advance(d);
      if (!cur.done() && cur.doc() == d) {
        const auto in_title = static_cast<uint32_t>(std::count(h.title.begin(), h.title.end(), c));
        left = cur.tf() > in_title ? cur.tf() - in_title : 0;
      }
      ones.push_back({h.occ.size(), c, left});
    } else if (n->field != Field::kTitle && m > 1) {
      at.clear();
      term_positions(seg, d, n->normalized, at);
      for (uint32_t p : at)
        if (p >= base && keep(n, p - base)) starts.push_back(p - base);
    }
    h.occ.push_back({n, std::move(starts)});
  }
  if (!ones.empty() && h.region.block_count() > 0) {
    // The blocks that can hold an occurrence inside [lo, hi): from the last
    // one starting at or before lo to the last one starting before hi.
    const index::TextRegion& rg = h.region;
    uint32_t b0 = 0, b1 = rg.block_count();
    if (!need.every) {
      while (b0 + 1 < b1 && rg.block_first_norm(b0 + 1) <= need.lo) ++b0;  // few blocks: linear is fine
      while (b1 > b0 && rg.block_first_norm(b1 - 1) >= need.hi) --b1;
    }
    h.text_b0 = h.text_b1 = b0;
    size_t in_range = 0;  // occurrences kept inside [lo, hi)
    for (uint32_t b = b0; b < b1; ++b) {
      if (std::all_of(ones.begin(), ones.end(), [](const One& o) { return o.left == 0; })) break;
      const size_t from = h.stored.text.size();
      WENYUAN_RETURN_IF_ERROR(rg.decode(b, b + 1, h.stored.text));
      h.text_b1 = b + 1;
      const std::string_view block = std::string_view(h.stored.text).substr(from);
      const uint32_t first = rg.block_first_norm(b);
      for (One& o : ones) {
        if (o.left == 0) continue;
        auto& starts = h.occ[o.slot].second;
        at.clear();
        norm.find(block, o.c, at);  // the block's normalized text, not built
        for (uint32_t a : at) {
          const uint32_t s = first + a;
          if (o.left != kUnknown && o.left > 0) --o.left;
          if (!keep(h.occ[o.slot].first, s)) continue;
          starts.push_back(s);
          in_range += s >= need.lo && s < need.hi;
        }
      }
      // Past kMaxMatches ranges: every occurrence not read yet starts at an
      // original code point >= the next block's first, so once the
      // kMaxMatches-th range match_spans gives starts before that, the
      // ranges it returns no longer change (it stops at that range).
      if (!need.every && in_range >= kMaxMatches && b + 1 < b1) {
        std::vector<doc::Span> got = match_spans(h, need.lo, need.hi);
        if (got.size() >= kMaxMatches && got.back().start < rg.block_first_cp(b + 1)) {
          h.spans = std::move(got);
          h.spans_lo = need.lo;
          h.spans_hi = need.hi;
          h.has_spans = true;
          break;
        }
      }
    }
  }
  if (visible_only) {
    h.stored.sentences = clip_to(h.stored.sentences, h.stored.visible);
    h.stored.paragraphs = clip_to(h.stored.paragraphs, h.stored.visible);
  }
  return Status::ok();
}

// Match ranges in original code points, restricted to normalized text range [lo, hi).
std::vector<doc::Span> match_spans(const HitText& h, uint32_t lo, uint32_t hi) {
  if (h.has_spans && h.spans_lo == lo && h.spans_hi == hi) return h.spans;
  std::vector<doc::Span> r;
  for (const auto& [n, starts] : h.occ) {
    const uint32_t m = static_cast<uint32_t>(n->normalized.size());
    // Starts come sorted (postings, blocks in order): two cursors walk the map.
    index::OriginMap::Cursor first(h.region.map()), last(h.region.map());
    for (uint32_t s : starts) {
      if (s < lo || s + m > hi) continue;
      r.push_back({first.origin(s), last.origin(s + m - 1) + 1});
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

}  // namespace wenyuan::search::detail
