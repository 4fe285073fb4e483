// A Document as a catalog row: the checks before it is written, its encoding
// (JSON, compressed blobs) and reading it back.
#include "wenyuan/store/catalog_internal.h"
#include "wenyuan/store/codec.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::store {
namespace {

// zstd levels. Compression is the largest CPU cost of an import (about 40% of
// put() at level 3). The cleaned text is read on every view and reindex, so it
// gets zstd's default (x3.1 on 公文, vs x2.5 at level 1); the original bytes
// are read only for downloads, so they get the fastest level (twice as fast).
constexpr int kTextLevel = 3;
constexpr int kOriginalLevel = 1;

Status check_span(uint32_t start, uint32_t end, uint32_t limit, const std::string& what) {
  if (start > end || end > limit) {
    return Status::invalid_argument(what + " [" + std::to_string(start) + ", " + std::to_string(end) +
                                    ") is outside the text of " + std::to_string(limit) + " characters");
  }
  return Status::ok();
}

Status check_outline(const std::vector<doc::OutlineNode>& nodes, uint32_t limit) {
  for (const doc::OutlineNode& n : nodes) {
    WENYUAN_RETURN_IF_ERROR(check_span(n.start, n.end, limit, "outline node \"" + n.marker + "\""));
    WENYUAN_RETURN_IF_ERROR(check_span(n.heading.start, n.heading.end, limit, "outline heading \"" + n.marker + "\""));
    WENYUAN_RETURN_IF_ERROR(check_outline(n.children, limit));
  }
  return Status::ok();
}

// An outline column, JSON text or (v7) a frame of it.
Result<std::vector<doc::OutlineNode>> outline_column(const sqlite::Statement& s, int i) {
  Result<std::string> json = unpack_json(s.column_blob(i));
  if (!json.is_ok()) return json.status().with_context("outline");
  return outline_from_json(*json);
}

}  // namespace

namespace internal {

Result<std::string> read_original(std::string_view frame, int64_t codec, std::string_view text) {
  if (codec == kOriginalAlone) return decompress(frame);
  if (codec == kOriginalWithTextPrefix) return decompress_with_prefix(frame, text);
  return Status::corruption("original: unknown codec " + std::to_string(codec));
}

Status validate(const doc::Document& d) {
  if (d.id.empty()) return Status::invalid_argument("document has no id");
  if (d.content_hash.empty()) return Status::invalid_argument("no content_hash");
  const size_t chars = text::count_code_points(d.text);
  if (chars != d.text_chars) {
    return Status::invalid_argument("text_chars is " + std::to_string(d.text_chars) + " but the text has " +
                                    std::to_string(chars) + " characters");
  }
  // Regions tile the text: a gap would be text no access rule speaks for.
  if (d.regions.empty() && d.text_chars != 0) return Status::invalid_argument("no regions over a non-empty text");
  uint32_t at = 0;
  for (const doc::Region& r : d.regions) {
    if (r.start != at || r.end < r.start) {
      return Status::invalid_argument("regions do not cover the text in order at character " + std::to_string(at));
    }
    at = r.end;
  }
  if (at != d.text_chars) {
    return Status::invalid_argument("regions end at " + std::to_string(at) + ", not at the text's end " +
                                    std::to_string(d.text_chars));
  }
  for (const doc::Span& s : d.paragraphs) WENYUAN_RETURN_IF_ERROR(check_span(s.start, s.end, d.text_chars, "paragraph"));
  for (const doc::Span& s : d.sentences) WENYUAN_RETURN_IF_ERROR(check_span(s.start, s.end, d.text_chars, "sentence"));
  WENYUAN_RETURN_IF_ERROR(check_outline(d.outline, d.text_chars));
  if (d.public_outline) WENYUAN_RETURN_IF_ERROR(check_outline(*d.public_outline, d.text_chars));
  for (const doc::Removed& r : d.removed) {
    WENYUAN_RETURN_IF_ERROR(check_span(r.position, r.position, d.text_chars, "removal (" + r.reason + ")"));
  }
  return Status::ok();
}

Result<doc::Access> parse_access(const std::string& s) {
  if (s == doc::to_string(doc::Access::kPaid)) return doc::Access::kPaid;
  if (s == doc::to_string(doc::Access::kFree)) return doc::Access::kFree;
  return Status::corruption("unknown access \"" + s + "\"");
}

std::optional<int> column_optional_int(const sqlite::Statement& s, int i) {
  if (s.column_is_null(i)) return std::nullopt;
  return static_cast<int>(s.column_int(i));
}

Result<doc::Document> read_document(const sqlite::Statement& s) {
  doc::Document d;
  d.id = s.column_text(0);
  d.title = s.column_text(1);
  d.year = column_optional_int(s, 2);
  d.date = s.column_text(3);
  d.source = s.column_text(4);
  d.category = s.column_text(5);
  d.issuer = s.column_text(6);
  auto fail = [&](const Status& st) { return st.with_context("document " + d.id); };
  Result<std::vector<std::string>> tags = tags_from_json(s.column_text(7));
  if (!tags.is_ok()) return fail(tags.status());
  d.tags = std::move(tags).value();
  Result<doc::Access> access = parse_access(s.column_text(8));
  if (!access.is_ok()) return fail(access.status());
  d.access = *access;
  d.format = s.column_text(9);
  d.encoding = s.column_text(10);
  d.origin = s.column_text(11);
  d.text_chars = static_cast<uint32_t>(s.column_int(12));
  Result<std::vector<doc::Region>> regions = regions_from_json(s.column_text(13));
  if (!regions.is_ok()) return fail(regions.status());
  d.regions = std::move(regions).value();
  Result<std::vector<doc::OutlineNode>> outline = outline_column(s, 14);
  if (!outline.is_ok()) return fail(outline.status());
  d.outline = std::move(outline).value();
  Result<std::vector<doc::Removed>> removed = removed_from_json(s.column_text(15));
  if (!removed.is_ok()) return fail(removed.status());
  d.removed = std::move(removed).value();
  d.content_hash = s.column_text(16);
  d.imported_at = s.column_int(17);
  Result<std::string> text = decompress(s.column_blob(18));
  if (!text.is_ok()) return fail(text.status().with_context("text"));
  d.text = std::move(text).value();
  const int64_t spans_codec = s.column_int(kDocumentColumnCount - 1);  // b.spans_codec, the last
  if (spans_codec != kSpansFixed && spans_codec != kSpansDeltas) {
    return fail(Status::corruption("spans: unknown codec " + std::to_string(spans_codec)));
  }
  const auto spans = [&](int i) {
    return spans_codec == kSpansDeltas ? spans_from_deltas(s.column_blob(i)) : spans_from_blob(s.column_blob(i));
  };
  Result<std::vector<doc::Span>> paragraphs = spans(19);
  if (!paragraphs.is_ok()) return fail(paragraphs.status().with_context("paragraphs"));
  d.paragraphs = std::move(paragraphs).value();
  Result<std::vector<doc::Span>> sentences = spans(20);
  if (!sentences.is_ok()) return fail(sentences.status().with_context("sentences"));
  d.sentences = std::move(sentences).value();
  d.public_year = column_optional_int(s, 21);
  d.public_issuer = s.column_text(22);
  if (!s.column_is_null(23)) {
    Result<std::vector<doc::OutlineNode>> public_outline = outline_column(s, 23);
    if (!public_outline.is_ok()) return fail(public_outline.status().with_context("public outline"));
    d.public_outline = std::move(public_outline).value();
  }
  d.type = s.column_text(24);
  d.source_name = s.column_text(25);
  return d;
}

Status read_access_fields(const sqlite::Statement& s, int col, doc::Document& d) {
  Result<doc::Access> access = parse_access(s.column_text(col));
  if (!access.is_ok()) return access.status();
  d.access = *access;
  d.text_chars = static_cast<uint32_t>(s.column_int(col + 1));
  Result<std::vector<doc::Region>> regions = regions_from_json(s.column_text(col + 2));
  if (!regions.is_ok()) return regions.status();
  d.regions = std::move(regions).value();
  return Status::ok();
}

}  // namespace internal

EncodedDocument encode(const doc::Document& d) {
  EncodedDocument e;
  e.tags = tags_to_json(d.tags);
  e.regions = regions_to_json(d.regions);
  const std::string outline = outline_to_json(d.outline);
  e.outline = pack_json(outline);
  // Free documents (most) have the same public outline: stored as "the same",
  // and not serialized twice to find that out (JSON of outlines was a tenth
  // of an import's CPU).
  e.public_outline_same = d.public_outline && *d.public_outline == d.outline;
  if (d.public_outline) e.public_outline_json = e.public_outline_same ? outline : outline_to_json(*d.public_outline);
  if (!e.public_outline_same) e.public_outline = pack_json(e.public_outline_json);
  e.removed = removed_to_json(d.removed);
  // With the cleaned text as prefix: most of an original is its text again.
  e.original = compress_with_prefix(d.original, d.text, kOriginalLevel);
  e.text = compress(d.text, kTextLevel);
  std::optional<std::string> paragraphs = spans_to_deltas(d.paragraphs);
  std::optional<std::string> sentences = spans_to_deltas(d.sentences);
  e.spans_codec = paragraphs && sentences ? internal::kSpansDeltas : internal::kSpansFixed;
  e.paragraphs = e.spans_codec == internal::kSpansDeltas ? std::move(*paragraphs) : spans_to_blob(d.paragraphs);
  e.sentences = e.spans_codec == internal::kSpansDeltas ? std::move(*sentences) : spans_to_blob(d.sentences);
  return e;
}

}  // namespace wenyuan::store
