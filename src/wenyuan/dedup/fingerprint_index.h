// FingerprintIndex: the library as 查重 sees it, in memory.
//
// Per document: its counted characters (check_text.h) stored as 16-bit codes
// of a library-wide alphabet (2 bytes a character instead of 4), the way back
// from each counted character to a code point of the document's text (a run
// list: origin = position + delta, a new run where punctuation or whitespace
// was skipped), the end of its visible part, and its public fields.
// Postings: every winnowed fingerprint (hash, document, position), a large
// sorted table plus a small table of documents added since (rebuilt into one
// when it grows, as an LSM tree merges).
//
// Invariants:
//  - The visible part of a document is [0, visible_end): the counted
//    characters before its first paid region (everything after the first paid
//    region is paid, docs/paywall.md). The visible part and the rest are
//    winnowed separately, so the fingerprints of the visible part — and so
//    everything a check that may not read paid text finds — are a function of
//    the visible text alone.
//  - Codes are assigned in order of first sight and never change; a character
//    beyond the 65,534th distinct one gets kOverflow, which equals nothing
//    (k-grams holding it are not fingerprinted): a missed match, never a false one.
//  - A removed document's slot is dead at once; its postings are skipped until
//    the next rebuild drops them.
// Threads: const members may run on many threads at once; add/remove/sync need
// the caller to exclude every other use (the server holds a shared_mutex).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/dedup/winnow.h"
#include "wenyuan/doc/document.h"

namespace wenyuan::store { class Catalog; }

namespace wenyuan::dedup {

inline constexpr uint16_t kOverflow = 0xFFFE;  // a stored character beyond the alphabet
inline constexpr uint16_t kUnknown = 0xFFFF;   // a draft character the library never had

struct SourceDoc {
  std::string id;
  std::string title;
  std::string date;
  std::optional<int> year;         // members
  std::optional<int> public_year;  // everyone else (doc::Document::public_year)
  uint32_t text_chars = 0;         // code points of the document's text
  uint32_t visible_end = 0;        // counted characters before the first paid region
  std::vector<uint16_t> codes;     // counted characters
  // (position, delta): for counted character i in [pos_j, pos_{j+1}) the code
  // point in the text is i + delta_j.
  std::vector<std::pair<uint32_t, uint32_t>> origin_runs;
  uint64_t content_hash = 0;       // of the counted characters (exact duplicates)
  uint32_t fingerprints = 0;
  bool alive = false;

  uint32_t size() const { return static_cast<uint32_t>(codes.size()); }
  // Code point in the text of counted character i (i < size()).
  uint32_t code_point(uint32_t i) const;
};

struct IndexStats {
  uint64_t documents = 0;
  uint64_t characters = 0;     // counted characters
  uint64_t fingerprints = 0;
  uint64_t memory_bytes = 0;   // codes + origin runs + postings + tables
};

class FingerprintIndex {
 public:
  FingerprintIndex() = default;

  // Builds the index from every document of `catalog`, then applies the
  // change log after the build started (so nothing is missed).
  Status build(const store::Catalog& catalog);
  // Applies the catalog changes after the last one seen (docs/living-library.md:
  // the change log is the only path). Cheap when nothing changed.
  Status sync(const store::Catalog& catalog);
  uint64_t seq() const { return seq_; }

  // Adds (or replaces) one document.
  void add(const doc::Document& d);
  // Many adds at once (a build): between begin_bulk() and end_bulk() postings
  // go straight into the large table, sorted once at the end; no lookups then.
  void begin_bulk() { bulk_ = true; }
  void end_bulk();
  void remove(const std::string& id);

  // Calls fn(doc_slot, position) for each posting of `hash` in a live document.
  template <typename Fn>
  void for_each_posting(uint32_t hash, Fn&& fn) const;

  const SourceDoc& doc(uint32_t slot) const { return docs_[slot]; }
  // The winnowed fingerprints of a live document (recomputed from its codes).
  std::vector<Fingerprint> fingerprints_of(uint32_t slot) const;
  uint32_t slots() const { return static_cast<uint32_t>(docs_.size()); }
  std::optional<uint32_t> slot_of(const std::string& id) const;

  // The code of a character in this library's alphabet (kUnknown if none).
  uint16_t code_of(char32_t c) const;
  char32_t char_of(uint16_t code) const { return code < alphabet_.size() ? alphabet_[code] : 0; }

  IndexStats stats() const;

 private:
  struct Posting {
    uint32_t hash;
    uint32_t doc;
    uint32_t pos;
  };
  uint16_t assign_code(char32_t c);
  // Fingerprints of document `slot`: visible part and rest winnowed apart.
  void fingerprint(uint32_t slot, std::u32string_view chars, std::vector<Fingerprint>& out) const;
  // Sorts every live document's postings into one table (drops dead ones).
  void rebuild();
  void index_directory();

  std::vector<SourceDoc> docs_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  std::unordered_map<char32_t, uint16_t> code_of_;
  std::vector<char32_t> alphabet_;
  std::vector<Posting> base_;        // sorted by hash
  std::vector<uint32_t> directory_;  // base_ index of the first posting per top-bits bucket
  uint32_t directory_shift_ = 32;
  std::unordered_map<uint32_t, std::vector<std::pair<uint32_t, uint32_t>>> recent_;
  uint64_t recent_postings_ = 0;
  uint64_t dead_slots_ = 0;
  uint64_t seq_ = 0;
  bool bulk_ = false;
};

template <typename Fn>
void FingerprintIndex::for_each_posting(uint32_t hash, Fn&& fn) const {
  if (!directory_.empty()) {
    const uint32_t b = directory_shift_ >= 32 ? 0 : hash >> directory_shift_;
    const Posting* first = base_.data() + directory_[b];
    const Posting* last = base_.data() + directory_[b + 1];
    while (first < last && first->hash < hash) ++first;  // buckets hold a few hashes each
    for (; first < last && first->hash == hash; ++first)
      if (docs_[first->doc].alive) fn(first->doc, first->pos);
  }
  if (!recent_.empty()) {
    auto it = recent_.find(hash);
    if (it != recent_.end())
      for (const auto& [d, pos] : it->second)
        if (docs_[d].alive) fn(d, pos);
  }
}

}  // namespace wenyuan::dedup
