// GET /api/openapi.json: the OpenAPI 3.0 document, written from the route
// table (route.h): every route's path, method, summary, parameters, request
// body and responses come from its Route; the shared schemas are below.
#include "wenyuan/server/openapi.h"

#include <nlohmann/json.hpp>

#include "wenyuan/library/json_view.h"
#include "wenyuan/server/route.h"

namespace wenyuan::server {

namespace {

using nlohmann::json;

// The security schemes and request bodies routes refer to by name
// ("#/components/..." in a request body). Every schema (ResponseDoc::schema:
// Error, Document, SearchResult, Summary, OutlineEntry, …) comes from
// library::schemas(), beside the writer of its JSON, so none is written here.
constexpr std::string_view kComponents = R"json({
  "securitySchemes": {
   "cookie": {"type": "apiKey", "in": "cookie", "name": "wy_session"},
   "bearer": {"type": "http", "scheme": "bearer"}
  },
  "requestBodies": {
   "Credentials": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string", "minLength": 8}}}}}}
  }
})json";

constexpr std::string_view kDescription =
    "Offsets are code points of a document's cleaned text. Errors: {\"error\":{\"code\",\"message\"}}. Cookie-authenticated POST/PATCH/DELETE need header X-CSRF-Token equal to the wy_csrf cookie; Authorization: Bearer <token> needs none."
    " Every state-changing request (POST/PATCH/DELETE) from a browser must be same-origin (Origin / "
    "Sec-Fetch-Site), else 403. Bodies of callers not logged in are limited to max_anonymous_body_bytes.";

std::string method_name(http::verb m) {
  std::string s(http::to_string(m));
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

json parameter_json(const ParamDoc& p) {
  json schema = {{"type", p.type}};
  if (!p.values.empty()) {
    json values = json::array();
    for (auto v : p.values) values.push_back(v);
    schema["enum"] = values;
  }
  if (p.min) schema["minimum"] = *p.min;
  if (p.max) schema["maximum"] = *p.max;
  if (p.fallback) schema["default"] = *p.fallback;
  if (!p.pattern.empty()) schema["pattern"] = p.pattern;
  json j = {{"name", p.name}, {"in", p.in}, {"required", p.required}, {"schema", schema}};
  if (p.in == "query" || !p.description.empty()) j["description"] = p.description;
  return j;
}

json schema_json(std::string_view schema) {
  if (!schema.empty() && schema.front() == '{') return json::parse(schema);
  return {{"$ref", "#/components/schemas/" + std::string(schema)}};
}

json response_json(const ResponseDoc& r) {
  json j = {{"description", r.description}};
  if (r.content.empty()) return j;
  json content = json::object();
  std::string_view types = r.content;
  while (!types.empty()) {
    const size_t space = types.find(' ');
    const std::string type(types.substr(0, space));
    content[type] = type == "application/json" ? json{{"schema", schema_json(r.schema)}} : json::object();
    types = space == std::string_view::npos ? std::string_view() : types.substr(space + 1);
  }
  j["content"] = content;
  return j;
}

json operation_json(const Route& r) {
  json op = {{"summary", r.summary}};
  if (!r.description.empty()) op["description"] = r.description;
  if (!r.parameters.empty()) {
    json params = json::array();
    for (const auto& p : r.parameters) params.push_back(parameter_json(p));
    op["parameters"] = params;
  }
  if (!r.request_body.empty()) op["requestBody"] = json::parse(r.request_body);
  json responses = json::object();
  for (const auto& resp : r.responses) responses[std::to_string(resp.status)] = response_json(resp);
  op["responses"] = responses;
  return op;
}

}  // namespace

std::string openapi_document(const std::vector<Route>& routes) {
  json spec = {{"openapi", "3.0.3"},
               {"info", {{"title", "wenyuan (文渊) HTTP API"}, {"version", WENYUAN_VERSION}, {"description", kDescription}}},
               {"paths", json::object()},
               {"components", json::parse(kComponents)}};
  spec["components"]["schemas"] = library::schemas();
  for (const auto& r : routes) spec["paths"][std::string(r.path)][method_name(r.method)] = operation_json(r);
  return spec.dump(1);
}

std::string_view openapi_json() {
  // Built once, on first use; immutable afterwards.
  static const std::string document = openapi_document(all_routes());
  return document;
}

}  // namespace wenyuan::server
