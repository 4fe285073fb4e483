// Heading recognition for the outline (outline.cc builds the tree from it):
// whether one line opens with a numbered heading marker (第X编/章/节/条, 一、,
// （一）, 1., （1）) and where its marker and title are. Kept apart from the
// tree building because the two change for different reasons: new marker
// forms and false positives ("1.5亿") touch only this file; nesting and
// extents only outline.cc. Internal to wenyuan_doc (not an API of the stage).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "wenyuan/doc/outline.h"

namespace wenyuan::doc::outline_detail {

struct HeadingMatch {
  OutlineKind kind = OutlineKind::kHeading;
  int number = 0;
  bool sub = false;         // 第十条之一: an inserted article, same number as its predecessor
  size_t marker_begin = 0;  // code points within the line
  size_t marker_end = 0;
  size_t title_begin = 0;
  size_t title_end = 0;
};

// The first index at or after `i` that is not heading space.
size_t skip_space(std::u32string_view s, size_t i);

// The numbered heading `line` opens with, if any (leading space allowed).
std::optional<HeadingMatch> match_heading_at(std::u32string_view line);

}  // namespace wenyuan::doc::outline_detail
