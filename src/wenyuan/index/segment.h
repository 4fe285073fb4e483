// Segment: one immutable, self-contained piece of the index (format.h).
//
// build_segment() turns documents into the bytes of a segment file;
// Segment::open() validates such bytes (footer, crc, section bounds) and then
// answers lookups straight from the (memory-mapped) bytes without copying.
// Local doc ids are 0..doc_count()-1 in the order the documents were given.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/index/dictionary.h"
#include "wenyuan/index/directory.h"
#include "wenyuan/index/format.h"
#include "wenyuan/index/postings_builder.h"
#include "wenyuan/index/text_store.h"

namespace wenyuan::index {

// What the index keeps of a document: metadata, the cleaned text, and the
// spans it needs. Offsets are code points into `text` (as in doc::Document).
struct IndexDoc {
  std::string id, title, date, source, category;
  std::string type;  // 文种 (doc::Document::type): public, from visible text (the type: filter)
  std::optional<int> year;
  int64_t imported_at = 0;
  std::string text;
  uint32_t text_chars = 0;
  std::vector<doc::Span> sentences, paragraphs;
  std::vector<doc::Span> headings;  // outline heading spans, all levels, kind != kEnum
  // What every tier may read (docs/paywall.md). nullopt: the whole text (a free
  // document); otherwise the preview regions, code points of `text`, sorted.
  std::optional<std::vector<doc::Span>> visible;
  // Read only when `visible` is set: the heading spans of the outline computed
  // from visible text alone, and the year a non-member may learn.
  std::vector<doc::Span> public_headings;
  std::optional<int> public_year;
};
IndexDoc to_index_doc(const doc::Document& d);

// Builds the complete file image of a segment holding `docs`, in order.
Result<std::string> build_segment(const std::vector<const IndexDoc*>& docs);

// The same, with the postings sort's buffer size chosen (the bytes do not
// depend on it) and what the sort held reported (docs/intake.md, memory).
struct BuildOptions {
  internal::PostingsOptions postings;
};
struct BuildStats {
  internal::PostingsStats postings;
};
Result<std::string> build_segment(const std::vector<const IndexDoc*>& docs, const BuildOptions& options,
                                  BuildStats* stats = nullptr);

// The normalized position space of a document (format.h): title, SEP, text.
// `text_origin[i]` is the code point offset in the cleaned text of normalized
// text position i (so combined position title_len + 1 + i).
struct NormalizedDoc {
  std::u32string chars;  // kSep at index title_len
  uint32_t title_len = 0;
  std::vector<uint32_t> text_origin;
};
void normalize_document(std::string_view title, std::string_view text, NormalizedDoc* out);

struct HeadingSpan {
  uint32_t start;
  uint32_t reach;  // max end over this and earlier spans of the doc
};

struct DocMeta {
  std::string_view id, title, date, source, category, type;
  int32_t year = kNoYear;
  int32_t public_year = kNoYear;
  uint32_t visible_body_len = 0;
  const char* visible = nullptr;  // visible_count x {u32 start, u32 end}, position space
  uint32_t visible_count = 0;
  const char* public_headings = nullptr;  // public_heading_count x HeadingSpan
  uint32_t public_heading_count = 0;
  uint32_t title_len = 0;  // normalized
  uint32_t norm_len = 0;   // whole position space
  uint32_t text_chars = 0;
  int64_t imported_at = 0;
  const char* headings = nullptr;  // heading_count x HeadingSpan (unaligned)
  uint32_t heading_count = 0;
  // The paragraph table: paragraph_count x {u32 start, u32 end} positions, the
  // i-th paragraph of the text; entry i is span paragraph_first + i of the segment.
  const char* paragraphs = nullptr;
  uint32_t paragraph_first = 0;
  uint32_t paragraph_count = 0;

  uint32_t body_len() const { return norm_len - title_len - (norm_len > title_len ? 1 : 0); }
  // True if [p, p+m) lies inside one heading span (of the public outline with
  // `visible_only`).
  bool in_heading(uint32_t p, uint32_t m, bool visible_only = false) const;
  // True if [p, p+m) lies in the title or inside one visible range.
  bool is_visible(uint32_t p, uint32_t m) const;
  int32_t year_for(bool visible_only) const { return visible_only ? public_year : year; }
};

// What the text store keeps of a document, for snippets and highlights.
struct StoredText {
  std::string text;
  std::vector<doc::Span> sentences;
  std::vector<doc::Span> paragraphs;
  std::vector<doc::Span> headings;
  std::vector<doc::Span> public_headings;
  std::vector<doc::Span> visible;  // code points of `text`
};

// Where one gram's postings are. Empty (df == 0) if the gram is absent.
struct GramPostings {
  uint32_t df = 0;
  uint32_t visible_df = 0;          // docs with a visible occurrence
  bool positions = false;           // bigram
  const uint8_t* skip = nullptr;    // n_blocks x 12 bytes, or null when df <= kSkipBlock
  const uint8_t* docs = nullptr;    // doc stream
  const uint8_t* docs_end = nullptr;
  const uint8_t* pos = nullptr;     // pos stream (bigrams)
};

class Segment {
 public:
  static Result<std::shared_ptr<const Segment>> open(std::shared_ptr<const FileData> data, std::string name);

  const std::string& name() const { return name_; }
  uint32_t doc_count() const { return n_docs_; }
  uint64_t byte_size() const { return data_->size(); }
  uint64_t total_norm_len() const { return total_norm_len_; }
  uint64_t total_title_len() const { return total_title_len_; }
  uint64_t total_visible_body_len() const { return total_visible_body_len_; }
  DocMeta doc(uint32_t local) const;
  // Just the id (a full set's hot path: doc() builds every field).
  std::string_view id(uint32_t local) const;
  // Just the normalized lengths (the scoring hot path): title_len, body_len
  // (the visible part of the body with `visible_only`).
  std::pair<uint32_t, uint32_t> lengths(uint32_t local, bool visible_only) const {
    const DocRecord r = record(local);
    return {r.title_len, visible_only ? r.visible_body_len : r.body_len()};
  }
  // The doc table entry of a local doc (validated at open).
  DocRecord record(uint32_t local) const;
  GramPostings gram(uint64_t key) const;
  // The dictionary by index (sorted by key): the first gram with key >= `key`
  // (gram_count() if none), the key and postings of gram i < gram_count().
  // A one-character term reads the bigrams starting with it as one key range,
  // with a walk (dictionary.h: at() decodes from its block's start).
  uint32_t gram_count() const { return n_grams_; }
  uint32_t gram_lower_bound(uint64_t key) const;
  uint64_t gram_key_at(uint32_t i) const;
  GramPostings gram_at(uint32_t i) const;
  const DictReader& dictionary() const { return dict_; }
  // Where the postings of a dictionary entry of this segment are.
  GramPostings postings(const DictEntry& e) const;
  // The number of {u32, u32} entries of the spans section (heading spans,
  // visible ranges and paragraphs of every document).
  uint32_t span_count() const { return n_spans_; }
  Result<StoredText> load_text(uint32_t local) const;
  // The text store region of a local doc, parsed in place (blocks decoded on request).
  Result<TextRegion> text_region(uint32_t local) const;
  // Its bytes as stored (a merge copies them: segment_merger.h).
  std::string_view text_region_bytes(uint32_t local) const;
  // The document as it was given to build_segment (`wenyuan verify`; merges
  // copy the parts instead, segment_merger.h).
  Result<IndexDoc> load_doc(uint32_t local) const;

 private:
  Segment() = default;
  std::shared_ptr<const FileData> data_;
  std::string name_;
  const char* base_ = nullptr;
  uint32_t n_docs_ = 0, n_grams_ = 0, n_spans_ = 0;
  uint64_t off_docs_ = 0, off_strings_ = 0, off_headings_ = 0, off_postings_ = 0, off_text_ = 0, end_text_ = 0;
  DictReader dict_;
  uint64_t total_norm_len_ = 0, total_title_len_ = 0, total_visible_body_len_ = 0;
};

// Iterates the doc stream of one gram in increasing local doc order, with
// block skipping. Positions are decoded only on request.
class PostingCursor {
 public:
  PostingCursor() = default;
  explicit PostingCursor(const GramPostings& g) { reset(g); }
  void reset(const GramPostings& g);

  bool done() const { return done_; }
  uint32_t df() const { return g_.df; }
  uint32_t doc() const { return doc_; }
  uint32_t tf() const { return tf_flags_ >> 3; }
  bool in_title() const { return (tf_flags_ & 2) != 0; }
  bool in_heading() const { return (tf_flags_ & 1) != 0; }
  // The same counts restricted to visible occurrences (format.h).
  uint32_t visible_tf() const { return vis_ >> 1; }
  bool visible_in_heading() const { return (vis_ & 1) != 0; }
  void next();
  // Moves to the first doc >= target (stays if already there).
  void advance(uint32_t target);
  // Appends the positions of the current doc (bigrams only).
  void positions(std::vector<uint32_t>& out);

 private:
  void load_block(uint32_t b);
  void decode();  // reads the entry at p_ into doc_/tf_flags_
  GramPostings g_;
  uint32_t n_blocks_ = 0, block_ = 0, in_block_ = 0, seen_ = 0;
  const uint8_t* p_ = nullptr;
  const uint8_t* pos_ = nullptr;  // positions of the doc skip_tf_ positions before the current one
  uint32_t skip_tf_ = 0;
  uint32_t doc_ = 0, tf_flags_ = 0, vis_ = 0;
  bool done_ = true;
};

}  // namespace wenyuan::index
