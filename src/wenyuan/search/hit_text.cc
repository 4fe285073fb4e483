// Hit text: occurrences from the postings, match ranges through the origin
// map, snippets from the blocks around the matches (hit_text.h).
#include "wenyuan/search/hit_text.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "wenyuan/search/engine.h"
#include "wenyuan/search/execution.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search::detail {

namespace {

using index::DocMeta;
using index::Segment;

// All starts of the one-code-point `c` in `hay`.
void find_all(std::u32string_view hay, char32_t c, std::vector<uint32_t>& out) {
  for (size_t at = hay.find(c); at != std::u32string_view::npos; at = hay.find(c, at + 1))
    out.push_back(static_cast<uint32_t>(at));
}

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
                     bool visible_only) {
  h.seg = &seg;
  h.doc = d;
  h.visible_only = visible_only;
  WENYUAN_ASSIGN_OR_RETURN(h.region, seg.text_region(d));
  WENYUAN_RETURN_IF_ERROR(h.region.spans(h.stored));
  h.stored.text.clear();
  h.whole = false;
  const DocMeta meta = seg.doc(d);
  const auto& norm = text::Normalizer::instance();
  h.title.clear();
  norm.normalize(meta.title, h.title);
  const uint32_t base = meta.title_len + 1;
  // A one-character term: unigrams keep no positions, so its occurrences come
  // from the normalized text (normalized per code point: no origin needed).
  thread_local std::u32string chars;
  const bool needs_text = std::any_of(positives.begin(), positives.end(), [](const QueryNode* n) {
    return n->field != Field::kTitle && n->normalized.size() == 1;
  });
  if (needs_text) {
    h.stored.text.reserve(h.region.text_bytes());
    WENYUAN_RETURN_IF_ERROR(h.region.decode(0, h.region.block_count(), h.stored.text));
    h.whole = true;
    chars.clear();
    norm.normalize(h.stored.text, chars);
  }
  h.occ.clear();
  std::vector<uint32_t> at;
  for (const QueryNode* n : positives) {
    std::vector<uint32_t> starts;
    const auto m = static_cast<uint32_t>(n->normalized.size());
    if (n->field != Field::kTitle && m > 0) {
      if (m == 1) {
        find_all(chars, n->normalized[0], starts);
      } else {
        at.clear();
        term_positions(seg, d, n->normalized, at);
        for (uint32_t p : at)
          if (p >= base) starts.push_back(p - base);
      }
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
  if (visible_only) {
    h.stored.sentences = clip_to(h.stored.sentences, h.stored.visible);
    h.stored.paragraphs = clip_to(h.stored.paragraphs, h.stored.visible);
  }
  return Status::ok();
}

// Match ranges in original code points, restricted to normalized text range [lo, hi).
std::vector<doc::Span> match_spans(const HitText& h, uint32_t lo, uint32_t hi) {
  std::vector<doc::Span> r;
  for (const auto& [n, starts] : h.occ) {
    const uint32_t m = static_cast<uint32_t>(n->normalized.size());
    for (uint32_t s : starts) {
      if (s < lo || s + m > hi) continue;
      r.push_back({h.origin(s), h.origin(s + m - 1) + 1});
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
