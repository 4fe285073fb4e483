// The typed records of format.h: each decodes what it encodes, at the byte
// offsets the format documents, and a segment of another format version is
// refused with the reindex message.
#include "wenyuan/index/format.h"

#include <gtest/gtest.h>

#include "wenyuan/index/segment.h"

namespace wenyuan::index {
namespace {

TEST(IndexFormat, DocRecordRoundTripsAtTheDocumentedOffsets) {
  DocRecord r;
  for (int k = 0; k < DocRecord::kStringFields; ++k) r.strings[k] = {uint32_t(10 * k + 1), uint32_t(10 * k + 2)};
  r.year = 2023;
  r.title_len = 17;
  r.norm_len = 4000;
  r.heading_first = 5;
  r.heading_count = 6;
  r.text_chars = 3990;
  r.text_off = (uint64_t{1} << 40) + 7;
  r.text_bytes = 1234;
  r.visible_body_len = 99;
  r.imported_at = -42;
  r.visible_first = 11;
  r.visible_count = 12;
  r.public_heading_first = 13;
  r.public_heading_count = 14;
  r.public_year = kNoYear;
  r.paragraph_first = 21;
  r.paragraph_count = 22;
  std::string out;
  r.encode_to(out);
  ASSERT_EQ(out.size(), DocRecord::kSize);
  EXPECT_EQ(get_u32(out.data() + 40), 51u);                // type_off (version 3)
  EXPECT_EQ(get_u32(out.data() + 44), 52u);                // type_len
  EXPECT_EQ(get_u32(out.data() + 52), 17u);                // title_len
  EXPECT_EQ(get_u32(out.data() + 84), 99u);                // visible_body_len
  EXPECT_EQ(get_u64(out.data() + 72), r.text_off);         // text_off
  EXPECT_EQ(static_cast<int32_t>(get_u32(out.data() + 112)), kNoYear);
  EXPECT_EQ(get_u32(out.data() + 120), 21u);               // paragraph_first (version 4)
  EXPECT_EQ(get_u32(out.data() + 124), 22u);               // paragraph_count
  const DocRecord d = DocRecord::decode_from(out.data());
  EXPECT_EQ(d.strings[DocRecord::kCategory].off, 41u);
  EXPECT_EQ(d.strings[DocRecord::kCategory].len, 42u);
  EXPECT_EQ(d.strings[DocRecord::kType].off, 51u);
  EXPECT_EQ(d.year, 2023);
  EXPECT_EQ(d.imported_at, -42);
  EXPECT_EQ(d.text_off, r.text_off);
  EXPECT_EQ(d.public_heading_count, 14u);
  EXPECT_EQ(d.paragraph_count, 22u);
  EXPECT_EQ(d.body_len(), 4000u - 17u - 1u);
}

// (The dictionary's coding: index_dictionary_test.cc.)
TEST(IndexFormat, SkipEntryAndFooterRoundTrip) {
  std::string s;
  SkipEntry{128, 4096, 9000}.encode_to(s);
  ASSERT_EQ(s.size(), SkipEntry::kSize);
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  EXPECT_EQ(SkipEntry::first_doc_at(p), 128u);
  EXPECT_EQ(SkipEntry::decode_from(p).pos_off, 9000u);

  std::string file = "some segment bytes";
  Footer f;
  for (int i = 0; i < Footer::kSections; ++i) f.offsets[i] = 8u * static_cast<uint64_t>(i + 1);
  f.n_docs = 3;
  f.n_grams = 70;
  f.encode_to(file);
  ASSERT_EQ(file.size(), 18 + Footer::kSize);
  const Footer g = Footer::decode_from(file.data() + 18);
  EXPECT_EQ(g.offsets[Footer::kTextStore], 56u);
  EXPECT_EQ(g.n_grams, 70u);
  EXPECT_EQ(g.magic, kFooterMagic);
  EXPECT_EQ(g.crc, crc32(std::string_view(file.data(), 18 + 64)));
}

TEST(IndexFormat, AnotherVersionIsRefusedWithTheReindexMessage) {
  IndexDoc d;
  d.id = "a";
  d.title = "标题";
  d.text = "正文";
  d.text_chars = 2;
  auto bytes = build_segment({&d});
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(static_cast<uint8_t>((*bytes)[7]), kSegmentFormatVersion);
  struct Bytes : FileData {
    std::string b;
    const char* data() const override { return b.data(); }
    size_t size() const override { return b.size(); }
  };
  auto ok = std::make_shared<Bytes>();
  ok->b = *bytes;
  ASSERT_TRUE(Segment::open(ok, "seg-000001.wys").is_ok());
  auto old = std::make_shared<Bytes>();
  old->b = *bytes;
  old->b[7] = 1;
  auto s = Segment::open(old, "seg-000001.wys");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().message().find("index format 1, this build reads " + std::to_string(kSegmentFormatVersion) +
                                      ": run `wenyuan reindex`"),
            std::string::npos)
      << s.status().message();
}

}  // namespace
}  // namespace wenyuan::index
