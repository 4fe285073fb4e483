// Segment and manifest byte layout, and the small codecs they use.
//
// All integers are little endian. varint = LEB128 (7 bits a byte, high bit =
// "more"). docs/index-format.md is the prose version of this file.
//
// Position space of one document (normalized code points, text::Normalizer):
//
//   [0, title_len)            normalize(title)
//   title_len                 SEP: no gram covers it, so nothing matches across fields
//   [title_len+1, norm_len)   normalize(text)
//
// Gram keys (uint64):
//   bigram  (c1, c2)  = c1 << 21 | c2          (both <= 0x10FFFF, so < 2^42)
//   unigram (c)       = 1 << 42 | c            (all unigrams sort after all bigrams)
//
// Visibility (docs/paywall.md): a position is *visible* (readable by every
// tier) when it lies in the title or in one of the document's visible ranges
// (its preview regions, in position space). An occurrence [p, p+len) is visible
// iff it lies wholly in the title or wholly inside one visible range, so no
// term, phrase or adjacency ever joins visible and paid characters. Search for
// a non-member counts visible occurrences only, from the same postings.
//
// Segment file "seg-<NNNNNN>.wys":
//
//   header      8 bytes  "WYSEG\0\0" + one byte kSegmentFormatVersion (5); a
//               file of another version is refused with "index format N, this
//               build reads M: run `wenyuan reindex`"
//   doc table   n_docs x 128-byte DocRecord (below)
//   strings     id, title, date, source, category, type bytes, referenced by DocRecord
//   spans       n_spans x {u32 a, u32 b}, four kinds, each referenced by a
//               (first, count) pair of the DocRecord, in position space:
//                 heading spans {start, reach}: sorted by start per doc;
//                   reach = max end of this and all earlier spans of the doc
//                   (so "is [p, p+m) inside a heading" is one binary search:
//                   reach of the last span with start <= p must be >= p+m)
//                 public heading spans {start, reach}: the same for the outline
//                   computed from visible text alone (doc::public_analysis)
//                 visible ranges {start, end}: sorted, disjoint, body only
//                   (the title is always visible)
//                 paragraphs {start, end}: every doc::Document paragraph, in
//                   order, as the normalized positions [start, end) of its
//                   code points (empty ones too: the i-th is the i-th paragraph
//                   of the text store), so a paragraph search finds the
//                   paragraph of an occurrence without reading text
//   postings    per gram, at its offset (relative to the postings section):
//                 skip table  ceil(df/128) x {u32 first_doc, u32 doc_off, u32 pos_off}
//                             (only when df > 128)
//                 doc stream  doc_bytes bytes: per doc
//                               varint doc delta (absolute at the start of each 128-doc block)
//                               varint tf << 3 | partial << 2 | in_title << 1 | in_heading
//                               partial only: varint visible_tf << 1 | visible_in_heading
//                 pos stream  (bigrams only) per doc: tf varint position deltas
//                             (first one absolute)
//               in_title: some occurrence lies in the title; in_heading: some
//               occurrence [p, p+len) lies inside a heading span. partial: the
//               visible counts differ from the full ones (some occurrence lies
//               in paid text, or the public outline differs); without it
//               visible_tf = tf and visible_in_heading = in_heading. Offsets in
//               the skip table are relative to the start of each stream.
//               The gram's postings are contiguous: skip table, doc stream, pos
//               stream, and the next gram's start where they end.
//   dict index  ceil(n_grams/16) x {u64 first_key, u64 postings_off, u64 entries_off}:
//               per block of kDictBlock (16) grams in ascending key order, the
//               first gram's key and postings offset, and where the block's
//               entries start in the dict entries section (dictionary.h, version 5)
//   dict entries per gram of a block: (not for the block's first) varint64 key
//               step, varint64 postings offset step; then varint df, varint
//               doc_bytes, varint df - visible_df (visible_df: docs with a
//               visible occurrence)
//   text store  per doc one region at its text_off (text_store.h, version 4):
//                 u32 text_bytes, u32 n_blocks, u32 n_map, u32 norm_len, u32 spans_bytes
//                 (n_blocks + 1) x {u32 byte_off, u32 first_cp, u32 first_norm,
//                   u32 frame_off} block table (the last entry: totals, frames' end)
//                 n_map x {u32 norm, u32 orig} sparse origin map: origin(n) =
//                   orig + (n - norm) for n from norm to the next entry's norm
//                 spans_bytes: 5 x (varint n, n x {varint start, varint len}):
//                   sentences, paragraphs, outline heading spans, public heading
//                   spans, visible regions (code points of the text; kept so
//                   a segment's documents read back whole, Segment::load_doc
//                   for `wenyuan verify`, and so hits can mask paid text)
//                 n_blocks zstd frames, each ~kTextBlockBytes of the cleaned text
//   pad         zero bytes to a multiple of 8 before each section
//   footer      72 bytes: 7 x u64 section offsets (doc table, strings, spans,
//               postings, dict index, dict entries, text store), u32 n_docs,
//               u32 n_grams, u32 crc32c of every byte before the crc, u32 magic
//               0x57594553. A section ends where the next begins (the text
//               store where the footer begins).
//
// (Version 4 changed the text store: blocks, origin map, spans outside the frames;
// and added the paragraph table. Version 5 coded the dictionary in blocks, after
// the postings, where it had been two fixed arrays before them.)
// DocRecord (128 bytes; version 3 added `type`, the 文种, for the type: filter
// and the facets; version 4 the paragraph table; older segments are refused:
// `wenyuan reindex`):
//    0 u32 id_off        4 u32 id_len          (offsets into strings)
//    8 u32 title_off    12 u32 title_bytes
//   16 u32 date_off     20 u32 date_len
//   24 u32 source_off   28 u32 source_len
//   32 u32 category_off 36 u32 category_len
//   40 u32 type_off     44 u32 type_len        (doc::Document::type, public: from visible text)
//   48 i32 year (INT32_MIN = none)
//   52 u32 title_len (normalized code points)   56 u32 norm_len (whole position space)
//   60 u32 heading_first 64 u32 heading_count   (into spans)
//   68 u32 text_chars (code points of the cleaned text)
//   72 u64 text_off (into the text store)       80 u32 text_bytes (the doc's region)
//   84 u32 visible_body_len (visible body positions, for BM25 length norms)
//   88 i64 imported_at
//   96 u32 visible_first 100 u32 visible_count   (into spans)
//  104 u32 public_heading_first 108 u32 public_heading_count (into spans)
//  112 i32 public_year (the year as a non-member may learn it; INT32_MIN = none)
//  116 u32 reserved (0)
//  120 u32 paragraph_first 124 u32 paragraph_count (into spans)
//
// Manifest "MANIFEST" (the one commit point; replaced by rename):
//   u64 magic "WYMANF1\0" (kManifestMagic; the '1' is the manifest's version),
//   u64 generation, u64 catalog_seq, u64 next_segment,
//   u32 n_segments, per segment: u64 number, u32 n_docs, u32 n_deleted,
//   ceil(n_docs/8) bytes deletion bitmap (bit d of byte d/8 = doc d deleted);
//   u32 crc32c of everything before it.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace wenyuan::index {

// Every fixed-width field is read and written with memcpy in host order; the
// format is little endian, so a big-endian build would need byte swaps here.
static_assert(std::endian::native == std::endian::little, "index format: little-endian hosts only (format.h)");

// The one version number of the segment format: byte 8 of every segment file.
inline constexpr uint8_t kSegmentFormatVersion = 5;
inline constexpr char kSegmentMagic[8] = {'W', 'Y', 'S', 'E', 'G', 0, 0, static_cast<char>(kSegmentFormatVersion)};
// The first 7 bytes of every segment version; byte 8 is the version.
inline constexpr size_t kSegmentMagicPrefix = 7;
inline constexpr uint32_t kFooterMagic = 0x57594553;
inline constexpr uint64_t kManifestMagic = 0x31464e414d5957ull;  // bytes "WYMANF1\0"
inline constexpr uint32_t kSkipBlock = 128;
inline constexpr int32_t kNoYear = INT32_MIN;
inline constexpr char32_t kSep = 0xFFFFFFFF;  // never a code point

inline uint64_t bigram_key(char32_t a, char32_t b) { return (uint64_t{a} << 21) | uint64_t{b}; }
inline uint64_t unigram_key(char32_t a) { return (uint64_t{1} << 42) | uint64_t{a}; }
inline bool is_unigram_key(uint64_t k) { return (k >> 42) != 0; }

inline void put_u32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}
inline void put_u64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 8);
}
inline uint32_t get_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // little endian (static_assert above)
  return v;
}
inline uint64_t get_u64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// ---- typed records (LevelDB table/format.h style: encode_to / decode_from) ----

// A (offset, length) reference into the strings section.
struct StringRef {
  uint32_t off = 0, len = 0;
};

// One entry of the doc table. The struct's layout is the record's layout
// (static_asserts in format.cc), so decode_from is one memcpy: the scoring hot
// path decodes a record per scored document.
struct DocRecord {
  enum StringField { kId, kTitle, kDate, kSource, kCategory, kType, kStringFields };
  StringRef strings[kStringFields];   //  0..47  id, title, date, source, category, type
  int32_t year = kNoYear;             // 48
  uint32_t title_len = 0;             // 52 normalized code points of the title
  uint32_t norm_len = 0;              // 56 the whole position space
  uint32_t heading_first = 0;         // 60 into spans
  uint32_t heading_count = 0;         // 64
  uint32_t text_chars = 0;            // 68 code points of the cleaned text
  uint64_t text_off = 0;              // 72 into the text store
  uint32_t text_bytes = 0;            // 80
  uint32_t visible_body_len = 0;      // 84 visible body positions (BM25 length norms)
  int64_t imported_at = 0;            // 88
  uint32_t visible_first = 0;         // 96 into spans
  uint32_t visible_count = 0;         // 100
  uint32_t public_heading_first = 0;  // 104 into spans
  uint32_t public_heading_count = 0;  // 108
  int32_t public_year = kNoYear;      // 112 the year as a non-member may learn it
  uint32_t reserved = 0;              // 116
  uint32_t paragraph_first = 0;       // 120 into spans: paragraph {start, end}, position space
  uint32_t paragraph_count = 0;       // 124

  static constexpr size_t kSize = 128;
  void encode_to(std::string& out) const;
  static DocRecord decode_from(const char* p);  // p: kSize readable bytes
  uint32_t body_len() const { return norm_len - title_len - (norm_len > title_len ? 1 : 0); }
};

// One block of a posting list's skip table (df > kSkipBlock only).
struct SkipEntry {
  uint32_t first_doc = 0;  // absolute local doc id of the block's first entry
  uint32_t doc_off = 0;    // byte offset in the doc stream
  uint32_t pos_off = 0;    // byte offset in the pos stream

  static constexpr size_t kSize = 12;
  void encode_to(std::string& out) const;
  static SkipEntry decode_from(const uint8_t* p);
  static uint32_t first_doc_at(const uint8_t* p) { return get_u32(reinterpret_cast<const char*>(p)); }
};

// The last bytes of a segment file.
struct Footer {
  enum Section { kDocs, kStrings, kSpans, kPostings, kDictIndex, kDictEntries, kTextStore, kSections };
  uint64_t offsets[kSections] = {};
  uint32_t n_docs = 0, n_grams = 0;
  uint32_t crc = 0;             // crc32c of every byte of the file before it
  uint32_t magic = kFooterMagic;

  static constexpr size_t kSize = 72;
  // Appends the footer to `file` (the complete segment so far), crc included.
  void encode_to(std::string& file) const;
  static Footer decode_from(const char* p);  // p: kSize readable bytes
};

// Compatibility aliases for the sizes (one definition: the records above).
inline constexpr size_t kDocRecordSize = DocRecord::kSize;
inline constexpr size_t kFooterSize = Footer::kSize;

// "index format N, this build reads M: run `wenyuan reindex`" for a segment
// whose version byte is `found`.
std::string incompatible_format_message(unsigned found);

inline void put_varint(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
// Appends to a raw buffer (the posting encoder's hot path).
inline uint8_t* put_varint(uint8_t* p, uint32_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
// Decodes a varint; the caller guarantees it lies within a validated section.
inline const uint8_t* get_varint(const uint8_t* p, uint32_t* v) {
  uint32_t r = *p & 0x7f;
  if ((*p++ & 0x80) == 0) {
    *v = r;
    return p;
  }
  int shift = 7;
  while (true) {
    uint32_t b = *p++;
    r |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
    if (shift > 28) break;
  }
  *v = r;
  return p;
}
// Bounds-checked variant for parsing (manifest, text store records).
inline bool get_varint_checked(std::string_view& in, uint32_t* v) {
  uint32_t r = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (in.empty()) return false;
    uint8_t b = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    r |= uint32_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return true;
    }
  }
  return false;
}

uint32_t crc32(std::string_view data, uint32_t seed = 0);

}  // namespace wenyuan::index
