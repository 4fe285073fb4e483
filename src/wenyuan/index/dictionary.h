// A segment's dictionary (format.h "dict index", "dict entries"): every gram's
// key and where its postings are, in key order, coded in blocks.
//
// Why blocks (segment format 5): the fixed arrays of format 4 (a u64 key and
// a 20-byte value per gram) cost 28 bytes a gram, 16.7 MB of the 110 MB index of
// the public corpus. Most grams are rare bigrams whose values are small numbers
// and whose keys differ from the previous key in the low bits, so each gram is
// coded as varints against the previous one, in blocks of kDictBlock grams. A
// fixed 24-byte index entry per block (its first key, its first gram's postings
// offset, where its entries start) keeps the lookup a binary search over the
// mapped bytes, then a linear decode of at most kDictBlock - 1 entries. The
// postings offset of a gram is the previous one's plus a varint step, so the
// offsets cost about one byte.
//
// One definition of the coding: DictWriter (segment builds and merges) and
// DictReader (Segment) below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wenyuan/core/status.h"

namespace wenyuan::index {

inline constexpr uint32_t kDictBlock = 16;
inline constexpr size_t kDictIndexEntrySize = 24;  // u64 first_key, u64 postings_off, u64 entries_off

// One gram of the dictionary.
struct DictEntry {
  uint64_t key = 0;
  uint64_t postings_off = 0;  // relative to the postings section
  uint32_t df = 0;
  uint32_t doc_bytes = 0;   // length of the doc stream
  uint32_t visible_df = 0;  // docs with a visible occurrence
};

// Codes entries added in ascending key order into the two sections.
class DictWriter {
 public:
  // Keys strictly ascending, postings offsets ascending, visible_df <= df.
  void add(const DictEntry& e);
  uint32_t size() const { return n_; }
  const std::string& index() const { return index_; }
  const std::string& entries() const { return entries_; }
  // Bytes held (capacity).
  size_t bytes() const { return index_.capacity() + entries_.capacity(); }

 private:
  std::string index_, entries_;
  DictEntry prev_;
  uint32_t n_ = 0;
};

// Reads the sections in place. open() validates every entry (keys ascending,
// offsets ascending, postings inside the section) so lookups decode unchecked.
class DictReader {
 public:
  DictReader() = default;
  // `entries` may end in the padding to the next section; `postings_bytes`
  // is the size of the postings section.
  static Result<DictReader> open(std::string_view index, std::string_view entries, uint32_t n_grams,
                                 uint64_t postings_bytes);

  uint32_t size() const { return n_; }
  // The first gram with key >= `key` (size() if none).
  uint32_t lower_bound(uint64_t key) const;
  DictEntry at(uint32_t i) const;
  std::optional<DictEntry> find(uint64_t key) const;

  // A walk over the dictionary in key order from gram i (merges, key ranges):
  // one decode per gram instead of one block decode per at().
  class Walk {
   public:
    Walk() = default;
    Walk(const DictReader& d, uint32_t i);
    bool done() const { return i_ >= d_->n_; }
    uint32_t index() const { return i_; }
    const DictEntry& entry() const { return e_; }
    void next();

   private:
    const DictReader* d_ = nullptr;
    uint32_t i_ = 0;
    const uint8_t* p_ = nullptr;  // the next entry's bytes (inside i_'s block)
    DictEntry e_;
  };

 private:
  uint64_t block_key(uint32_t b) const;
  // Entry i decoded from its block's start; `p` is left after it.
  DictEntry decode_in_block(uint32_t i, const uint8_t** p) const;
  const char* index_ = nullptr;
  const uint8_t* entries_ = nullptr;
  uint32_t n_ = 0, n_blocks_ = 0;
};

}  // namespace wenyuan::index
