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
// Since schema v7 (docs/intake.md, "Size"): the original bytes are a zstd frame
// with the cleaned text as its prefix (compress_with_prefix), so what the two
// share is stored once; and the outline columns hold a zstd frame of the JSON
// (pack_json) — a long law's outline JSON is bigger than its compressed text.
// Rows written before v7 keep plain JSON text and a self-contained original
// frame, and read as they are.
//
// Since schema v9: an edge line is stored as its key (edge_line_key), not its
// text: the cleaner only ever asks how many documents of a source share a line.
//
// Decoders never throw: malformed input yields Status::corruption naming what.
#pragma once

#include <cstdint>
#include <optional>
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

// bodies.paragraphs / sentences. Codec 0 (every row before schema v8, and a
// list that is not in order): {u32 start, u32 end} a span. Codec 1: per span the
// varint gap from the previous span's end, then the varint length; about a third
// of the bytes, for lists sorted and disjoint (paragraphs and sentences are).
std::string spans_to_blob(const std::vector<doc::Span>& spans);
Result<std::vector<doc::Span>> spans_from_blob(std::string_view blob);
// Codec 1, or nullopt if a span starts before the previous one ends or ends before it starts.
std::optional<std::string> spans_to_deltas(const std::vector<doc::Span>& spans);
Result<std::vector<doc::Span>> spans_from_deltas(std::string_view blob);

// edge_lines.key and edge_line_counts.key (schema v9): the first 8 bytes of the
// BLAKE2b-128 digest (libsodium) of the line's UTF-8, little endian, as a signed
// SQLite integer. Fixed forever: stored keys are compared with keys computed
// later. Two different lines with one key (odds about n^2 / 2^65) would count as
// one line, which at worst makes the cleaner treat a line as recurring.
int64_t edge_line_key(std::string_view line);

// zstd at `level` (1 = fastest; 3 = zstd's default).
std::string compress(std::string_view raw, int level = 3);
// Refuses frames that claim more than `max_size` bytes (a corrupt or hostile blob
// must not make us allocate gigabytes).
Result<std::string> decompress(std::string_view frame, size_t max_size = size_t{1} << 32);
// The start of a frame's content: at least its first `code_points` code points
// of UTF-8 (all of it if it has fewer), decoded in 16 KB steps and stopped as
// soon as they are out; for checking a slice near the start of a long text
// without decoding the rest. Corruption as decompress.
Result<std::string> decompress_head(std::string_view frame, size_t code_points);

// A zstd frame of `raw` that may refer back into `prefix` (zstd's raw-content
// prefix): the bytes of `raw` also found in `prefix` cost a few bytes each. It
// decodes only with the same prefix.
std::string compress_with_prefix(std::string_view raw, std::string_view prefix, int level);
Result<std::string> decompress_with_prefix(std::string_view frame, std::string_view prefix,
                                           size_t max_size = size_t{1} << 32);

// A JSON column value as stored since v7: a zstd frame of the JSON, or the JSON
// itself when it is short (compressing "[]" would only add a frame header).
// unpack_json takes either: a stored JSON array starts with '[', a zstd frame
// with its magic number (0x28 …), so one byte tells them apart.
std::string pack_json(std::string json);
Result<std::string> unpack_json(std::string_view stored);

}  // namespace wenyuan::store
