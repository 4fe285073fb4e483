// Hit text: stored text -> normalized occurrences and match ranges (hit_text.h).
#include "wenyuan/search/hit_text.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "wenyuan/search/engine.h"

namespace wenyuan::search::detail {

namespace {

using index::DocMeta;
using index::Segment;

// All [start, end) occurrences of `needle` in `hay` (overlapping ones too).
void find_all(std::u32string_view hay, std::u32string_view needle, std::vector<uint32_t>& out) {
  if (needle.empty() || needle.size() > hay.size()) return;
  for (size_t at = hay.find(needle); at != std::u32string_view::npos; at = hay.find(needle, at + 1))
    out.push_back(static_cast<uint32_t>(at));
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

}  // namespace

Status load_hit_text(const Segment& seg, uint32_t d, const std::vector<const QueryNode*>& positives, HitText& h,
                     bool visible_only) {
  WENYUAN_ASSIGN_OR_RETURN(auto t, seg.load_text(d));
  h.stored = std::move(t);
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

}  // namespace wenyuan::search::detail
