// Snippets of a hit from the blocks around its matches (hit_text.h).
//
// Why this gives exactly make_snippets over the whole text: every decision of
// make_snippets for a match looks at most max_chars + 1 code points away from
// it (its sentence when that fits in max_chars, else a window of max_chars;
// neighbouring sentences only while the whole still fits). So the text is cut
// into islands: the matches, each widened by a margin of more than that, and
// overlapping ones joined (an island therefore holds every match touching it
// whole). An island's edges act as line breaks (text start and end), which
// only cut sentences and paragraphs more than max_chars from every match, where
// nothing is decided. Snippets never span two islands, and make_snippets picks
// the best non-overlapping candidates greedily, so the best of each island's
// own picks, merged by the same order (most distinct highlighted strings, most
// highlights, earliest), are the picks over the whole text. Islands only
// choose (choose_snippets); just the picks kept over all of them are cut, so a
// term with a thousand scattered matches cuts three snippets, not three per island.
#include <algorithm>
#include <tuple>

#include "wenyuan/search/hit_text.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::search::detail {

namespace {

struct Island {
  uint32_t a, b;  // [a, b) code points of the text
};

// See hit_text.cc: the same mask, over a piece of the text starting at `base`.
std::string mask(std::string_view text, uint32_t base, const std::vector<doc::Span>& vis) {
  std::string out;
  out.reserve(text.size());
  uint32_t cp = base;
  size_t v = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    text::decode_one(text, i);
    while (v < vis.size() && vis[v].end <= cp) ++v;
    if (v < vis.size() && vis[v].start <= cp) out.append(text, at, i - at);
    else out.push_back('\n');
    ++cp;
  }
  return out;
}

bool monotone(const std::vector<doc::Span>& spans) {
  return std::adjacent_find(spans.begin(), spans.end(), [](const doc::Span& x, const doc::Span& y) {
           return y.start < x.start || y.end < x.end;
         }) == spans.end();
}

// The first of `spans` (sorted by start and by end) ending after `a`.
size_t first_after(const std::vector<doc::Span>& spans, uint32_t a) {
  return static_cast<size_t>(
      std::partition_point(spans.begin(), spans.end(), [a](const doc::Span& s) { return s.end <= a; }) - spans.begin());
}

}  // namespace

Result<std::vector<Snippet>> hit_snippets(const HitText& h, const std::vector<doc::Span>& matches, size_t max_snippets,
                                          size_t max_chars, std::optional<doc::Span> within) {
  std::vector<Snippet> out;
  const uint32_t n = h.text_chars();
  if (max_snippets == 0 || n == 0) return out;
  doc::Span in{0, n};
  if (within) in = {std::min(within->start, n), std::min(within->end, n)};
  if (in.start >= in.end) return out;
  std::vector<doc::Span> ms;  // as make_snippets clips them
  for (const auto& m : matches) {
    const uint32_t s = std::max(m.start, in.start), e = std::min(m.end, in.end);
    if (s < e) ms.push_back({s, e});
  }
  std::sort(ms.begin(), ms.end(), [](const doc::Span& x, const doc::Span& y) { return x.start < y.start; });

  // Islands: a margin of twice the snippet length (more than make_snippets ever looks).
  const auto margin = static_cast<uint32_t>(2 * std::max<size_t>(max_chars, 1) + 8);
  std::vector<Island> isl;
  if (ms.empty()) {
    isl.push_back({in.start, in.end - in.start > margin ? in.start + margin : in.end});
  } else {
    for (const auto& m : ms) {
      const uint32_t a = m.start - std::min(m.start - in.start, margin);
      const uint32_t b = in.end - m.end > margin ? m.end + margin : in.end;
      if (!isl.empty() && a <= isl.back().b) isl.back().b = std::max(isl.back().b, b);
      else isl.push_back({a, b});
    }
  }

  // Each island's bound: a snippet is at most max_chars long and holds its
  // match's start, so its highlights (and distinct strings) are at most the
  // matches overlapping [start - max_chars + 1, start + max_chars) of one of
  // the island's matches. Islands are read best bound first, and the rest
  // not at all (no block decoded) once max_snippets picks beat every bound
  // left: a term with a thousand matches over a long law reads the few
  // islands its snippets can come from.
  std::vector<uint32_t> bound(isl.size(), 0);
  {
    const uint64_t mc = std::max<size_t>(max_chars, 1);
    std::vector<uint32_t> reach(ms.size());
    for (size_t i = 0; i < ms.size(); ++i) reach[i] = i == 0 ? ms[i].end : std::max(reach[i - 1], ms[i].end);
    size_t lo = 0, hi = 0, j = 0;
    for (size_t i = 0; i < ms.size(); ++i) {
      const uint64_t a = ms[i].start, from = a + 1 > mc ? a + 1 - mc : 0;
      while (lo < ms.size() && reach[lo] <= from) ++lo;
      while (hi < ms.size() && ms[hi].start < a + mc) ++hi;
      while (j + 1 < isl.size() && isl[j].b <= ms[i].start) ++j;  // the island holding match i
      bound[j] = std::max(bound[j], static_cast<uint32_t>(hi - lo));
    }
  }
  std::vector<size_t> visit(isl.size());
  for (size_t i = 0; i < isl.size(); ++i) visit[i] = i;
  std::stable_sort(visit.begin(), visit.end(), [&](size_t x, size_t y) { return bound[x] > bound[y]; });

  // Blocks: the ones load_hit_text read already (h.stored.text), else each
  // run of blocks needed by islands decoded once.
  const index::TextRegion& rg = h.region;
  std::string run;
  uint32_t run_b0 = 0, run_b1 = 0;  // blocks of `run`
  const bool stored = h.text_b0 < h.text_b1;
  // The choices of every island, best first once sorted; the island's piece
  // (and matches) are kept while one of its choices may still be among the best.
  struct Keyed {
    SnippetChoice c;  // start, end in the text; byte offsets in the island's piece
    size_t island;
  };
  std::vector<Keyed> all;
  std::vector<std::string> pieces;
  std::vector<std::vector<doc::Span>> piece_ms;
  std::vector<uint32_t> piece_at;  // each piece's first code point in the text
  auto order = [](const Keyed& x, const Keyed& y) {
    return std::tie(y.c.distinct, y.c.highlights, x.c.start) < std::tie(x.c.distinct, x.c.highlights, y.c.start);
  };
  auto prune = [&] {  // keep the best max_snippets, free the pieces no longer needed
    std::stable_sort(all.begin(), all.end(), order);
    if (all.size() <= max_snippets) return;
    for (size_t d = max_snippets; d < all.size(); ++d) {
      const size_t i = all[d].island;
      if (std::any_of(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(max_snippets),
                      [&](const Keyed& k) { return k.island == i; }))
        continue;
      std::string().swap(pieces[i]);
      std::vector<doc::Span>().swap(piece_ms[i]);
    }
    all.resize(max_snippets);
  };
  std::vector<doc::Span> sents, ims;
  const char* cur_buf = nullptr;  // where the last island started: its buffer, byte and code point
  size_t cur_byte = 0;
  uint32_t cur_cp = 0;
  // Sentences (and matches) sorted by start and by end, as doc::analyze and
  // match_spans give them, are searched instead of scanned for each island (a
  // long law has thousands); anything else is scanned, with the same result.
  const bool sorted = monotone(h.stored.sentences), ms_sorted = monotone(ms);
  for (const size_t v : visit) {
    const Island& is = isl[v];
    if (all.size() >= max_snippets) {  // all: the best so far, sorted (prune)
      // Skipped when its best possible (bound, bound) is below the last pick,
      // or equal to it but later in the text (ties go to the earlier start).
      const SnippetChoice& last = all[max_snippets - 1].c;
      const uint32_t u = bound[v];
      if (last.distinct > u || (last.distinct == u && last.highlights > u)) break;
      if (last.distinct == u && last.highlights == u && is.a > last.start) continue;
    }
    const uint32_t b0 = rg.block_of_cp(is.a), b1 = rg.block_of_cp(is.b - 1) + 1;
    std::string_view buf;  // the UTF-8 of blocks [buf_b0, ...) holding the island
    uint32_t buf_b0 = 0;
    if (stored && b0 >= h.text_b0 && b1 <= h.text_b1) {
      buf = h.stored.text;
      buf_b0 = h.text_b0;
    } else {
      if (!(b0 >= run_b0 && b1 <= run_b1 && !run.empty())) {
        if (!run.empty() && b0 >= run_b0 && b0 < run_b1) {  // overlaps the run's end: extend it
          WENYUAN_RETURN_IF_ERROR(rg.decode(run_b1, b1, run));
        } else if (stored && b0 >= h.text_b0 && b0 < h.text_b1) {
          // Starts in the blocks read already (a one-character term's last
          // island runs a margin past them): decode only the blocks after.
          run.assign(h.stored.text);
          WENYUAN_RETURN_IF_ERROR(rg.decode(h.text_b1, b1, run));
          run_b0 = h.text_b0;
          cur_buf = nullptr;
        } else {
          run.clear();
          WENYUAN_RETURN_IF_ERROR(rg.decode(b0, b1, run));
          run_b0 = b0;
          cur_buf = nullptr;
        }
        run_b1 = b1;
      }
      buf = run;
      buf_b0 = run_b0;
    }
    // The island's bytes: counted on from the last island's start when it
    // is in the same buffer and before it, else from block b0's start.
    if (cur_buf != buf.data() || cur_cp > is.a || rg.block_first_cp(b0) > cur_cp) {
      cur_buf = buf.data();
      cur_byte = rg.block_byte_off(b0) - rg.block_byte_off(buf_b0);
      cur_cp = rg.block_first_cp(b0);
    }
    cur_byte = text::skip_code_points(buf, cur_byte, is.a - cur_cp);
    cur_cp = is.a;
    // Its end: counted from the start of the block holding code point is.b
    // when that is after is.a (blocks start at code point boundaries), not
    // over the whole island.
    const uint32_t be = rg.block_of_cp(is.b);
    const size_t end_byte =
        be > b0 && rg.block_first_cp(be) > is.a
            ? text::skip_code_points(buf, rg.block_byte_off(be) - rg.block_byte_off(buf_b0), is.b - rg.block_first_cp(be))
            : text::skip_code_points(buf, cur_byte, is.b - is.a);
    std::string piece(buf.substr(cur_byte, end_byte - cur_byte));
    if (h.visible_only) piece = mask(piece, is.a, h.stored.visible);
    sents.clear();
    for (size_t i = sorted ? first_after(h.stored.sentences, is.a) : 0; i < h.stored.sentences.size(); ++i) {
      const auto& s = h.stored.sentences[i];
      if (sorted && s.start >= is.b) break;
      if (s.end <= is.a || s.start >= is.b) continue;
      sents.push_back({std::max(s.start, is.a) - is.a, std::min(s.end, is.b) - is.a});
    }
    ims.clear();
    for (size_t i = ms_sorted ? first_after(ms, is.a) : 0; i < ms.size(); ++i) {
      const auto& m = ms[i];
      if (ms_sorted && m.start >= is.b) break;
      if (m.start < is.b && m.end > is.a) ims.push_back({m.start - is.a, m.end - is.a});
    }
    const auto got = choose_snippets(piece, sents, ims, max_snippets, max_chars);
    if (got.empty()) continue;
    for (SnippetChoice c : got) {
      c.start += is.a;
      c.end += is.a;
      all.push_back({c, pieces.size()});
    }
    pieces.push_back(std::move(piece));
    piece_ms.push_back(ims);
    piece_at.push_back(is.a);
    prune();
  }
  prune();
  for (const Keyed& k : all) {
    SnippetChoice c = k.c;  // cut from its piece, in the piece's code points
    const uint32_t a = piece_at[k.island];
    c.start -= a;
    c.end -= a;
    Snippet sn = cut_snippet(pieces[k.island], piece_ms[k.island], c);
    sn.start += a;
    sn.end += a;
    out.push_back(std::move(sn));
  }
  return out;
}

}  // namespace wenyuan::search::detail
