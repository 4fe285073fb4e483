// Sorting gram occurrences by gram in bounded memory and writing the postings.
// See postings_builder.h.
#include "wenyuan/index/postings_builder.h"

#include <algorithm>
#include <memory>
#include <numeric>

#include "wenyuan/index/dictionary.h"
#include "wenyuan/index/format.h"

namespace wenyuan::index::internal {

void OccurrenceLog::reserve(size_t occurrences) {
  grams_.reserve(occurrences);
  meta_.reserve(occurrences);
}

void OccurrenceLog::begin_doc() {
  doc_begin_.push_back(grams_.size());
  prev_pos_ = 0;
}

size_t OccurrenceLog::bytes() const {
  return grams_.capacity() * sizeof(uint32_t) + meta_.capacity() + escapes_.capacity() * sizeof(uint32_t) +
         doc_begin_.capacity() * sizeof(uint64_t);
}

namespace {

struct DocPos {
  uint32_t doc;
  uint32_t pos;  // | the flag bits
};

void pad8(std::string& out) {
  while (out.size() % 8 != 0) out.push_back('\0');
}

}  // namespace

// Friend of OccurrenceLog: reads it in place, one gram range at a time.
class PostingsWriter {
 public:
  PostingsWriter(OccurrenceLog& log, const std::vector<uint64_t>& keys, const std::vector<uint32_t>& title_lens)
      : log_(log), keys_(keys), title_lens_(title_lens) {}

  void write(std::string& out, uint64_t* off, const PostingsOptions& options, PostingsStats* stats) {
    const uint32_t n_grams = static_cast<uint32_t>(keys_.size());
    if (stats) stats->log_bytes = log_.bytes();
    // Gram ids -> ranks in key order, in the log itself: every later pass then
    // tests a range without a lookup.
    std::vector<uint64_t> start(size_t{n_grams} + 1, 0);
    {
      std::vector<uint32_t> order(n_grams);
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys_[a] < keys_[b]; });
      rank_key_.resize(n_grams);
      for (uint32_t r = 0; r < n_grams; ++r) rank_key_[r] = keys_[order[r]];
      const std::vector<uint32_t>& rank = order;
      std::vector<uint32_t> by_id(n_grams);
      for (uint32_t r = 0; r < n_grams; ++r) by_id[rank[r]] = r;
      for (uint32_t& g : log_.grams_) {
        g = by_id[g];
        ++start[g + 1];
      }
      for (uint32_t r = 0; r < n_grams; ++r) start[r + 1] += start[r];
    }
    pad8(out);
    off[Footer::kPostings] = out.size();
    postings_at_ = out.size();

    // Cut the ranks into ranges of at most `cap` occurrences (a gram alone may have more).
    const size_t cap = std::max<size_t>(options.chunk_occurrences, 1);
    size_t biggest = 0;
    std::vector<uint32_t> cuts{0};
    for (uint32_t r = 0; r < n_grams; ++r) {
      if (start[r + 1] - start[cuts.back()] > cap && r > cuts.back()) cuts.push_back(r);
      biggest = std::max<size_t>(biggest, start[r + 1] - start[r]);
    }
    cuts.push_back(n_grams);
    size_t buf_len = 0;
    for (size_t c = 0; c + 1 < cuts.size(); ++c) buf_len = std::max<size_t>(buf_len, start[cuts[c + 1]] - start[cuts[c]]);
    // Default-initialized (not zeroed): every slot of a range is written by its scatter.
    std::unique_ptr<DocPos[]> buf(new DocPos[std::max<size_t>(buf_len, 1)]);
    std::vector<uint64_t> fill;
    for (size_t c = 0; c + 1 < cuts.size(); ++c) {
      const uint32_t r0 = cuts[c], r1 = cuts[c + 1];
      if (r0 == r1) continue;
      fill.assign(start.begin() + r0, start.begin() + r1);
      const uint64_t base = start[r0];
      scatter(r0, r1, base, fill, buf.get());
      for (uint32_t r = r0; r < r1; ++r) emit(r, buf.get() + (start[r] - base), buf.get() + (start[r + 1] - base), out);
    }
    // The dictionary after the postings (format.h): its entries were coded as each list was written.
    pad8(out);
    off[Footer::kDictIndex] = out.size();
    out.append(dict_.index());
    off[Footer::kDictEntries] = out.size();
    out.append(dict_.entries());
    if (stats) {
      stats->chunks = cuts.size() - 1;
      stats->buffer_bytes = buf_len * sizeof(DocPos) + (biggest * 25 + 32) + fill.capacity() * sizeof(uint64_t) +
                            rank_key_.capacity() * sizeof(uint64_t);  // the dictionary is output, as the postings
    }
    // The log is done with.
    log_ = OccurrenceLog{};
  }

 private:
  // The occurrences of ranks [r0, r1), doc then position order (stable).
  void scatter(uint32_t r0, uint32_t r1, uint64_t base, std::vector<uint64_t>& fill, DocPos* buf) const {
    const uint32_t* g = log_.grams_.data();
    const uint8_t* m = log_.meta_.data();
    const uint32_t* esc = log_.escapes_.data();
    const size_t n_docs = log_.doc_begin_.size();
    const size_t n_occ = log_.grams_.size();
    const bool all = r0 == 0 && r1 == keys_.size();
    for (size_t di = 0; di < n_docs; ++di) {
      const size_t end = di + 1 < n_docs ? log_.doc_begin_[di + 1] : n_occ;
      uint32_t pos = 0;
      for (size_t i = log_.doc_begin_[di]; i < end; ++i) {
        const uint8_t meta = m[i];
        const uint32_t step = meta >> 3;
        pos += step == OccurrenceLog::kEscape ? *esc++ : step;
        const uint32_t r = g[i];
        if (all || (r >= r0 && r < r1))
          buf[fill[r - r0]++ - base] = {static_cast<uint32_t>(di), pos | static_cast<uint32_t>(meta & 7u) << 29};
      }
    }
  }

  // One gram's posting list (format.h) from its sorted occurrences.
  void emit(uint32_t r, const DocPos* e, const DocPos* end, std::string& out) {
    const bool is_bi = !is_unigram_key(rank_key_[r]);
    const size_t cnt = static_cast<size_t>(end - e);
    if (dbuf_.size() < cnt * 20 + 16) dbuf_.resize(cnt * 20 + 16);
    if (is_bi && pbuf_.size() < cnt * 5 + 16) pbuf_.resize(cnt * 5 + 16);
    sbuf_.clear();
    uint8_t* dp = dbuf_.data();
    uint8_t* pp = pbuf_.data();
    uint32_t df = 0, vis_df = 0, prev_doc = 0;
    while (e < end) {
      const uint32_t d = e->doc;
      const DocPos* de = e;
      while (de < end && de->doc == d) ++de;
      if (df % kSkipBlock == 0) {
        SkipEntry{d, static_cast<uint32_t>(dp - dbuf_.data()), static_cast<uint32_t>(pp - pbuf_.data())}.encode_to(sbuf_);
        dp = put_varint(dp, d);
      } else {
        dp = put_varint(dp, d - prev_doc);
      }
      const uint32_t tf = static_cast<uint32_t>(de - e);
      uint32_t flags = (e->pos & kPosMask) < title_lens_[d] ? 2u : 0u;
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
    const uint32_t doc_bytes = static_cast<uint32_t>(dp - dbuf_.data());
    dict_.add(DictEntry{rank_key_[r], out.size() - postings_at_, df, doc_bytes, vis_df});
    if (df > kSkipBlock) out.append(sbuf_);
    out.append(reinterpret_cast<const char*>(dbuf_.data()), doc_bytes);
    if (is_bi) out.append(reinterpret_cast<const char*>(pbuf_.data()), static_cast<size_t>(pp - pbuf_.data()));
  }

  OccurrenceLog& log_;
  const std::vector<uint64_t>& keys_;
  const std::vector<uint32_t>& title_lens_;
  std::vector<uint64_t> rank_key_;  // the key of each rank
  DictWriter dict_;
  size_t postings_at_ = 0;
  std::vector<uint8_t> dbuf_, pbuf_;
  std::string sbuf_;
};

void write_postings(OccurrenceLog& log, const std::vector<uint64_t>& gram_keys,
                    const std::vector<uint32_t>& title_lens, std::string& out, uint64_t* offsets,
                    const PostingsOptions& options, PostingsStats* stats) {
  PostingsWriter(log, gram_keys, title_lens).write(out, offsets, options, stats);
  pad8(out);
}

}  // namespace wenyuan::index::internal
