#include "wenyuan/dedup/dups_json.h"

namespace wenyuan::dedup {

nlohmann::json member_json(const store::DupMember& m, bool version) {
  nlohmann::json j = {{"id", m.id}, {"title", m.title}, {"date", m.date}, {"similarity", m.similarity}};
  if (version) j["current"] = m.current;
  else j["exact"] = m.exact;
  return j;
}

nlohmann::json relations_json(const store::DupRelations& r) {
  nlohmann::json similar = nlohmann::json::array(), versions = nlohmann::json::array();
  for (const auto& m : r.similar) similar.push_back(member_json(m, false));
  for (const auto& m : r.versions) versions.push_back(member_json(m, true));
  return {{"similar", similar}, {"versions", versions}};
}

nlohmann::json dups_json(const std::vector<store::DupGroup>& clusters, const std::vector<store::DupGroup>& versions) {
  nlohmann::json c = nlohmann::json::array(), v = nlohmann::json::array();
  for (const auto& g : clusters) {
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& m : g.members) docs.push_back(member_json(m, false));
    c.push_back({{"documents", docs}});
  }
  for (const auto& g : versions) {
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& m : g.members) docs.push_back(member_json(m, true));
    v.push_back({{"family", g.family}, {"documents", docs}});
  }
  return {{"clusters", c}, {"versions", v}};
}

}  // namespace wenyuan::dedup
