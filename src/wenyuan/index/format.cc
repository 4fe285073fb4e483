// Codecs of the segment file's fixed-width records and the crc (layout: format.h).
#include "wenyuan/index/format.h"

#include <array>
#include <cstddef>

namespace wenyuan::index {

// DocRecord's in-memory layout is its on-disk layout: decode_from is a memcpy.
static_assert(sizeof(StringRef) == 8);
static_assert(sizeof(DocRecord) == DocRecord::kSize, "DocRecord must have no padding");
static_assert(offsetof(DocRecord, year) == 48 && offsetof(DocRecord, title_len) == 52 &&
              offsetof(DocRecord, norm_len) == 56 && offsetof(DocRecord, heading_first) == 60 &&
              offsetof(DocRecord, text_chars) == 68 && offsetof(DocRecord, text_off) == 72 &&
              offsetof(DocRecord, text_bytes) == 80 && offsetof(DocRecord, visible_body_len) == 84 &&
              offsetof(DocRecord, imported_at) == 88 && offsetof(DocRecord, visible_first) == 96 &&
              offsetof(DocRecord, public_heading_first) == 104 && offsetof(DocRecord, public_year) == 112 &&
              offsetof(DocRecord, reserved) == 116 && offsetof(DocRecord, paragraph_first) == 120 &&
              offsetof(DocRecord, paragraph_count) == 124,
              "DocRecord field offsets are the format (format.h)");

void DocRecord::encode_to(std::string& out) const {
  out.append(reinterpret_cast<const char*>(this), kSize);  // little endian, no padding (asserted above)
}

DocRecord DocRecord::decode_from(const char* p) {
  DocRecord r;
  std::memcpy(&r, p, kSize);
  return r;
}

void SkipEntry::encode_to(std::string& out) const {
  put_u32(out, first_doc);
  put_u32(out, doc_off);
  put_u32(out, pos_off);
}

SkipEntry SkipEntry::decode_from(const uint8_t* p) {
  const char* c = reinterpret_cast<const char*>(p);
  return {get_u32(c), get_u32(c + 4), get_u32(c + 8)};
}

void Footer::encode_to(std::string& file) const {
  for (uint64_t o : offsets) put_u64(file, o);
  put_u32(file, n_docs);
  put_u32(file, n_grams);
  put_u32(file, crc32(file));
  put_u32(file, magic);
}

Footer Footer::decode_from(const char* p) {
  Footer f;
  for (int i = 0; i < kSections; ++i) f.offsets[i] = get_u64(p + 8 * i);
  f.n_docs = get_u32(p + 56);
  f.n_grams = get_u32(p + 60);
  f.crc = get_u32(p + 64);
  f.magic = get_u32(p + 68);
  return f;
}

std::string incompatible_format_message(unsigned found) {
  return "index format " + std::to_string(found) + ", this build reads " + std::to_string(kSegmentFormatVersion) +
         ": run `wenyuan reindex`";
}

namespace {

// CRC-32C (Castagnoli). The SSE4.2 instruction does 8 bytes a cycle; the table
// fallback gives the same values on other CPUs.
std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

uint32_t crc32c_table(const unsigned char* p, size_t n, uint32_t c) {
  static const std::array<uint32_t, 256> table = make_crc_table();  // immutable after init
  for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hw(const unsigned char* p, size_t n, uint32_t c) {
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = __builtin_ia32_crc32di(c64, v);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n-- > 0) c = __builtin_ia32_crc32qi(c, *p++);
  return c;
}
#endif

}  // namespace

uint32_t crc32(std::string_view data, uint32_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  uint32_t c = ~seed;
#if defined(__x86_64__)
  static const bool hw = __builtin_cpu_supports("sse4.2");  // immutable after init
  c = hw ? crc32c_hw(p, data.size(), c) : crc32c_table(p, data.size(), c);
#else
  c = crc32c_table(p, data.size(), c);
#endif
  return ~c;
}

}  // namespace wenyuan::index
