// wenyuan dups : the library's duplicate documents (exact and near, with their
// similarity) and the versions of one law in date order. The clusters are
// decided at import and kept in the catalog (store/clusters.h); --rebuild
// sketches the documents stored before that (a library from before schema v6).
#include "cli/common.h"
#include "wenyuan/dedup/dups_json.h"
#include "wenyuan/dedup/sketch.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::cli {

namespace {

// Sketches every stored document that has no sketch, in batches of 256.
Status rebuild(store::Catalog& catalog, size_t& done) {
  auto ids = catalog.ids_without_sketch();
  if (!ids) return ids.status();
  for (size_t i = 0; i < ids->size(); i += 256) {
    WENYUAN_RETURN_IF_ERROR(catalog.begin_batch());
    for (size_t j = i; j < std::min(ids->size(), i + 256); ++j) {
      auto d = catalog.get((*ids)[j]);
      if (!d) {
        if (d.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
        return d.status();
      }
      WENYUAN_RETURN_IF_ERROR(catalog.put_sketch(d->id, dedup::sketch(*d)));
      ++done;
    }
    WENYUAN_RETURN_IF_ERROR(catalog.commit_batch());
  }
  return Status::ok();
}

std::string percent(double s) { return std::to_string(static_cast<int>(s * 100 + 0.5)) + "%"; }

}  // namespace

Runner register_dups(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto do_rebuild = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "dups",
      "Duplicate documents, as decided at import: clusters of the same text imported more than once (exact) or\n"
      "reposted with small changes (near: similarity >= 0.8, the estimated share of fingerprints in common), and\n"
      "versions of one title family at different dates (in date order). Nothing is deleted.\n"
      "--json gives {\"clusters\":[{\"documents\":[{\"id\",\"title\",\"date\",\"similarity\",\"exact\"}]}],\n"
      "\"versions\":[{\"family\",\"documents\":[{\"id\",\"title\",\"date\",\"similarity\",\"current\"}]}]}");
  add_common_options(cmd, *common);
  cmd->add_flag("--rebuild", *do_rebuild,
                "First sketch the documents stored without one (imported before schema v6)");
  return [common, do_rebuild]() {
    auto lib = open_library(*common, *do_rebuild ? Access::kWrite : Access::kRead, "wenyuan dups");
    if (!lib) return kExitError;
    if (*do_rebuild) {
      size_t done = 0;
      if (auto st = rebuild(lib->catalog(), done); !st) {
        print_error(*common, st);
        return kExitError;
      }
      if (!common->json) std::printf("sketched %zu document(s)\n", done);
    }
    auto clusters = lib->catalog().dup_clusters();
    auto versions = clusters ? lib->catalog().dup_versions() : Result<std::vector<store::DupGroup>>(clusters.status());
    if (!versions) {
      print_error(*common, versions.status());
      return kExitError;
    }
    if (common->json) {
      print_json(dedup::dups_json(*clusters, *versions));
      return kExitOk;
    }
    std::printf("%zu duplicate cluster(s), %zu title(s) with several versions\n", clusters->size(), versions->size());
    for (const auto& g : *clusters) {
      std::printf("\n");
      for (size_t i = 0; i < g.members.size(); ++i) {
        const auto& m = g.members[i];
        std::printf("  %s %-16s %s%s\n", i == 0 ? "*" : " ", m.id.c_str(), m.title.c_str(),
                    i == 0 ? "" : m.exact ? "  (exact)" : ("  (" + percent(m.similarity) + " similar)").c_str());
      }
    }
    if (!versions->empty()) std::printf("\nversions:\n");
    for (const auto& g : *versions) {
      std::printf("  %s:", g.family.c_str());
      for (const auto& m : g.members) std::printf("  %s %s", m.date.empty() ? "(undated)" : m.date.c_str(), m.id.c_str());
      std::printf("\n");
    }
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
