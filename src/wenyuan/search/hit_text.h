// The text of a hit: where snippets, highlights and paragraph hits come from
// (docs/scoring.md "Hits"). Internal to the search stage.
//
// A hit's occurrences come from the postings (terms of two or more
// characters: the same positions the engine matched), mapped back to original
// code points by the text store's sparse origin map; its text is decoded only
// in the blocks around the matches its snippets are cut from. A
// one-character term (unigrams keep no positions) is found by decoding and
// normalizing the text block by block (normalization is per code point, and
// blocks are cut at code point boundaries, so a block normalizes on its own
// and its normalized text starts at the block table's first_norm), and only
// as far as the result can still change: until the term's text occurrences
// (tf from the unigram posting, less the title's) are all found, or until the
// first kMaxMatches match ranges can no longer change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/search/query.h"
#include "wenyuan/search/snippet.h"

namespace wenyuan::search::detail {

struct HitText {
  const index::Segment* seg = nullptr;
  uint32_t doc = 0;
  bool visible_only = false;
  index::TextRegion region;       // origin map, block table
  index::StoredText stored;       // spans (sentences and paragraphs clipped to visible with visible_only); `text`:
                                  // the UTF-8 of blocks [text_b0, text_b1) (those a one-character term read), unmasked
  uint32_t text_b0 = 0, text_b1 = 0;
  std::u32string title;           // normalized title
  std::vector<std::pair<const QueryNode*, std::vector<uint32_t>>> occ;  // text-relative normalized starts
  // match_spans(*this, spans_lo, spans_hi) when load_hit_text computed it to
  // decide it could stop (occ final by then): given back, not recomputed.
  bool has_spans = false;
  uint32_t spans_lo = 0, spans_hi = 0;
  std::vector<doc::Span> spans;

  uint32_t origin(uint32_t n) const { return region.map().origin(n); }
  uint32_t norm_of(uint32_t o) const { return region.map().norm_of(o); }
  uint32_t text_chars() const { return region.block_first_cp(region.block_count()); }
};

// What a caller needs of a hit's occurrences. `every`: all of them (the
// paragraph unit's text path scores every paragraph). Otherwise only what
// match_spans(h, lo, hi) returns must be exact: one-character terms may be
// left out beyond that (outside [lo, hi), or past the kMaxMatches-th range).
struct OccurrenceNeed {
  bool every = true;
  uint32_t lo = 0, hi = UINT32_MAX;  // normalized text range
  static OccurrenceNeed all() { return {}; }
  static OccurrenceNeed for_matches(uint32_t lo, uint32_t hi) { return {false, lo, hi}; }
};

// Reads hit `d` of `seg`: its span tables and origin map, and the text
// occurrences of every positive term (visible ones only, with `visible_only`),
// as `need` asks.
Status load_hit_text(const index::Segment& seg, uint32_t d, const std::vector<const QueryNode*>& positives,
                     HitText& h, bool visible_only, OccurrenceNeed need = OccurrenceNeed::all());

// Match ranges in original code points, restricted to normalized text range
// [lo, hi), overlaps merged, at most kMaxMatches.
std::vector<doc::Span> match_spans(const HitText& h, uint32_t lo, uint32_t hi);

// make_snippets over the hit's text (masked with visible_only: every paid code
// point a '\n'), with the same result, decoding only the blocks within a few
// snippet lengths of the matches (or of the lead, with none).
Result<std::vector<Snippet>> hit_snippets(const HitText& h, const std::vector<doc::Span>& matches, size_t max_snippets,
                                          size_t max_chars = kSnippetChars, std::optional<doc::Span> within = std::nullopt);

}  // namespace wenyuan::search::detail
