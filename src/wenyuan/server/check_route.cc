#include "wenyuan/server/check_route.h"

#include "wenyuan/dedup/draft.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/multipart.h"

namespace wenyuan::server {

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

Response check_route(CheckService& service, const store::Catalog& catalog, const access::Policy& policy,
                     const Request& req, const std::map<std::string, std::string>& query, access::Tier tier,
                     const std::string& who) {
  auto in = read_input(req, query, service.limits().max_draft_chars);
  if (!in) return from_status(in.status());
  if (Status st = service.take_quota(who, tier); !st)
    return error(http::status::too_many_requests, "check_quota", st.message());
  auto a = service.check(catalog, in->draft, in->min_chars, policy.may_read_paid(tier), in->docx);
  if (!a) return from_status(a.status());
  if (in->docx) {
    Response res = make_response(http::status::ok, std::move(a->docx),
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    res.set(http::field::content_disposition, content_disposition("查重报告.docx"));
    return res;
  }
  return json_response(http::status::ok, a->json);
}

Response versions_route(CheckService& service, const store::Catalog& catalog, const std::string& id) {
  auto r = service.relations(catalog, id);
  if (!r) return from_status(r.status());
  return json_response(http::status::ok, *r);
}

}  // namespace wenyuan::server
