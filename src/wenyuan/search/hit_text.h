// The text of a hit: where snippets, highlights and paragraph hits come from
// (docs/scoring.md "Hits"). Internal to the search stage.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/index/segment.h"
#include "wenyuan/search/query.h"

namespace wenyuan::search::detail {

// The text of a hit, normalized, with the positions of each positive term.
struct HitText {
  index::StoredText stored;
  index::NormalizedDoc norm;
  std::vector<std::pair<const QueryNode*, std::vector<uint32_t>>> occ;  // text-relative normalized starts
};

// Reads hit `d` of `seg`: its stored text, normalized with the origin map, and
// the text occurrences of every positive term (visible ones only, with
// `visible_only`, whose text is then masked: every paid code point a '\n').
Status load_hit_text(const index::Segment& seg, uint32_t d, const std::vector<const QueryNode*>& positives,
                     HitText& h, bool visible_only);

// Match ranges in original code points, restricted to normalized text range
// [lo, hi), overlaps merged, at most kMaxMatches.
std::vector<doc::Span> match_spans(const HitText& h, uint32_t lo, uint32_t hi);

}  // namespace wenyuan::search::detail
