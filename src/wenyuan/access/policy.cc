#include "wenyuan/access/policy.h"

#include <algorithm>
#include <map>

#include "wenyuan/text/utf8.h"

namespace wenyuan::access {

namespace {

struct Interval {
  uint32_t start = 0;
  uint32_t end = 0;
  bool locked = false;
};

// The text cut into readable and locked intervals that tile [0, text_chars).
// Anything not covered by a region counts as locked in a paid document (a
// malformed region list must fail closed, never open).
std::vector<Interval> intervals(const doc::Document& d, bool may_read_paid) {
  std::vector<Interval> out;
  auto push = [&out](uint32_t s, uint32_t e, bool locked) {
    if (s >= e) return;
    if (!out.empty() && out.back().locked == locked && out.back().end == s) {
      out.back().end = e;
    } else {
      out.push_back({s, e, locked});
    }
  };
  const uint32_t n = d.text_chars;
  if (d.regions.empty()) {
    push(0, n, d.access == doc::Access::kPaid && !may_read_paid);
    return out;
  }
  uint32_t pos = 0;
  for (const auto& r : d.regions) {
    const uint32_t s = std::min(std::max(r.start, pos), n);
    const uint32_t e = std::min(r.end, n);
    if (s > pos) push(pos, s, true);  // a gap
    if (e > s) {
      push(s, e, r.kind == doc::RegionKind::kPaid && !may_read_paid);
      pos = e;
    }
    pos = std::max(pos, s);
  }
  if (pos < n) push(pos, n, true);
  return out;
}

// The code points [s, e) of valid UTF-8 `text` (clamped), found by counting
// lead bytes: no allocation, one pass over the bytes before `e`. Search hits
// call this once per snippet, so it must not cost a whole-document table.
std::string_view slice_code_points(std::string_view text, uint32_t s, uint32_t e) {
  if (e < s) e = s;
  size_t i = 0, k = 0, begin = text.size();
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (k == s) begin = i;
    if (k == e) break;
    ++k;
  }
  if (begin > i) begin = i;
  return text.substr(begin, i - begin);
}

// Byte offsets of every code point boundary of `text`, computed once per view.
struct CodePoints {
  explicit CodePoints(std::string_view t) : text(t), offsets(text::code_point_byte_offsets(t)) {}
  std::string_view slice(uint32_t s, uint32_t e) const {
    const size_t n = offsets.size() - 1;
    s = std::min<uint32_t>(s, n);
    e = std::min<uint32_t>(std::max(e, s), n);
    return text.substr(offsets[s], offsets[e] - offsets[s]);
  }
  std::string_view text;
  std::vector<uint32_t> offsets;
};

void collect_heading_levels(const std::vector<doc::OutlineNode>& nodes, std::map<uint32_t, int>& out) {
  for (const auto& n : nodes) {
    out.emplace(n.heading.start, n.level);
    collect_heading_levels(n.children, out);
  }
}

// The outline a reader's views are built from: a non-member's is the public
// one (analysed from visible text alone), so not even which visible lines are
// headings depends on paid text.
const std::vector<doc::OutlineNode>& outline_for(const doc::Document& d, bool may_read_paid) {
  return may_read_paid || !d.public_outline ? d.outline : *d.public_outline;
}

const Interval* readable_containing(const std::vector<Interval>& iv, uint32_t s, uint32_t e) {
  for (const auto& i : iv) {
    if (!i.locked && i.start <= s && e <= i.end) return &i;
  }
  return nullptr;
}

void visible_nodes(const std::vector<doc::OutlineNode>& nodes, const std::vector<Interval>& iv, const CodePoints& cp,
                   std::vector<VisibleOutlineNode>& out) {
  for (const auto& n : nodes) {
    const uint32_t hs = std::min(n.heading.start, n.start);
    const uint32_t he = std::max(n.heading.end, hs);
    const Interval* in = readable_containing(iv, hs, std::max(he, hs + 1));
    if (in == nullptr) continue;
    VisibleOutlineNode v;
    v.level = n.level;
    v.kind = doc::to_string(n.kind);
    v.marker = n.marker;
    // The title must be readable text: it is shown only if it is a slice of the
    // (readable) heading, so an analyzer that put other text there cannot leak it.
    const std::string_view heading_text = cp.slice(hs, he);
    if (heading_text.find(n.title) != std::string_view::npos) v.title = n.title;
    if (heading_text.find(n.marker) == std::string_view::npos) v.marker.clear();
    v.start = n.start;
    v.end = std::min(n.end, in->end);
    v.heading = {hs, he};
    visible_nodes(n.children, iv, cp, v.children);
    out.push_back(std::move(v));
  }
}

void locked_entries(const std::vector<Interval>& iv, std::vector<VisibleOutlineNode>& out) {
  for (const auto& i : iv) {
    if (!i.locked) continue;
    VisibleOutlineNode v;
    v.locked = true;
    v.kind = "locked";
    v.title = std::string(kLockedTitle);
    v.start = i.start;
    v.end = i.end;
    out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const VisibleOutlineNode& a, const VisibleOutlineNode& b) { return a.start < b.start; });
}

// One readable interval copied into a download text: where it came from and
// where it went.
struct Piece {
  uint32_t from = 0, to = 0, at = 0;
};

std::optional<uint32_t> remap(const std::vector<Piece>& pieces, uint32_t pos) {
  for (const auto& p : pieces) {
    if (p.from <= pos && pos <= p.to) return p.at + (pos - p.from);
  }
  return std::nullopt;
}

void remap_outline(const std::vector<VisibleOutlineNode>& in, const std::vector<Piece>& pieces,
                   std::vector<doc::OutlineNode>& out) {
  for (const auto& v : in) {
    if (v.locked) continue;
    auto s = remap(pieces, v.start);
    auto e = remap(pieces, v.end);
    if (!s || !e || *e < *s) continue;
    doc::OutlineNode n;
    n.level = v.level;
    // v came from an OutlineNode (locked entries were skipped above), so its kind is a doc kind.
    n.kind = doc::outline_kind_from_string(v.kind).value_or(doc::OutlineKind::kHeading);
    n.marker = v.marker;
    n.title = v.title;
    n.start = *s;
    n.end = *e;
    n.heading = {*s, *s + static_cast<uint32_t>(text::count_code_points(v.marker + v.title))};
    n.heading.end = std::min(n.heading.end, n.end);
    remap_outline(v.children, pieces, n.children);
    out.push_back(std::move(n));
  }
}

}  // namespace

const char* to_string(Tier t) {
  switch (t) {
    case Tier::kAnonymous: return "anonymous";
    case Tier::kFree: return "free";
    case Tier::kVip: return "vip";
    case Tier::kSvip: return "svip";
    case Tier::kAdmin: return "admin";
  }
  return "anonymous";
}

std::optional<Tier> tier_from_string(std::string_view s) {
  for (int i = 0; i < kTierCount; ++i) {
    if (s == to_string(static_cast<Tier>(i))) return static_cast<Tier>(i);
  }
  return std::nullopt;
}

std::vector<VisibleRegion> Policy::regions(const doc::Document& d, Tier t) const {
  std::vector<VisibleRegion> out;
  const bool paid_ok = may_read_paid(t);
  for (const auto& r : d.regions) out.push_back({r, r.kind == doc::RegionKind::kPaid && !paid_ok});
  return out;
}

bool Policy::is_locked(const doc::Document& d, Tier t) const {
  for (const auto& i : intervals(d, may_read_paid(t))) {
    if (i.locked) return true;
  }
  return false;
}

bool Policy::is_full_paid_download(const doc::Document& d, Tier t) const {
  if (!may_read_paid(t)) return false;
  for (const auto& i : intervals(d, false)) {
    if (i.locked) return true;
  }
  return false;
}

std::vector<Block> Policy::visible_blocks(const doc::Document& d, Tier t) const {
  const auto iv = intervals(d, may_read_paid(t));
  const CodePoints cp(d.text);
  std::map<uint32_t, int> levels;
  collect_heading_levels(outline_for(d, may_read_paid(t)), levels);

  std::vector<Block> out;
  size_t p = 0;  // paragraphs are sorted; walk them alongside the intervals
  for (const auto& i : iv) {
    if (i.locked) {
      Block b;
      b.kind = Block::Kind::kLocked;
      b.start = i.start;
      b.end = i.end;
      b.characters = i.end - i.start;
      out.push_back(std::move(b));
      continue;
    }
    while (p < d.paragraphs.size() && d.paragraphs[p].end <= i.start) ++p;
    for (size_t q = p; q < d.paragraphs.size() && d.paragraphs[q].start < i.end; ++q) {
      const uint32_t s = std::max(d.paragraphs[q].start, i.start);
      const uint32_t e = std::min(d.paragraphs[q].end, i.end);
      if (s >= e) continue;
      Block b;
      b.start = s;
      b.end = e;
      b.text = std::string(cp.slice(s, e));
      auto lv = levels.find(s);
      if (lv != levels.end() && s == d.paragraphs[q].start) b.heading_level = lv->second;
      out.push_back(std::move(b));
    }
  }
  return out;
}

namespace {
// Bait: the headings of the full outline that start in a locked interval, as
// locked entries (title and marker only; no extent beyond the heading start).
void locked_headings(const std::vector<doc::OutlineNode>& nodes, const std::vector<Interval>& iv, const CodePoints& cp,
                     std::vector<VisibleOutlineNode>& out) {
  for (const auto& n : nodes) {
    if (n.kind != doc::OutlineKind::kEnum) {
      for (const auto& i : iv) {
        if (!i.locked || n.heading.start < i.start || n.heading.start >= i.end) continue;
        VisibleOutlineNode v;
        v.locked = true;
        v.kind = "locked_heading";
        v.level = n.level;
        v.marker = n.marker;
        const std::string_view heading_text = cp.slice(n.heading.start, n.heading.end);
        v.title = heading_text.find(n.title) != std::string_view::npos ? n.title : std::string();
        v.start = v.end = n.heading.start;
        out.push_back(std::move(v));
      }
    }
    locked_headings(n.children, iv, cp, out);
  }
}
}  // namespace

std::vector<VisibleOutlineNode> Policy::visible_outline(const doc::Document& d, Tier t) const {
  const bool paid_ok = may_read_paid(t);
  const auto iv = intervals(d, paid_ok);
  const CodePoints cp(d.text);
  std::vector<VisibleOutlineNode> out;
  visible_nodes(outline_for(d, paid_ok), iv, cp, out);
  locked_entries(iv, out);
  if (!paid_ok && config_.show_locked_headings) {
    locked_headings(d.outline, iv, cp, out);
    std::stable_sort(out.begin(), out.end(),
                     [](const VisibleOutlineNode& a, const VisibleOutlineNode& b) { return a.start < b.start; });
  }
  return out;
}

bool Policy::snippet_visible(const std::vector<doc::Region>& regions, Tier t, uint32_t start, uint32_t end) const {
  if (may_read_paid(t)) return true;
  if (end <= start) end = start + 1;
  uint32_t covered = start;
  for (const auto& r : regions) {
    if (r.end <= start || r.start >= end) continue;
    if (r.kind == doc::RegionKind::kPaid) return false;
    if (r.start <= covered) covered = std::max(covered, r.end);
  }
  return covered >= end;  // every code point lies in a preview region
}

bool Policy::hides_text(const doc::Document& d, Tier t) const {
  for (const Interval& i : intervals(d, may_read_paid(t)))
    if (i.locked) return true;
  return false;
}

SnippetView Policy::redact_snippet(const doc::Document& d, Tier t, std::string_view text, uint32_t start,
                                   uint32_t end, const std::vector<std::pair<uint32_t, uint32_t>>& highlights) const {
  SnippetView v;
  v.start = start;
  v.end = end;
  bool ok = d.regions.empty() ? (d.access == doc::Access::kFree || may_read_paid(t))
                              : snippet_visible(d.regions, t, start, end);
  // In a document that hides text from `t`, a snippet must be the document's
  // own text at the offsets it claims; if it is not, the offsets cannot be
  // trusted to say what it reveals (an index a commit behind a document made
  // paid, text and regions moved). A document `t` may read whole has nothing
  // such offsets could reveal: the comparison, and reading its text for it,
  // is left out (bench/RESULTS.md 2026-12-04: a fifth of an uncached page).
  if (ok && hides_text(d, t)) ok = slice_code_points(d.text, start, end) == text;
  if (!ok) {
    v.locked = true;
    return v;
  }
  v.text = std::string(text);
  v.highlights = highlights;
  return v;
}

std::string Policy::download_text(const doc::Document& d, Tier t) const {
  return download_document(d, t).text;
}

doc::Document Policy::download_document(const doc::Document& d, Tier t, bool paid_allowed) const {
  const bool paid_ok = may_read_paid(t) && paid_allowed;
  const auto iv = intervals(d, paid_ok);
  const CodePoints cp(d.text);
  doc::Document out;
  out.id = d.id;
  out.title = d.title;
  out.year = year(d, t);
  out.date = d.date;
  out.source = d.source;
  out.category = d.category;
  out.issuer = issuer(d, t);
  out.tags = d.tags;
  out.access = d.access;
  out.format = d.format;
  out.encoding = d.encoding;
  out.imported_at = d.imported_at;

  std::vector<Piece> pieces;
  uint32_t at = 0;
  const uint32_t note_chars = static_cast<uint32_t>(text::count_code_points(kLockedNote));
  for (size_t k = 0; k < iv.size(); ++k) {
    const auto& i = iv[k];
    if (!i.locked) {
      const std::string_view s = cp.slice(i.start, i.end);
      pieces.push_back({i.start, i.end, at});
      out.text += s;
      at += i.end - i.start;
      continue;
    }
    if (!out.text.empty() && out.text.back() != '\n') {
      out.text += '\n';
      ++at;
    }
    out.text += kLockedNote;
    at += note_chars;
    if (k + 1 < iv.size()) {
      out.text += '\n';
      ++at;
    }
  }
  out.text_chars = at;
  out.regions = {{doc::RegionKind::kPreview, 0, at}};
  // Paragraphs: the non-empty lines of the new text.
  uint32_t line_start = 0, pos = 0;
  for (size_t b = 0; b <= out.text.size(); ++b) {
    const bool end = b == out.text.size();
    if (end || out.text[b] == '\n') {
      if (pos > line_start) out.paragraphs.push_back({line_start, pos});
      if (end) break;
      ++pos;
      line_start = pos;
      continue;
    }
    if ((static_cast<unsigned char>(out.text[b]) & 0xC0) != 0x80) ++pos;
  }
  std::vector<VisibleOutlineNode> outline;
  visible_nodes(outline_for(d, paid_ok), iv, cp, outline);
  remap_outline(outline, pieces, out.outline);
  return out;
}

std::string Policy::summary(const doc::Document& d, Tier t, size_t max_chars) const {
  std::string out;
  size_t n = 0;
  const CodePoints cp(d.text);
  for (const auto& i : intervals(d, may_read_paid(t))) {
    if (i.locked) break;  // a summary is the readable beginning only
    const uint32_t take = static_cast<uint32_t>(std::min<size_t>(i.end - i.start, max_chars - n));
    out += cp.slice(i.start, i.start + take);
    n += take;
    if (n >= max_chars) break;
  }
  return out;
}

}  // namespace wenyuan::access
