// 查重 routes: POST /api/check, GET /api/docs/{id}/versions (its duplicate
// cluster and versions, store/clusters.h) and GET /api/docs/{id}/diff?with=OTHER
// (dedup/diff.h), shells over CheckService, the catalog and dedup (contract in
// docs/check.md).
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

#include "wenyuan/dedup/diff.h"
#include "wenyuan/dedup/draft.h"
#include "wenyuan/dedup/dups_json.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/multipart.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::server::routes {

using nlohmann::json;

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
  auto data = s.user_data();
  if (!data) return from_status(data.status());
  if (Status st = s.check.take_quota(**data, who, c.caller.tier); !st) {
    if (st.code() != StatusCode::kPermissionDenied) return from_status(st);
    return error(http::status::too_many_requests, "check_quota", st.message());
  }
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
  auto r = (*cat)->dup_relations(c.path_param("id"));
  if (!r) return from_status(r.status());
  return json_response(http::status::ok, dedup::relations_json(*r));
}

// The units of the diff: sentences of the blocks `tier` may read (the diff of
// two documents is a function of their visible text, docs/check.md).
std::vector<dedup::DiffUnit> readable_units(const access::Policy& policy, const doc::Document& d, access::Tier tier,
                                            bool& locked) {
  std::vector<dedup::DiffUnit> units;
  for (const auto& b : policy.visible_blocks(d, tier)) {
    if (b.kind == access::Block::Kind::kLocked) locked = true;
    else dedup::sentence_units(b.text, b.start, units);
  }
  return units;
}

Response diff(ApiState& s, Call& c) {
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  auto a = (*cat)->get(c.path_param("id"));
  if (!a) return from_status(a.status());
  const std::string other = param(c.target.query, "with");
  if (!doc::valid_id(other)) return bad_request("with must be a document id");
  auto b = (*cat)->get(other);
  if (!b) return from_status(b.status());
  bool locked_a = false, locked_b = false;
  const auto ua = readable_units(s.policy, *a, c.caller.tier, locked_a);
  const auto ub = readable_units(s.policy, *b, c.caller.tier, locked_b);
  const dedup::DiffResult r = dedup::diff(ua, ub);
  const std::u32string ta = text::decode_utf8(a->text), tb = text::decode_utf8(b->text);
  // Code points [start, end) of the units [u0, u1), and their text.
  auto piece = [](const std::vector<dedup::DiffUnit>& u, const std::u32string& t, uint32_t u0, uint32_t u1) {
    std::string out;
    for (uint32_t i = u0; i < u1; ++i) {
      // A paragraph break between two units stays one (units are cut per readable block).
      if (i > u0 && t.find(U'\n', u[i - 1].end) < u[i].start) out += '\n';
      out += text::encode_utf8(t.substr(u[i].start, u[i].end - u[i].start));
    }
    return out;
  };
  json ops = json::array();
  for (const auto& op : r.ops) {
    json o;
    const bool from_a = op.kind != dedup::DiffOp::Kind::kInserted;
    o["op"] = op.kind == dedup::DiffOp::Kind::kSame ? "same" : from_a ? "deleted" : "inserted";
    if (op.a_end > op.a_begin) o["a"] = {ua[op.a_begin].start, ua[op.a_end - 1].end};
    if (op.b_end > op.b_begin) o["b"] = {ub[op.b_begin].start, ub[op.b_end - 1].end};
    o["sentences"] = from_a ? op.a_end - op.a_begin : op.b_end - op.b_begin;
    o["text"] = from_a ? piece(ua, ta, op.a_begin, op.a_end) : piece(ub, tb, op.b_begin, op.b_end);
    ops.push_back(std::move(o));
  }
  auto side = [](const doc::Document& d, bool locked) {
    return json{{"id", d.id}, {"title", d.title}, {"date", d.date}, {"locked", locked}};
  };
  return json_response(http::status::ok, {{"a", side(*a, locked_a)},
                                          {"b", side(*b, locked_b)},
                                          {"complete", r.complete},
                                          {"ops", ops}});
}

constexpr std::string_view kDiff = R"json({"type":"object","properties":{
  "a":{"type":"object"},"b":{"type":"object","description":"id, title, date, locked (some region unreadable: left out)"},
  "complete":{"type":"boolean","description":"false: the edit budget ran out, the middle is one deletion and one insertion"},
  "ops":{"type":"array","items":{"type":"object","properties":{"op":{"type":"string","enum":["same","deleted","inserted"]},
    "a":{"type":"array","items":{"type":"integer"}},"b":{"type":"array","items":{"type":"integer"}},
    "sentences":{"type":"integer"},"text":{"type":"string"}}}}}})json";

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
    "date":{"type":"string"},"similarity":{"type":"number"},"current":{"type":"boolean"}}}}}})json";

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
      {.method = http::verb::get,
       .path = "/api/docs/{id}/diff",
       .handler = diff,
       .summary = "What changed from one version to another, sentence by sentence",
       .description = "Sentences compared by their characters after normalization (punctuation, width and script "
                      "aside); Myers' diff with a bounded edit budget. Only the regions the caller may read take "
                      "part. See docs/check.md.",
       .parameters = {id_param(), ParamDoc{.name = "with", .required = true, .description = "the other document's id"}},
       .responses = {{200, "the diff", "application/json", kDiff}, {400, "with is not a document id"}, {404, "no such document"}}},
  };
}

}  // namespace wenyuan::server::routes
