// The text store of a segment (format.h "text store"): per document its
// cleaned text in separately compressed blocks, a block table, a sparse
// normalized -> original offset map and the span tables, so that a hit's
// snippets read only the blocks around its matches and map normalized match
// positions back to original code points without normalizing the text again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"

namespace wenyuan::index {

struct IndexDoc;
struct StoredText;

// The target size of a text block, in UTF-8 bytes (cut at the next code point
// boundary). bench/RESULTS.md has the measurement behind it.
inline constexpr size_t kTextBlockBytes = 8192;

// origin(n), the original code point of normalized text position n, from the
// places where it is not "one more than at n - 1" (the Normalizer deletes
// whitespace and NFKC expands some code points to several, all of the same
// origin; everywhere else normalized and original advance together). Entry i
// is {norm_i, orig_i}: origin(n) = orig_i + (n - norm_i) for n in
// [norm_i, norm_{i+1}). The entries are u32 pairs, read in place.
class OriginMap {
 public:
  OriginMap() = default;
  // `entries`: n x {u32 norm, u32 orig}, little endian, sorted by norm, the first at 0.
  OriginMap(const char* entries, uint32_t n, uint32_t norm_len) : e_(entries), n_(n), len_(norm_len) {}
  // The entries of a dense origin array (NormalizedDoc::text_origin), encoded.
  static std::string encode(const std::vector<uint32_t>& origin);

  uint32_t norm_len() const { return len_; }  // normalized text length
  uint32_t entries() const { return n_; }
  // n < norm_len().
  uint32_t origin(uint32_t n) const;
  // origin(n) for positions asked in (mostly) increasing order, as a hit's
  // sorted occurrences ask: the entry of the last answer is kept and the next
  // one searched forward from it (galloping), so k answers over a map of e
  // entries cost about k log(e / k) instead of k log e. Any order is answered
  // correctly (a smaller n searches from the first entry).
  class Cursor {
   public:
    explicit Cursor(const OriginMap& map) : m_(&map) {}
    uint32_t origin(uint32_t n);

   private:
    const OriginMap* m_;
    uint32_t at_ = 0;  // an entry with norm <= the last n asked (0 at first)
  };
  // The first normalized position whose origin is >= o (norm_len() if none):
  // std::lower_bound over the dense origin array.
  uint32_t norm_of(uint32_t o) const;

 private:
  uint32_t norm_at(uint32_t i) const;
  uint32_t orig_at(uint32_t i) const;
  const char* e_ = nullptr;
  uint32_t n_ = 0, len_ = 0;
};

// Appends the text store region of `d` to `store` (sets off/bytes);
// `origin` is the dense origin map of d's normalized text.
Status append_text_region(const IndexDoc& d, const std::vector<uint32_t>& origin, std::string& store, uint64_t* off,
                          uint32_t* bytes);

// One document's region, parsed in place (the view must outlive it).
class TextRegion {
 public:
  // Validates the header and tables against the region's size.
  static Result<TextRegion> parse(std::string_view region, uint32_t text_chars);

  uint32_t text_bytes() const { return text_bytes_; }
  uint32_t block_count() const { return n_blocks_; }
  uint32_t block_first_cp(uint32_t b) const;  // b <= block_count(): text_chars at the end
  uint32_t block_first_norm(uint32_t b) const;
  uint32_t block_byte_off(uint32_t b) const;
  // The block holding code point `cp` (the last one if cp >= text_chars).
  uint32_t block_of_cp(uint32_t cp) const;
  const OriginMap& map() const { return map_; }
  // The span tables into t (sentences, paragraphs, headings, public headings, visible).
  Status spans(StoredText& t) const;
  // Appends the UTF-8 of blocks [b0, b1) to out.
  Status decode(uint32_t b0, uint32_t b1, std::string& out) const;

 private:
  std::string_view region_;
  uint32_t text_bytes_ = 0, n_blocks_ = 0, text_chars_ = 0;
  const char* table_ = nullptr;
  std::string_view spans_, frames_;
  OriginMap map_;
};

}  // namespace wenyuan::index
