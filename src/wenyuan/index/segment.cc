// Segment building and reading. Layout: format.h.
#include "wenyuan/index/segment.h"

#include <zstd.h>

#include <algorithm>
#include <array>
#include <numeric>

#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {

namespace {

// CRC-32C (Castagnoli). The SSE4.2 instruction does 8 bytes a cycle; the table
// fallback gives the same values on other CPUs.
std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

uint32_t crc32c_table(const unsigned char* p, size_t n, uint32_t c) {
  static const std::array<uint32_t, 256> table = make_crc_table();  // immutable after init
  for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hw(const unsigned char* p, size_t n, uint32_t c) {
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = __builtin_ia32_crc32di(c64, v);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n-- > 0) c = __builtin_ia32_crc32qi(c, *p++);
  return c;
}
#endif

}  // namespace

uint32_t crc32(std::string_view data, uint32_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  uint32_t c = ~seed;
#if defined(__x86_64__)
  static const bool hw = __builtin_cpu_supports("sse4.2");  // immutable after init
  c = hw ? crc32c_hw(p, data.size(), c) : crc32c_table(p, data.size(), c);
#else
  c = crc32c_table(p, data.size(), c);
#endif
  return ~c;
}

void normalize_document(std::string_view title, std::string_view text, NormalizedDoc* out) {
  const auto& n = text::Normalizer::instance();
  out->chars.clear();
  out->text_origin.clear();
  n.normalize(title, out->chars);
  out->title_len = static_cast<uint32_t>(out->chars.size());
  out->chars.push_back(kSep);
  n.normalize(text, out->chars, &out->text_origin);
}

namespace {
// Spans {u32 a, u32 b} sorted by a: the second value of the last span with
// a <= p (reach for heading spans, end for visible ranges), or nullopt.
std::optional<uint32_t> last_at_or_before(const char* spans, uint32_t n, uint32_t p) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (get_u32(spans + 8 * mid) <= p) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return get_u32(spans + 8 * (lo - 1) + 4);
}
}  // namespace

bool DocMeta::in_heading(uint32_t p, uint32_t m, bool visible_only) const {
  // Last span with start <= p; its reach covers every earlier span too.
  auto reach = visible_only ? last_at_or_before(public_headings, public_heading_count, p)
                            : last_at_or_before(headings, heading_count, p);
  return reach && *reach >= p + m;
}

bool DocMeta::is_visible(uint32_t p, uint32_t m) const {
  if (p + m <= title_len) return true;
  auto end = last_at_or_before(visible, visible_count, p);
  return end && *end >= p + m;
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


// While building, a position's top bits say where the gram occurrence lies:
// inside a heading span, visible, inside a public heading span (positions stay
// below 2^28: build_segment refuses longer documents, so tf << 3 fits too).
constexpr uint32_t kInHeadingBit = 0x80000000u;
constexpr uint32_t kVisibleBit = 0x40000000u;
constexpr uint32_t kVisibleHeadingBit = 0x20000000u;
constexpr uint32_t kPosMask = 0x0FFFFFFFu;
constexpr uint32_t kMaxPositions = kPosMask;

struct Occ {
  uint32_t gram;
  uint32_t pos;  // | the bits above
};
struct DocPos {
  uint32_t doc;
  uint32_t pos;
};

std::string serialize_text(const IndexDoc& d) {
  std::string r;
  r.reserve(d.text.size() + 8 * (d.sentences.size() + d.paragraphs.size()) + 16);
  put_varint(r, static_cast<uint32_t>(d.text.size()));
  r.append(d.text);
  const std::vector<doc::Span> all{{0, d.text_chars}};
  const std::vector<doc::Span>& vis = d.visible ? *d.visible : all;
  const std::vector<doc::Span>& pub = d.visible ? d.public_headings : d.headings;
  for (const auto* spans : {&d.sentences, &d.paragraphs, &d.headings, &pub, &vis}) {
    put_varint(r, static_cast<uint32_t>(spans->size()));
    for (const auto& s : *spans) {
      put_varint(r, s.start);
      put_varint(r, s.end - s.start);
    }
  }
  return r;
}

}  // namespace

namespace {
void collect_headings(const std::vector<doc::OutlineNode>& nodes, std::vector<doc::Span>& out) {
  for (const auto& n : nodes) {
    if (n.kind != "enum" && n.heading.end > n.heading.start) out.push_back(n.heading);
    collect_headings(n.children, out);
  }
}
}  // namespace

IndexDoc to_index_doc(const doc::Document& d) {
  IndexDoc x;
  x.id = d.id;
  x.title = d.title;
  x.date = d.date;
  x.source = d.source;
  x.category = d.category;
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
    const bool whole = vis.size() == 1 && vis[0].start == 0 && vis[0].end >= x.text_chars;
    if (!whole) {
      x.visible = std::move(vis);
      collect_headings(d.public_outline ? *d.public_outline : d.outline, x.public_headings);
      x.public_year = d.public_year;
    }
  }
  return x;
}

Result<std::string> build_segment(const std::vector<const IndexDoc*>& docs) {
  const uint32_t n_docs = static_cast<uint32_t>(docs.size());
  GramTable table;
  std::vector<uint64_t> gram_keys;
  std::vector<uint32_t> bmp_unigram(0x10000, UINT32_MAX);  // fast path for the common case
  std::vector<Occ> occ;
  std::vector<uint64_t> doc_occ_begin(n_docs + 1, 0);
  std::vector<uint32_t> title_lens(n_docs), norm_lens(n_docs), head_first(n_docs), head_count(n_docs);
  std::vector<uint32_t> pub_first(n_docs), pub_count(n_docs), vis_first(n_docs), vis_count(n_docs), vis_body(n_docs);
  std::vector<HeadingSpan> headings;
  std::string text_store;
  std::vector<uint64_t> text_off(n_docs);
  std::vector<uint32_t> text_bytes(n_docs);

  // Two grams (a unigram and a bigram) per code point at most.
  size_t est = 0;
  for (const auto* d : docs) est += 2 * ((d->text_chars != 0 ? d->text_chars : d->text.size()) + d->title.size() + 2);
  occ.reserve(est);

  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  std::string frame;
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
      occ.push_back({uid, bits(p, 1)});
      if (p + 1 < len && c[p + 1] != kSep) occ.push_back({table.get_or_add(bigram_key(a, c[p + 1]), gram_keys), bits(p, 2)});
    }
    doc_occ_begin[di + 1] = occ.size();

    // Text store: one zstd frame per document.
    std::string rec = serialize_text(d);
    frame.resize(ZSTD_compressBound(rec.size()));
    size_t z = ZSTD_compressCCtx(cctx.get(), frame.data(), frame.size(), rec.data(), rec.size(), 3);
    if (ZSTD_isError(z)) return Status::internal(d.id + ": zstd: " + ZSTD_getErrorName(z));
    text_off[di] = text_store.size();
    text_bytes[di] = static_cast<uint32_t>(z);
    text_store.append(frame.data(), z);
  }

  // Counting sort of occurrences by gram (stable: doc, then position order).
  const uint32_t n_grams = static_cast<uint32_t>(gram_keys.size());
  std::vector<uint64_t> start(n_grams + 1, 0);
  for (const Occ& o : occ) ++start[o.gram + 1];
  for (uint32_t g = 0; g < n_grams; ++g) start[g + 1] += start[g];
  // Default-initialized (not zeroed): every slot is written by the scatter below.
  std::unique_ptr<DocPos[]> sorted(new DocPos[occ.size()]);
  {
    std::vector<uint64_t> fill(start.begin(), start.end() - 1);
    for (uint32_t di = 0; di < n_docs; ++di)
      for (uint64_t i = doc_occ_begin[di]; i < doc_occ_begin[di + 1]; ++i) sorted[fill[occ[i].gram]++] = {di, occ[i].pos};
  }
  std::vector<Occ>().swap(occ);
  std::vector<uint32_t> order(n_grams);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return gram_keys[a] < gram_keys[b]; });

  // Assemble the file.
  std::string out;
  out.reserve(text_store.size() + size_t{n_docs} * (kDocRecordSize + 256) + size_t{n_grams} * 40 +
              static_cast<size_t>(start[n_grams]) * 3 + 4096);
  out.append(kSegmentMagic, 8);
  uint64_t off[7];
  off[0] = out.size();
  std::string strings;
  auto add_str = [&](const std::string& s) {
    put_u32(out, static_cast<uint32_t>(strings.size()));
    put_u32(out, static_cast<uint32_t>(s.size()));
    strings.append(s);
  };
  for (uint32_t di = 0; di < n_docs; ++di) {
    const IndexDoc& d = *docs[di];
    add_str(d.id);
    add_str(d.title);
    add_str(d.date);
    add_str(d.source);
    add_str(d.category);
    put_u32(out, static_cast<uint32_t>(d.year ? *d.year : kNoYear));
    put_u32(out, title_lens[di]);
    put_u32(out, norm_lens[di]);
    put_u32(out, head_first[di]);
    put_u32(out, head_count[di]);
    put_u32(out, d.text_chars);
    put_u64(out, text_off[di]);
    put_u32(out, text_bytes[di]);
    put_u32(out, vis_body[di]);
    put_u64(out, static_cast<uint64_t>(d.imported_at));
    put_u32(out, vis_first[di]);
    put_u32(out, vis_count[di]);
    put_u32(out, pub_first[di]);
    put_u32(out, pub_count[di]);
    const std::optional<int>& py = d.visible ? d.public_year : d.year;
    put_u32(out, static_cast<uint32_t>(py ? *py : kNoYear));
    put_u32(out, 0);
  }
  pad8(out);
  off[1] = out.size();
  out.append(strings);
  pad8(out);
  off[2] = out.size();
  for (const auto& h : headings) {
    put_u32(out, h.start);
    put_u32(out, h.reach);
  }
  pad8(out);
  off[3] = out.size();
  for (uint32_t g : order) put_u64(out, gram_keys[g]);
  pad8(out);
  off[4] = out.size();
  const size_t vals_at = out.size();
  out.append(size_t{n_grams} * kDictValSize, '\0');
  pad8(out);
  off[5] = out.size();

  std::vector<uint8_t> dbuf, pbuf, sbuf;
  for (uint32_t oi = 0; oi < n_grams; ++oi) {
    const uint32_t g = order[oi];
    const bool is_bi = !is_unigram_key(gram_keys[g]);
    const DocPos* e = sorted.get() + start[g];
    const DocPos* end = sorted.get() + start[g + 1];
    const size_t cnt = static_cast<size_t>(end - e);
    dbuf.resize(cnt * 20 + 16);
    pbuf.resize(is_bi ? cnt * 5 + 16 : 0);
    sbuf.clear();
    uint8_t* dp = dbuf.data();
    uint8_t* pp = pbuf.data();
    uint32_t df = 0, vis_df = 0, prev_doc = 0;
    while (e < end) {
      const uint32_t d = e->doc;
      const DocPos* de = e;
      while (de < end && de->doc == d) ++de;
      if (df % kSkipBlock == 0) {
        uint32_t v[3] = {d, static_cast<uint32_t>(dp - dbuf.data()), static_cast<uint32_t>(pp - pbuf.data())};
        const auto* vb = reinterpret_cast<const uint8_t*>(v);
        sbuf.insert(sbuf.end(), vb, vb + 12);
        dp = put_varint(dp, d);
      } else {
        dp = put_varint(dp, d - prev_doc);
      }
      const uint32_t tf = static_cast<uint32_t>(de - e);
      uint32_t flags = (e->pos & kPosMask) < title_lens[d] ? 2u : 0u;
      uint32_t any_pos = 0, any_vis_head = 0, vis_tf = 0;
      if (is_bi) {
        uint32_t prev_pos = 0;
        for (const DocPos* x = e; x < de; ++x) {
          any_pos |= x->pos;
          if (x->pos & kVisibleBit) {
            ++vis_tf;
            any_vis_head |= x->pos;
          }
          const uint32_t pos = x->pos & kPosMask;
          pp = put_varint(pp, pos - prev_pos);
          prev_pos = pos;
        }
      } else {
        for (const DocPos* x = e; x < de; ++x) {
          any_pos |= x->pos;
          if (x->pos & kVisibleBit) {
            ++vis_tf;
            any_vis_head |= x->pos;
          }
        }
      }
      if (any_pos & kInHeadingBit) flags |= 1u;
      const uint32_t vis_head = (any_vis_head & kVisibleHeadingBit) ? 1u : 0u;
      const bool partial = vis_tf != tf || vis_head != (flags & 1u);
      dp = put_varint(dp, tf << 3 | (partial ? 4u : 0u) | flags);
      if (partial) dp = put_varint(dp, vis_tf << 1 | vis_head);
      if (vis_tf > 0) ++vis_df;
      prev_doc = d;
      ++df;
      e = de;
    }
    const uint64_t rel = out.size() - off[5];
    char* val = out.data() + vals_at + size_t{oi} * kDictValSize;
    const uint32_t doc_bytes = static_cast<uint32_t>(dp - dbuf.data());
    std::memcpy(val, &rel, 8);
    std::memcpy(val + 8, &df, 4);
    std::memcpy(val + 12, &doc_bytes, 4);
    std::memcpy(val + 16, &vis_df, 4);
    if (df > kSkipBlock) out.append(reinterpret_cast<const char*>(sbuf.data()), sbuf.size());
    out.append(reinterpret_cast<const char*>(dbuf.data()), doc_bytes);
    if (is_bi) out.append(reinterpret_cast<const char*>(pbuf.data()), static_cast<size_t>(pp - pbuf.data()));
  }
  pad8(out);
  off[6] = out.size();
  out.append(text_store);
  for (uint64_t o : off) put_u64(out, o);
  put_u32(out, n_docs);
  put_u32(out, n_grams);
  put_u32(out, crc32(out));
  put_u32(out, kFooterMagic);
  return out;
}

// ---- reading ----------------------------------------------------------------

Result<std::shared_ptr<const Segment>> Segment::open(std::shared_ptr<const FileData> data, std::string name) {
  auto bad = [&](const std::string& why) { return Status::corruption(name + ": " + why); };
  const char* b = data->data();
  const uint64_t size = data->size();
  if (size < 8 + kFooterSize || std::memcmp(b, kSegmentMagic, kSegmentMagicPrefix) != 0) return bad("not a segment file");
  if (b[7] != kSegmentMagic[7]) {
    return bad("segment format version " + std::to_string(static_cast<unsigned char>(b[7])) + ", this wenyuan reads version " +
               std::to_string(static_cast<unsigned char>(kSegmentMagic[7])) + ": run `wenyuan reindex` to rebuild the index from the catalog");
  }
  const char* f = b + size - kFooterSize;
  if (get_u32(f + 68) != kFooterMagic) return bad("bad footer magic (truncated?)");
  if (get_u32(f + 64) != crc32(std::string_view(b, size - 8))) return bad("checksum mismatch");
  std::shared_ptr<Segment> s(new Segment());
  s->data_ = std::move(data);
  s->name_ = std::move(name);
  s->base_ = b;
  uint64_t off[7];
  for (int i = 0; i < 7; ++i) off[i] = get_u64(f + 8 * i);
  s->n_docs_ = get_u32(f + 56);
  s->n_grams_ = get_u32(f + 60);
  const uint64_t footer_at = size - kFooterSize;
  for (int i = 0; i < 7; ++i)
    if (off[i] > footer_at || (i > 0 && off[i] < off[i - 1])) return bad("section offsets out of order");
  if (off[0] + uint64_t{s->n_docs_} * kDocRecordSize > off[1]) return bad("doc table overflows");
  if (off[3] + uint64_t{s->n_grams_} * 8 > off[4] || off[4] + uint64_t{s->n_grams_} * kDictValSize > off[5])
    return bad("dictionary overflows");
  s->off_docs_ = off[0];
  s->off_strings_ = off[1];
  s->off_headings_ = off[2];
  s->off_keys_ = off[3];
  s->off_vals_ = off[4];
  s->off_postings_ = off[5];
  s->off_text_ = off[6];
  s->end_text_ = footer_at;
  const uint64_t n_spans = (off[3] - off[2]) / 8;
  for (uint32_t d = 0; d < s->n_docs_; ++d) {
    const char* r = b + off[0] + uint64_t{d} * kDocRecordSize;
    for (int k = 0; k < 5; ++k)
      if (uint64_t{get_u32(r + 8 * k)} + get_u32(r + 8 * k + 4) > off[2] - off[1]) return bad("string out of bounds");
    if (uint64_t{get_u32(r + 52)} + get_u32(r + 56) > n_spans || uint64_t{get_u32(r + 88)} + get_u32(r + 92) > n_spans ||
        uint64_t{get_u32(r + 96)} + get_u32(r + 100) > n_spans)
      return bad("spans out of bounds");
    if (get_u32(r + 44) > get_u32(r + 48)) return bad("title longer than document");
    if (get_u64(r + 64) + get_u32(r + 72) > footer_at - off[6]) return bad("text out of bounds");
    s->total_norm_len_ += get_u32(r + 48);
    s->total_title_len_ += get_u32(r + 44);
    s->total_visible_body_len_ += get_u32(r + 76);
  }
  for (uint32_t g = 0; g < s->n_grams_; ++g) {
    const char* v = b + off[4] + uint64_t{g} * kDictValSize;
    if (off[5] + get_u64(v) + get_u32(v + 12) > off[6]) return bad("postings out of bounds");
  }
  return std::shared_ptr<const Segment>(std::move(s));
}

DocMeta Segment::doc(uint32_t local) const {
  const char* r = base_ + off_docs_ + uint64_t{local} * kDocRecordSize;
  const char* str = base_ + off_strings_;
  auto sv = [&](int k) { return std::string_view(str + get_u32(r + 8 * k), get_u32(r + 8 * k + 4)); };
  DocMeta m;
  m.id = sv(0);
  m.title = sv(1);
  m.date = sv(2);
  m.source = sv(3);
  m.category = sv(4);
  m.year = static_cast<int32_t>(get_u32(r + 40));
  m.title_len = get_u32(r + 44);
  m.norm_len = get_u32(r + 48);
  m.headings = base_ + off_headings_ + uint64_t{get_u32(r + 52)} * 8;
  m.heading_count = get_u32(r + 56);
  m.text_chars = get_u32(r + 60);
  m.imported_at = static_cast<int64_t>(get_u64(r + 80));
  m.visible_body_len = get_u32(r + 76);
  m.visible = base_ + off_headings_ + uint64_t{get_u32(r + 88)} * 8;
  m.visible_count = get_u32(r + 92);
  m.public_headings = base_ + off_headings_ + uint64_t{get_u32(r + 96)} * 8;
  m.public_heading_count = get_u32(r + 100);
  m.public_year = static_cast<int32_t>(get_u32(r + 104));
  return m;
}

GramPostings Segment::gram(uint64_t key) const {
  const char* keys = base_ + off_keys_;
  uint32_t lo = 0, hi = n_grams_;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (get_u64(keys + 8 * uint64_t{mid}) < key) lo = mid + 1;
    else hi = mid;
  }
  GramPostings g;
  if (lo == n_grams_ || get_u64(keys + 8 * uint64_t{lo}) != key) return g;
  const char* v = base_ + off_vals_ + uint64_t{lo} * kDictValSize;
  const auto* p = reinterpret_cast<const uint8_t*>(base_ + off_postings_ + get_u64(v));
  g.df = get_u32(v + 8);
  g.visible_df = get_u32(v + 16);
  g.positions = !is_unigram_key(key);
  if (g.df > kSkipBlock) {
    g.skip = p;
    p += size_t{(g.df + kSkipBlock - 1) / kSkipBlock} * 12;
  }
  g.docs = p;
  g.docs_end = p + get_u32(v + 12);
  g.pos = g.docs_end;
  return g;
}

Result<StoredText> Segment::load_text(uint32_t local) const {
  const char* r = base_ + off_docs_ + uint64_t{local} * kDocRecordSize;
  const char* frame = base_ + off_text_ + get_u64(r + 64);
  const size_t n = get_u32(r + 72);
  unsigned long long raw = ZSTD_getFrameContentSize(frame, n);
  if (raw == ZSTD_CONTENTSIZE_ERROR || raw == ZSTD_CONTENTSIZE_UNKNOWN || raw > (1ull << 32))
    return Status::corruption(name_ + ": bad text frame of doc " + std::to_string(local));
  std::string rec(raw, '\0');
  size_t z = ZSTD_decompress(rec.data(), rec.size(), frame, n);
  if (ZSTD_isError(z) || z != raw) return Status::corruption(name_ + ": text frame: " + ZSTD_getErrorName(z));
  StoredText t;
  std::string_view in(rec);
  uint32_t len = 0;
  if (!get_varint_checked(in, &len) || len > in.size()) return Status::corruption(name_ + ": text record");
  t.text.assign(in.substr(0, len));
  in.remove_prefix(len);
  for (auto* spans : {&t.sentences, &t.paragraphs, &t.headings, &t.public_headings, &t.visible}) {
    uint32_t cnt = 0;
    if (!get_varint_checked(in, &cnt) || cnt > in.size()) return Status::corruption(name_ + ": text record spans");
    spans->reserve(cnt);
    for (uint32_t i = 0; i < cnt; ++i) {
      uint32_t a = 0, l = 0;
      if (!get_varint_checked(in, &a) || !get_varint_checked(in, &l)) return Status::corruption(name_ + ": span");
      spans->push_back({a, a + l});
    }
  }
  return t;
}

Result<IndexDoc> Segment::load_doc(uint32_t local) const {
  auto t = load_text(local);
  if (!t) return t.status();
  DocMeta m = doc(local);
  IndexDoc x;
  x.id = m.id;
  x.title = m.title;
  x.date = m.date;
  x.source = m.source;
  x.category = m.category;
  if (m.year != kNoYear) x.year = m.year;
  x.imported_at = m.imported_at;
  x.text = std::move(t->text);
  x.text_chars = m.text_chars;
  x.sentences = std::move(t->sentences);
  x.paragraphs = std::move(t->paragraphs);
  x.headings = std::move(t->headings);
  const bool whole = t->visible.size() == 1 && t->visible[0].start == 0 && t->visible[0].end >= m.text_chars;
  if (!whole) {
    x.visible = std::move(t->visible);
    x.public_headings = std::move(t->public_headings);
    if (m.public_year != kNoYear) x.public_year = m.public_year;
  }
  return x;
}

// ---- cursor -------------------------------------------------------------------

void PostingCursor::reset(const GramPostings& g) {
  g_ = g;
  done_ = g.df == 0;
  n_blocks_ = (g.df + kSkipBlock - 1) / kSkipBlock;
  if (!done_) load_block(0);
}

void PostingCursor::load_block(uint32_t b) {
  block_ = b;
  in_block_ = 0;
  seen_ = b * kSkipBlock;
  if (b == 0) {
    p_ = g_.docs;
    pos_ = g_.pos;
  } else {
    const uint8_t* s = g_.skip + size_t{b} * 12;
    p_ = g_.docs + get_u32(reinterpret_cast<const char*>(s + 4));
    pos_ = g_.pos + get_u32(reinterpret_cast<const char*>(s + 8));
  }
  skip_tf_ = 0;
  doc_ = 0;
  decode();
}

void PostingCursor::decode() {
  uint32_t delta;
  p_ = get_varint(p_, &delta);
  doc_ = in_block_ == 0 ? delta : doc_ + delta;
  p_ = get_varint(p_, &tf_flags_);
  if (tf_flags_ & 4) p_ = get_varint(p_, &vis_);
  else vis_ = (tf_flags_ >> 3) << 1 | (tf_flags_ & 1);
}

void PostingCursor::next() {
  if (done_) return;
  if (++seen_ >= g_.df) {
    done_ = true;
    return;
  }
  // The positions of the doc we leave are skipped lazily, only if positions()
  // is ever asked for within this block.
  skip_tf_ += tf_flags_ >> 3;
  if (++in_block_ == kSkipBlock) {
    ++block_;
    in_block_ = 0;
    if (g_.skip != nullptr) {
      pos_ = g_.pos + get_u32(reinterpret_cast<const char*>(g_.skip + size_t{block_} * 12 + 8));
      skip_tf_ = 0;
    }
  }
  decode();
}

void PostingCursor::advance(uint32_t target) {
  if (done_ || doc_ >= target) return;
  if (g_.skip != nullptr && block_ + 1 < n_blocks_ &&
      get_u32(reinterpret_cast<const char*>(g_.skip + size_t{block_ + 1} * 12)) <= target) {
    // Last block whose first doc <= target.
    uint32_t lo = block_ + 1, hi = n_blocks_;
    while (hi - lo > 1) {
      uint32_t mid = (lo + hi) / 2;
      if (get_u32(reinterpret_cast<const char*>(g_.skip + size_t{mid} * 12)) <= target) lo = mid;
      else hi = mid;
    }
    load_block(lo);
  }
  while (!done_ && doc_ < target) next();
}

void PostingCursor::positions(std::vector<uint32_t>& out) {
  // Skip the positions of the docs passed over: one varint ends at each byte
  // without the continuation bit.
  const uint8_t* p = pos_;
  for (uint32_t n = skip_tf_; n > 0; ++p) n -= (*p & 0x80) == 0;
  pos_ = p;
  skip_tf_ = 0;
  uint32_t n = tf_flags_ >> 3, prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t d;
    p = get_varint(p, &d);
    prev += d;
    out.push_back(prev);
  }
}

}  // namespace wenyuan::index
