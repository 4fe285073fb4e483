// The text of a hit: where snippets, highlights and paragraph hits come from
// (docs/scoring.md "Hits"). Internal to the search stage.
//
// A hit's occurrences come from the postings (terms of two or more
// characters: the same positions the engine matched), mapped back to original
// code points by the text store's sparse origin map; its text is decoded only
// in the blocks around the matches its snippets are cut from. Only a
// one-character term (unigrams keep no positions) reads and normalizes the
// whole text.
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
  index::StoredText stored;       // spans (sentences and paragraphs clipped to visible with visible_only); `text`
                                  // only when `whole` (a one-character term needed it), unmasked
  bool whole = false;
  std::u32string title;           // normalized title
  std::vector<std::pair<const QueryNode*, std::vector<uint32_t>>> occ;  // text-relative normalized starts

  uint32_t origin(uint32_t n) const { return region.map().origin(n); }
  uint32_t norm_of(uint32_t o) const { return region.map().norm_of(o); }
  uint32_t text_chars() const { return region.block_first_cp(region.block_count()); }
};

// Reads hit `d` of `seg`: its span tables and origin map, and the text
// occurrences of every positive term (visible ones only, with `visible_only`).
Status load_hit_text(const index::Segment& seg, uint32_t d, const std::vector<const QueryNode*>& positives,
                     HitText& h, bool visible_only);

// Match ranges in original code points, restricted to normalized text range
// [lo, hi), overlaps merged, at most kMaxMatches.
std::vector<doc::Span> match_spans(const HitText& h, uint32_t lo, uint32_t hi);

// make_snippets over the hit's text (masked with visible_only: every paid code
// point a '\n'), with the same result, decoding only the blocks within a few
// snippet lengths of the matches (or of the lead, with none).
Result<std::vector<Snippet>> hit_snippets(const HitText& h, const std::vector<doc::Span>& matches, size_t max_snippets,
                                          size_t max_chars = kSnippetChars, std::optional<doc::Span> within = std::nullopt);

}  // namespace wenyuan::search::detail
