// Manifest: the one commit point of the index (layout in format.h).
//
// The file "MANIFEST" names the live segments, their deletion bitmaps
// (tombstones), the catalog sequence number the index reflects and the next
// segment number. A commit writes "MANIFEST.tmp", syncs it, renames it over
// "MANIFEST" and syncs the directory; a reader sees either the old or the new
// manifest, never a mix. Any file not named by the manifest is garbage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"

namespace wenyuan::index {

inline constexpr char kManifestName[] = "MANIFEST";
inline constexpr char kManifestTmpName[] = "MANIFEST.tmp";

struct ManifestSegment {
  uint64_t number = 0;
  uint32_t n_docs = 0;
  std::vector<uint8_t> deleted;  // bitmap, ceil(n_docs / 8) bytes

  bool is_deleted(uint32_t d) const { return (deleted[d >> 3] >> (d & 7)) & 1; }
  void set_deleted(uint32_t d) { deleted[d >> 3] |= static_cast<uint8_t>(1u << (d & 7)); }
  uint32_t deleted_count() const;
};

struct Manifest {
  uint64_t generation = 0;
  uint64_t catalog_seq = 0;
  uint64_t next_segment = 1;
  std::vector<ManifestSegment> segments;
};

std::string segment_file_name(uint64_t number);  // "seg-000042.wys"
// True (and sets *number) if `name` is a segment file name.
bool parse_segment_file_name(std::string_view name, uint64_t* number);

std::string encode_manifest(const Manifest& m);
Result<Manifest> decode_manifest(std::string_view bytes);

}  // namespace wenyuan::index
