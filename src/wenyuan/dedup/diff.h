// diff(): what changed between two versions of a document, sentence by sentence.
//
// Units are sentences (cut after 。！？；, a line end, or every 200 code points
// in a sentence without one) compared by their counted characters
// (check_text.h), so a change of punctuation, width or script alone is no
// change; the text shown is the original. The algorithm is Myers' O((N+M)·D)
// greedy diff (1986) after the common head and tail are cut off, bounded: it
// stops after max_edits edits and then reports the rest of the middle as one
// deletion and one insertion (complete = false). Memory is O(D²) ints for the
// trace, at most ~max_edits², never N·M.
//
// What a non-member sees (routes/check.cc): the units come from the readable
// blocks of access::Policy::visible_blocks only, so the diff of two documents
// is a function of their visible text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::dedup {

struct DiffUnit {
  uint32_t start = 0;  // code points of the document's text
  uint32_t end = 0;
  std::u32string key;  // counted characters: what is compared
};

// Appends the sentences of `text` (which starts at code point `offset` of the document).
void sentence_units(std::string_view text_utf8, uint32_t offset, std::vector<DiffUnit>& out);

struct DiffOp {
  enum class Kind { kSame, kDeleted, kInserted } kind = Kind::kSame;
  uint32_t a_begin = 0, a_end = 0;  // unit indices in a
  uint32_t b_begin = 0, b_end = 0;  // unit indices in b
};

struct DiffResult {
  std::vector<DiffOp> ops;  // in order; consecutive ops differ in kind
  bool complete = true;     // false: max_edits ran out, the middle is one deletion and one insertion
};

inline constexpr size_t kMaxDiffEdits = 1000;  // trace ≤ ~1M ints (4 MB)

DiffResult diff(const std::vector<DiffUnit>& a, const std::vector<DiffUnit>& b, size_t max_edits = kMaxDiffEdits);

}  // namespace wenyuan::dedup
