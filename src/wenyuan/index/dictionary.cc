// The block-coded dictionary (dictionary.h; byte layout in format.h).
#include "wenyuan/index/dictionary.h"

#include <algorithm>

#include "wenyuan/index/format.h"

namespace wenyuan::index {

namespace {

void put_varint64(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Unchecked: the entries were validated by DictReader::open.
inline const uint8_t* get_varint64(const uint8_t* p, uint64_t* v) {
  uint64_t r = *p & 0x7f;
  int shift = 7;
  while (*p++ & 0x80) {
    r |= uint64_t{*p & 0x7fu} << shift;
    shift += 7;
  }
  *v = r;
  return p;
}

bool get_varint64_checked(const uint8_t*& p, const uint8_t* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (p == end) return false;
    const uint8_t b = *p++;
    r |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return true;
    }
  }
  return false;
}

// As format.h's get_varint_checked, over [p, end): at most 5 bytes, so the
// unchecked get_varint of a lookup reads exactly the same bytes.
bool get_varint32_checked(const uint8_t*& p, const uint8_t* end, uint32_t* v) {
  std::string_view in(reinterpret_cast<const char*>(p), static_cast<size_t>(end - p));
  if (!get_varint_checked(in, v)) return false;
  p = reinterpret_cast<const uint8_t*>(in.data());
  return true;
}

// The varints after the key and offset steps: df, doc_bytes, df - visible_df.
inline const uint8_t* get_counts(const uint8_t* p, DictEntry& e) {
  uint32_t hidden = 0;
  p = get_varint(p, &e.df);
  p = get_varint(p, &e.doc_bytes);
  p = get_varint(p, &hidden);
  e.visible_df = e.df - hidden;
  return p;
}

}  // namespace

void DictWriter::add(const DictEntry& e) {
  if (n_ % kDictBlock == 0) {
    put_u64(index_, e.key);
    put_u64(index_, e.postings_off);
    put_u64(index_, entries_.size());
  } else {
    put_varint64(entries_, e.key - prev_.key);
    put_varint64(entries_, e.postings_off - prev_.postings_off);
  }
  put_varint(entries_, e.df);
  put_varint(entries_, e.doc_bytes);
  put_varint(entries_, e.df - e.visible_df);
  prev_ = e;
  ++n_;
}

Result<DictReader> DictReader::open(std::string_view index, std::string_view entries, uint32_t n_grams,
                                    uint64_t postings_bytes) {
  DictReader d;
  d.n_ = n_grams;
  d.n_blocks_ = static_cast<uint32_t>((uint64_t{n_grams} + kDictBlock - 1) / kDictBlock);
  if (index.size() != uint64_t{d.n_blocks_} * kDictIndexEntrySize)
    return Status::corruption("dictionary index holds " + std::to_string(index.size()) + " bytes, " +
                              std::to_string(d.n_blocks_) + " blocks expected");
  d.index_ = index.data();
  d.entries_ = reinterpret_cast<const uint8_t*>(entries.data());
  const uint8_t* const end = d.entries_ + entries.size();
  const uint8_t* p = d.entries_;
  DictEntry prev;
  for (uint32_t i = 0; i < n_grams; ++i) {
    const uint32_t b = i / kDictBlock;
    DictEntry e;
    uint32_t hidden = 0;
    if (i % kDictBlock == 0) {
      const char* ix = d.index_ + uint64_t{b} * kDictIndexEntrySize;
      e.key = get_u64(ix);
      e.postings_off = get_u64(ix + 8);
      if (get_u64(ix + 16) != static_cast<uint64_t>(p - d.entries_))
        return Status::corruption("dictionary block " + std::to_string(b) + " does not start where the last ended");
    } else {
      uint64_t dk = 0, dp = 0;
      if (!get_varint64_checked(p, end, &dk) || !get_varint64_checked(p, end, &dp) || dk == 0 ||
          dk > UINT64_MAX - prev.key || dp > UINT64_MAX - prev.postings_off)
        return Status::corruption("dictionary entry " + std::to_string(i) + " is malformed");
      e.key = prev.key + dk;
      e.postings_off = prev.postings_off + dp;
    }
    if (!get_varint32_checked(p, end, &e.df) || !get_varint32_checked(p, end, &e.doc_bytes) ||
        !get_varint32_checked(p, end, &hidden) || hidden > e.df)
      return Status::corruption("dictionary entry " + std::to_string(i) + " is malformed");
    e.visible_df = e.df - hidden;
    if (i > 0 && (e.key <= prev.key || e.postings_off < prev.postings_off))
      return Status::corruption("dictionary entry " + std::to_string(i) + " is out of order");
    // The skip table and the doc stream inside the section (a lookup reads both unchecked).
    const uint64_t skip_bytes = e.df > kSkipBlock ? uint64_t{(e.df + kSkipBlock - 1) / kSkipBlock} * SkipEntry::kSize : 0;
    if (e.postings_off > postings_bytes || skip_bytes + e.doc_bytes > postings_bytes - e.postings_off)
      return Status::corruption("postings of dictionary entry " + std::to_string(i) + " out of bounds");
    prev = e;
  }
  // The section ends at the next one, after at most 7 zero bytes of padding.
  if (end - p >= 8 || std::any_of(p, end, [](uint8_t c) { return c != 0; }))
    return Status::corruption("dictionary entries: bytes after the last entry");
  return d;
}

uint64_t DictReader::block_key(uint32_t b) const { return get_u64(index_ + uint64_t{b} * kDictIndexEntrySize); }

DictEntry DictReader::decode_in_block(uint32_t i, const uint8_t** p_out) const {
  const uint32_t b = i / kDictBlock;
  const char* ix = index_ + uint64_t{b} * kDictIndexEntrySize;
  DictEntry e;
  e.key = get_u64(ix);
  e.postings_off = get_u64(ix + 8);
  const uint8_t* p = get_counts(entries_ + get_u64(ix + 16), e);
  for (uint32_t j = b * kDictBlock; j < i; ++j) {
    uint64_t dk = 0, dp = 0;
    p = get_varint64(p, &dk);
    p = get_varint64(p, &dp);
    e.key += dk;
    e.postings_off += dp;
    p = get_counts(p, e);
  }
  *p_out = p;
  return e;
}

uint32_t DictReader::lower_bound(uint64_t key) const {
  // The last block whose first key is <= key; the answer is in it or is the next block's first.
  uint32_t lo = 0, hi = n_blocks_;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (block_key(mid) <= key) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return 0;
  const uint32_t b = lo - 1;
  uint32_t i = b * kDictBlock;
  if (block_key(b) == key) return i;
  const uint32_t last = std::min(n_, i + kDictBlock);
  const uint8_t* p = nullptr;
  DictEntry e = decode_in_block(i, &p);
  for (++i; i < last; ++i) {
    uint64_t dk = 0, dp = 0;
    p = get_varint64(p, &dk);
    p = get_varint64(p, &dp);
    e.key += dk;
    if (e.key >= key) return i;
    p = get_counts(p, e);
  }
  return last;
}

DictEntry DictReader::at(uint32_t i) const {
  const uint8_t* p = nullptr;
  return decode_in_block(i, &p);
}

std::optional<DictEntry> DictReader::find(uint64_t key) const {
  const uint32_t i = lower_bound(key);
  if (i == n_) return std::nullopt;
  DictEntry e = at(i);
  if (e.key != key) return std::nullopt;
  return e;
}

DictReader::Walk::Walk(const DictReader& d, uint32_t i) : d_(&d), i_(i) {
  if (!done()) e_ = d_->decode_in_block(i_, &p_);
}

void DictReader::Walk::next() {
  ++i_;
  if (done()) return;
  if (i_ % kDictBlock == 0) {
    e_ = d_->decode_in_block(i_, &p_);
    return;
  }
  uint64_t dk = 0, dp = 0;
  p_ = get_varint64(p_, &dk);
  p_ = get_varint64(p_, &dp);
  e_.key += dk;
  e_.postings_off += dp;
  p_ = get_counts(p_, e_);
}

}  // namespace wenyuan::index
