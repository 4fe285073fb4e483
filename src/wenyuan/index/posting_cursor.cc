// PostingCursor: one gram's doc stream, block skipping, lazy positions (format.h).
#include "wenyuan/index/segment.h"

namespace wenyuan::index {

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
    const SkipEntry e = SkipEntry::decode_from(g_.skip + size_t{b} * SkipEntry::kSize);
    p_ = g_.docs + e.doc_off;
    pos_ = g_.pos + e.pos_off;
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
      pos_ = g_.pos + SkipEntry::decode_from(g_.skip + size_t{block_} * SkipEntry::kSize).pos_off;
      skip_tf_ = 0;
    }
  }
  decode();
}

void PostingCursor::advance(uint32_t target) {
  if (done_ || doc_ >= target) return;
  if (g_.skip != nullptr && block_ + 1 < n_blocks_ &&
      SkipEntry::first_doc_at(g_.skip + size_t{block_ + 1} * SkipEntry::kSize) <= target) {
    // Last block whose first doc <= target.
    uint32_t lo = block_ + 1, hi = n_blocks_;
    while (hi - lo > 1) {
      uint32_t mid = (lo + hi) / 2;
      if (SkipEntry::first_doc_at(g_.skip + size_t{mid} * SkipEntry::kSize) <= target) lo = mid;
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
