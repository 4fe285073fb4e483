// The text store: blocks, block table, sparse origin map, spans (text_store.h,
// layout in format.h).
#include "wenyuan/index/text_store.h"

#include <zstd.h>

#include <algorithm>
#include <memory>

#include "wenyuan/index/format.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::index {

namespace {

constexpr size_t kHeader = 20;     // u32 text_bytes, n_blocks, n_map, norm_len, spans_bytes
constexpr size_t kBlockEntry = 16;  // u32 byte_off, first_cp, first_norm, frame_off
constexpr size_t kMapEntry = 8;
constexpr int kLevel = 3;

// Per-thread contexts: creating one per call costs more than decoding a block.
ZSTD_DCtx* dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> c(ZSTD_createDCtx(), ZSTD_freeDCtx);
  return c.get();
}
ZSTD_CCtx* cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> c(ZSTD_createCCtx(), ZSTD_freeCCtx);
  return c.get();
}

void put_spans(std::string& r, const std::vector<doc::Span>& spans) {
  put_varint(r, static_cast<uint32_t>(spans.size()));
  for (const auto& s : spans) {
    put_varint(r, s.start);
    put_varint(r, s.end - s.start);
  }
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

// ---- OriginMap ----------------------------------------------------------------

std::string OriginMap::encode(const std::vector<uint32_t>& origin) {
  std::string out;
  for (size_t n = 0; n < origin.size(); ++n) {
    if (n > 0 && origin[n] == origin[n - 1] + 1) continue;
    put_u32(out, static_cast<uint32_t>(n));
    put_u32(out, origin[n]);
  }
  return out;
}

uint32_t OriginMap::norm_at(uint32_t i) const { return get_u32(e_ + kMapEntry * i); }
uint32_t OriginMap::orig_at(uint32_t i) const { return get_u32(e_ + kMapEntry * i + 4); }

uint32_t OriginMap::origin(uint32_t n) const {
  // The last entry with norm <= n.
  uint32_t lo = 0, hi = n_;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (norm_at(mid) <= n) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return n;  // only for a corrupt map: entry 0 is at 0
  return orig_at(lo - 1) + (n - norm_at(lo - 1));
}

uint32_t OriginMap::Cursor::origin(uint32_t n) {
  const OriginMap& m = *m_;
  if (m.n_ == 0) return n;  // only for a corrupt map, as origin()
  if (at_ >= m.n_ || m.norm_at(at_) > n) at_ = 0;
  if (m.norm_at(at_) > n) return n;  // entry 0 is at 0: corrupt, as origin()
  // The last entry with norm <= n, at or after at_: gallop to a bound, then bisect.
  uint32_t lo = at_, step = 1, hi = at_ + 1;  // norm_at(lo) <= n; the answer is in [lo, hi) once norm_at(hi) > n
  while (hi < m.n_ && m.norm_at(hi) <= n) {
    lo = hi;
    step *= 2;
    hi = step > m.n_ - lo ? m.n_ : lo + step;
  }
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (m.norm_at(mid) <= n) lo = mid;
    else hi = mid;
  }
  at_ = lo;
  return m.orig_at(lo) + (n - m.norm_at(lo));
}

uint32_t OriginMap::norm_of(uint32_t o) const {
  // Origins never decrease, nor do the origins at the ends of the runs, so:
  // the first run whose last origin is >= o holds the answer.
  auto run_last = [&](uint32_t i) {
    const uint32_t end = i + 1 < n_ ? norm_at(i + 1) : len_;
    return orig_at(i) + (end - norm_at(i)) - 1;  // end > norm_at(i): runs are non-empty
  };
  uint32_t lo = 0, hi = n_;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (run_last(mid) < o) lo = mid + 1;
    else hi = mid;
  }
  if (lo == n_) return len_;
  return norm_at(lo) + (o > orig_at(lo) ? o - orig_at(lo) : 0);
}

// ---- building -------------------------------------------------------------------

Status append_text_region(const IndexDoc& d, const std::vector<uint32_t>& origin, std::string& store, uint64_t* off,
                          uint32_t* bytes) {
  // Block cuts: about every kTextBlockBytes, moved forward to a byte that is
  // not a continuation byte, so no code point is split: a well-formed sequence
  // is a lead byte and continuation bytes, and text::decode_one reads every
  // other byte as a code point of its own.
  struct Cut {
    uint32_t byte, cp;
  };
  std::vector<Cut> cuts;
  uint32_t chars = 0;
  for (size_t at = 0; at < d.text.size();) {
    cuts.push_back({static_cast<uint32_t>(at), chars});
    size_t next = std::min(d.text.size(), at + kTextBlockBytes);
    while (next < d.text.size() && is_continuation(d.text[next])) ++next;
    chars += static_cast<uint32_t>(text::count_code_points(std::string_view(d.text).substr(at, next - at)));
    at = next;
  }
  const auto n_blocks = static_cast<uint32_t>(cuts.size());
  const std::string map = OriginMap::encode(origin);
  std::string spans;
  const std::vector<doc::Span> all{{0, d.text_chars}};
  put_spans(spans, d.sentences);
  put_spans(spans, d.paragraphs);
  put_spans(spans, d.headings);
  put_spans(spans, d.visible ? d.public_headings : d.headings);
  put_spans(spans, d.visible ? *d.visible : all);

  std::string frames, frame;
  std::string table;
  for (uint32_t b = 0; b <= n_blocks; ++b) {
    const uint32_t byte = b < n_blocks ? cuts[b].byte : static_cast<uint32_t>(d.text.size());
    const uint32_t cp = b < n_blocks ? cuts[b].cp : chars;
    const auto norm = static_cast<uint32_t>(std::lower_bound(origin.begin(), origin.end(), cp) - origin.begin());
    put_u32(table, byte);
    put_u32(table, cp);
    put_u32(table, norm);
    put_u32(table, static_cast<uint32_t>(frames.size()));
    if (b == n_blocks) break;
    const uint32_t end = b + 1 < n_blocks ? cuts[b + 1].byte : static_cast<uint32_t>(d.text.size());
    const std::string_view raw = std::string_view(d.text).substr(byte, end - byte);
    frame.resize(ZSTD_compressBound(raw.size()));
    const size_t z = ZSTD_compressCCtx(cctx(), frame.data(), frame.size(), raw.data(), raw.size(), kLevel);
    if (ZSTD_isError(z)) return Status::internal(d.id + ": zstd: " + ZSTD_getErrorName(z));
    frames.append(frame.data(), z);
  }

  *off = store.size();
  put_u32(store, static_cast<uint32_t>(d.text.size()));
  put_u32(store, n_blocks);
  put_u32(store, static_cast<uint32_t>(map.size() / kMapEntry));
  put_u32(store, static_cast<uint32_t>(origin.size()));
  put_u32(store, static_cast<uint32_t>(spans.size()));
  store += table;
  store += map;
  store += spans;
  store += frames;
  *bytes = static_cast<uint32_t>(store.size() - *off);
  return Status::ok();
}

// ---- reading ------------------------------------------------------------------------

Result<TextRegion> TextRegion::parse(std::string_view region, uint32_t text_chars) {
  auto bad = [](const char* why) { return Status::corruption(std::string("text store: ") + why); };
  if (region.size() < kHeader) return bad("region too short");
  TextRegion r;
  r.region_ = region;
  const char* p = region.data();
  r.text_bytes_ = get_u32(p);
  r.n_blocks_ = get_u32(p + 4);
  const uint32_t n_map = get_u32(p + 8);
  const uint32_t norm_len = get_u32(p + 12);
  const uint32_t spans_bytes = get_u32(p + 16);
  r.text_chars_ = text_chars;
  const uint64_t table_bytes = (uint64_t{r.n_blocks_} + 1) * kBlockEntry;
  const uint64_t fixed = kHeader + table_bytes + uint64_t{n_map} * kMapEntry + spans_bytes;
  if (fixed > region.size()) return bad("tables overflow the region");
  r.table_ = p + kHeader;
  r.map_ = OriginMap(r.table_ + table_bytes, n_map, norm_len);
  r.spans_ = region.substr(kHeader + table_bytes + uint64_t{n_map} * kMapEntry, spans_bytes);
  r.frames_ = region.substr(fixed);
  // Block bounds: what decode() slices by.
  for (uint32_t b = 0; b < r.n_blocks_; ++b) {
    if (r.block_byte_off(b) > r.block_byte_off(b + 1) || get_u32(r.table_ + kBlockEntry * b + 12) >
                                                             get_u32(r.table_ + kBlockEntry * (b + 1) + 12))
      return bad("block table out of order");
  }
  if (r.block_byte_off(r.n_blocks_) != r.text_bytes_ || get_u32(r.table_ + kBlockEntry * r.n_blocks_ + 12) > r.frames_.size())
    return bad("block table out of bounds");
  return r;
}

uint32_t TextRegion::block_byte_off(uint32_t b) const { return get_u32(table_ + kBlockEntry * b); }
uint32_t TextRegion::block_first_cp(uint32_t b) const { return get_u32(table_ + kBlockEntry * b + 4); }
uint32_t TextRegion::block_first_norm(uint32_t b) const { return get_u32(table_ + kBlockEntry * b + 8); }

uint32_t TextRegion::block_of_cp(uint32_t cp) const {
  if (n_blocks_ == 0) return 0;
  uint32_t lo = 0, hi = n_blocks_;  // the last block with first_cp <= cp
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (block_first_cp(mid) <= cp) lo = mid + 1;
    else hi = mid;
  }
  return lo == 0 ? 0 : lo - 1;
}

Status TextRegion::spans(StoredText& t) const {
  std::string_view in = spans_;
  for (auto* spans : {&t.sentences, &t.paragraphs, &t.headings, &t.public_headings, &t.visible}) {
    spans->clear();
    uint32_t cnt = 0;
    if (!get_varint_checked(in, &cnt) || cnt > in.size()) return Status::corruption("text store: spans");
    spans->reserve(cnt);
    for (uint32_t i = 0; i < cnt; ++i) {
      uint32_t a = 0, l = 0;
      if (!get_varint_checked(in, &a) || !get_varint_checked(in, &l)) return Status::corruption("text store: span");
      spans->push_back({a, a + l});
    }
  }
  return Status::ok();
}

Status TextRegion::decode(uint32_t b0, uint32_t b1, std::string& out) const {
  b1 = std::min(b1, n_blocks_);
  if (b0 >= b1) return Status::ok();
  const size_t base = out.size();
  out.resize(base + (block_byte_off(b1) - block_byte_off(b0)));
  char* dst = out.data() + base;
  for (uint32_t b = b0; b < b1; ++b) {
    const uint32_t f0 = get_u32(table_ + kBlockEntry * b + 12), f1 = get_u32(table_ + kBlockEntry * (b + 1) + 12);
    const size_t raw = block_byte_off(b + 1) - block_byte_off(b);
    const size_t z = ZSTD_decompressDCtx(dctx(), dst, raw, frames_.data() + f0, f1 - f0);
    if (ZSTD_isError(z) || z != raw) {
      out.resize(base);
      return Status::corruption(std::string("text store: block: ") + (ZSTD_isError(z) ? ZSTD_getErrorName(z) : "short"));
    }
    dst += raw;
  }
  return Status::ok();
}

}  // namespace wenyuan::index
