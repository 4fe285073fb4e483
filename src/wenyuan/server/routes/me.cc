// The reader's own lists (store::UserData, DATA/me.db): 收藏 /api/me/favorites,
// 浏览历史 and 阅读进度 /api/me/history, 下载记录 /api/me/downloads, and the
// 素材篮 /api/me/basket (collect paragraphs, reorder, export one .docx).
//
// Paywall (docs/paywall.md): a basket item is a paragraph the caller can read
// now — added only if it is one of policy.visible_blocks for the caller's tier,
// and shown or exported only while it still is (a lapsed membership shows the
// item as locked, never its text). The lists carry public fields only (title,
// public year, source, access); a paid document's length only for members.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "wenyuan/doc/export.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server {

using nlohmann::json;
using access::Tier;

namespace {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

constexpr int64_t kListLimit = 200;  // rows a list answer carries

// The citation line of a basket paragraph in the export: （来源：《标题》，发文机关，年份）.
std::string source_note(const doc::Document& d, const access::Policy& policy, Tier tier) {
  std::string note = "（来源：《" + d.title + "》";
  const std::string issuer = policy.may_read_paid(tier) ? d.issuer : d.public_issuer;
  if (!issuer.empty()) note += "，" + issuer;
  else if (!d.source.empty()) note += "，" + d.source;
  if (auto y = policy.year(d, tier)) note += "，" + std::to_string(*y) + "年";
  return note + "）";
}

}  // namespace

Result<store::UserData*> ApiState::user_data() {
  std::lock_guard lock(user_data_mu_);
  if (!user_data_) {
    WENYUAN_ASSIGN_OR_RETURN(auto d, store::UserData::open((library.data_dir() / "me.db").string()));
    user_data_ = std::move(d);
  }
  return user_data_.get();
}

void ApiState::note_view(const std::optional<access::User>& user, const std::string& id) {
  if (!user) return;
  if (auto d = user_data()) (void)(*d)->record_view(user->id, id, -1, now_seconds());
}

void ApiState::note_download(const std::optional<access::User>& user, const std::string& id, const std::string& format) {
  if (!user) return;
  if (auto d = user_data()) (void)(*d)->record_download(user->id, id, format, now_seconds());
}

namespace routes {

namespace {

// One handler for the /api/me lists: the table (me_routes) says which method
// and path reach it; the branches below are those rows.
Response me_data(ApiState& st, Call& c) {
  if (!c.caller.user) return error(http::status::unauthorized, "unauthorized", "log in first");
  auto data = st.user_data();
  if (!data) return from_status(data.status());
  store::UserData& ud = **data;
  const int64_t user = c.caller.user->id;
  const Tier tier = c.caller.tier;
  const std::string& path = c.target.path;
  const http::verb m = c.req.method();
  const bool get = m == http::verb::get || m == http::verb::head;
  const bool post = m == http::verb::post;
  const bool del = m == http::verb::delete_;
  auto method_not_allowed = [] {
    return error(http::status::method_not_allowed, "bad_request", "method not allowed for this route");
  };
  json body;
  if (post && path != "/api/me/basket/export") {
    body = json::parse(c.req.body(), nullptr, false);
    if (!body.is_object()) return bad_request("expected a JSON object");
  }
  auto cat = st.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  // Public fields of the documents a list names, by id.
  auto summaries = [&]() -> std::map<std::string, store::DocumentSummary> {
    std::map<std::string, store::DocumentSummary> out;
    if (auto all = (*cat)->list({})) {
      for (auto& s : *all) out.emplace(s.id, std::move(s));
    }
    return out;
  };
  auto doc_json = [&](const std::map<std::string, store::DocumentSummary>& by_id, const std::string& id) {
    auto it = by_id.find(id);
    if (it == by_id.end()) return json{{"id", id}, {"title", nullptr}, {"deleted", true}};
    const auto& s = it->second;
    const bool paid = s.access == doc::Access::kPaid;
    const auto year = st.policy.may_read_paid(tier) ? s.year : s.public_year;
    return json{{"id", id},
                {"title", s.title},
                {"year", year ? json(*year) : json(nullptr)},
                {"source", s.source},
                {"access", paid ? "paid" : "free"},
                {"characters", !paid || st.policy.may_read_paid(tier) ? json(s.text_chars) : json(nullptr)}};
  };
  auto id_field = [&](const char* name) -> std::optional<std::string> {
    if (!body.contains(name) || !body[name].is_string()) return std::nullopt;
    std::string id = body[name].get<std::string>();
    if (id.empty() || id.size() > 200) return std::nullopt;
    return id;
  };

  if (path == "/api/me/favorites") {
    if (get) {
      auto favs = ud.favorites(user);
      if (!favs) return from_status(favs.status());
      const auto by_id = summaries();
      json list = json::array();
      std::set<std::string> folders;
      for (const auto& f : *favs) {
        json j = doc_json(by_id, f.doc_id);
        j["folder"] = f.folder;
        j["added_at"] = f.added_at;
        list.push_back(std::move(j));
        folders.insert(f.folder);
      }
      return json_response(http::status::ok, {{"favorites", list}, {"folders", folders}});
    }
    if (post || del) {
      std::optional<std::string> id = post ? id_field("id") : std::nullopt;
      std::optional<std::string> folder;
      if (post && body.contains("folder") && body["folder"].is_string()) folder = body["folder"].get<std::string>();
      if (del) {
        if (auto it = c.target.query.find("doc"); it != c.target.query.end()) id = it->second;
        if (auto it = c.target.query.find("folder"); it != c.target.query.end()) folder = it->second;
      }
      if (!id) return bad_request(post ? "expected {\"id\", \"folder\"?}" : "expected ?doc=ID (&folder=NAME)");
      if (post) {
        if (!(*cat)->get(*id)) return not_found("no such document: " + *id);
        Status r = ud.add_favorite(user, *id, folder.value_or(""), now_seconds());
        if (!r.is_ok()) return r.code() == StatusCode::kInvalidArgument ? bad_request(r.message()) : from_status(r);
        return json_response(http::status::created, {{"id", *id}, {"folder", folder.value_or("")}});
      }
      Status r = ud.remove_favorite(user, *id, folder ? &*folder : nullptr);
      if (!r.is_ok()) return from_status(r);
      return json_response(http::status::ok, {{"removed", *id}});
    }
    return method_not_allowed();
  }

  if (path == "/api/me/history") {
    if (get) {
      auto h = ud.history(user, kListLimit);
      if (!h) return from_status(h.status());
      const auto by_id = summaries();
      json list = json::array();
      for (const auto& e : *h) {
        json j = doc_json(by_id, e.doc_id);
        j["views"] = e.views;
        j["first_seen"] = e.first_seen;
        j["last_seen"] = e.last_seen;
        j["position"] = e.position;
        list.push_back(std::move(j));
      }
      return json_response(http::status::ok, {{"history", list}});
    }
    if (post) {  // 阅读进度: {"id", "position"}
      auto id = id_field("id");
      if (!id || !body.contains("position") || !body["position"].is_number_integer() || body["position"].get<int64_t>() < 0) {
        return bad_request("expected {\"id\", \"position\": code point offset >= 0}");
      }
      Status r = ud.record_view(user, *id, body["position"].get<int64_t>(), now_seconds());
      if (!r.is_ok()) return from_status(r);
      return json_response(http::status::ok, {{"id", *id}, {"position", body["position"]}});
    }
    if (del) {
      Status r = ud.clear_history(user);
      if (!r.is_ok()) return from_status(r);
      return json_response(http::status::ok, {{"cleared", true}});
    }
    return method_not_allowed();
  }

  if (path == "/api/me/downloads") {
    if (!get) return method_not_allowed();
    auto d = ud.downloads(user, kListLimit);
    if (!d) return from_status(d.status());
    const auto by_id = summaries();
    json list = json::array();
    for (const auto& e : *d) {
      json j = doc_json(by_id, e.doc_id);
      j["format"] = e.format;
      j["at"] = e.at;
      list.push_back(std::move(j));
    }
    return json_response(http::status::ok, {{"downloads", list}});
  }

  // The basket: items with the text the caller may read now, cut by the policy.
  struct Shown {
    store::BasketItem item;
    std::optional<doc::Document> doc;
    std::optional<std::string> text;  // nullopt: locked (or the paragraph is gone)
  };
  auto basket_view = [&]() -> Result<std::vector<Shown>> {
    WENYUAN_ASSIGN_OR_RETURN(auto items, ud.basket(user));
    std::map<std::string, std::optional<doc::Document>> docs;
    std::vector<Shown> out;
    for (const auto& it : items) {
      auto [pos, fresh] = docs.try_emplace(it.doc_id);
      if (fresh) {
        if (auto d = (*cat)->get(it.doc_id)) pos->second = std::move(*d);
      }
      Shown s{it, pos->second, std::nullopt};
      if (s.doc) {
        for (const auto& b : st.policy.visible_blocks(*s.doc, tier)) {
          if (b.kind == access::Block::Kind::kParagraph && b.start == it.start && b.end == it.end) s.text = b.text;
        }
      }
      out.push_back(std::move(s));
    }
    return out;
  };

  if (path == "/api/me/basket") {
    if (get) {
      auto view = basket_view();
      if (!view) return from_status(view.status());
      json list = json::array();
      for (const auto& s : *view) {
        json j = {{"item", s.item.id},
                  {"id", s.item.doc_id},
                  {"start", s.item.start},
                  {"end", s.item.end},
                  {"position", s.item.position},
                  {"added_at", s.item.added_at},
                  {"title", s.doc ? json(s.doc->title) : json(nullptr)},
                  {"locked", !s.text.has_value()},
                  {"text", s.text ? json(*s.text) : json(nullptr)}};
        if (s.doc) j["citation"] = source_note(*s.doc, st.policy, tier);
        list.push_back(std::move(j));
      }
      return json_response(http::status::ok, {{"items", list}});
    }
    if (post) {  // {"id", "start", "end"}: one paragraph of the document as the caller sees it
      auto id = id_field("id");
      if (!id || !body.contains("start") || !body.contains("end") || !body["start"].is_number_integer() ||
          !body["end"].is_number_integer()) {
        return bad_request("expected {\"id\", \"start\", \"end\"} (a paragraph's code point offsets)");
      }
      auto d = (*cat)->get(*id);
      if (!d) return from_status(d.status());
      const int64_t start = body["start"].get<int64_t>(), end = body["end"].get<int64_t>();
      bool readable = false;
      for (const auto& b : st.policy.visible_blocks(*d, tier)) {
        readable = readable || (b.kind == access::Block::Kind::kParagraph && b.start == start && b.end == end);
      }
      // Not told whether a paid paragraph is there: the same answer as for no paragraph.
      if (!readable) return bad_request("start..end is not a paragraph you can read in this document");
      auto item = ud.basket_add(user, *id, start, end, now_seconds());
      if (!item) {
        return item.status().code() == StatusCode::kTooLarge ? bad_request(item.status().message())
                                                             : from_status(item.status());
      }
      return json_response(http::status::created, {{"item", item->id}, {"position", item->position}});
    }
    if (del) {  // ?item=N takes one item out; without it the basket is emptied
      if (auto it = c.target.query.find("item"); it != c.target.query.end()) {
        const std::string& v = it->second;
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
          return bad_request("item must be a basket item number");
        }
        Status r = ud.basket_remove(user, std::stoll(v));
        if (!r.is_ok()) return from_status(r);
        return json_response(http::status::ok, {{"removed", std::stoll(v)}});
      }
      Status r = ud.basket_clear(user);
      if (!r.is_ok()) return from_status(r);
      return json_response(http::status::ok, {{"cleared", true}});
    }
    return method_not_allowed();
  }
  if (path == "/api/me/basket/order") {  // {"order": [item, …]}
    if (!post) return method_not_allowed();
    if (!body.contains("order") || !body["order"].is_array()) return bad_request("expected {\"order\": [item ids]}");
    std::vector<int64_t> order;
    for (const auto& v : body["order"]) {
      if (!v.is_number_integer()) return bad_request("expected {\"order\": [item ids]}");
      order.push_back(v.get<int64_t>());
    }
    Status r = ud.basket_reorder(user, order);
    if (!r.is_ok()) return r.code() == StatusCode::kInvalidArgument ? bad_request(r.message()) : from_status(r);
    return json_response(http::status::ok, {{"order", order}});
  }
  if (path == "/api/me/basket/export") {  // one .docx: each paragraph, then its source note
    if (!get && !post) return method_not_allowed();
    auto view = basket_view();
    if (!view) return from_status(view.status());
    std::vector<doc::ExportBlock> blocks;
    for (const auto& s : *view) {
      if (!s.text || !s.doc) continue;  // locked now: left out, never its text
      blocks.push_back({doc::ExportBlock::Kind::kParagraph, 0, *s.text});
      blocks.push_back({doc::ExportBlock::Kind::kParagraph, 0, source_note(*s.doc, st.policy, tier)});
    }
    if (blocks.empty()) return bad_request("the basket has no paragraph you can read");
    auto docx = doc::export_docx("素材篮", blocks);
    if (!docx) return from_status(docx.status());
    auto res = make_response(http::status::ok, std::move(*docx),
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    res.set(http::field::content_disposition, content_disposition("素材篮.docx"));
    return res;
  }
  return not_found("no such route: " + path);
}

constexpr std::string_view kList = R"({"type":"object"})";

}  // namespace

std::vector<Route> me_routes() {
  const std::vector<ResponseDoc> ok = {{200, "the list", "application/json", kList}, {401, "not logged in"}};
  auto body = [](std::string_view props) { return props; };
  return {
      {.method = http::verb::get, .path = "/api/me/favorites", .handler = me_data, .auth = Auth::kUser,
       .summary = "收藏: my favourites with their folders ({\"favorites\":[{id,title,year,source,access,characters,folder,added_at}],\"folders\"}); characters of a paid document only for members",
       .responses = ok},
      {.method = http::verb::post, .path = "/api/me/favorites", .handler = me_data, .auth = Auth::kUser,
       .summary = "Add a document to a folder (\"\" = the default folder; up to 60 bytes)",
       .request_body = body(R"({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"folder":{"type":"string"}}}}}})"),
       .responses = {{201, "added", "application/json", kList}, {400, "bad body"}, {404, "no such document"}}},
      {.method = http::verb::delete_, .path = "/api/me/favorites", .handler = me_data, .auth = Auth::kUser,
       .summary = "Remove the document ?doc= from ?folder= (from every folder without folder)",
       .parameters = {{.name = "doc", .required = true}, {.name = "folder"}},
       .responses = {{200, "removed", "application/json", kList}, {400, "no id"}}},
      {.method = http::verb::get, .path = "/api/me/history", .handler = me_data, .auth = Auth::kUser,
       .summary = "浏览历史 with 阅读进度 ({\"history\":[{id,title,…,views,first_seen,last_seen,position}]}, newest first); opening a document logged in records a view",
       .responses = ok},
      {.method = http::verb::post, .path = "/api/me/history", .handler = me_data, .auth = Auth::kUser,
       .summary = "Remember my reading position (code point offset) in a document",
       .request_body = body(R"({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["id","position"],"properties":{"id":{"type":"string"},"position":{"type":"integer","minimum":0}}}}}})"),
       .responses = {{200, "remembered", "application/json", kList}, {400, "bad body"}}},
      {.method = http::verb::delete_, .path = "/api/me/history", .handler = me_data, .auth = Auth::kUser,
       .summary = "Clear my history", .responses = {{200, "cleared", "application/json", kList}}},
      {.method = http::verb::get, .path = "/api/me/downloads", .handler = me_data, .auth = Auth::kUser,
       .summary = "下载记录 ({\"downloads\":[{id,title,…,format,at}]}, newest first)", .responses = ok},
      {.method = http::verb::get, .path = "/api/me/basket", .handler = me_data, .auth = Auth::kUser,
       .summary = "素材篮 in my order ({\"items\":[{item,id,start,end,position,title,locked,text,citation}]}); text only while I may read the paragraph",
       .responses = ok},
      {.method = http::verb::post, .path = "/api/me/basket", .handler = me_data, .auth = Auth::kUser,
       .summary = "Add a paragraph I can read (start/end of one of the document's readable blocks) at the end",
       .request_body = body(R"({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["id","start","end"],"properties":{"id":{"type":"string"},"start":{"type":"integer"},"end":{"type":"integer"}}}}}})"),
       .responses = {{201, "{\"item\":N,\"position\":P}", "application/json", kList}, {400, "not a paragraph I can read (a paid one for a non-member included)"}}},
      {.method = http::verb::delete_, .path = "/api/me/basket", .handler = me_data, .auth = Auth::kUser,
       .summary = "Take ?item=N out, or empty the basket without item",
       .parameters = {{.name = "item", .type = "integer"}},
       .responses = {{200, "removed", "application/json", kList}, {404, "no such item of mine"}}},
      {.method = http::verb::post, .path = "/api/me/basket/order", .handler = me_data, .auth = Auth::kUser,
       .summary = "Reorder the basket: every item number exactly once",
       .request_body = body(R"({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["order"],"properties":{"order":{"type":"array","items":{"type":"integer"}}}}}}})"),
       .responses = {{200, "reordered", "application/json", kList}, {400, "not a permutation of my items"}}},
      {.method = http::verb::post, .path = "/api/me/basket/export", .handler = me_data, .auth = Auth::kUser,
       .summary = "The basket as one .docx: each readable paragraph, then its source note （来源：《标题》，发文机关，年份）; locked ones left out",
       .responses = {{200, "素材篮.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""}, {400, "nothing readable in the basket"}}},
  };
}

}  // namespace routes
}  // namespace wenyuan::server
