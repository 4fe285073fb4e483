#include "wenyuan/server/whats_new.h"

#include <algorithm>
#include <map>

#include "wenyuan/store/intake_log.h"

namespace wenyuan::server {

using nlohmann::json;

bool is_update(int64_t changed_at, const int64_t* first_seen) {
  if (first_seen == nullptr) return true;
  return store::local_date(*first_seen) != store::local_date(changed_at) && *first_seen < changed_at;
}

namespace {

json category_counts(const std::map<std::string, uint64_t>& counts) {
  std::vector<std::pair<std::string, uint64_t>> v(counts.begin(), counts.end());
  // Most documents first, then by name, so the order is stable.
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  json out = json::array();
  for (const auto& [name, n] : v) out.push_back({{"category", name}, {"count", n}});
  return out;
}

}  // namespace

json whats_new_json(const std::vector<NewDocument>& docs, const WhatsNewQuery& query) {
  std::map<std::string, uint64_t> categories;
  for (const auto& d : docs) ++categories[d.category];

  json by_day = json::array();
  json flat = json::array();
  uint64_t total = 0, fresh = 0, updated = 0;
  size_t listed = 0;
  std::string current;
  for (const auto& d : docs) {
    if (!query.category.empty() && d.category != query.category) continue;
    const std::string date = store::local_date(d.changed_at);
    if (by_day.empty() || current != date) {
      current = date;
      by_day.push_back({{"date", date}, {"count", 0}, {"new", 0}, {"updated", 0}, {"documents", json::array()}});
    }
    json& day = by_day.back();
    day["count"] = day["count"].get<uint64_t>() + 1;
    const char* change = d.updated ? "updated" : "new";
    day[change] = day[change].get<uint64_t>() + 1;
    ++total;
    ++(d.updated ? updated : fresh);
    if (listed < query.limit) {
      json item = d.summary;
      item["category"] = d.category;
      item["change"] = change;
      item["date"] = date;
      day["documents"].push_back(item);
      flat.push_back(std::move(item));
      ++listed;
    }
  }
  return {{"days", query.days},
          {"since", query.since},
          {"timezone", store::local_utc_offset(query.now)},
          {"category", query.category.empty() ? json(nullptr) : json(query.category)},
          {"total", total},
          {"new", fresh},
          {"updated", updated},
          {"categories", category_counts(categories)},
          {"by_day", by_day},
          {"documents", flat}};
}

}  // namespace wenyuan::server
