// The document model: what wenyuan knows about one document after import.
//
// Offsets: every start/end below is a code point offset into `text` (the cleaned
// UTF-8 text), half-open [start, end). Regions cover `text` exactly, in order,
// without gaps or overlap; a free document has one `preview` region over all of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::doc {

enum class Access { kFree, kPaid };
enum class RegionKind { kPreview, kPaid };

// What found an outline node: the numbering of a 公文 heading (第一编 第一章
// 第一节 第一条; 一、 （一） 1. （1）), an enumeration item (一是… 二是…), or a
// heading the source format marked (docx styles, html <h1>..<h6>), or an
// unnumbered heading found by its layout (doc/outline_plain.h).
enum class OutlineKind {
  kPart, kChapter, kSection, kArticle, kCnNum, kParenCn, kArabic, kParenArabic, kEnum, kHeading, kPlain
};

const char* to_string(Access a);
const char* to_string(RegionKind k);
// The names the catalog stores and the JSON views show: "part" "chapter"
// "section" "article" "cn_num" "paren_cn" "arabic" "paren_arabic" "enum" "heading"
// "plain".
const char* to_string(OutlineKind k);
// The kind to_string(k) names; nullopt for any other string.
std::optional<OutlineKind> outline_kind_from_string(std::string_view s);

struct Region {
  RegionKind kind = RegionKind::kPreview;
  uint32_t start = 0;
  uint32_t end = 0;
};

struct Span {
  uint32_t start = 0;
  uint32_t end = 0;
  bool operator==(const Span&) const = default;
};

// One node of the 公文 outline: a heading (一、 （一） 1. （1） 第一章 第一节 第一条)
// or an enumeration item (一是… 二是…). `start`/`end` cover the node's whole
// extent (heading and body up to the next sibling); `heading` covers the heading
// text itself (for heading: searches and ranking).
struct OutlineNode {
  int level = 1;              // 1 = top level
  OutlineKind kind = OutlineKind::kHeading;
  std::string marker;         // the numbering as written: "一、" "（一）" "1." "第一条" "一是"
  std::string title;          // heading text without the marker
  uint32_t start = 0;
  uint32_t end = 0;
  Span heading;
  std::vector<OutlineNode> children;
  bool operator==(const OutlineNode&) const = default;
};

// Something cleaning took out of the text; nothing removed is lost.
struct Removed {
  std::string reason;         // "paywall_marker" "promo_line" "credits" "recurring_header" "recurring_footer" "noise"
  std::string text;           // the removed characters, verbatim
  uint32_t position = 0;      // code point offset in cleaned `text` where it stood
};

struct Document {
  std::string id;
  std::string title;
  std::optional<int> year;
  std::string date;           // as given (ISO-like if known), may be empty
  std::string source;
  std::string category;
  std::string issuer;         // issuing body (发文机关) where stated
  std::vector<std::string> tags;
  Access access = Access::kFree;

  std::string format;         // "txt" "docx" "html" "pdf" "jsonl" "md"
  std::string encoding;       // detected source encoding ("UTF-8", "GB18030", "UTF-16LE", ...)
  std::string origin;         // where it came from: path, or path:line for .jsonl
  std::string original;       // the bytes as imported (file bytes, or the .jsonl line)

  std::string text;           // cleaned UTF-8 text, paragraphs separated by '\n'
  uint32_t text_chars = 0;    // code points in `text`
  std::vector<Region> regions;
  std::vector<OutlineNode> outline;
  std::vector<Span> paragraphs;
  std::vector<Span> sentences;
  std::vector<Removed> removed;

  // What a non-member may learn of the metadata (docs/paywall.md): computed by
  // doc::prepare from the visible (preview) text and the record's own fields
  // alone, never from paid text. For a free document equal to year, issuer and
  // outline. public_outline is unset only for a Document built by hand (tests):
  // readers then filter `outline` by readable regions, as before v3.
  std::optional<int> public_year;
  std::string public_issuer;
  std::optional<std::vector<OutlineNode>> public_outline;

  std::string type;           // 文种 (doc/metadata.h document_type): "通知" "工作总结" "法律法规" …
  std::string source_name;    // what to show for `source` (doc/metadata.h source_display_name)
  // Said about the record while preparing it, stored anyway: "ORIGIN: date
  // \"congress-12\" is not a date (the year comes from the text)". Not stored.
  std::vector<std::string> warnings;

  std::string content_hash;   // hex SHA-256 (libsodium) of title + '\0' + text + '\0' + "free"/"paid"
  int64_t imported_at = 0;    // unix seconds
};

}  // namespace wenyuan::doc
