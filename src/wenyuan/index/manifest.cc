// Manifest encoding (format.h).
#include "wenyuan/index/manifest.h"

#include <cstdio>

#include "wenyuan/index/format.h"

namespace wenyuan::index {

uint32_t ManifestSegment::deleted_count() const {
  uint32_t n = 0;
  for (uint8_t b : deleted) n += static_cast<uint32_t>(__builtin_popcount(b));
  return n;
}

std::string segment_file_name(uint64_t number) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "seg-%06llu.wys", static_cast<unsigned long long>(number));
  return buf;
}

bool parse_segment_file_name(std::string_view name, uint64_t* number) {
  if (name.size() < 9 || name.substr(0, 4) != "seg-" || name.substr(name.size() - 4) != ".wys") return false;
  uint64_t n = 0;
  for (char c : name.substr(4, name.size() - 8)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *number = n;
  return true;
}

std::string encode_manifest(const Manifest& m) {
  std::string out;
  put_u64(out, kManifestMagic);
  put_u64(out, m.generation);
  put_u64(out, m.catalog_seq);
  put_u64(out, m.next_segment);
  put_u32(out, static_cast<uint32_t>(m.segments.size()));
  for (const auto& s : m.segments) {
    put_u64(out, s.number);
    put_u32(out, s.n_docs);
    put_u32(out, s.deleted_count());
    out.append(reinterpret_cast<const char*>(s.deleted.data()), s.deleted.size());
  }
  put_u32(out, crc32(out));
  return out;
}

Result<Manifest> decode_manifest(std::string_view b) {
  auto bad = [](const std::string& why) { return Status::corruption(std::string(kManifestName) + ": " + why); };
  if (b.size() < 40) return bad("too short");
  if (get_u32(b.data() + b.size() - 4) != crc32(b.substr(0, b.size() - 4))) return bad("checksum mismatch");
  if (get_u64(b.data()) != kManifestMagic) return bad("bad magic");
  Manifest m;
  m.generation = get_u64(b.data() + 8);
  m.catalog_seq = get_u64(b.data() + 16);
  m.next_segment = get_u64(b.data() + 24);
  uint32_t n = get_u32(b.data() + 32);
  size_t at = 36;
  const size_t end = b.size() - 4;
  for (uint32_t i = 0; i < n; ++i) {
    if (at + 16 > end) return bad("truncated segment list");
    ManifestSegment s;
    s.number = get_u64(b.data() + at);
    s.n_docs = get_u32(b.data() + at + 8);
    uint32_t n_deleted = get_u32(b.data() + at + 12);
    at += 16;
    size_t bytes = (size_t{s.n_docs} + 7) / 8;
    if (at + bytes > end) return bad("truncated deletion bitmap");
    s.deleted.assign(b.data() + at, b.data() + at + bytes);
    at += bytes;
    if (s.deleted_count() != n_deleted) return bad("deletion count mismatch");
    if (s.number >= m.next_segment) return bad("segment number beyond next_segment");
    m.segments.push_back(std::move(s));
  }
  if (at != end) return bad("trailing bytes");
  return m;
}

}  // namespace wenyuan::index
