// The OpenAPI description of the account and security routes (register, login,
// me, password, sessions, invitations, downloads that spend a quota, metrics),
// merged over the main document (openapi.cc) path by path and method by method.
// Kept apart so the account routes and their description change together.
#include <nlohmann/json.hpp>

#include "wenyuan/server/openapi.h"

namespace wenyuan::server {

namespace {

constexpr std::string_view kAccountPaths = R"json({
 "/api/auth/register": {
  "post": {
   "summary": "Register a free account (config registration: closed = always 403; invite = needs \"invite\"; open = rate-limited per IP). A taken name gets 409 with no more detail.",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
     "required": ["username", "password"],
     "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "invite": {"type": "string"}}}}}},
   "responses": {
    "201": {"description": "the user; sets cookies wy_session (HttpOnly) and wy_csrf", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"description": "bad name or password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "403": {"description": "registration closed, or invitation missing/unknown/used/expired", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "409": {"description": "this name cannot be registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "415": {"description": "the body is not application/json", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "429": {"description": "rate limited (per IP); Retry-After", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/auth/login": {
  "post": {
   "summary": "Log in. Content-Type must be application/json. Rate-limited per IP; failures slow down the same IP + name pair (Retry-After), never the account.",
   "requestBody": {"$ref": "#/components/requestBodies/Credentials"},
   "responses": {
    "200": {"description": "the user; sets cookies", "content": {"application/json": {"schema": {"type": "object"}}}},
    "401": {"description": "wrong username or password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "403": {"description": "cross-site request (Origin / Sec-Fetch-Site)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "415": {"description": "the body is not application/json", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "429": {"description": "rate limited; Retry-After", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/me": {
  "get": {
   "summary": "Who am I: tier as of now, membership (stored tier, last day \"until\", active), download quota",
   "responses": {"200": {"description": "me", "content": {"application/json": {"schema": {"type": "object"}}}}}
  }
 },
 "/api/me/password": {
  "post": {
   "summary": "Change my password; logs out every other session",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
     "required": ["current", "password"], "properties": {"current": {"type": "string"}, "password": {"type": "string"}}}}}},
   "responses": {
    "200": {"description": "{\"changed\":true,\"sessions_revoked\":N}", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"description": "the new password is not acceptable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "401": {"description": "not logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "403": {"description": "the current password is wrong", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "429": {"description": "rate limited; Retry-After", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/me/sessions": {
  "get": {
   "summary": "My logged-in browsers: id, created_at, expires_at, ip, user_agent, current",
   "responses": {
    "200": {"description": "{\"sessions\":[…]}", "content": {"application/json": {"schema": {"type": "object"}}}},
    "401": {"description": "not logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/me/sessions/revoke-others": {
  "post": {
   "summary": "Log out every other device (all my sessions but this one)",
   "responses": {
    "200": {"description": "{\"revoked\":N}", "content": {"application/json": {"schema": {"type": "object"}}}},
    "401": {"description": "not logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/admin/invites": {
  "post": {
   "summary": "Create invitation codes (admin); each registers one user",
   "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object",
     "properties": {"count": {"type": "integer", "minimum": 1, "maximum": 100}, "days": {"type": "integer", "minimum": 1, "maximum": 365}}}}}},
   "responses": {
    "201": {"description": "{\"codes\":[…],\"days\":D}", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"description": "bad count or days", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/admin/users": {
  "patch": {
   "summary": "Change a user's tier (optionally until a last day), or disable/enable them (admin)",
   "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name"],
     "properties": {"name": {"type": "string"}, "tier": {"type": "string", "enum": ["free", "vip", "svip", "admin"]},
      "until": {"type": "string", "nullable": true, "description": "YYYY-MM-DD, the tier's last day (UTC); null: no expiry; absent: unchanged"},
      "disabled": {"type": "boolean"}}}}}},
   "responses": {
    "200": {"description": "the user (tier, until, effective_tier, disabled)", "content": {"application/json": {"schema": {"type": "object"}}}},
    "400": {"description": "bad tier or date", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "no such user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/api/docs/{id}/download": {
  "post": {
   "summary": "Download as docx or txt: the web UI's button (cookie + X-CSRF-Token). A full download of a paid document spends one unit of today's quota; a cookie-authenticated GET never does (403), HEAD never does.",
   "parameters": [
    {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"}},
    {"name": "format", "in": "query", "required": false, "description": "", "schema": {"type": "string", "enum": ["docx", "txt"]}}
   ],
   "responses": {
    "200": {"description": "the file (Content-Disposition attachment)", "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}, "text/plain": {}}},
    "403": {"description": "CSRF token missing, or a cross-site request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "no such document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "429": {"description": "quota_exceeded or rate_limited", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 },
 "/metrics": {
  "get": {
   "summary": "Prometheus metrics: administrators only here (401/403), or without auth on the separate metrics_listen address (then 404 here)",
   "responses": {
    "200": {"description": "text exposition format", "content": {"text/plain": {}}},
    "401": {"description": "not logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "403": {"description": "not an administrator", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
   }
  }
 }
})json";

}  // namespace

std::string merge_account_paths(std::string_view document) {
  nlohmann::json spec = nlohmann::json::parse(document);
  const nlohmann::json extra = nlohmann::json::parse(kAccountPaths);
  for (const auto& [path, ops] : extra.items()) {
    for (const auto& [method, op] : ops.items()) spec["paths"][path][method] = op;
  }
  merge_me_paths(spec);
  spec["info"]["description"] =
      spec["info"]["description"].get<std::string>() +
      " Every state-changing request (POST/PATCH/DELETE) from a browser must be same-origin (Origin / "
      "Sec-Fetch-Site), else 403. Bodies of callers not logged in are limited to max_anonymous_body_bytes.";
  return spec.dump(1);
}

}  // namespace wenyuan::server
