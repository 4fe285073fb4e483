// The administrators' edits (under /api/admin/, so the dispatcher lets only
// administrators in and checks CSRF first): a document's metadata and whether
// it is paid (PATCH /api/admin/documents/{id}), a new user with a tier (POST
// /api/admin/users), a user's new password (POST /api/admin/users/password).
//
// Every document edit is a put() to the catalog, which logs the change in the
// same transaction (docs/living-library.md): the index hears of it only from
// the change log (the server's tailer), never from this handler. The answer is
// 200 only after that transaction committed (synchronous=FULL: durable).
// Every change is written to the server log as an "audit:" line naming the
// administrator, the target and the fields (there is no separate audit store).
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

// The share of a paid document's body shown as its preview, as an admin may
// set it (doc::PrepareOptions::preview_share; prepare keeps at least 200
// characters and at most half of the document whatever the share).
constexpr double kMinShare = 0.05, kMaxShare = 0.9;

std::string admin_name(const Call& c) { return c.caller.user ? c.caller.user->name : "?"; }

std::string hash_of(const doc::Document& d) {
  std::string h = d.title;
  h.push_back('\0');
  h += d.text;
  h.push_back('\0');
  h += doc::to_string(d.access);
  return doc::sha256_hex(h);
}

// What the admin list and the edit answer show of a document.
json admin_document_json(const doc::Document& d) {
  json j = library::metadata_json(d);
  j["public_year"] = library::year_json(d.public_year);
  json regions = library::regions_json(d.regions);
  j["regions"] = regions;
  uint32_t preview = 0;
  for (const auto& r : d.regions)
    if (r.kind == doc::RegionKind::kPreview) preview += r.end - r.start;
  j["preview_characters"] = preview;
  j.erase("origin");  // a server path: not shown in the web UI
  return j;
}

// A string field of `j`, if present: error text when it is not a string or too long.
std::string string_field(const json& j, const char* name, size_t max_bytes, std::optional<std::string>& out) {
  if (!j.contains(name)) return {};
  if (!j[name].is_string()) return std::string(name) + " must be a string";
  std::string v = j[name].get<std::string>();
  if (v.size() > max_bytes) return std::string(name) + " is longer than " + std::to_string(max_bytes) + " bytes";
  out = std::move(v);
  return {};
}

// The document again as doc::prepare makes it, with the new access (and
// preview share): regions, the public year, issuer, outline and 文种 are all
// derived anew, the public ones from the new visible text (docs/paywall.md).
// The text is the stored cleaned text (clean = false: nothing more is removed,
// so the offsets of `removed` stay right).
Result<doc::Document> reprepare(const doc::Document& d, doc::Access access, double share) {
  doc::RawDocument raw;
  raw.id = d.id;
  raw.title = d.title;
  raw.text = d.text;
  raw.date = d.date;
  raw.source = d.source;
  raw.category = d.category;
  raw.tags = d.tags;
  raw.access = access;
  raw.format = d.format;
  raw.encoding = d.encoding;
  raw.origin = d.origin;
  raw.original = d.original;
  doc::PrepareOptions po;
  po.clean = false;
  po.paid = access == doc::Access::kPaid;
  po.preview_share = share;
  po.now = d.imported_at;
  auto next = doc::prepare(std::move(raw), po);
  if (!next) return next.status();
  next->removed = d.removed;
  return next;
}

Response admin_patch_document(ApiState& s, Call& c) {
  json j = json::parse(c.req.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return bad_request("expected {\"title\"?,\"year\"?,\"source\"?,\"source_name\"?,\"type\"?,\"category\"?,\"access\"?,\"preview_share\"?}");
  }
  std::optional<std::string> title, source, source_name, type, category, access;
  for (auto [name, max, out] : {std::tuple{"title", size_t{500}, &title}, std::tuple{"source", size_t{500}, &source},
                                std::tuple{"source_name", size_t{200}, &source_name}, std::tuple{"type", size_t{100}, &type},
                                std::tuple{"category", size_t{200}, &category}, std::tuple{"access", size_t{10}, &access}}) {
    if (std::string err = string_field(j, name, max, *out); !err.empty()) return bad_request(err);
  }
  if (title && title->find_first_not_of(" \t\r\n") == std::string::npos) return bad_request("title must not be empty");
  if (access && *access != "free" && *access != "paid") return bad_request("access must be free or paid");
  // year: a number 1..9999, or null for none; absent: unchanged.
  std::optional<std::optional<int>> year;
  if (j.contains("year")) {
    if (j["year"].is_null()) year = std::optional<int>();
    else if (j["year"].is_number_integer() && j["year"].get<int64_t>() >= 1 && j["year"].get<int64_t>() <= 9999)
      year = static_cast<int>(j["year"].get<int64_t>());
    else return bad_request("year must be 1..9999 or null");
  }
  std::optional<double> share;
  if (j.contains("preview_share")) {
    if (!j["preview_share"].is_number() || !std::isfinite(j["preview_share"].get<double>()) ||
        j["preview_share"].get<double>() < kMinShare || j["preview_share"].get<double>() > kMaxShare) {
      return bad_request("preview_share must be a number 0.05..0.9 (the share of the text shown free)");
    }
    share = j["preview_share"].get<double>();
  }

  const std::string id = c.path_param("id");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  // One writer at a time in this process (uploads, deletes, the tailer).
  std::lock_guard lock(s.write_mu);
  auto d = (*cat)->get(id, /*with_original=*/true);
  if (!d) return from_status(d.status());
  doc::Document next = *d;
  if (title) next.title = *title;
  const doc::Access want = access ? (*access == "paid" ? doc::Access::kPaid : doc::Access::kFree) : d->access;
  // A new access or preview share re-derives the regions and every public
  // field; metadata alone keeps the regions (markers in the source included).
  if (want != d->access || share) {
    auto re = reprepare(next, want, share.value_or(s.config.preview_share));
    if (!re) return from_status(re.status());
    next = std::move(re).value();
  }
  if (source) {
    next.source = *source;
    next.source_name = doc::source_display_name(*source);
  }
  if (source_name) next.source_name = *source_name;
  if (type) next.type = *type;
  if (category) next.category = *category;
  // A year the administrator states is a field of the record, public like the
  // title: members and non-members see the same.
  if (year) next.year = next.public_year = *year;
  next.content_hash = hash_of(next);

  auto put = (*cat)->put(next);
  if (!put) return from_status(put.status());
  const bool changed = *put != store::PutOutcome::kUnchanged;
  if (changed) {
    // What the tailer does every refresh, now: the index reads the change from
    // the catalog's log (never from here), so the admin's next search sees it.
    if (Status st = s.library.refresh(); !st) spdlog::warn("PATCH /api/admin/documents/{}: refresh: {}", id, st.message());
    std::string fields;
    for (auto& [k, v] : j.items()) fields += (fields.empty() ? "" : ",") + k;
    spdlog::info("audit: admin {} changed document {} ({})", admin_name(c), id, fields);
  }
  json out = admin_document_json(next);
  out["changed"] = changed;
  return json_response(http::status::ok, out);
}

Response admin_add_user(ApiState& s, Call& c) {
  json j = json::parse(c.req.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("password") ||
      !j["password"].is_string()) {
    return bad_request("expected {\"name\",\"password\",\"tier\"?,\"until\"?}");
  }
  Tier tier = Tier::kFree;
  if (j.contains("tier")) {
    auto t = j["tier"].is_string() ? access::tier_from_string(j["tier"].get<std::string>()) : std::nullopt;
    if (!t || *t == Tier::kAnonymous) return bad_request("tier must be free, vip, svip or admin");
    tier = *t;
  }
  std::string until;
  if (j.contains("until") && !j["until"].is_null()) {
    if (!j["until"].is_string() || (!j["until"].get<std::string>().empty() && !access::valid_day(j["until"].get<std::string>())))
      return bad_request("until must be a date YYYY-MM-DD or null");
    until = j["until"].get<std::string>();
  }
  const std::string name = j["name"].get<std::string>();
  auto u = s.accounts.add_user(name, j["password"].get<std::string>(), tier);
  if (!u) return from_status(u.status());
  if (!until.empty()) {
    u = s.accounts.set_tier(name, tier, until);
    if (!u) return from_status(u.status());
  }
  spdlog::info("audit: admin {} added user {} ({})", admin_name(c), name, access::to_string(tier));
  return json_response(http::status::created,
                       {{"name", u->name},
                        {"tier", access::to_string(u->tier)},
                        {"until", u->tier_until.empty() ? json(nullptr) : json(u->tier_until)},
                        {"disabled", u->disabled},
                        {"created_at", u->created_at}});
}

Response admin_reset_password(ApiState& s, Call& c) {
  json j = json::parse(c.req.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("password") ||
      !j["password"].is_string()) {
    return bad_request("expected {\"name\",\"password\"}");
  }
  const std::string name = j["name"].get<std::string>();
  auto u = s.accounts.get_user(name);
  if (!u) return from_status(u.status());
  if (Status st = s.accounts.set_password(name, j["password"].get<std::string>()); !st) return from_status(st);
  // The old password may be what leaked: every browser logged in with it is logged out.
  auto gone = s.accounts.delete_other_sessions(u->id, 0);
  if (!gone) return from_status(gone.status());
  spdlog::info("audit: admin {} reset the password of {} ({} sessions ended)", admin_name(c), name, *gone);
  return json_response(http::status::ok, {{"name", name}, {"sessions_ended", *gone}});
}

}  // namespace

std::vector<Route> admin_edit_routes() {
  return {
      {.method = http::verb::patch,
       .path = "/api/admin/documents/{id}",
       .handler = admin_patch_document,
       .auth = Auth::kAdmin,
       .summary = "Change a document's metadata, or make it paid or free (admin)",
       .description = "Only the fields given change. access/preview_share re-derive the paid regions as an import does "
                      "(paid: the first preview_share of the text is free, at least 200 characters, at most half) and "
                      "every public field from the new visible text. year is public (members and non-members see it). "
                      "The change goes to the catalog and its change log; search follows within a refresh.",
       .parameters = {id_param()},
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer","nullable":true,"minimum":1,"maximum":9999},"source":{"type":"string"},"source_name":{"type":"string"},"type":{"type":"string","description":"文种"},"category":{"type":"string"},"access":{"type":"string","enum":["free","paid"]},"preview_share":{"type":"number","minimum":0.05,"maximum":0.9}}}}}})json",
       .responses = {{200, "the document's metadata, regions and changed (false: nothing differed)", "application/json", kAnyObject},
                     {400, "bad field"},
                     {404, "no such document"}}},
      {.method = http::verb::post,
       .path = "/api/admin/users",
       .handler = admin_add_user,
       .auth = Auth::kAdmin,
       .summary = "Add a user with a tier (admin)",
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["name","password"],"properties":{"name":{"type":"string"},"password":{"type":"string","minLength":8},"tier":{"type":"string","enum":["free","vip","svip","admin"]},"until":{"type":"string","nullable":true}}}}}})json",
       .responses = {{201, "the new user", "application/json", kAnyObject},
                     {400, "bad name, password, tier or date"},
                     {409, "the name is taken"}}},
      {.method = http::verb::post,
       .path = "/api/admin/users/password",
       .handler = admin_reset_password,
       .auth = Auth::kAdmin,
       .summary = "Set a user's new password (admin); the user's sessions end",
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["name","password"],"properties":{"name":{"type":"string"},"password":{"type":"string","minLength":8}}}}}})json",
       .responses = {{200, "{name, sessions_ended}", "application/json", kAnyObject},
                     {400, "bad password"},
                     {404, "no such user"}}},
  };
}

}  // namespace wenyuan::server::routes
