// Policy: THE one place that decides what of a document a reader may see.
//
// Every path that returns document text — the document view, search snippets,
// downloads (txt, docx, zip), the outline, feeds and new-document lists — asks a
// Policy for a view of the document for a tier, and returns only that view. No
// route inspects regions itself (docs/architecture.md, "One gate for visibility").
//
// Invariants:
//  - A paid region is readable only by tiers whose rules say full_access
//    (by default vip, svip, admin); preview regions are readable by everyone.
//  - Every view built here contains no code point of an unreadable region: not in
//    text, not in outline titles, not in snippets (a snippet touching an
//    unreadable region is withheld whole), not in a download (the unreadable part
//    is replaced by kLockedNote), and never the document's `original` bytes.
//  - Offsets in views of the document (blocks, outline, regions) are code points
//    of the document's cleaned text; only download_document() builds a new text
//    and gives offsets into that new text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/doc/document.h"

namespace wenyuan::access {

enum class Tier { kAnonymous = 0, kFree, kVip, kSvip, kAdmin };
inline constexpr int kTierCount = 5;

const char* to_string(Tier t);
std::optional<Tier> tier_from_string(std::string_view s);

// What a tier may do. downloads_per_day: full downloads of paid documents per
// UTC day; nullopt = unlimited. Downloads of what a tier may see anyway (free
// documents, previews) cost nothing.
struct TierRules {
  bool full_access = false;
  std::optional<uint32_t> downloads_per_day = 0;
};

struct PolicyConfig {
  // Indexed by Tier. Defaults: anonymous and free read previews only; vip 20
  // full downloads a day, svip 200, admin unlimited.
  TierRules tiers[kTierCount] = {
      {false, 0}, {false, 0}, {true, 20}, {true, 200}, {true, std::nullopt}};
  // Show a non-member the headings that lie in paid regions (locked, as bait:
  // "会员专享：二、主要做法"). Off by default: it discloses those headings' text,
  // how many there are and where they start (docs/paywall.md).
  bool show_locked_headings = false;
};

// Put where the unreadable part of a document was, in downloads.
inline constexpr std::string_view kLockedNote = "（以下为会员专享内容，请升级会员后下载完整版）";
// The title of the outline entry that stands for an unreadable part.
inline constexpr std::string_view kLockedTitle = "会员专享内容";

struct VisibleRegion {
  doc::Region region;
  bool locked = false;
};

// A piece of the document view: a (part of a) paragraph the reader may see, or a
// placeholder for an unreadable region.
struct Block {
  enum class Kind { kParagraph, kLocked } kind = Kind::kParagraph;
  uint32_t start = 0;
  uint32_t end = 0;
  std::string text;          // kParagraph only
  int heading_level = 0;     // kParagraph: outline level if the paragraph starts a heading, else 0
  uint32_t characters = 0;   // kLocked: hidden code points
};

struct VisibleOutlineNode {
  bool locked = false;       // a placeholder for an unreadable region (title kLockedTitle)
  int level = 1;
  std::string kind;
  std::string marker;
  std::string title;
  uint32_t start = 0;
  uint32_t end = 0;          // clipped to the end of the readable region it starts in
  doc::Span heading;         // marker and title in the text (readable); empty for locked entries
  std::vector<VisibleOutlineNode> children;
};

// A search snippet after the policy looked at it: either shown as is, or locked
// (text and highlights withheld).
struct SnippetView {
  bool locked = false;
  std::string text;
  uint32_t start = 0;
  uint32_t end = 0;
  std::vector<std::pair<uint32_t, uint32_t>> highlights;
};

class Policy {
 public:
  explicit Policy(PolicyConfig config = {}) : config_(config) {}

  const TierRules& rules(Tier t) const { return config_.tiers[static_cast<int>(t)]; }
  bool may_read_paid(Tier t) const { return rules(t).full_access; }

  // The document's regions, each marked locked when `t` may not read it.
  std::vector<VisibleRegion> regions(const doc::Document& d, Tier t) const;
  // True when some region of `d` is hidden from `t`.
  bool is_locked(const doc::Document& d, Tier t) const;
  // True when a download of `d` by `t` is a full download of paid content
  // (costs a quota unit).
  bool is_full_paid_download(const doc::Document& d, Tier t) const;

  // Readable paragraphs (clipped to readable regions) and one locked block per
  // unreadable region, in text order.
  std::vector<Block> visible_blocks(const doc::Document& d, Tier t) const;

  // The outline nodes whose heading lies wholly in a readable region (extents
  // clipped to that region), plus one locked top-level entry per unreadable region.
  // For a tier that may not read paid text the outline is the public one
  // (doc::Document::public_outline, analysed from visible text alone), and with
  // show_locked_headings the paid headings follow as locked entries.
  std::vector<VisibleOutlineNode> visible_outline(const doc::Document& d, Tier t) const;

  // The metadata `t` may learn: for a non-member the public variants, derived
  // from visible text and the record alone (docs/paywall.md).
  std::optional<int> year(const doc::Document& d, Tier t) const { return may_read_paid(t) ? d.year : d.public_year; }
  const std::string& issuer(const doc::Document& d, Tier t) const {
    return may_read_paid(t) ? d.issuer : d.public_issuer;
  }
  // Whether `t` may learn how long the unreadable parts are (their characters
  // and ends): only a tier that reads them.
  bool discloses_paid_extent(Tier t) const { return may_read_paid(t); }

  // Whether some of `d`'s text is unreadable to `t` (from access and regions
  // alone: the text is not needed).
  bool hides_text(const doc::Document& d, Tier t) const;

  // A snippet of `d`'s text (start/end code points of d.text) as `t` may see it:
  // locked if it overlaps an unreadable region even by one code point. Where
  // `d` hides some of its text from `t`, the snippet must also be d.text at
  // its offsets (else locked); elsewhere d.text is not read and may be empty.
  SnippetView redact_snippet(const doc::Document& d, Tier t, std::string_view text, uint32_t start, uint32_t end,
                             const std::vector<std::pair<uint32_t, uint32_t>>& highlights) const;
  // The same decision from regions alone (for callers that hold no Document).
  bool snippet_visible(const std::vector<doc::Region>& regions, Tier t, uint32_t start, uint32_t end) const;

  // The readable text: readable regions verbatim, each unreadable region
  // replaced by a paragraph holding kLockedNote.
  std::string download_text(const doc::Document& d, Tier t) const;
  // A document whose text is download_text() — what exporters may be given.
  // Its regions are one preview region, paragraphs are re-derived from the new
  // text, the outline is the readable outline remapped into the new text, and
  // original, removed and sentences are empty.
  // `paid_allowed` false: as if `t` could not read paid regions (a member out
  // of download quota gets the preview).
  doc::Document download_document(const doc::Document& d, Tier t, bool paid_allowed = true) const;

  // The first `max_chars` code points of readable text (for feed summaries).
  std::string summary(const doc::Document& d, Tier t, size_t max_chars) const;

 private:
  PolicyConfig config_;
};

}  // namespace wenyuan::access
