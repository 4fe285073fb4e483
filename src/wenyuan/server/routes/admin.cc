// The administrators' routes under /api/admin/ (the dispatcher lets only
// administrators in): documents (list, upload, delete), users (list, change),
// the intake by day and the watched folders' rejected files. Invitations are
// in accounts.cc.
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "wenyuan/library/json_view.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/intake_view.h"
#include "wenyuan/server/multipart.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/store/intake_log.h"
#include "wenyuan/watch/watch_state.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

constexpr IntParam kPage{"page", 1, 1, 1000000};
constexpr IntParam kSize{"size", 50, 1, 500};
constexpr IntParam kDays{"days", 7, 1, store::IntakeLog::kRetentionDays};

json user_json(const access::User& u) {
  return {{"name", u.name},
          {"tier", access::to_string(u.tier)},
          {"until", u.tier_until.empty() ? json(nullptr) : json(u.tier_until)},
          {"effective_tier", access::to_string(access::effective_tier(u, access::Accounts::today()))},
          {"disabled", u.disabled},
          {"created_at", u.created_at}};
}

// The admin's list filters on the summary rows: a title or id containing `q`
// (ASCII case-insensitively), the access and the 文种.
bool admin_list_match(const store::DocumentSummary& d, const std::string& q, const std::string& access,
                      const std::string& type) {
  if (!access.empty() && access != doc::to_string(d.access)) return false;
  if (!type.empty() && type != d.type) return false;
  if (q.empty()) return true;
  auto lower = [](std::string v) {
    for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return v;
  };
  const std::string want = lower(q);
  return lower(d.title).find(want) != std::string::npos || lower(d.id).find(want) != std::string::npos ||
         lower(d.source_name).find(want) != std::string::npos;
}

Response admin_documents(ApiState& s, Call& c) {
  auto page = int_param(c.target.query, kPage);
  auto size = int_param(c.target.query, kSize);
  if (!page || !size) return bad_request("page must be >= 1 and size 1..500");
  const std::string q = param(c.target.query, "q"), access = param(c.target.query, "access"),
                    type = param(c.target.query, "type");
  if (q.size() > 200) return bad_request("q is longer than 200 bytes");
  if (!access.empty() && access != "free" && access != "paid") return bad_request("access must be free or paid");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  store::ListFilter f;
  f.newest_first = true;
  uint64_t total = 0;
  std::vector<store::DocumentSummary> rows;
  if (q.empty() && access.empty() && type.empty()) {
    auto n = (*cat)->count(f);
    if (!n) return from_status(n.status());
    total = *n;
    f.limit = static_cast<size_t>(*size);
    f.offset = static_cast<size_t>((*page - 1) * *size);
    auto list = (*cat)->list(f);
    if (!list) return from_status(list.status());
    rows = std::move(list).value();
  } else {
    // Filtered: the summaries (no text) of the whole catalog, matched here.
    auto list = (*cat)->list(f);
    if (!list) return from_status(list.status());
    const size_t from = static_cast<size_t>((*page - 1) * *size);
    for (auto& d : *list) {
      if (!admin_list_match(d, q, access, type)) continue;
      if (total >= from && rows.size() < static_cast<size_t>(*size)) rows.push_back(std::move(d));
      ++total;
    }
  }
  json docs = json::array();
  for (const auto& d : rows) {
    // The listing summary of every route, plus what only administrators see.
    json summary = library::summary_json(d, d.year);
    summary["access"] = doc::to_string(d.access);
    summary["characters"] = d.text_chars;
    summary["type"] = d.type;
    summary["category"] = d.category;
    summary["source_name"] = d.source_name;
    docs.push_back(std::move(summary));
  }
  return json_response(http::status::ok, {{"total", total}, {"documents", docs}});
}

// The members of an uploaded archive that were not imported, each as
// {"path": "a.zip/inner/x.png", "reason": "unsupported type '.png'"}: the
// importer names them under the staged file (r.files[0].path, inside the data
// folder), and the answer names them under the upload's own name instead, so
// no server path shows (sanitize_message is the second guard).
void add_skipped(json& out, const library::ImportReport& r, const std::string& name) {
  const std::string staged = r.files.empty() ? std::string() : r.files.front().path.string();
  for (const auto& sk : r.skipped) {
    std::string path = sk.path;
    if (!staged.empty() && path.compare(0, staged.size(), staged) == 0) path = name + path.substr(staged.size());
    out.push_back({{"path", sanitize_message(path)}, {"reason", sanitize_message(sk.reason)}});
  }
}

Response admin_upload(ApiState& s, Call& c) {
  auto boundary = multipart_boundary(sv(c.req[http::field::content_type]));
  if (!boundary) return bad_request(boundary.status().message());
  auto parts = parse_multipart(c.req.body(), *boundary);
  if (!parts) return from_status(parts.status());
  library::ImportOptions options;
  options.preview_share = s.config.preview_share;
  options.intake_origin = "upload";
  // Form fields beside the files: paid=1 uploads "as paid" (documents without
  // paywall markers or their own access become paid, as `import --paid`), with
  // preview_share the share shown free.
  for (const auto& p : *parts) {
    if (p.name == "paid") options.paid = p.data == "1" || p.data == "true" || p.data == "on";
    if (p.name == "preview_share") {
      double share = 0;
      try {
        share = std::stod(std::string(p.data));
      } catch (...) {
        share = -1;
      }
      if (!(share >= 0.05 && share <= 0.9)) return bad_request("preview_share must be a number 0.05..0.9 (the share of the text shown free)");
      options.preview_share = share;
    }
  }
  if (s.config.sandbox_enabled) options.sandbox = s.config.sandbox;
  library::ImportReport total;
  json errors = json::array();
  json skipped = json::array();  // archive members left out, with why (as the CLI's "skipped N files:")
  size_t files = 0;
  for (size_t i = 0; i < parts->size(); ++i) {
    const auto& p = (*parts)[i];
    if (p.name != "files") continue;
    ++files;
    // The name only tells the importer the format; it is never a path.
    std::string name = safe_filename(p.filename.empty() ? "upload.txt" : p.filename);
    std::lock_guard lock(s.write_mu);
    auto r = s.library.import_bytes(name, std::string(p.data), options,
                                   [&errors](const std::string& m) { errors.push_back(sanitize_message(m)); });
    total.imported += r.imported;
    total.updated += r.updated;
    total.unchanged += r.unchanged;
    total.rejected += r.rejected;
    total.imported_ids.insert(total.imported_ids.end(), r.imported_ids.begin(), r.imported_ids.end());
    total.not_stored += r.not_stored;
    add_skipped(skipped, r, name);
    if (r.disk_full()) {
      // Acknowledged means durable: say exactly what is stored, and stop. The
      // files not stored are this one (if any of it is lost) and every later
      // one, by their upload names (never a server path).
      std::vector<std::string> lost;
      if (!r.not_stored_files.empty()) lost.push_back(name);
      for (size_t j = i + 1; j < parts->size(); ++j) {
        if ((*parts)[j].name == "files") lost.push_back(safe_filename((*parts)[j].filename.empty() ? "upload.txt" : (*parts)[j].filename));
      }
      std::string message = "disk full: " + std::to_string(total.imported + total.updated + total.unchanged) +
                            " documents stored, " + std::to_string(total.not_stored) + " not";
      if (!lost.empty()) {
        message += "; not stored:";
        for (size_t j = 0; j < lost.size(); ++j) message += (j ? ", " : " ") + lost[j];
      } else {
        // All stored; only the index commit met the full disk.
        message += "; the stored documents become searchable once there is space";
      }
      return json_response(http::status::insufficient_storage,
                           {{"error", {{"code", "disk_full"}, {"message", sanitize_message(message)}}},
                            {"imported", total.imported},
                            {"updated", total.updated},
                            {"unchanged", total.unchanged},
                            {"not_stored", total.not_stored},
                            {"ids", total.imported_ids},
                            {"skipped", skipped},
                            {"not_stored_files", lost}});
    }
  }
  if (files == 0) return bad_request("no form field \"files\" in the upload");
  spdlog::info("audit: admin {} uploaded {} files{} ({} imported, {} updated)", c.caller.user ? c.caller.user->name : "?",
               files, options.paid ? " as paid" : "", total.imported, total.updated);
  return json_response(http::status::ok, {{"imported", total.imported},
                                          {"updated", total.updated},
                                          {"unchanged", total.unchanged},
                                          {"rejected", total.rejected},
                                          {"errors", errors},
                                          {"skipped", skipped},
                                          {"ids", total.imported_ids}});
}

Response admin_delete(ApiState& s, Call& c) {
  Status st;
  {
    std::lock_guard lock(s.write_mu);
    st = s.library.remove(c.path_param("id"));
  }
  if (!st) return from_status(st);
  spdlog::info("audit: admin {} deleted document {}", c.caller.user ? c.caller.user->name : "?", c.path_param("id"));
  Response res{http::status::no_content, 11};
  res.set(http::field::cache_control, "no-store");
  return res;
}

Response admin_intake(ApiState& s, Call& c) {
  auto days = int_param(c.target.query, kDays);
  if (!days) return bad_request("days must be 1.." + std::to_string(store::IntakeLog::kRetentionDays));
  auto log = s.intake();
  if (!log) return from_status(log.status());
  const int64_t now = unix_now();
  const int64_t since = store::local_day_start(now, static_cast<int>(*days) - 1);
  auto list = (*log)->days_since(since);
  if (!list) return from_status(list.status());
  return json_response(http::status::ok, intake_json(*list, static_cast<int>(*days), since, now));
}

Response admin_rejected(ApiState& s, Call&) {
  // The watcher's own connection when the server watches (a second one can be
  // locked out on a full disk); else the file, read without creating it.
  auto files = s.watcher ? s.watcher->rejected() : watch::read_rejected(s.library.data_dir() / "watch.db");
  if (!files) {
    spdlog::error("GET /api/admin/rejected: {}", files.status().message());
    return error(http::status::internal_server_error, "internal", "cannot read the watched folders' state");
  }
  json out = json::array();
  for (const auto& f : *files) out.push_back({{"path", f.path}, {"reason", f.reason}, {"time", f.time}});
  return json_response(http::status::ok, {{"files", out}});
}

Response admin_users(ApiState& s, Call&) {
  auto users = s.accounts.list_users();
  if (!users) return from_status(users.status());
  json out = json::array();
  for (const auto& u : *users) out.push_back(user_json(u));
  return json_response(http::status::ok, {{"users", out}});
}

Response admin_patch_user(ApiState& s, Call& c) {
  json j = json::parse(c.req.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string()) {
    return bad_request("expected {\"name\",\"tier\"?,\"until\"?,\"disabled\"?}");
  }
  const std::string name = j["name"].get<std::string>();
  std::optional<Tier> tier;
  if (j.contains("tier")) {
    if (!j["tier"].is_string()) return bad_request("tier must be a string");
    tier = access::tier_from_string(j["tier"].get<std::string>());
    if (!tier || *tier == Tier::kAnonymous) return bad_request("tier must be free, vip, svip or admin");
  }
  if (j.contains("disabled") && !j["disabled"].is_boolean()) return bad_request("disabled must be true or false");
  // until: the tier's last day; null or "" for no expiry; absent: unchanged
  // (this is PATCH: only the fields given change).
  std::optional<std::string> until;
  if (j.contains("until")) {
    if (j["until"].is_null()) {
      until = "";
    } else if (j["until"].is_string() && (j["until"].get<std::string>().empty() ||
                                          access::valid_day(j["until"].get<std::string>()))) {
      until = j["until"].get<std::string>();
    } else {
      return bad_request("until must be a date YYYY-MM-DD or null");
    }
  }
  auto u = s.accounts.get_user(name);
  if (!u) return from_status(u.status());
  spdlog::info("audit: admin {} changed user {}: {}", c.caller.user ? c.caller.user->name : "?", name, c.req.body());
  if (tier || until) {
    u = s.accounts.set_tier(name, tier.value_or(u->tier), until.value_or(u->tier_until));
    if (!u) return from_status(u.status());
  }
  if (j.contains("disabled")) {
    u = s.accounts.set_disabled(name, j["disabled"].get<bool>());
    if (!u) return from_status(u.status());
  }
  return json_response(http::status::ok, user_json(*u));
}

}  // namespace

std::vector<Route> admin_routes() {
  return {
      {.method = http::verb::get,
       .path = "/api/admin/documents",
       .handler = admin_documents,
       .auth = Auth::kAdmin,
       .summary = "List documents (admin)",
       .parameters = {ParamDoc::integer(kPage),
                      ParamDoc::integer(kSize),
                      {.name = "q", .description = "title, id or source name contains this (ASCII case-insensitive)"},
                      {.name = "access", .values = {"free", "paid"}},
                      {.name = "type", .description = "文种, exactly"}},
       .responses = {{200, "documents", "application/json", kAnyObject},
                     {401, "not logged in"},
                     {403, "not an admin"}}},
      {.method = http::verb::post,
       .path = "/api/admin/documents",
       .handler = admin_upload,
       .auth = Auth::kAdmin,
       .summary = "Upload files (admin), multipart field files; paid=1 uploads them as paid",
       .request_body = R"json({"content":{"multipart/form-data":{"schema":{"type":"object","properties":{"files":{"type":"array","items":{"type":"string","format":"binary"}},"paid":{"type":"string","enum":["0","1"]},"preview_share":{"type":"string","description":"0.05..0.9"}}}}}})json",
       .responses = {{200, "import report: imported, updated, unchanged, rejected, errors, skipped (archive members not imported: [{path, reason}]), ids", "application/json", kAnyObject},
                     {400, "not multipart"},
                     {413, "too large"},
                     {507, "disk full: what is stored (ids) and the files not stored", "application/json", kAnyObject}}},
      {.method = http::verb::delete_,
       .path = "/api/admin/documents/{id}",
       .handler = admin_delete,
       .auth = Auth::kAdmin,
       .summary = "Delete a document (admin)",
       .parameters = {id_param()},
       .responses = {{204, "deleted", ""},
                     {404, "no such document"}}},
      {.method = http::verb::get,
       .path = "/api/admin/intake",
       .handler = admin_intake,
       .auth = Auth::kAdmin,
       .summary = "Each day's intake (admin): import runs with counts imported/updated/unchanged/rejected, bytes, duration and the rejected files with reasons",
       .description = "From the intake log (DATA/intake.db), which records every import run: CLI, admin upload, watched folder. Days are server local days (see /api/new). Rejected files are shown by file name only. Answer: {days, since, timezone, by_day:[{date,runs,imported,updated,unchanged,rejected,bytes,seconds,run_list:[{id,started_at,origin,imported,updated,unchanged,rejected,bytes,seconds,rejects:[{file,reason}],rejects_dropped}]}]}.",
       .parameters = {ParamDoc::integer(kDays, "how many local days, today included")},
       .responses = {{200, "intake by day", "application/json", kAnyObject},
                     {400, "days out of range"},
                     {401, "not logged in"},
                     {403, "not an administrator"}}},
      {.method = http::verb::get,
       .path = "/api/admin/rejected",
       .handler = admin_rejected,
       .auth = Auth::kAdmin,
       .summary = "Watched-folder files that could not be imported, with the reason (admin); retried when they change",
       .responses = {{200, "files: path (relative to its watched folder), reason, time (unix seconds)", "application/json", R"json({"type":"object","properties":{"files":{"type":"array","items":{"type":"object","properties":{"path":{"type":"string"},"reason":{"type":"string"},"time":{"type":"integer"}}}}}})json"}}},
      {.method = http::verb::get,
       .path = "/api/admin/users",
       .handler = admin_users,
       .auth = Auth::kAdmin,
       .summary = "List users (admin)",
       .responses = {{200, "users", "application/json", kAnyObject}}},
      {.method = http::verb::patch,
       .path = "/api/admin/users",
       .handler = admin_patch_user,
       .auth = Auth::kAdmin,
       .summary = "Change a user's tier (optionally until a last day), or disable/enable them (admin)",
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"tier":{"type":"string","enum":["free","vip","svip","admin"]},"until":{"type":"string","nullable":true,"description":"YYYY-MM-DD, the tier's last day (UTC); null: no expiry; absent: unchanged"},"disabled":{"type":"boolean"}}}}}})json",
       .responses = {{200, "the user (tier, until, effective_tier, disabled)", "application/json", kAnyObject},
                     {400, "bad tier or date"},
                     {404, "no such user"}}},
  };
}

}  // namespace wenyuan::server::routes
