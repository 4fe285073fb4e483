// Downloads: GET/POST /api/docs/{id}/download (one document as docx or txt)
// and POST /api/download (several as one zip). A full download of a paid
// document spends today's quota; a cookie GET and any HEAD never spend.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/doc/export.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

struct Rendered {
  std::string bytes;
  std::string extension;
  std::string content_type;
};

Result<Rendered> render(const doc::Document& view, const std::string& format) {
  if (format == "txt") {
    return Rendered{doc::export_txt(view.title, view.text), "txt", "text/plain; charset=utf-8"};
  }
  WENYUAN_ASSIGN_OR_RETURN(auto docx, doc::export_docx(view.title, doc::export_blocks(view)));
  return Rendered{std::move(docx), "docx",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
}


Response download(ApiState& s, Call& c) {
  if (int wait = s.download_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (c.caller.user) {
    if (int wait = s.download_limiter.acquire("user:" + c.caller.user->name); wait > 0) return rate_limited(wait);
  }
  std::string format = param(c.target.query, "format");
  if (format.empty()) format = "docx";
  if (format != "docx" && format != "txt") return bad_request("format must be docx or txt");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  auto d = (*cat)->get(c.path_param("id"));
  if (!d) return from_status(d.status());
  const Tier tier = c.caller.tier;
  const bool head = c.req.method() == http::verb::head;
  if (s.policy.is_full_paid_download(*d, tier)) {
    const auto& limit = s.policy.rules(tier).downloads_per_day;
    if (limit) {
      if (!c.caller.user) return error(http::status::unauthorized, "unauthorized", "log in to download");
      // A GET carried by the cookie may come from another site's link or
      // <img>: it never spends. The page's button posts with the CSRF token;
      // scripts use Authorization: Bearer, which no other site can send.
      if (c.caller.by_cookie && c.req.method() != http::verb::post) {
        return error(http::status::forbidden, "forbidden",
                     "全文下载请使用页面上的下载按钮（POST 并附 X-CSRF-Token），或使用 API 令牌");
      }
      auto quota_gone = [&] {
        return error(http::status::too_many_requests, "quota_exceeded",
                     "today's " + std::to_string(*limit) + " full downloads are used up");
      };
      if (head) {
        // HEAD learns whether a GET would succeed, and spends nothing.
        auto used = s.accounts.downloads_used(c.caller.user->id, access::Accounts::today());
        if (!used) return from_status(used.status());
        if (*used >= *limit) return quota_gone();
      } else {
        auto spent = s.accounts.spend_download(c.caller.user->id, access::Accounts::today(), *limit);
        if (!spent) return from_status(spent.status());
        if (!*spent) return quota_gone();
      }
    }
  }
  auto r = render(s.policy.download_document(*d, tier), format);
  if (!r) return from_status(r.status());
  if (c.req.method() != http::verb::head) s.note_download(c.caller.user, d->id, format);  // 下载记录 (me.cc)
  auto res = make_response(http::status::ok, std::move(r->bytes), r->content_type);
  res.set(http::field::content_disposition, content_disposition(safe_filename(d->title) + "." + r->extension));
  return res;
}

Response download_zip(ApiState& s, Call& c) {
  if (int wait = s.download_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (c.caller.user) {
    if (int wait = s.download_limiter.acquire("user:" + c.caller.user->name); wait > 0) return rate_limited(wait);
  }
  json body = json::parse(c.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("ids") || !body["ids"].is_array()) {
    return bad_request("expected {\"ids\":[…],\"format\":\"docx\"|\"txt\"}");
  }
  std::string format = body.value("format", std::string("docx"));
  if (!body.contains("format")) format = "docx";
  if (format != "docx" && format != "txt") return bad_request("format must be docx or txt");
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& v : body["ids"]) {
    if (!v.is_string() || !doc::valid_id(v.get<std::string>())) return bad_request("ids must be document ids");
    if (seen.insert(v.get<std::string>()).second) ids.push_back(v.get<std::string>());
  }
  if (ids.empty()) return bad_request("ids is empty");
  if (ids.size() > s.config.limits.max_zip_documents) {
    return bad_request("at most " + std::to_string(s.config.limits.max_zip_documents) + " documents per zip");
  }
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  std::vector<doc::Document> docs;
  for (const auto& id : ids) {
    auto d = (*cat)->get(id);
    if (!d) return from_status(d.status());
    docs.push_back(std::move(d.value()));
  }
  const Tier tier = c.caller.tier;
  const auto& limit = s.policy.rules(tier).downloads_per_day;
  std::vector<doc::ZipEntry> entries;
  std::set<std::string> names;
  for (const auto& d : docs) {
    bool full_allowed = true;
    if (s.policy.is_full_paid_download(d, tier) && limit) {
      // Out of quota: this document comes as its preview, like for a non-member.
      full_allowed = false;
      if (c.caller.user) {
        auto spent = s.accounts.spend_download(c.caller.user->id, access::Accounts::today(), *limit);
        if (!spent) return from_status(spent.status());
        full_allowed = *spent;
      }
    }
    auto r = render(s.policy.download_document(d, tier, full_allowed), format);
    if (!r) return from_status(r.status());
    std::string name = safe_filename(d.title);
    if (!names.insert(name).second) name += "-" + d.id;
    names.insert(name);
    entries.push_back({name + "." + r->extension, std::move(r->bytes)});
  }
  auto zip = doc::write_zip(entries);
  if (!zip) return from_status(zip.status());
  auto res = make_response(http::status::ok, std::move(zip.value()), "application/zip");
  res.set(http::field::content_disposition, content_disposition("wenyuan-" + std::to_string(docs.size()) + ".zip"));
  return res;
}

}  // namespace

std::vector<Route> downloads_routes() {
  return {
      {.method = http::verb::get,
       .path = "/api/docs/{id}/download",
       .handler = download,
       .summary = "Download as docx or txt (preview plus a note for non-members)",
       .parameters = {id_param(),
                      {.name = "format", .values = {"docx", "txt"}}},
       .responses = {{200, "the file (Content-Disposition attachment)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document text/plain"},
                     {404, "no such document"},
                     {429, "download quota used up (quota_exceeded)"}}},
      {.method = http::verb::post,
       .path = "/api/docs/{id}/download",
       .handler = download,
       .summary = "Download as docx or txt: the web UI's button (cookie + X-CSRF-Token). A full download of a paid document spends one unit of today's quota; a cookie-authenticated GET never does (403), HEAD never does.",
       .parameters = {id_param(),
                      {.name = "format", .values = {"docx", "txt"}}},
       .responses = {{200, "the file (Content-Disposition attachment)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document text/plain"},
                     {403, "CSRF token missing, or a cross-site request"},
                     {404, "no such document"},
                     {429, "quota_exceeded or rate_limited"}}},
      {.method = http::verb::post,
       .path = "/api/download",
       .handler = download_zip,
       .summary = "Several documents as one zip",
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["ids"],"properties":{"ids":{"type":"array","items":{"type":"string"}},"format":{"type":"string","enum":["docx","txt"]}}}}}})json",
       .responses = {{200, "zip", "application/zip"},
                     {400, "bad body"},
                     {404, "an id does not exist"}}},
  };
}

}  // namespace wenyuan::server::routes
