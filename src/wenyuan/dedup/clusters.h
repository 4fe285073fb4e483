// Duplicate documents: the same text imported twice (exact), reposts with a
// changed title, an extra header or footer or a few edited sentences (near),
// and versions of one law (same title family, different dates). Nothing is
// deleted: clusters are a view for listing (`wenyuan dups`), folding search
// hits and linking a document to its other versions.
//
// Similarity of two documents: the Jaccard index of their sets of winnowed
// fingerprints (winnow.h), |A ∩ B| / |A ∪ B|, which estimates the share of
// k-grams they have in common (Broder's resemblance). Exact: the same counted
// characters (check_text.h), similarity 1.
//
// Only visible text is compared (fingerprints of the part before the first
// paid region), so what clusters tell a non-member is public.
//
// Versions are not reposts: two documents whose titles belong to one family
// (the title without a trailing （…修正） / (2018年) note) and whose dates
// differ (and whose texts are not the same) are linked as versions (in date order) and never put in one
// duplicate cluster, however similar; a law amended in two articles is a new
// law, not a copy.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "wenyuan/dedup/fingerprint_index.h"

namespace wenyuan::dedup {

struct ClusterOptions {
  double min_similarity = 0.8;     // near duplicates at or above this (0.7 joins templated regulations of different cities)
  double min_version_similarity = 0.2;  // title-family members this alike are versions
  // A fingerprint in more documents than this (boilerplate) is not counted:
  // it would make the candidate scan quadratic and says nothing of copying.
  size_t max_postings = 64;
};

struct ClusterMember {
  uint32_t doc = 0;          // slot
  double similarity = 1.0;   // to the cluster's first member (the representative)
  bool exact = false;        // same counted characters as the representative
};

struct DupCluster {
  std::vector<ClusterMember> members;  // representative first (most exact copies, then longest, then id)
};

struct VersionFamily {
  std::string family;             // the title without its version note
  std::vector<uint32_t> docs;     // slots, in date order (undated last)
};

struct Clusters {
  std::vector<DupCluster> clusters;       // two or more members each, largest first
  std::vector<VersionFamily> versions;    // two or more dated versions each
  std::unordered_map<uint32_t, uint32_t> cluster_of;  // slot -> index in clusters
  std::unordered_map<uint32_t, uint32_t> family_of;   // slot -> index in versions
};

// The title family: the title without a trailing parenthesized note
// (（2018年修正）, （试行）, (2020)), whitespace removed.
std::string title_family(const std::string& title);

Clusters find_clusters(const FingerprintIndex& index, const ClusterOptions& options = {});

}  // namespace wenyuan::dedup
