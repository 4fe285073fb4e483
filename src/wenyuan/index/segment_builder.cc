// Segment building: documents -> the bytes of one segment file (format.h).
#include <algorithm>
#include <numeric>

#include "wenyuan/index/doc_fields.h"
#include "wenyuan/index/postings_builder.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/index/text_store.h"
#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {

void normalize_document(std::string_view title, std::string_view text, NormalizedDoc* out) {
  const auto& n = text::Normalizer::instance();
  out->chars.clear();
  out->text_origin.clear();
  n.normalize(title, out->chars);
  out->title_len = static_cast<uint32_t>(out->chars.size());
  out->chars.push_back(kSep);
  n.normalize(text, out->chars, &out->text_origin);
}

// ---- building ---------------------------------------------------------------

namespace {

// Open-addressing map gram key -> dense gram id; the builder's hot path.
class GramTable {
 public:
  GramTable() { rehash(1 << 16); }
  uint32_t get_or_add(uint64_t key, std::vector<uint64_t>& keys) {
    size_t i = hash(key) & mask_;
    while (true) {
      uint64_t k = slots_[i];
      if (k == key) return ids_[i];
      if (k == kEmpty) break;
      i = (i + 1) & mask_;
    }
    if ((size_ + 1) * 2 > slots_.size()) {
      rehash(slots_.size() * 2);
      return get_or_add(key, keys);
    }
    slots_[i] = key;
    ids_[i] = static_cast<uint32_t>(keys.size());
    keys.push_back(key);
    ++size_;
    return ids_[i];
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static size_t hash(uint64_t k) { return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> 20); }
  void rehash(size_t cap) {
    std::vector<uint64_t> old_slots = std::move(slots_);
    std::vector<uint32_t> old_ids = std::move(ids_);
    slots_.assign(cap, kEmpty);
    ids_.assign(cap, 0);
    mask_ = cap - 1;
    for (size_t j = 0; j < old_slots.size(); ++j) {
      if (old_slots[j] == kEmpty) continue;
      size_t i = hash(old_slots[j]) & mask_;
      while (slots_[i] != kEmpty) i = (i + 1) & mask_;
      slots_[i] = old_slots[j];
      ids_[i] = old_ids[j];
    }
  }
  std::vector<uint64_t> slots_;
  std::vector<uint32_t> ids_;
  size_t mask_ = 0, size_ = 0;
};

void pad8(std::string& out) {
  while (out.size() % 8 != 0) out.push_back('\0');
}


using internal::kInHeadingBit;
using internal::kMaxPositions;
using internal::kVisibleBit;
using internal::kVisibleHeadingBit;

}  // namespace

namespace {
void collect_headings(const std::vector<doc::OutlineNode>& nodes, std::vector<doc::Span>& out) {
  for (const auto& n : nodes) {
    if (n.kind != doc::OutlineKind::kEnum && n.heading.end > n.heading.start) out.push_back(n.heading);
    collect_headings(n.children, out);
  }
}
}  // namespace

IndexDoc to_index_doc(const doc::Document& d) {
  IndexDoc x;
  internal::copy_descriptive_fields(d, x);
  x.year = d.year;
  x.imported_at = d.imported_at;
  x.text = d.text;
  x.text_chars = d.text_chars != 0 || d.text.empty() ? d.text_chars : static_cast<uint32_t>(text::count_code_points(d.text));
  x.sentences = d.sentences;
  x.paragraphs = d.paragraphs;
  collect_headings(d.outline, x.headings);
  // The preview regions are what every tier reads (access::Policy's rule); a
  // paid document without regions shows nothing, so it has no visible range.
  if (d.access == doc::Access::kPaid || !d.regions.empty()) {
    std::vector<doc::Span> vis;
    for (const auto& r : d.regions)
      if (r.kind == doc::RegionKind::kPreview && r.end > r.start) vis.push_back({r.start, r.end});
    if (!internal::covers_whole_text(vis, x.text_chars)) {
      x.visible = std::move(vis);
      collect_headings(d.public_outline ? *d.public_outline : d.outline, x.public_headings);
      x.public_year = d.public_year;
    }
  }
  return x;
}

Result<std::string> build_segment(const std::vector<const IndexDoc*>& docs) { return build_segment(docs, {}); }

Result<std::string> build_segment(const std::vector<const IndexDoc*>& docs, const BuildOptions& options,
                                  BuildStats* stats) {
  const uint32_t n_docs = static_cast<uint32_t>(docs.size());
  GramTable table;
  std::vector<uint64_t> gram_keys;
  std::vector<uint32_t> bmp_unigram(0x10000, UINT32_MAX);  // fast path for the common case
  internal::OccurrenceLog occ;
  std::vector<uint32_t> title_lens(n_docs), norm_lens(n_docs), head_first(n_docs), head_count(n_docs);
  std::vector<uint32_t> pub_first(n_docs), pub_count(n_docs), vis_first(n_docs), vis_count(n_docs), vis_body(n_docs);
  std::vector<uint32_t> para_first(n_docs), para_count(n_docs);
  std::vector<HeadingSpan> headings;
  std::string text_store;
  std::vector<uint64_t> text_off(n_docs);
  std::vector<uint32_t> text_bytes(n_docs);

  // Two grams (a unigram and a bigram) per code point at most.
  size_t est = 0;
  for (const auto* d : docs)
    est += 2 * ((d->text_chars != 0 ? d->text_chars : d->text.size()) + text::count_code_points(d->title) + 2);
  occ.reserve(est);

  NormalizedDoc nd;
  for (uint32_t di = 0; di < n_docs; ++di) {
    const IndexDoc& d = *docs[di];
    normalize_document(d.title, d.text, &nd);
    if (nd.chars.size() >= kMaxPositions) return Status::too_large(d.id + ": document too long to index");
    const uint32_t len = static_cast<uint32_t>(nd.chars.size());
    title_lens[di] = nd.title_len;
    norm_lens[di] = len;

    // Heading spans, public heading spans and visible ranges: original code
    // points of the text -> positions.
    const uint32_t base = nd.title_len + 1;
    auto to_positions = [&](const doc::Span& s) -> std::pair<uint32_t, uint32_t> {
      auto lo = std::lower_bound(nd.text_origin.begin(), nd.text_origin.end(), s.start) - nd.text_origin.begin();
      auto hi = std::lower_bound(nd.text_origin.begin(), nd.text_origin.end(), s.end) - nd.text_origin.begin();
      return {base + static_cast<uint32_t>(lo), base + static_cast<uint32_t>(hi)};
    };
    auto add_headings = [&](const std::vector<doc::Span>& spans, uint32_t& first, uint32_t& count) {
      first = static_cast<uint32_t>(headings.size());
      const size_t hb = headings.size();
      for (const auto& s : spans) {
        auto [lo, hi] = to_positions(s);
        if (lo < hi) headings.push_back({lo, hi});
      }
      std::sort(headings.begin() + static_cast<std::ptrdiff_t>(hb), headings.end(),
                [](const HeadingSpan& a, const HeadingSpan& b) { return a.start < b.start; });
      for (size_t i = hb + 1; i < headings.size(); ++i) headings[i].reach = std::max(headings[i].reach, headings[i - 1].reach);
      count = static_cast<uint32_t>(headings.size() - hb);
    };
    add_headings(d.headings, head_first[di], head_count[di]);
    if (d.visible) {
      add_headings(d.public_headings, pub_first[di], pub_count[di]);
    } else {
      pub_first[di] = head_first[di];
      pub_count[di] = head_count[di];
    }
    vis_first[di] = static_cast<uint32_t>(headings.size());
    if (d.visible) {
      uint32_t last = base;
      for (const auto& s : *d.visible) {
        auto [lo, hi] = to_positions(s);
        lo = std::max(lo, last);  // sorted and disjoint whatever the caller gave
        if (lo < hi) {
          headings.push_back({lo, hi});
          last = hi;
        }
      }
    } else if (len > base) {
      headings.push_back({base, len});
    }
    vis_count[di] = static_cast<uint32_t>(headings.size()) - vis_first[di];
    vis_body[di] = 0;
    for (uint32_t i = vis_first[di]; i < headings.size(); ++i) vis_body[di] += headings[i].reach - headings[i].start;
    // The paragraph table: every paragraph, empty ones too (the i-th entry is
    // the i-th paragraph of the text store), as {start, end} positions.
    para_first[di] = static_cast<uint32_t>(headings.size());
    for (const auto& s : d.paragraphs) {
      auto [lo, hi] = to_positions(s);
      headings.push_back({lo, hi});
    }
    para_count[di] = static_cast<uint32_t>(d.paragraphs.size());

    // Grams, in position order. The heading flag of each occurrence comes from a
    // sweep over the spans (sorted by start, reach = running max end): the last
    // span starting at or before p covers [p, p+m) iff its reach >= p+m, the
    // same rule as DocMeta::in_heading, without a search per occurrence. The
    // public heading and visible flags come from two more sweeps, by the same
    // rule (DocMeta::in_heading with visible_only, DocMeta::is_visible).
    const char32_t* c = nd.chars.data();
    struct Sweep {
      const HeadingSpan* at;
      const HeadingSpan* end;
      uint32_t reach = 0;
      bool covers(uint32_t p, uint32_t m) {
        while (at != end && at->start <= p) reach = (at++)->reach;
        return reach >= p + m;
      }
    };
    Sweep head{headings.data() + head_first[di], headings.data() + head_first[di] + head_count[di]};
    Sweep pub{headings.data() + pub_first[di], headings.data() + pub_first[di] + pub_count[di]};
    Sweep vis{headings.data() + vis_first[di], headings.data() + vis_first[di] + vis_count[di]};
    const uint32_t title_len = nd.title_len;
    occ.begin_doc();
    auto bits = [&](uint32_t p, uint32_t m) {
      uint32_t b = p;
      if (head.covers(p, m)) b |= kInHeadingBit;
      if (p + m <= title_len || vis.covers(p, m)) b |= kVisibleBit;
      if (pub.covers(p, m)) b |= kVisibleHeadingBit;
      return b;
    };
    for (uint32_t p = 0; p < len; ++p) {
      char32_t a = c[p];
      if (a == kSep) continue;
      uint32_t uid;
      if (a < 0x10000) {
        uid = bmp_unigram[a];
        if (uid == UINT32_MAX) uid = bmp_unigram[a] = table.get_or_add(unigram_key(a), gram_keys);
      } else {
        uid = table.get_or_add(unigram_key(a), gram_keys);
      }
      // Sweeps only move forward: ask for [p, p+1) before [p, p+2).
      occ.add(uid, bits(p, 1));
      if (p + 1 < len && c[p + 1] != kSep) occ.add(table.get_or_add(bigram_key(a, c[p + 1]), gram_keys), bits(p, 2));
    }

    // Text store: blocks, block table, origin map and spans (text_store.h).
    WENYUAN_RETURN_IF_ERROR(append_text_region(d, nd.text_origin, text_store, &text_off[di], &text_bytes[di]));
  }

  // The last document's normalized text (8 bytes a character) is done
  // with: given back before the postings sort takes its
  // buffer (docs/intake.md, memory of a segment build).
  nd = NormalizedDoc{};

  const uint32_t n_grams = static_cast<uint32_t>(gram_keys.size());
  const size_t n_occ = occ.size();
  table = GramTable{};  // the keys are all in gram_keys now

  // Assemble the file.
  std::string out;
  out.reserve(text_store.size() + size_t{n_docs} * (DocRecord::kSize + 256) + size_t{n_grams} * 40 +
              n_occ * 3 + 4096);
  out.append(kSegmentMagic, 8);
  Footer footer;
  footer.n_docs = n_docs;
  footer.n_grams = static_cast<uint32_t>(gram_keys.size());
  uint64_t* off = footer.offsets;
  off[Footer::kDocs] = out.size();
  std::string strings;
  auto add_str = [&](const std::string& v) {
    StringRef r{static_cast<uint32_t>(strings.size()), static_cast<uint32_t>(v.size())};
    strings.append(v);
    return r;
  };
  for (uint32_t di = 0; di < n_docs; ++di) {
    const IndexDoc& d = *docs[di];
    DocRecord r;
    r.strings[DocRecord::kId] = add_str(d.id);
    r.strings[DocRecord::kTitle] = add_str(d.title);
    r.strings[DocRecord::kDate] = add_str(d.date);
    r.strings[DocRecord::kSource] = add_str(d.source);
    r.strings[DocRecord::kCategory] = add_str(d.category);
    r.strings[DocRecord::kType] = add_str(d.type);
    r.year = d.year ? *d.year : kNoYear;
    r.title_len = title_lens[di];
    r.norm_len = norm_lens[di];
    r.heading_first = head_first[di];
    r.heading_count = head_count[di];
    r.text_chars = d.text_chars;
    r.text_off = text_off[di];
    r.text_bytes = text_bytes[di];
    r.visible_body_len = vis_body[di];
    r.imported_at = d.imported_at;
    r.visible_first = vis_first[di];
    r.visible_count = vis_count[di];
    r.public_heading_first = pub_first[di];
    r.public_heading_count = pub_count[di];
    r.paragraph_first = para_first[di];
    r.paragraph_count = para_count[di];
    const std::optional<int>& py = d.visible ? d.public_year : d.year;
    r.public_year = py ? *py : kNoYear;
    r.encode_to(out);
  }
  pad8(out);
  off[Footer::kStrings] = out.size();
  out.append(strings);
  pad8(out);
  off[Footer::kSpans] = out.size();
  for (const auto& h : headings) {
    put_u32(out, h.start);
    put_u32(out, h.reach);
  }
  pad8(out);
  internal::write_postings(occ, gram_keys, title_lens, out, off, options.postings,
                           stats ? &stats->postings : nullptr);
  pad8(out);
  off[Footer::kTextStore] = out.size();
  out.append(text_store);
  footer.encode_to(out);
  return out;
}

}  // namespace wenyuan::index
