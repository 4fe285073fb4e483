// GET /api/docs/{id}: a document as the caller may see it (blocks, regions,
// outline, metadata and the download quota), every part from access::Policy.
#include <nlohmann/json.hpp>

#include "wenyuan/doc/document.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

// `extent`: whether the reader may learn where locked parts end.
json outline_json(const std::vector<access::VisibleOutlineNode>& nodes, bool extent) {
  json out = json::array();
  for (const auto& n : nodes) {
    if (n.locked) {
      json e = {{"locked", true}, {"title", n.title}, {"start", n.start}, {"end", extent ? json(n.end) : json(nullptr)}};
      if (n.kind == "locked_heading") {
        e["kind"] = n.kind;
        e["level"] = n.level;
        e["marker"] = n.marker;
      }
      out.push_back(std::move(e));
      continue;
    }
    // The same entry as the CLI's outline (library/json_view.h).
    out.push_back(library::outline_entry_json(n.level, n.kind, n.marker, n.title, n.start, n.end, n.heading,
                                              outline_json(n.children, extent)));
  }
  return out;
}


Response document(ApiState& s, Call& c) {
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  auto d = (*cat)->get(c.path_param("id"));
  if (!d) return from_status(d.status());
  const Tier tier = c.caller.tier;
  // A non-member learns where a locked part starts, never how long it is.
  const bool extent = s.policy.discloses_paid_extent(tier);

  json blocks = json::array();
  for (const auto& b : s.policy.visible_blocks(*d, tier)) {
    if (b.kind == access::Block::Kind::kLocked) {
      blocks.push_back({{"kind", "locked"},
                        {"start", b.start},
                        {"end", extent ? json(b.end) : json(nullptr)},
                        {"characters", extent ? json(b.characters) : json(nullptr)}});
    } else {
      blocks.push_back({{"kind", "paragraph"},
                        {"start", b.start},
                        {"end", b.end},
                        {"text", b.text},
                        {"heading_level", b.heading_level}});
    }
  }
  json regions = json::array();
  for (const auto& r : s.policy.regions(*d, tier)) {
    regions.push_back({{"kind", doc::to_string(r.region.kind)},
                       {"start", r.region.start},
                       {"end", r.locked && !extent ? json(nullptr) : json(r.region.end)},
                       {"locked", r.locked}});
  }
  const auto& rules = s.policy.rules(tier);
  json per_day = rules.downloads_per_day ? json(*rules.downloads_per_day) : json(nullptr);
  json left = per_day;
  uint32_t left_n = UINT32_MAX;
  if (rules.downloads_per_day && c.caller.user) {
    auto used = s.accounts.downloads_used(c.caller.user->id, access::Accounts::today());
    left_n = *rules.downloads_per_day - std::min(*rules.downloads_per_day, used ? *used : 0u);
    left = left_n;
  } else if (rules.downloads_per_day) {
    left_n = *rules.downloads_per_day;
  }
  const bool locked = s.policy.is_locked(*d, tier);
  const bool full = !locked && (!s.policy.is_full_paid_download(*d, tier) || left_n > 0);
  json j = {{"id", d->id},
            {"title", d->title},
            {"year", library::year_json(s.policy.year(*d, tier))},
            {"date", d->date},
            {"source", d->source},
            {"source_name", d->source_name},
            {"type", d->type},  // public: from the title and the visible text (doc::prepare)
            {"category", d->category},
            {"issuer", s.policy.issuer(*d, tier)},
            {"access", doc::to_string(d->access)},
            {"characters", locked && !extent ? json(nullptr) : json(d->text_chars)},
            {"imported_at", d->imported_at},
            {"locked", locked},
            {"outline", outline_json(s.policy.visible_outline(*d, tier), extent)},
            {"blocks", blocks},
            {"regions", regions},
            {"downloads", {{"left", left}, {"per_day", per_day}, {"full", full}}}};
  s.note_view(c.caller.user, d->id);  // 浏览历史 of a logged-in reader (me.cc)
  return json_response(http::status::ok, j);
}

}  // namespace

std::vector<Route> documents_routes() {
  return {
      {.method = http::verb::get,
       .path = "/api/docs/{id}",
       .handler = document,
       .summary = "A document as the caller may see it",
       .parameters = {id_param()},
       .responses = {{200, "document view", "application/json", "Document"},
                     {400, "invalid id"},
                     {404, "no such document"}}},
  };
}

}  // namespace wenyuan::server::routes
