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

// `extent`: whether the reader may learn where locked parts end. The entries
// and the view are written by library/json_view (beside their schemas).
json outline_json(const std::vector<access::VisibleOutlineNode>& nodes, bool extent) {
  json out = json::array();
  for (const auto& n : nodes) {
    if (n.locked) {
      out.push_back(library::locked_outline_entry_json(n.title, n.start, extent ? std::optional(n.end) : std::nullopt,
                                                       n.kind == "locked_heading", n.kind, n.level, n.marker));
      continue;
    }
    // The same entry as the CLI's outline.
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

  library::DocumentView view;
  view.document = &*d;
  view.blocks = json::array();
  for (const auto& b : s.policy.visible_blocks(*d, tier)) {
    if (b.kind == access::Block::Kind::kLocked) {
      view.blocks.push_back(library::locked_block_json(b.start, extent ? std::optional(b.end) : std::nullopt,
                                                       extent ? std::optional(b.characters) : std::nullopt));
    } else {
      view.blocks.push_back(library::paragraph_block_json(b.start, b.end, b.text, b.heading_level));
    }
  }
  view.regions = json::array();
  for (const auto& r : s.policy.regions(*d, tier)) {
    view.regions.push_back(library::view_region_json(
        doc::to_string(r.region.kind), r.region.start,
        r.locked && !extent ? std::nullopt : std::optional(r.region.end), r.locked));
  }
  const auto& rules = s.policy.rules(tier);
  view.downloads_per_day = rules.downloads_per_day;
  view.downloads_left = rules.downloads_per_day;
  uint32_t left_n = UINT32_MAX;
  if (rules.downloads_per_day && c.caller.user) {
    auto used = s.accounts.downloads_used(c.caller.user->id, access::Accounts::today());
    left_n = *rules.downloads_per_day - std::min(*rules.downloads_per_day, used ? *used : 0u);
    view.downloads_left = left_n;
  } else if (rules.downloads_per_day) {
    left_n = *rules.downloads_per_day;
  }
  view.locked = s.policy.is_locked(*d, tier);
  view.full_download = !view.locked && (!s.policy.is_full_paid_download(*d, tier) || left_n > 0);
  view.year = s.policy.year(*d, tier);
  view.issuer = s.policy.issuer(*d, tier);
  view.characters = view.locked && !extent ? std::nullopt : std::optional(d->text_chars);
  view.outline = outline_json(s.policy.visible_outline(*d, tier), extent);
  const json j = library::document_view_json(view);
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
