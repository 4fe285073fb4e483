// Merging segments by copying their parts (segment_merger.h; layout in format.h).
#include "wenyuan/index/segment_merger.h"

#include <algorithm>

#include "wenyuan/index/format.h"

namespace wenyuan::index {

namespace {

constexpr uint32_t kDropped = UINT32_MAX;
constexpr size_t kSinkBuffer = size_t{1} << 20;

// The segment's bytes on their way to the sink: buffered, counted, and the
// crc32c of everything so far kept (the footer's crc covers the whole file).
class Out {
 public:
  explicit Out(const ByteSink& sink) : sink_(sink) { buf_.reserve(kSinkBuffer); }
  Status put(std::string_view b) {
    crc_ = crc32(b, crc_);
    size_ += b.size();
    if (buf_.size() + b.size() > kSinkBuffer) {
      WENYUAN_RETURN_IF_ERROR(flush());
      if (b.size() >= kSinkBuffer) return sink_(b);
    }
    buf_.append(b);
    return Status::ok();
  }
  Status pad8() {
    static constexpr char kZeros[8] = {};
    return put(std::string_view(kZeros, (8 - size_ % 8) % 8));
  }
  Status flush() {
    if (buf_.empty()) return Status::ok();
    Status s = sink_(buf_);
    buf_.clear();
    return s;
  }
  uint64_t size() const { return size_; }
  uint32_t crc() const { return crc_; }
  size_t buffer_bytes() const { return buf_.capacity(); }

 private:
  const ByteSink& sink_;
  std::string buf_;
  uint64_t size_ = 0;
  uint32_t crc_ = 0;
};

struct Source {
  const Segment* seg;
  std::vector<uint32_t> new_id;  // local -> merged id, kDropped for tombstones
  DictReader::Walk walk;         // the dictionary walk
};

// One merged posting list (format.h "postings"), built in reused buffers.
struct GramScratch {
  std::string skip, docs, pos;
  size_t bytes() const { return skip.capacity() + docs.capacity() + pos.capacity(); }
};

// The posting list of gram `key` over the sources in `having` (each positioned
// at that gram), live documents only, renumbered. Returns its dictionary entry
// (key and counts; postings_off unset); df == 0 when no live document has the gram.
Result<DictEntry> encode_gram(uint64_t key, const std::vector<Source>& src, const std::vector<uint32_t>& having,
                              GramScratch& s) {
  s.skip.clear();
  s.docs.clear();
  s.pos.clear();
  const bool bigram = !is_unigram_key(key);
  DictEntry v;
  v.key = key;
  uint32_t prev = 0;
  for (uint32_t si : having) {
    const Source& st = src[si];
    const GramPostings g = st.seg->postings(st.walk.entry());
    const uint8_t* p = g.docs;
    const uint8_t* pp = g.pos;
    uint32_t doc = 0;
    for (uint32_t i = 0; p < g.docs_end; ++i) {
      uint32_t delta = 0, tf_flags = 0;
      p = get_varint(p, &delta);
      doc = i % kSkipBlock == 0 ? delta : doc + delta;
      const uint8_t* entry = p;  // tf/flags [+ visible counts]: copied as they are
      p = get_varint(p, &tf_flags);
      uint32_t vis_tf = tf_flags >> 3;
      if (tf_flags & 4u) {
        uint32_t vis = 0;
        p = get_varint(p, &vis);
        vis_tf = vis >> 1;
      }
      const uint8_t* entry_end = p;
      const uint8_t* positions = pp;
      if (bigram)  // tf varints: count their last bytes
        for (uint32_t k = tf_flags >> 3; k > 0; ++pp)
          if ((*pp & 0x80) == 0) --k;
      if (p > g.docs_end || doc >= st.new_id.size())
        return Status::corruption(st.seg->name() + ": posting list out of bounds");
      const uint32_t nd = st.new_id[doc];
      if (nd == kDropped) continue;
      if (v.df % kSkipBlock == 0) {
        SkipEntry{nd, static_cast<uint32_t>(s.docs.size()), static_cast<uint32_t>(s.pos.size())}.encode_to(s.skip);
        put_varint(s.docs, nd);
      } else {
        put_varint(s.docs, nd - prev);
      }
      s.docs.append(reinterpret_cast<const char*>(entry), static_cast<size_t>(entry_end - entry));
      if (bigram) s.pos.append(reinterpret_cast<const char*>(positions), static_cast<size_t>(pp - positions));
      prev = nd;
      ++v.df;
      if (vis_tf > 0) ++v.visible_df;
    }
  }
  if (v.df <= kSkipBlock) s.skip.clear();
  v.doc_bytes = static_cast<uint32_t>(s.docs.size());
  return v;
}

// Walks the union of the sources' dictionaries in key order, calling
// fn(entry, scratch) for every gram some live document has.
template <typename Fn>
Status for_each_gram(std::vector<Source>& src, GramScratch& scratch, Fn&& fn) {
  for (auto& st : src) st.walk = DictReader::Walk(st.seg->dictionary(), 0);
  std::vector<uint32_t> having;
  for (;;) {
    uint64_t key = UINT64_MAX;
    bool any = false;
    for (const auto& st : src) {
      if (st.walk.done()) continue;
      key = std::min(key, st.walk.entry().key);
      any = true;
    }
    if (!any) return Status::ok();
    having.clear();
    for (uint32_t i = 0; i < src.size(); ++i)
      if (!src[i].walk.done() && src[i].walk.entry().key == key) having.push_back(i);
    WENYUAN_ASSIGN_OR_RETURN(auto v, encode_gram(key, src, having, scratch));
    if (v.df > 0) WENYUAN_RETURN_IF_ERROR(fn(v, scratch));
    for (uint32_t i : having) src[i].walk.next();
  }
}

// A document's spans are one run of the spans section, in build_segment's
// order: headings, public headings (paid documents; a free one's are its
// headings), visible ranges, paragraphs. [first, end) of that run.
Result<std::pair<uint32_t, uint32_t>> span_run(const Segment& seg, const DocRecord& r) {
  const uint32_t lo = r.heading_first, hi = r.paragraph_first + r.paragraph_count;
  auto inside = [&](uint32_t first, uint32_t count) { return first >= lo && uint64_t{first} + count <= hi; };
  if (hi < lo || !inside(r.heading_first, r.heading_count) || !inside(r.public_heading_first, r.public_heading_count) ||
      !inside(r.visible_first, r.visible_count))
    return Status::corruption(seg.name() + ": a document's spans are not one run");
  return std::make_pair(lo, hi);
}

}  // namespace

uint32_t live_doc_count(const std::vector<MergeSource>& sources) {
  uint32_t n = 0;
  for (const auto& s : sources)
    for (uint32_t d = 0; d < s.segment->doc_count(); ++d) n += !(s.tombstones && s.tombstones->is_deleted(d));
  return n;
}

Status merge_segments(const std::vector<MergeSource>& sources, const ByteSink& sink, MergeStats* stats) {
  MergeStats local;
  MergeStats& st = stats ? *stats : local;
  st = MergeStats{};
  std::vector<Source> src;
  uint32_t n_docs = 0;
  for (const auto& s : sources) {
    Source x{s.segment, std::vector<uint32_t>(s.segment->doc_count(), kDropped)};
    for (uint32_t d = 0; d < s.segment->doc_count(); ++d)
      if (!(s.tombstones && s.tombstones->is_deleted(d))) x.new_id[d] = n_docs++;
    st.id_map_bytes += x.new_id.capacity() * sizeof(uint32_t);
    src.push_back(std::move(x));
  }
  st.docs = n_docs;
  if (n_docs == 0) return Status::ok();

  // Calls fn(segment, local, record) for every live document in merged order.
  auto each_doc = [&](auto&& fn) -> Status {
    for (const auto& s : src)
      for (uint32_t d = 0; d < s.seg->doc_count(); ++d)
        if (s.new_id[d] != kDropped) WENYUAN_RETURN_IF_ERROR(fn(*s.seg, d, s.seg->record(d)));
    return Status::ok();
  };

  Out out(sink);
  Footer footer;
  footer.n_docs = n_docs;
  uint64_t* off = footer.offsets;
  WENYUAN_RETURN_IF_ERROR(out.put(std::string_view(kSegmentMagic, 8)));

  // Doc table: the records with their offsets moved.
  off[Footer::kDocs] = out.size();
  {
    uint32_t str_at = 0, span_at = 0;
    uint64_t text_at = 0;
    std::string rec;
    WENYUAN_RETURN_IF_ERROR(each_doc([&](const Segment& seg, uint32_t, DocRecord r) -> Status {
      for (StringRef& sr : r.strings) {
        sr.off = str_at;
        str_at += sr.len;
      }
      WENYUAN_ASSIGN_OR_RETURN(auto run, span_run(seg, r));
      const uint32_t shift = span_at - run.first;  // modulo 2^32: adding it moves every first
      r.heading_first += shift;
      r.public_heading_first += shift;
      r.visible_first += shift;
      r.paragraph_first += shift;
      span_at += run.second - run.first;
      r.text_off = text_at;
      text_at += r.text_bytes;
      rec.clear();
      r.encode_to(rec);
      return out.put(rec);
    }));
  }
  WENYUAN_RETURN_IF_ERROR(out.pad8());
  off[Footer::kStrings] = out.size();
  WENYUAN_RETURN_IF_ERROR(each_doc([&](const Segment& seg, uint32_t d, const DocRecord&) -> Status {
    const DocMeta m = seg.doc(d);
    for (std::string_view v : {m.id, m.title, m.date, m.source, m.category, m.type}) WENYUAN_RETURN_IF_ERROR(out.put(v));
    return Status::ok();
  }));
  WENYUAN_RETURN_IF_ERROR(out.pad8());
  off[Footer::kSpans] = out.size();
  WENYUAN_RETURN_IF_ERROR(each_doc([&](const Segment& seg, uint32_t d, const DocRecord& r) -> Status {
    WENYUAN_ASSIGN_OR_RETURN(auto run, span_run(seg, r));
    if (run.second > seg.span_count()) return Status::corruption(seg.name() + ": spans out of bounds");
    const char* first = seg.doc(d).headings;  // span heading_first = run.first
    return out.put(std::string_view(first, size_t{run.second - run.first} * 8));
  }));
  WENYUAN_RETURN_IF_ERROR(out.pad8());

  // Postings in one walk over the sources' dictionaries; the dictionary,
  // coded as they are written, follows them (format.h).
  off[Footer::kPostings] = out.size();
  GramScratch scratch;
  DictWriter dict;
  WENYUAN_RETURN_IF_ERROR(for_each_gram(src, scratch, [&](DictEntry v, const GramScratch& s) -> Status {
    v.postings_off = out.size() - off[Footer::kPostings];
    st.largest_posting = std::max(st.largest_posting, s.skip.size() + s.docs.size() + s.pos.size());
    dict.add(v);
    WENYUAN_RETURN_IF_ERROR(out.put(s.skip));
    WENYUAN_RETURN_IF_ERROR(out.put(s.docs));
    return out.put(s.pos);
  }));
  st.scratch_bytes = scratch.bytes();
  footer.n_grams = dict.size();
  st.grams = footer.n_grams;
  st.dict_bytes = dict.bytes();
  WENYUAN_RETURN_IF_ERROR(out.pad8());
  off[Footer::kDictIndex] = out.size();
  WENYUAN_RETURN_IF_ERROR(out.put(dict.index()));
  off[Footer::kDictEntries] = out.size();
  WENYUAN_RETURN_IF_ERROR(out.put(dict.entries()));
  dict = DictWriter{};
  WENYUAN_RETURN_IF_ERROR(out.pad8());

  // Text store: every region as it is (its offsets are region-relative).
  off[Footer::kTextStore] = out.size();
  WENYUAN_RETURN_IF_ERROR(each_doc([&](const Segment& seg, uint32_t d, const DocRecord&) -> Status {
    return out.put(seg.text_region_bytes(d));
  }));

  std::string tail;
  for (uint64_t o : footer.offsets) put_u64(tail, o);
  put_u32(tail, footer.n_docs);
  put_u32(tail, footer.n_grams);
  WENYUAN_RETURN_IF_ERROR(out.put(tail));
  tail.clear();
  put_u32(tail, out.crc());
  put_u32(tail, footer.magic);
  WENYUAN_RETURN_IF_ERROR(out.put(tail));
  st.buffer_bytes = out.buffer_bytes();
  st.file_bytes = out.size();
  return out.flush();
}

}  // namespace wenyuan::index
