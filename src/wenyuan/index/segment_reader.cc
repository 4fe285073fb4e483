// Segment reading: validation at open, then lookups straight from the mapped
// bytes (format.h).
#include <cstring>
#include <optional>

#include "wenyuan/index/doc_fields.h"
#include "wenyuan/index/segment.h"

namespace wenyuan::index {

namespace {
// Spans {u32 a, u32 b} sorted by a: the second value of the last span with
// a <= p (reach for heading spans, end for visible ranges), or nullopt.
std::optional<uint32_t> last_at_or_before(const char* spans, uint32_t n, uint32_t p) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (get_u32(spans + 8 * mid) <= p) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return get_u32(spans + 8 * (lo - 1) + 4);
}
}  // namespace

bool DocMeta::in_heading(uint32_t p, uint32_t m, bool visible_only) const {
  // Last span with start <= p; its reach covers every earlier span too.
  auto reach = visible_only ? last_at_or_before(public_headings, public_heading_count, p)
                            : last_at_or_before(headings, heading_count, p);
  return reach && *reach >= p + m;
}

bool DocMeta::is_visible(uint32_t p, uint32_t m) const {
  if (p + m <= title_len) return true;
  auto end = last_at_or_before(visible, visible_count, p);
  return end && *end >= p + m;
}

// ---- reading ----------------------------------------------------------------

Result<std::shared_ptr<const Segment>> Segment::open(std::shared_ptr<const FileData> data, std::string name) {
  auto bad = [&](const std::string& why) { return Status::corruption(name + ": " + why); };
  const char* b = data->data();
  const uint64_t size = data->size();
  if (size < 8 + Footer::kSize || std::memcmp(b, kSegmentMagic, kSegmentMagicPrefix) != 0) return bad("not a segment file");
  if (b[7] != kSegmentMagic[7]) return bad(incompatible_format_message(static_cast<unsigned char>(b[7])));
  const Footer f = Footer::decode_from(b + size - Footer::kSize);
  if (f.magic != kFooterMagic) return bad("bad footer magic (truncated?)");
  if (f.crc != crc32(std::string_view(b, size - 8))) return bad("checksum mismatch");
  std::shared_ptr<Segment> s(new Segment());
  s->data_ = std::move(data);
  s->name_ = std::move(name);
  s->base_ = b;
  const uint64_t* off = f.offsets;
  s->n_docs_ = f.n_docs;
  s->n_grams_ = f.n_grams;
  const uint64_t footer_at = size - Footer::kSize;
  for (int i = 0; i < Footer::kSections; ++i)
    if (off[i] > footer_at || (i > 0 && off[i] < off[i - 1])) return bad("section offsets out of order");
  if (off[Footer::kDocs] + uint64_t{s->n_docs_} * DocRecord::kSize > off[Footer::kStrings]) return bad("doc table overflows");
  {
    // The postings end where the dictionary's padding begins; validated entry by entry.
    auto dict = DictReader::open(std::string_view(b + off[Footer::kDictIndex], off[Footer::kDictEntries] - off[Footer::kDictIndex]),
                                 std::string_view(b + off[Footer::kDictEntries], off[Footer::kTextStore] - off[Footer::kDictEntries]),
                                 s->n_grams_, off[Footer::kDictIndex] - off[Footer::kPostings]);
    if (!dict.is_ok()) return bad(dict.status().message());
    s->dict_ = std::move(dict).value();
  }
  s->off_docs_ = off[Footer::kDocs];
  s->off_strings_ = off[Footer::kStrings];
  s->off_headings_ = off[Footer::kSpans];
  s->off_postings_ = off[Footer::kPostings];
  s->off_text_ = off[Footer::kTextStore];
  s->end_text_ = footer_at;
  const uint64_t n_spans = (off[Footer::kPostings] - off[Footer::kSpans]) / 8;
  if (n_spans > UINT32_MAX) return bad("too many spans");
  s->n_spans_ = static_cast<uint32_t>(n_spans);
  const uint64_t strings_bytes = off[Footer::kSpans] - off[Footer::kStrings];
  for (uint32_t d = 0; d < s->n_docs_; ++d) {
    const DocRecord r = DocRecord::decode_from(b + off[Footer::kDocs] + uint64_t{d} * DocRecord::kSize);
    for (const StringRef& sr : r.strings)
      if (uint64_t{sr.off} + sr.len > strings_bytes) return bad("string out of bounds");
    if (uint64_t{r.heading_first} + r.heading_count > n_spans || uint64_t{r.visible_first} + r.visible_count > n_spans ||
        uint64_t{r.public_heading_first} + r.public_heading_count > n_spans ||
        uint64_t{r.paragraph_first} + r.paragraph_count > n_spans)
      return bad("spans out of bounds");
    if (r.title_len > r.norm_len) return bad("title longer than document");
    if (r.text_off + r.text_bytes > footer_at - off[Footer::kTextStore]) return bad("text out of bounds");
    s->total_norm_len_ += r.norm_len;
    s->total_title_len_ += r.title_len;
    s->total_visible_body_len_ += r.visible_body_len;
  }
  return std::shared_ptr<const Segment>(std::move(s));
}

DocRecord Segment::record(uint32_t local) const {
  return DocRecord::decode_from(base_ + off_docs_ + uint64_t{local} * DocRecord::kSize);
}

std::string_view Segment::id(uint32_t local) const {
  const DocRecord r = record(local);
  return std::string_view(base_ + off_strings_ + r.strings[DocRecord::kId].off, r.strings[DocRecord::kId].len);
}

DocMeta Segment::doc(uint32_t local) const {
  const DocRecord r = record(local);
  const char* str = base_ + off_strings_;
  auto sv = [&](DocRecord::StringField k) { return std::string_view(str + r.strings[k].off, r.strings[k].len); };
  const char* spans = base_ + off_headings_;
  DocMeta m;
  m.id = sv(DocRecord::kId);
  m.title = sv(DocRecord::kTitle);
  m.date = sv(DocRecord::kDate);
  m.source = sv(DocRecord::kSource);
  m.category = sv(DocRecord::kCategory);
  m.type = sv(DocRecord::kType);
  m.year = r.year;
  m.title_len = r.title_len;
  m.norm_len = r.norm_len;
  m.headings = spans + uint64_t{r.heading_first} * 8;
  m.heading_count = r.heading_count;
  m.text_chars = r.text_chars;
  m.imported_at = r.imported_at;
  m.visible_body_len = r.visible_body_len;
  m.visible = spans + uint64_t{r.visible_first} * 8;
  m.visible_count = r.visible_count;
  m.public_headings = spans + uint64_t{r.public_heading_first} * 8;
  m.public_heading_count = r.public_heading_count;
  m.public_year = r.public_year;
  m.paragraphs = spans + uint64_t{r.paragraph_first} * 8;
  m.paragraph_first = r.paragraph_first;
  m.paragraph_count = r.paragraph_count;
  return m;
}

uint32_t Segment::gram_lower_bound(uint64_t key) const { return dict_.lower_bound(key); }

uint64_t Segment::gram_key_at(uint32_t i) const { return dict_.at(i).key; }

GramPostings Segment::gram(uint64_t key) const {
  const auto e = dict_.find(key);
  return e ? postings(*e) : GramPostings{};
}

GramPostings Segment::gram_at(uint32_t i) const { return postings(dict_.at(i)); }

GramPostings Segment::postings(const DictEntry& e) const {
  GramPostings g;
  const auto* p = reinterpret_cast<const uint8_t*>(base_ + off_postings_ + e.postings_off);
  g.df = e.df;
  g.visible_df = e.visible_df;
  g.positions = !is_unigram_key(e.key);
  if (g.df > kSkipBlock) {
    g.skip = p;
    p += size_t{(g.df + kSkipBlock - 1) / kSkipBlock} * SkipEntry::kSize;
  }
  g.docs = p;
  g.docs_end = p + e.doc_bytes;
  g.pos = g.docs_end;
  return g;
}

Result<TextRegion> Segment::text_region(uint32_t local) const {
  const DocRecord r = record(local);
  auto t = TextRegion::parse(std::string_view(base_ + off_text_ + r.text_off, r.text_bytes), r.text_chars);
  if (!t.is_ok()) return Status::corruption(name_ + ": doc " + std::to_string(local) + ": " + t.status().message());
  return t;
}

std::string_view Segment::text_region_bytes(uint32_t local) const {
  const DocRecord r = record(local);
  return std::string_view(base_ + off_text_ + r.text_off, r.text_bytes);  // bounds checked at open
}

Result<StoredText> Segment::load_text(uint32_t local) const {
  WENYUAN_ASSIGN_OR_RETURN(auto region, text_region(local));
  StoredText t;
  WENYUAN_RETURN_IF_ERROR(region.spans(t));
  t.text.reserve(region.text_bytes());
  WENYUAN_RETURN_IF_ERROR(region.decode(0, region.block_count(), t.text));
  return t;
}

Result<IndexDoc> Segment::load_doc(uint32_t local) const {
  WENYUAN_ASSIGN_OR_RETURN(auto t, load_text(local));
  DocMeta m = doc(local);
  IndexDoc x;
  internal::copy_descriptive_fields(m, x);
  if (m.year != kNoYear) x.year = m.year;
  x.imported_at = m.imported_at;
  x.text = std::move(t.text);
  x.text_chars = m.text_chars;
  x.sentences = std::move(t.sentences);
  x.paragraphs = std::move(t.paragraphs);
  x.headings = std::move(t.headings);
  if (!internal::covers_whole_text(t.visible, m.text_chars)) {
    x.visible = std::move(t.visible);
    x.public_headings = std::move(t.public_headings);
    if (m.public_year != kNoYear) x.public_year = m.public_year;
  }
  return x;
}

}  // namespace wenyuan::index
