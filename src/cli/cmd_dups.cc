// wenyuan dups : the library's duplicate documents (exact and near, with their
// similarity) and the versions of one law in date order (dedup/clusters.h).
#include "cli/common.h"
#include "wenyuan/dedup/clusters.h"
#include "wenyuan/dedup/fingerprint_index.h"

namespace wenyuan::cli {

Runner register_dups(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto min_similarity = std::make_shared<double>(0.8);
  auto* cmd = app.add_subcommand(
      "dups",
      "Duplicate documents: clusters of the same text imported more than once (exact) or reposted with small\n"
      "changes (near, similarity = shared share of fingerprints), and versions of one title at different dates.\n"
      "Nothing is deleted. --json gives {\"clusters\":[{\"documents\":[{\"id\",\"title\",\"date\",\"similarity\",\"exact\"}]}],\n"
      "\"versions\":[{\"family\",\"documents\":[{\"id\",\"title\",\"date\"}]}]}");
  add_common_options(cmd, *common);
  cmd->add_option("--min-similarity", *min_similarity, "Near duplicates at or above this similarity (default 0.8)")
      ->check(CLI::Range(0.05, 1.0));
  return [common, min_similarity]() {
    auto lib = open_library(*common, Access::kRead);
    if (!lib) return kExitError;
    dedup::FingerprintIndex index;
    if (auto st = index.build(lib->catalog()); !st) {
      print_error(*common, st);
      return kExitError;
    }
    dedup::ClusterOptions o;
    o.min_similarity = *min_similarity;
    const dedup::Clusters c = dedup::find_clusters(index, o);
    if (common->json) {
      nlohmann::json clusters = nlohmann::json::array(), versions = nlohmann::json::array();
      for (const auto& cl : c.clusters) {
        nlohmann::json docs = nlohmann::json::array();
        for (const auto& m : cl.members) {
          const auto& d = index.doc(m.doc);
          docs.push_back({{"id", d.id}, {"title", d.title}, {"date", d.date}, {"similarity", m.similarity}, {"exact", m.exact}});
        }
        clusters.push_back({{"documents", docs}});
      }
      for (const auto& f : c.versions) {
        nlohmann::json docs = nlohmann::json::array();
        for (uint32_t s : f.docs) docs.push_back({{"id", index.doc(s).id}, {"title", index.doc(s).title}, {"date", index.doc(s).date}});
        versions.push_back({{"family", f.family}, {"documents", docs}});
      }
      print_json({{"clusters", clusters}, {"versions", versions}});
      return kExitOk;
    }
    std::printf("%zu duplicate cluster(s), %zu title(s) with several versions\n", c.clusters.size(), c.versions.size());
    for (const auto& cl : c.clusters) {
      std::printf("\n");
      for (const auto& m : cl.members) {
        const auto& d = index.doc(m.doc);
        std::printf("  %s %-16s %s%s\n", m.doc == cl.members[0].doc ? "*" : " ", d.id.c_str(), d.title.c_str(),
                    m.doc == cl.members[0].doc ? "" : m.exact ? "  (exact)" : ("  (" + std::to_string(static_cast<int>(m.similarity * 100 + 0.5)) + "% similar)").c_str());
      }
    }
    if (!c.versions.empty()) std::printf("\nversions:\n");
    for (const auto& f : c.versions) {
      std::printf("  %s:", f.family.c_str());
      for (uint32_t s : f.docs) std::printf("  %s %s", index.doc(s).date.empty() ? "(undated)" : index.doc(s).date.c_str(), index.doc(s).id.c_str());
      std::printf("\n");
    }
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
