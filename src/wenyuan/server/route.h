// A route of the HTTP API as one record: what it answers (method, path), who
// may call it, the function that answers, and what /api/openapi.json says
// about it. The table of all routes (routes/routes.cc) is the only list of
// routes: Api::dispatch matches requests against it, openapi.cc writes the
// OpenAPI document from it, and the tests call every route it holds.
//
// How to add one: docs/server-routes.md.
#pragma once

#include <boost/beast/http.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wenyuan::server {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

struct ApiState;
struct Call;

// Answers one matched request. Path parameters are in call.path_params,
// already validated (see Route::path).
using Handler = Response (*)(ApiState&, Call&);

// Who may call a route, checked by the dispatcher before the handler runs.
enum class Auth {
  kNone,   // anyone (the handler may still look at the caller's tier)
  kUser,   // logged in, else 401 "log in first"
  kAdmin,  // an administrator, else 401 / 403
};

// An integer query parameter: how the handler parses it (int_param in
// api_call.h) and what the OpenAPI document says about it, from one record.
struct IntParam {
  std::string_view name;
  int64_t fallback;  // when absent or empty
  int64_t min;
  int64_t max;
};

// One parameter as the OpenAPI document lists it.
struct ParamDoc {
  std::string_view name;
  std::string_view in = "query";  // "query" or "path"
  bool required = false;
  std::string_view description;
  std::string_view type = "string";      // "string" or "integer"
  std::vector<std::string_view> values;  // enum, if any
  std::optional<int64_t> min, max, fallback;
  std::string_view pattern;  // a regular expression the value matches, if any

  static ParamDoc integer(const IntParam& p, std::string_view description = "", bool bounds = true) {
    ParamDoc d;
    d.name = p.name;
    d.description = description;
    d.type = "integer";
    if (bounds) {
      d.min = p.min;
      d.max = p.max;
      d.fallback = p.fallback;
    }
    return d;
  }
};

// One response as the OpenAPI document lists it.
struct ResponseDoc {
  int status;
  std::string_view description;
  // Content types separated by spaces; "" for a response without a body.
  std::string_view content = "application/json";
  // The schema of an application/json body: a name in components/schemas
  // ("Error"), or a JSON Schema written out ("{\"type\":\"object\"}").
  std::string_view schema = "Error";
};

inline constexpr std::string_view kAnyObject = R"({"type":"object"})";

struct Route {
  http::verb method;  // a GET route answers HEAD as well
  // Literal, or with one parameter "{id}" that takes the rest of the path up
  // to the literal suffix ("/api/docs/{id}/download"). An {id} must be a
  // document id (valid_id in api_call.h), else 400 "invalid document id".
  std::string_view path;
  Handler handler;
  Auth auth = Auth::kNone;
  // The OpenAPI operation.
  std::string_view summary;
  std::string_view description;  // "" for none
  std::vector<ParamDoc> parameters;
  std::string_view request_body;  // an OpenAPI requestBody object as JSON; "" for none
  std::vector<ResponseDoc> responses;
};

// The route table (routes/routes.cc): every resource's routes, in order.
const std::vector<Route>& all_routes();

// The document id parameter's description, shared by every {id} route.
ParamDoc id_param();

}  // namespace wenyuan::server
