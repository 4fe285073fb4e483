// One-character terms of the paragraph index path (paragraph_entries.h).
//
// A character c has no positions of its own: its occurrences are the starts of
// the bigrams c·x (thousands of posting lists for a common character, in key
// order, not position order) plus the body's last position. Counting each
// against its paragraph by a search of the paragraph table per (bigram,
// document) cost ~100 ms for the commonest characters at 89 M characters
// (bench/RESULTS.md). Instead every occurrence sets a bit in a bitmap over the
// found documents' position spaces, and each document's bits are read back in
// position order beside its paragraph table: per paragraph by prefix popcounts
// where the marks are many, mark by mark (via a summary bitmap of the words
// with marks) where they are few. The list is the one paragraph_index.cc's
// Accumulator would give: the same keys, counts and fits (an occurrence of one
// character lies inside the paragraph it starts in).
#include <algorithm>
#include <string>

#include "wenyuan/search/paragraph_entries.h"
#include "wenyuan/text/normalize.h"

namespace wenyuan::search::detail::para {

namespace {

using index::DocMeta;
using index::GramPostings;
using index::PostingCursor;
using index::Segment;

// Set bits of x, inline: the build targets baseline x86-64 (no POPCNT), where
// __builtin_popcountll is a libgcc call that showed in profiles.
inline uint32_t popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<uint32_t>((x * 0x0101010101010101ull) >> 56);
}

struct Scratch {
  std::vector<uint64_t> bits;               // a bit per position of the found documents (zero between uses)
  std::vector<uint64_t> summary;            // a bit per word of `bits` that has a mark (zero between uses)
  std::vector<uint64_t> bit_base, bit_end;  // by local doc: its position space in `bits`
  std::vector<uint32_t> npara;              // by local doc: its paragraph count
  std::vector<uint32_t> seen;               // by local doc: bigram positions ch·x (zero between uses)
  std::vector<uint32_t> cum;                // count_dense: set bits before each word of a document
  std::vector<uint32_t> pos;
};

class UnigramScan {
 public:
  UnigramScan(Scratch& sc, const Segment& seg, const std::vector<uint32_t>& fd, const std::vector<uint32_t>& slot,
              bool visible_only)
      : sc_(sc), seg_(seg), fd_(fd), slot_(slot), vis_(visible_only) {
    if (sc_.bit_base.size() < seg.doc_count()) {
      sc_.bit_base.resize(seg.doc_count(), 0);
      sc_.bit_end.resize(seg.doc_count(), 0);
      sc_.npara.resize(seg.doc_count(), 0);
      sc_.seen.resize(seg.doc_count(), 0);
    }
  }

  void run(char32_t ch, std::vector<Entry>& out) {
    out.clear();
    uint64_t total = 0;
    for (uint32_t d : fd_) {
      const index::DocRecord rec = seg_.record(d);
      sc_.bit_base[d] = total;
      total += rec.norm_len;
      sc_.bit_end[d] = total;
      sc_.npara[d] = rec.paragraph_count;
    }
    const size_t words = static_cast<size_t>(total / 64 + 1), swords = words / 64 + 1;
    if (sc_.bits.size() < words) sc_.bits.resize(words, 0);
    if (sc_.summary.size() < swords) sc_.summary.resize(swords, 0);
    uint64_t* const bits = sc_.bits.data();
    uint64_t* const summary = sc_.summary.data();
    auto mark = [bits, summary](uint64_t b) {
      bits[b >> 6] |= uint64_t{1} << (b & 63);
      summary[b >> 12] |= uint64_t{1} << ((b >> 6) & 63);
    };
    // Every bigram ch·x starts at an occurrence of ch (title included: no paragraph holds it).
    const uint64_t end_key = index::bigram_key(ch + 1, 0);
    const index::DictReader& dict = seg_.dictionary();
    for (index::DictReader::Walk w(dict, dict.lower_bound(index::bigram_key(ch, 0))); !w.done() && w.entry().key < end_key;
         w.next()) {
      each_found(seg_.postings(w.entry()), fd_, slot_, [&](PostingCursor& c) {
        sc_.pos.clear();
        c.positions(sc_.pos);
        sc_.seen[c.doc()] += static_cast<uint32_t>(sc_.pos.size());
        const uint64_t b = sc_.bit_base[c.doc()];
        for (uint32_t p : sc_.pos) mark(b + p);
      });
    }
    // The body's last position, where no bigram starts.
    each_found(seg_.gram(index::unigram_key(ch)), fd_, slot_, [&](PostingCursor& c) {
      if (ends_body(seg_, c, ch, sc_.seen[c.doc()])) mark(sc_.bit_end[c.doc()] - 1);
    });
    for (uint32_t d : fd_) {
      // Many marks for the paragraphs (seen: the marks but a body end): a count
      // per paragraph; else a visit per mark.
      const bool dense = !vis_ && uint64_t{sc_.seen[d]} * 4 >= sc_.npara[d];
      sc_.seen[d] = 0;
      if (vis_) walk<true>(d, out);
      else if (dense) count_dense(d, out);
      else walk<false>(d, out);
    }
    std::fill(sc_.summary.begin(), sc_.summary.begin() + static_cast<std::ptrdiff_t>(swords), 0);
    if (!std::is_sorted(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; }))
      std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  }

  // A member's view of a document with many marks for its paragraphs: each
  // paragraph's count from prefix popcounts, without a branch per mark or per
  // paragraph (those mispredicted in profiles, a common character starting a
  // new paragraph at every other mark). Where the marks are few, walk() is
  // cheaper: it visits only them. Clears the document's bits.
  void count_dense(uint32_t d, std::vector<Entry>& out) {
    uint64_t* const bits = sc_.bits.data();
    const uint64_t b = sc_.bit_base[d], e = sc_.bit_end[d];
    if (e == b) return;
    const uint64_t w0 = b >> 6, w1 = (e - 1) >> 6;  // the words holding the document's bits
    auto& cum = sc_.cum;                            // cum[i]: set bits of words w0 .. w0+i-1
    cum.resize(w1 - w0 + 2);
    uint32_t c = 0;
    const uint64_t lo_keep = (uint64_t{1} << (b & 63)) - 1;  // a previous document's bits in word w0
    cum[0] = 0;
    c = static_cast<uint32_t>(popcount64(bits[w0] & ~lo_keep));
    for (uint64_t w = w0 + 1; w <= w1; ++w) {
      cum[w - w0] = c;
      c += static_cast<uint32_t>(popcount64(bits[w]));
    }
    cum[w1 - w0 + 1] = c;  // (bits of a next document in w1 counted too: never read past e)
    if (c == 0) return;
    const DocMeta m = seg_.doc(d);
    if (m.paragraph_count == 0) {
      clear_bits(b, e);
      return;
    }
    // Set bits below X, from w0's first bit of the document.
    auto below = [&](uint64_t x) {
      const uint64_t w = x >> 6;
      const uint64_t low = bits[w] & ((uint64_t{1} << (x & 63)) - 1) & (w == w0 ? ~lo_keep : ~uint64_t{0});
      return cum[w - w0] + static_cast<uint32_t>(popcount64(low));
    };
    const uint32_t base = m.title_len + 1;
    size_t k = out.size();
    out.resize(k + m.paragraph_count);
    for (uint32_t j = 0; j < m.paragraph_count; ++j) {
      const uint64_t ps = b + std::max(span_a(m.paragraphs, j), base);
      const uint64_t pe = std::max(b + span_b(m.paragraphs, j), ps);
      const uint32_t n = below(pe) - below(ps);
      out[k] = {(uint64_t{m.paragraph_first} + j) << 32, d, n | kFits};
      k += n != 0;
    }
    out.resize(k);
    clear_bits(b, e);
  }

  // Zeroes bits [a, z) only (the words at the ends are shared with neighbours).
  void clear_bits(uint64_t a, uint64_t z) {
    uint64_t* const bits = sc_.bits.data();
    const uint64_t wa = a >> 6, wz = (z - 1) >> 6;
    const uint64_t keep_lo = (uint64_t{1} << (a & 63)) - 1;
    const uint64_t keep_hi = (z & 63) == 0 ? 0 : ~((uint64_t{1} << (z & 63)) - 1);
    if (wa == wz) {
      bits[wa] &= keep_lo | keep_hi;
      return;
    }
    bits[wa] &= keep_lo;
    for (uint64_t w = wa + 1; w < wz; ++w) bits[w] = 0;
    bits[wz] &= keep_hi;
  }

  // One document's marks in position order beside its paragraph table (and
  // visible ranges with Vis): runs in one paragraph (piece) become one entry,
  // in key order. Its words are zeroed as they are read.
  template <bool Vis>
  void walk(uint32_t d, std::vector<Entry>& out) {
    uint64_t* const bits = sc_.bits.data();
    const uint64_t* const summary = sc_.summary.data();
    const uint64_t b = sc_.bit_base[d], e = sc_.bit_end[d];
    if (e == b) return;
    DocMeta m;
    bool have_meta = false, skip = false;
    uint32_t base = 0, pj = 0, vj = 0, pe = 0, ve = 0, v = 0;
    uint64_t key = 0, first = 0;
    uint32_t n = 0;
    // The words with marks, from the summary (a rare character leaves most empty).
    const uint64_t w0 = b >> 6, w1 = (e - 1) >> 6;
    for (uint64_t sw = w0 >> 6; sw <= w1 >> 6; ++sw) {
     for (uint64_t y = summary[sw]; y != 0; y &= y - 1) {
      const uint64_t w = (sw << 6) + static_cast<uint64_t>(__builtin_ctzll(y));
      if (w < w0) continue;
      if (w > w1) break;
      uint64_t x = bits[w];
      if (x == 0) continue;
      // Bits of a neighbouring document sharing this word: left for its turn.
      if (w == b >> 6) x &= ~uint64_t{0} << (b & 63);
      if (w == (e - 1) >> 6 && (e & 63) != 0) x &= (uint64_t{1} << (e & 63)) - 1;
      bits[w] &= ~x;
      if (x == 0) continue;
      if (!have_meta) {
        have_meta = true;
        m = seg_.doc(d);
        base = m.title_len + 1;
        first = m.paragraph_first;
        skip = m.paragraph_count == 0 || (Vis && m.visible_count == 0);
      }
      if (skip) continue;
      for (; x != 0; x &= x - 1) {
        const uint32_t p = static_cast<uint32_t>((w << 6) + static_cast<uint64_t>(__builtin_ctzll(x)) - b);
        if (p < base) continue;  // the title: in no paragraph
        if constexpr (Vis) {
          if (p >= ve) {
            vj = first_after(m.visible, m.visible_count, vj, p);
            ve = vj == 0 ? 0 : span_b(m.visible, vj - 1);
          }
          if (vj == 0 || p >= ve) continue;  // not visible
          v = vj - 1;
        }
        if (p >= pe) {
          // Mostly the next paragraph or one soon after: a few steps, then a gallop.
          uint32_t step = 0;
          while (pj < m.paragraph_count && step < 4 && span_a(m.paragraphs, pj) <= p) ++pj, ++step;
          if (step == 4) pj = first_after(m.paragraphs, m.paragraph_count, pj, p);
          pe = pj == 0 ? 0 : span_b(m.paragraphs, pj - 1);
        }
        if (pj == 0 || p >= pe) continue;  // between paragraphs
        const uint64_t k = (first + pj - 1) << 32 | v;
        if (n != 0 && k != key) {
          out.push_back({key, d, n | kFits});
          n = 0;
        }
        key = k;
        ++n;
      }
     }
    }
    if (n != 0) out.push_back({key, d, n | kFits});
  }

 private:
  Scratch& sc_;
  const Segment& seg_;
  const std::vector<uint32_t>& fd_;
  const std::vector<uint32_t>& slot_;
  bool vis_;
};

}  // namespace

bool ends_body(const Segment& seg, const PostingCursor& c, char32_t ch, uint32_t seen) {
  const uint32_t missing = c.tf() - std::min(c.tf(), seen);
  if (missing == 0) return false;
  const DocMeta meta = seg.doc(c.doc());
  if (meta.norm_len <= meta.title_len + 1) return false;  // no body
  if (missing >= 2 || meta.title_len == 0 || !c.in_title()) return true;
  // One of the two ends holds ch and the title has ch somewhere: is it its end?
  std::u32string title;
  text::Normalizer::instance().normalize(meta.title, title);
  return title.empty() || title.back() != ch;
}

void one_char_entries(const Segment& seg, const std::vector<uint32_t>& fd, const std::vector<uint32_t>& slot,
                      bool visible_only, char32_t ch, std::vector<Entry>& out) {
  thread_local Scratch sc;
  UnigramScan(sc, seg, fd, slot, visible_only).run(ch, out);
}

}  // namespace wenyuan::search::detail::para
