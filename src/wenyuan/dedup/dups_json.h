// The JSON form of duplicate clusters and versions (store/clusters.h): the
// contract of `wenyuan dups --json` and GET /api/docs/{id}/versions
// (docs/check.md), written once here for both.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/store/clusters.h"

namespace wenyuan::dedup {

// {"id","title","date","similarity","exact"} (+ "current" for versions).
nlohmann::json member_json(const store::DupMember& m, bool version);
// {"similar":[member],"versions":[member]} for one document.
nlohmann::json relations_json(const store::DupRelations& r);
// {"clusters":[{"documents":[member]}],"versions":[{"family","documents":[member]}]}
nlohmann::json dups_json(const std::vector<store::DupGroup>& clusters, const std::vector<store::DupGroup>& versions);

}  // namespace wenyuan::dedup
