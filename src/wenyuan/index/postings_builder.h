// The postings part of building a segment (segment_builder.cc): the gram
// occurrences of every document, sorted by gram, written as the dictionary and
// posting sections of format.h. Internal to the index.
//
// Memory is the point of this file (docs/intake.md, "Memory of a segment
// build"). An occurrence is logged in 5 bytes (gram id, and one byte holding the
// three flag bits and the step from the previous occurrence's position), not as
// a 32-bit gram and a 32-bit position; the sort by gram then runs over ranges of
// grams (in dictionary order), each range's occurrences scattered into one
// reused buffer of at most `chunk_occurrences` entries (more only when a single
// gram has more occurrences), written out, and the buffer refilled for the next
// range. The bytes written are the same whatever the chunk size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wenyuan::index::internal {

// While building, a position's top bits say where the gram occurrence lies:
// inside a heading span, visible, inside a public heading span (positions stay
// below 2^28: build_segment refuses longer documents, so tf << 3 fits too).
inline constexpr uint32_t kInHeadingBit = 0x80000000u;
inline constexpr uint32_t kVisibleBit = 0x40000000u;
inline constexpr uint32_t kVisibleHeadingBit = 0x20000000u;
inline constexpr uint32_t kPosMask = 0x0FFFFFFFu;
inline constexpr uint32_t kMaxPositions = kPosMask;

// Every gram occurrence of the segment, document by document, each document's
// in ascending position order (equal positions allowed: the unigram and the
// bigram starting at p).
class OccurrenceLog {
 public:
  void reserve(size_t occurrences);
  void begin_doc();
  // `pos_bits`: the position | the flag bits above.
  void add(uint32_t gram, uint32_t pos_bits) {
    const uint32_t pos = pos_bits & kPosMask;
    const uint32_t step = pos - prev_pos_;
    prev_pos_ = pos;
    uint8_t meta = static_cast<uint8_t>(pos_bits >> 29);
    if (step >= kEscape) {
      meta |= kEscape << 3;
      escapes_.push_back(step);
    } else {
      meta |= static_cast<uint8_t>(step << 3);
    }
    grams_.push_back(gram);
    meta_.push_back(meta);
  }
  size_t size() const { return grams_.size(); }
  size_t docs() const { return doc_begin_.size(); }
  // Bytes it holds (capacity, what is resident).
  size_t bytes() const;

 private:
  friend class PostingsWriter;
  static constexpr uint32_t kEscape = 31;  // a step of 31 or more is kept in escapes_
  std::vector<uint32_t> grams_;
  std::vector<uint8_t> meta_;
  std::vector<uint32_t> escapes_;
  std::vector<uint64_t> doc_begin_;  // first occurrence of each document
  uint32_t prev_pos_ = 0;
};

struct PostingsOptions {
  // Entries (8 bytes each) of the sort buffer; a range of grams is sorted at a
  // time. At least one pass a gram range, so a smaller buffer means more passes
  // over the log.
  size_t chunk_occurrences = size_t{1} << 22;
};

struct PostingsStats {
  size_t log_bytes = 0;     // the occurrence log, as held
  size_t buffer_bytes = 0;  // the sort buffer and the per-gram scratch, at their largest
  size_t chunks = 0;        // passes over the log
};

// Appends the dictionary keys, dictionary values and postings sections to
// `out` (padded to 8 as format.h wants) and sets their offsets in `offsets`
// (Footer::offsets). `gram_keys[g]` is the key of gram id g of the log;
// `title_lens[d]` the title length of document d. Empties the log.
void write_postings(OccurrenceLog& log, const std::vector<uint64_t>& gram_keys,
                    const std::vector<uint32_t>& title_lens, std::string& out, uint64_t* offsets,
                    const PostingsOptions& options = {}, PostingsStats* stats = nullptr);

}  // namespace wenyuan::index::internal
