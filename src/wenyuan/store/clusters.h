// Duplicate clusters in the catalog (schema v6): every document's sketch,
// written in the same transaction as the document, and the clusters it joins.
//
// A sketch (dedup/sketch.h computes it from the document's visible text) is a
// one-permutation MinHash of the document's winnowed fingerprints: the
// fingerprint hashes are mixed and spread over kSketchBins bins by their top
// bits, and each bin keeps its smallest value. The similarity of two sketches
// is (bins equal and filled in both) / (bins filled in either), an estimate of
// the Jaccard index of the two fingerprint sets (Broder's resemblance). Exact
// duplicates carry the same text_hash (the hash of the counted characters,
// only for a wholly visible document).
//
// Candidates: a document is compared only with the documents that share an
// exact text_hash or one of its kSketchBands band keys (kBinsPerBand bins
// hashed together, LSH banding). Why that finds every pair at or above
// kMinDupSimilarity when both sketches fill every bin: such a pair differs in
// at most floor(0.2 × 64) = 12 bins, which can break at most 12 of the 16
// bands, so at least 4 bands are equal (pigeonhole). Short documents (fewer
// distinct fingerprints than bins, ~1,000 counted characters) can leave bins
// empty and a band of empty bins is not a key, so for them a pair may be missed.
//
// The rule, one definition (used at import, by `wenyuan dups`, the document
// page and search folding): a and b are linked when their texts are the same
// (exact) or when, not being versions, their similarity is at least
// kMinDupSimilarity. Versions: same non-empty title family (dedup::title_family)
// and different dates, texts not the same. A cluster is a connected component
// of links; its id is the smallest rid of its members (column dup_sketches.cluster,
// NULL for a document alone). A removal or an update re-splits its old cluster
// among the links that remain, so clusters are always the components of the
// links between stored documents, whatever the import order.
//
// Tables (schema.cc v6):
//   dup_sketches rid -> documents ON DELETE CASCADE; bins (64 × uint32 LE),
//                text_hash (NULL unless wholly visible), family, cluster
//   dup_bands    (band key, rid): the LSH keys, for candidates
//   dup_links    (a < b rids, similarity): the links of the rule above
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::store {

inline constexpr int kSketchBins = 64;
inline constexpr int kBinsPerBand = 4;
inline constexpr int kSketchBands = kSketchBins / kBinsPerBand;
inline constexpr uint32_t kEmptyBin = 0xFFFFFFFFu;
// Near duplicates at or above this. 0.7 also joined the templated 制定地方性法规条例
// of three different cities on the public corpus; at 0.8 what is joined is
// reposts and regulations of a city merged into another (docs/check.md).
inline constexpr double kMinDupSimilarity = 0.8;
// Title-family members this alike (and dated differently) are versions.
inline constexpr double kMinVersionSimilarity = 0.2;

using SketchBins = std::array<uint32_t, kSketchBins>;

struct DupSketch {
  SketchBins bins{};
  std::optional<uint64_t> text_hash;  // set only when the whole text is visible
  std::string family;                 // dedup::title_family of the title
};

// (bins equal and filled in both) / (bins filled in either); 0 if none filled.
double sketch_similarity(const SketchBins& a, const SketchBins& b);
// The band keys of filled bands (a band of empty bins has none).
std::vector<int64_t> band_keys(const SketchBins& bins);
// Whether a and b are linked by the rule above (similarity out: 1 for exact).
bool dup_linked(const DupSketch& a, const std::string& date_a, const DupSketch& b, const std::string& date_b,
                double& similarity);

struct DupMember {
  std::string id, title, date;
  double similarity = 1.0;  // to the representative (clusters) or to the asked document (relations)
  bool exact = false;       // same text as the representative
  bool current = false;     // the asked document (relations)
};

struct DupGroup {
  std::vector<DupMember> members;  // clusters: representative first; versions: date order, undated last
  std::string family;              // versions only
};

struct DupRelations {
  std::vector<DupMember> similar;   // the other members of its cluster, representative first; similarity and exact to this document
  std::vector<DupMember> versions;  // its version group in date order (itself marked current); empty if none
  std::optional<int64_t> cluster;
};

// Inside the caller's write transaction (Catalog::put / remove).
Status write_sketch(const sqlite::Db& db, int64_t rid, const std::string& date, const DupSketch& s);
Status drop_sketch(const sqlite::Db& db, int64_t rid);
Status drop_sketch_of(const sqlite::Db& db, const std::string& id);
// Replaces the sketch of stored document `id` (NotFound if absent).
Status put_sketch_locked(const sqlite::Db& db, const std::string& id, const DupSketch& s);

// Reads (the caller's snapshot).
Result<DupRelations> dup_relations(const sqlite::Db& db, const std::string& id);
Result<std::vector<DupGroup>> dup_clusters(const sqlite::Db& db);
Result<std::vector<DupGroup>> dup_versions(const sqlite::Db& db);
Result<std::optional<int64_t>> dup_cluster_of(const sqlite::Db& db, const std::string& id);
Result<std::vector<std::pair<std::string, int64_t>>> dup_cluster_ids(const sqlite::Db& db);
Result<std::vector<std::string>> ids_without_sketch(const sqlite::Db& db);

}  // namespace wenyuan::store
