// What segment_builder.cc (to_index_doc, from a doc::Document) and
// segment_reader.cc (Segment::load_doc, from a segment's records) fill alike
// when they make an IndexDoc. Not part of the index's API.
#pragma once

#include <cstdint>
#include <vector>

#include "wenyuan/index/segment.h"

namespace wenyuan::index::internal {

// The descriptive fields both sources name alike (std::string or string_view).
template <typename From>
void copy_descriptive_fields(const From& from, IndexDoc& x) {
  x.id = from.id;
  x.title = from.title;
  x.date = from.date;
  x.source = from.source;
  x.category = from.category;
}

// Preview spans that are one span over the whole text restrict nothing: the
// IndexDoc then has no `visible` (as a free document), and no public outline or year.
inline bool covers_whole_text(const std::vector<doc::Span>& visible, uint32_t text_chars) {
  return visible.size() == 1 && visible[0].start == 0 && visible[0].end >= text_chars;
}

}  // namespace wenyuan::index::internal
