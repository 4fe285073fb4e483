// Response builders shared by the route handlers (routes/*.cc):
// JSON bodies, the one error shape {"error":{"code","message"}}, Status ->
// HTTP status, and the sanitising every error message passes on its way out.
//
// Invariant: every error message sent over HTTP went through
// sanitize_message(), so no file-system path of the server (data folder, web
// folder, temp files) reaches a client, whatever a lower layer put in a Status.
#pragma once

#include <boost/beast/http.hpp>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wenyuan/core/status.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/library/library.h"  // is_disk_full

namespace wenyuan::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// `message` with every absolute file-system path ("/srv/wy/data/catalog.db")
// cut to its last segment ("catalog.db"). URL paths of this API ("/api/…")
// and single-segment paths ("/nothing.js") are left alone.
std::string sanitize_message(std::string_view message);

inline std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline Response make_response(http::status status, std::string body, std::string content_type) {
  Response res{status, 11};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(body);
  return res;
}

inline Response json_response(http::status status, const nlohmann::json& j) {
  return make_response(status, dump(j), "application/json; charset=utf-8");
}

inline Response error(http::status status, const std::string& code, const std::string& message) {
  return json_response(status, library::error_json(code, sanitize_message(message)));
}

inline Response bad_request(const std::string& m) { return error(http::status::bad_request, "bad_request", m); }
inline Response not_found(const std::string& m) { return error(http::status::not_found, "not_found", m); }

inline Response from_status(const Status& st) {
  // A write that met a full disk (SQLite's "database or disk is full", the
  // index's ENOSPC) says so as uploads do: 507, nothing stored.
  if (library::is_disk_full(st)) return error(http::status::insufficient_storage, "disk_full", st.message());
  switch (st.code()) {
    case StatusCode::kNotFound: return not_found(st.message());
    case StatusCode::kInvalidArgument: return bad_request(st.message());
    case StatusCode::kAlreadyExists: return error(http::status::conflict, "conflict", st.message());
    case StatusCode::kTooLarge: return error(http::status::payload_too_large, "payload_too_large", st.message());
    case StatusCode::kPermissionDenied: return error(http::status::forbidden, "forbidden", st.message());
    default: return error(http::status::internal_server_error, "internal", st.message());
  }
}

inline Response rate_limited(int retry_after) {
  auto res = error(http::status::too_many_requests, "rate_limited", "too many requests; retry later");
  res.set(http::field::retry_after, std::to_string(retry_after));
  return res;
}

}  // namespace wenyuan::server
