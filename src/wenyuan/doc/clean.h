// Cleaning: what circulates as a 公文 often carries things that are not the
// document: paywall markers (##paidbegin## / ##paidend##), promotional trailers
// and headers, editorial credits of web articles, site headers/footers that
// recur on every page of a source, and runs of blank lines. clean() takes them
// out and says exactly what it took.
//
// Trailers and headers are decided as a block, not line by line: the tail is
// what follows the body's last anchor (a sentence ended the body's way, a 落款
// date, a numbered heading, a 附件/抄送 line, a table row); the head is what
// precedes the first line without promotion of its own (the title). The block
// is scored by what marks promotion (doc/promo.h: platform and selling words,
// calls to act, contact ids, prices, decoration, credits) and goes whole when
// it is promotion ("promo_line") or nothing but credits ("credits"). Contact
// details alone never make a block promotion, so a notice's 联系人/联系电话, an
// e-mail address or a URL stay. The evaluation: tests/data/clean_eval/edges.txt,
// tests/unit/doc_clean_eval_test.cc, bench/clean_eval.cc.
//
// Invariants of CleanResult:
//  - nothing is lost: inserting each `removed[i].text` at `removed[i].position`
//    (in order, positions counted in the text as rebuilt so far minus later
//    pieces, i.e. positions are offsets in the cleaned text) gives back the input;
//  - lines are removed whole (markers are the only thing cut out of a line);
//  - `regions` is empty when the text has no paywall marker; otherwise it tiles
//    [0, code points of `text`) in order, without gaps or empty regions;
//  - body lines of an official document (outline headings, sentences ending in
//    。) are never taken for promotion.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

// What the catalog knows about lines at the edges of documents already stored,
// per source: how site headers and footers are recognised. Implemented by the
// catalog from edge_lines() of the stored documents.
struct EdgeLineStats {
  virtual ~EdgeLineStats() = default;
  // How many stored documents of `source` have `line` among edge_lines() of their text.
  virtual uint32_t documents_with_edge_line(std::string_view source, std::string_view line) const = 0;
  virtual uint32_t documents_in_source(std::string_view source) const = 0;
};

// The rule for a recurring header/footer line: its source has at least
// kRecurringMinDocuments stored documents and at least 30% of them have the line
// among their edge lines. clean() asks edge_stats documents_in_source() first
// and documents_with_edge_line() only for candidate lines, and an answer only
// ever takes the line it is about out of the text: a caller may answer
// "many documents, no line recurs", record the lines asked about and check them
// with this rule later (then prepare again if one recurs).
inline constexpr uint32_t kRecurringMinDocuments = 5;
inline bool is_recurring_edge_line(uint32_t documents_with_line, uint32_t documents_in_source) {
  return documents_in_source >= kRecurringMinDocuments &&
         static_cast<uint64_t>(documents_with_line) * 10 >= static_cast<uint64_t>(documents_in_source) * 3;
}

struct CleanOptions {
  bool remove_promotions = true;
  const EdgeLineStats* edge_stats = nullptr;  // null: no recurring header/footer removal
  std::string_view source;                    // the document's source, for edge_stats
  std::string_view title;                     // the given title: a line equal to it is content
};

struct CleanResult {
  std::string text;  // cleaned text, lines joined by '\n', no trailing blank lines
  bool had_paywall_markers = false;
  std::vector<Region> regions;   // from the markers; empty if there were none
  std::vector<Removed> removed;  // in order of position
  // Bytes the paywall-marker search examined: a count of work, so tests can
  // check cleaning stays linear in the text (about 2 per byte of text).
  uint64_t marker_search_bytes = 0;
};

CleanResult clean(std::string_view text, const CleanOptions& options);

// The first and last 3 non-blank lines of `text` (paywall markers taken out,
// surrounding whitespace trimmed), the keys EdgeLineStats counts. The catalog
// must compute them from the text *as imported* (before cleaning), so that a
// footer removed from stored documents is still counted.
std::vector<std::string> edge_lines(std::string_view text);

// How promotional one line looks on its own (0 = not at all). Exposed for tests
// and tuning. A single line away from the edges goes when it scores >=
// kPromoSingle, has a word official documents hardly use and does not read as
// body text (a long sentence without contact details, a heading, a citation).
// kPromoWeak and kPromoStrong are the scale tests speak in.
int promo_score(std::string_view line);
inline constexpr int kPromoWeak = 4;
inline constexpr int kPromoStrong = 7;
inline constexpr int kPromoSingle = 9;

}  // namespace wenyuan::doc
