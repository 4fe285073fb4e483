// 查重 routes: POST /api/check and GET /api/docs/{id}/versions, shells over
// CheckService (check_service.h; contract in docs/check.md).
//
// POST /api/check takes either JSON {"text", "min_chars"?, "format"?} or
// multipart/form-data with a "file" (any importable format) or a "text" field,
// and optional "min_chars", "format" (also as query parameters). format=docx
// answers the report as a .docx download instead of JSON. Errors are Chinese
// and say what was wrong: 400 (empty, unreadable, bad min_chars), 413 (draft
// over 200,000 characters), 429 (the day's quota used up). A request that
// fails before the check spends no quota. Paid regions take part only when
// access::Policy says the caller may read them.
#include <nlohmann/json.hpp>

#include "wenyuan/dedup/draft.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/multipart.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

namespace {

struct CheckInput {
  std::string draft;
  uint32_t min_chars = dedup::kGuaranteed;
  bool docx = false;
};

Status parse_min_chars(const std::string& s, uint32_t& out) {
  if (s.empty()) return Status::ok();
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > 100000) return Status::invalid_argument("min_chars 必须是 8 到 1000 之间的整数：「" + s + "」");
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v < dedup::kMinMinChars || v > 1000)
    return Status::invalid_argument("min_chars 必须是 8 到 1000 之间的整数：「" + s + "」");
  out = v;
  return Status::ok();
}

Result<CheckInput> read_input(const Request& req, const std::map<std::string, std::string>& query, uint32_t max_chars) {
  CheckInput in;
  std::string min_chars, format;
  if (auto it = query.find("min_chars"); it != query.end()) min_chars = it->second;
  if (auto it = query.find("format"); it != query.end()) format = it->second;
  const auto ct = req[http::field::content_type];
  const std::string_view type(ct.data(), ct.size());
  std::optional<Result<std::string>> draft;
  if (type.rfind("multipart/form-data", 0) == 0) {
    auto boundary = multipart_boundary(type);
    if (!boundary) return Status::invalid_argument("上传格式有误：" + boundary.status().message());
    auto parts = parse_multipart(req.body(), *boundary, 16);
    if (!parts) return Status::invalid_argument("上传格式有误：" + parts.status().message());
    for (const auto& p : *parts) {
      if (p.name == "file" && !p.filename.empty()) draft = dedup::draft_text(p.filename, std::string(p.data), max_chars);
      else if (p.name == "text" && !draft) draft = dedup::draft_from_text(std::string(p.data), max_chars);
      else if (p.name == "min_chars") min_chars = std::string(p.data);
      else if (p.name == "format") format = std::string(p.data);
    }
  } else {
    auto j = nlohmann::json::parse(req.body(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return Status::invalid_argument("请求体应为 JSON 对象 {\"text\": …} 或 multipart/form-data（字段 file 或 text）");
    if (!j.contains("text") || !j["text"].is_string()) return Status::invalid_argument("缺少草稿：JSON 字段 \"text\" 应为字符串");
    draft = dedup::draft_from_text(j["text"].get<std::string>(), max_chars);
    if (j.contains("min_chars")) {
      if (!j["min_chars"].is_number_unsigned()) return Status::invalid_argument("min_chars 必须是 8 到 1000 之间的整数");
      min_chars = std::to_string(j["min_chars"].get<uint64_t>());
    }
    if (j.contains("format") && j["format"].is_string()) format = j["format"].get<std::string>();
  }
  if (!draft) return Status::invalid_argument("缺少草稿：请粘贴文字（字段 text）或上传文件（字段 file）");
  if (!*draft) return draft->status();
  in.draft = std::move(**draft);
  if (Status st = parse_min_chars(min_chars, in.min_chars); !st) return st;
  if (!format.empty() && format != "json" && format != "docx")
    return Status::invalid_argument("format 只能是 json 或 docx：「" + format + "」");
  in.docx = format == "docx";
  return in;
}

}  // namespace

namespace {

Response check(ApiState& s, Call& c) {
  auto in = read_input(c.req, c.target.query, s.check.limits().max_draft_chars);
  if (!in) return from_status(in.status());
  const std::string who = c.caller.user ? "user:" + c.caller.user->name : "ip:" + c.ip;
  if (Status st = s.check.take_quota(who, c.caller.tier); !st)
    return error(http::status::too_many_requests, "check_quota", st.message());
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  auto a = s.check.check(**cat, in->draft, in->min_chars, s.policy.may_read_paid(c.caller.tier), in->docx);
  if (!a) return from_status(a.status());
  if (in->docx) {
    Response res = make_response(http::status::ok, std::move(a->docx),
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    res.set(http::field::content_disposition, content_disposition("查重报告.docx"));
    return res;
  }
  return json_response(http::status::ok, a->json);
}

Response versions(ApiState& s, Call& c) {
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  if (auto d = (*cat)->get(c.path_param("id")); !d) return from_status(d.status());
  auto r = s.check.relations(**cat, c.path_param("id"));
  if (!r) return from_status(r.status());
  return json_response(http::status::ok, *r);
}

constexpr std::string_view kCheckBody = R"json({"required":true,"content":{
  "application/json":{"schema":{"type":"object","required":["text"],"properties":{
    "text":{"type":"string","description":"the draft (at most 200,000 characters)"},
    "min_chars":{"type":"integer","minimum":8,"maximum":1000,"default":13},
    "format":{"type":"string","enum":["json","docx"]}}}},
  "multipart/form-data":{"schema":{"type":"object","properties":{
    "file":{"type":"string","format":"binary","description":".txt (any encoding) .docx .html .pdf .md"},
    "text":{"type":"string"},"min_chars":{"type":"integer"},"format":{"type":"string","enum":["json","docx"]}}}}}})json";

constexpr std::string_view kCheckReport = R"json({"type":"object","required":["chars","copied_chars","share","spans","paragraphs","sources"],"properties":{
  "chars":{"type":"integer","description":"counted characters of the draft (no punctuation or whitespace)"},
  "code_points":{"type":"integer"},"copied_chars":{"type":"integer"},"share":{"type":"number"},
  "complete":{"type":"boolean"},"source_total":{"type":"integer"},"took_us":{"type":"integer"},
  "text":{"type":"string","description":"the draft as read; offsets are code points of it"},
  "spans":{"type":"array","items":{"type":"object","properties":{"start":{"type":"integer"},"end":{"type":"integer"},
    "chars":{"type":"integer"},"source_count":{"type":"integer"},
    "sources":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"title":{"type":"string"},
      "start":{"type":"integer"},"end":{"type":"integer"}}}}}}},
  "paragraphs":{"type":"array","items":{"type":"object","properties":{"start":{"type":"integer"},"end":{"type":"integer"},
    "chars":{"type":"integer"},"share":{"type":"number"}}}},
  "sources":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"title":{"type":"string"},
    "year":{"type":["integer","null"]},"copied_chars":{"type":"integer"}}}}}})json";

constexpr std::string_view kVersions = R"json({"type":"object","properties":{
  "similar":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"title":{"type":"string"},
    "date":{"type":"string"},"similarity":{"type":"number"},"exact":{"type":"boolean"}}}},
  "versions":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"title":{"type":"string"},
    "date":{"type":"string"},"current":{"type":"boolean"}}}}}})json";

}  // namespace

std::vector<Route> check_routes() {
  return {
      {.method = http::verb::post,
       .path = "/api/check",
       .handler = check,
       .summary = "查重: which stretches of a draft stand in which documents",
       .description = "Runs of at least min_chars characters after normalization (NFKC, case, traditional/simplified, "
                      "whitespace and punctuation ignored), each with its sources and the place in each; shares of "
                      "the draft, per paragraph and per source. Paid regions count only for readers who may read "
                      "them. Daily quota by tier. format=docx gives the report as a .docx. See docs/check.md.",
       .parameters = {ParamDoc{.name = "min_chars", .description = "shortest run that counts (8..1000, default 13)"},
                      ParamDoc{.name = "format", .values = {"json", "docx"}}},
       .request_body = kCheckBody,
       .responses = {{200, "the report (or the .docx)",
                      "application/json application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      kCheckReport},
                     {400, "no draft, an unreadable file or a bad parameter"},
                     {413, "the draft is longer than 200,000 characters"},
                     {429, "the day's check quota is used up"}}},
      {.method = http::verb::get,
       .path = "/api/docs/{id}/versions",
       .handler = versions,
       .summary = "Other versions of a document: its duplicate cluster and the versions of its title",
       .description = "Duplicates (exact or near, with their similarity) and versions of the same title family at other "
                      "dates, in date order; computed from visible text only. See docs/check.md.",
       .parameters = {id_param()},
       .responses = {{200, "similar documents and versions", "application/json", kVersions},
                     {404, "no such document"}}},
  };
}

}  // namespace wenyuan::server::routes
