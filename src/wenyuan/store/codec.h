// How the parts of a Document that are not plain columns are stored in the
// catalog: JSON for the structured, human-inspectable parts (tags, regions,
// outline, removed), a packed blob for the bulky span lists, and zstd frames
// for the large texts.
//
// JSON shapes (all offsets are code points into the cleaned text):
//   tags     ["党建", "总结"]
//   regions  [{"kind":"preview","start":0,"end":120}, {"kind":"paid","start":120,"end":900}]
//   outline  [{"level":1,"kind":"cn_num","marker":"一、","title":"总体情况",
//              "start":0,"end":300,"heading":[0,8],"children":[ ...same shape... ]}]
//   removed  [{"reason":"promo_line","text":"…","position":42}]
//
// Span blob: paragraphs and sentences, each span as two little-endian uint32
// (start, end), 8 bytes a span, in order. A blob whose size is not a multiple
// of 8 is corrupt.
//
// Compressed text: one zstd frame whose header records the content size; an
// empty input compresses to an empty blob (no frame).
//
// Decoders never throw: malformed input yields Status::corruption naming what.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"

namespace wenyuan::store {

std::string tags_to_json(const std::vector<std::string>& tags);
Result<std::vector<std::string>> tags_from_json(std::string_view json);

std::string regions_to_json(const std::vector<doc::Region>& regions);
Result<std::vector<doc::Region>> regions_from_json(std::string_view json);

std::string outline_to_json(const std::vector<doc::OutlineNode>& outline);
Result<std::vector<doc::OutlineNode>> outline_from_json(std::string_view json);

std::string removed_to_json(const std::vector<doc::Removed>& removed);
Result<std::vector<doc::Removed>> removed_from_json(std::string_view json);

std::string spans_to_blob(const std::vector<doc::Span>& spans);
Result<std::vector<doc::Span>> spans_from_blob(std::string_view blob);

// zstd at `level` (1 = fastest; 3 = zstd's default).
std::string compress(std::string_view raw, int level = 3);
// Refuses frames that claim more than `max_size` bytes (a corrupt or hostile blob
// must not make us allocate gigabytes).
Result<std::string> decompress(std::string_view frame, size_t max_size = size_t{1} << 32);

}  // namespace wenyuan::store
