// Merging segments without rebuilding them (index.cc's optimize and merges).
//
// The live documents of the source segments, in source order (then local
// order), tombstoned ones dropped, become one segment, written front to back
// to a byte sink: nothing is re-tokenized and no document text is decoded.
// Every part of a document's entry in a segment is independent of its local
// doc id except the doc ids themselves, so:
//   doc table    the records, string/span/text offsets moved
//   strings      copied
//   spans        each document's contiguous run copied, its `first` fields moved
//   postings     per gram of the union of the sources' grams that keep a live
//                document, the sources' entries in doc order: doc ids renumbered
//                (deltas, the absolute id at each 128-entry block, the skip
//                table recomputed), the tf/flag varints and the position bytes
//                copied as they are; one walk over the sources' dictionaries
//   dictionary   those grams, coded (dictionary.h) as their lists are written
//   text store   each document's region copied (its offsets are region-relative)
// The result is byte for byte the segment build_segment() makes from the same
// documents read back with Segment::load_doc (tests/unit/index_merge_test.cc).
//
// Memory (docs/intake.md, "Memory of a merge"): the coded dictionary of the
// result (about 7 bytes a gram), a new-id map (4 bytes a source document), the sink's
// buffer and one posting list's scratch (the largest merged posting list,
// twice); the sources are read from their mappings.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/index/manifest.h"
#include "wenyuan/index/segment.h"

namespace wenyuan::index {

struct MergeSource {
  const Segment* segment = nullptr;
  const ManifestSegment* tombstones = nullptr;  // null: no document deleted
};

struct MergeStats {
  uint32_t docs = 0;            // documents written
  uint32_t grams = 0;           // grams of the result
  size_t dict_bytes = 0;        // the result's dictionary, held until it is written
  size_t id_map_bytes = 0;      // source local id -> merged id
  size_t buffer_bytes = 0;      // the sink's write buffer
  size_t scratch_bytes = 0;     // one posting list's encoding scratch, at its largest
  size_t largest_posting = 0;   // bytes of the largest merged posting list
  uint64_t file_bytes = 0;      // the segment written
};

// Receives the segment's bytes in order; a failure stops the merge.
using ByteSink = std::function<Status(std::string_view)>;

// Writes the merged segment to `sink`. The caller makes it durable. With no
// live document there is nothing to write: returns ok with stats->docs == 0
// and calls the sink never.
Status merge_segments(const std::vector<MergeSource>& sources, const ByteSink& sink, MergeStats* stats = nullptr);

// The number of live documents merge_segments would write.
uint32_t live_doc_count(const std::vector<MergeSource>& sources);

}  // namespace wenyuan::index
