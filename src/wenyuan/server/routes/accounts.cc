// The account routes: register, login, logout, me, password change,
// session list, "log out other devices", and admin invitations.
//
// What an unauthenticated caller can learn here about other people's accounts
// is bounded on purpose: a login costs one Argon2id verification whatever the
// name (Accounts::authenticate), register hashes before it looks at the name
// and says only that this name cannot be registered, and both are rate-limited
// per IP; failed logins slow down the failing IP + name pair only, so nobody can
// lock anyone else out (access/login_throttle.h).
#include <algorithm>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

// JSON bodies of the auth routes must say so: a form or text/plain body (which
// any page may post across sites without a preflight) is refused.
bool is_json(const Request& req) {
  std::string ct(sv(req[http::field::content_type]));
  for (auto& ch : ct) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const size_t semi = ct.find(';');
  if (semi != std::string::npos) ct.resize(semi);
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct == "application/json";
}

Response not_json() {
  return error(http::status::unsupported_media_type, "bad_request", "请求体必须是 JSON（Content-Type: application/json）");
}

// The string field `name` of a JSON object, or nullopt.
std::optional<std::string> string_field(const json& j, const char* name) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string()) return std::nullopt;
  return j[name].get<std::string>();
}

json membership_json(const access::User& u, Tier effective) {
  return {{"tier", access::to_string(u.tier)},
          {"until", u.tier_until.empty() ? json(nullptr) : json(u.tier_until)},
          {"active", effective == u.tier}};
}


std::string cookie_attributes(const ApiState& s, int64_t max_age) {
  return "; Path=/; SameSite=Lax; Max-Age=" + std::to_string(max_age) + (s.config.secure_cookies ? "; Secure" : "");
}

Response session_response(ApiState& s, Call& c, const access::User& u, http::status status) {
  auto session = s.accounts.create_session(u.id, s.config.session_seconds, c.ip, std::string(sv(c.req[http::field::user_agent])));
  if (!session) return from_status(session.status());
  const Tier tier = access::effective_tier(u, access::Accounts::today());
  auto res = json_response(status, {{"user", {{"name", u.name}, {"tier", access::to_string(tier)}}}});
  const std::string attrs = cookie_attributes(s, s.config.session_seconds);
  res.insert(http::field::set_cookie, "wy_session=" + session->token + attrs + "; HttpOnly");
  res.insert(http::field::set_cookie, "wy_csrf=" + session->csrf + attrs);
  // The old session (if any) is replaced, not kept alive beside the new one.
  if (!c.caller.session.empty()) (void)s.accounts.delete_session(c.caller.session);
  return res;
}

Response register_user(ApiState& s, Call& c) {
  if (s.config.registration == Registration::kClosed) {
    return error(http::status::forbidden, "forbidden", "本站未开放注册，请联系管理员开通账户");
  }
  if (int wait = s.register_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (!is_json(c.req)) return not_json();
  const json j = json::parse(c.req.body(), nullptr, false);
  auto name = string_field(j, "username");
  auto password = string_field(j, "password");
  if (!name || !password) return bad_request("expected {\"username\",\"password\"}");
  std::string invite;
  if (s.config.registration == Registration::kInvite) {
    auto code = string_field(j, "invite");
    if (!code || code->empty()) return error(http::status::forbidden, "forbidden", "注册需要邀请码");
    invite = *code;
  }
  auto u = s.accounts.add_user(*name, *password, Tier::kFree, invite);
  if (!u) {
    // Unavoidable: the name could not be taken. Nothing more (not "exists").
    if (u.status().code() == StatusCode::kAlreadyExists) {
      return error(http::status::conflict, "conflict", "无法使用该用户名注册，请换一个用户名");
    }
    if (u.status().code() == StatusCode::kPermissionDenied) {
      return error(http::status::forbidden, "forbidden", "邀请码无效、已使用或已过期");
    }
    return from_status(u.status());
  }
  return session_response(s, c, *u, http::status::created);
}

Response login(ApiState& s, Call& c) {
  if (int wait = s.login_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (!is_json(c.req)) return not_json();
  const json j = json::parse(c.req.body(), nullptr, false);
  auto name = string_field(j, "username");
  auto password = string_field(j, "password");
  if (!name || !password) return bad_request("expected {\"username\",\"password\"}");
  const std::string key = c.ip + "\n" + *name;
  if (int wait = s.login_throttle.wait(key); wait > 0) return rate_limited(wait);
  auto u = s.accounts.authenticate(*name, *password);
  if (!u) {
    if (u.status().code() == StatusCode::kPermissionDenied) {
      s.login_throttle.failure(key);
      return error(http::status::unauthorized, "unauthorized", u.status().message());
    }
    return from_status(u.status());
  }
  s.login_throttle.success(key);
  return session_response(s, c, *u, http::status::ok);
}

Response logout(ApiState& s, Call& c) {
  if (!c.caller.session.empty()) {
    auto st = s.accounts.delete_session(c.caller.session);
    if (!st) return from_status(st);
  }
  Response res{http::status::no_content, 11};
  res.set(http::field::cache_control, "no-store");
  res.insert(http::field::set_cookie, "wy_session=" + cookie_attributes(s, 0) + "; HttpOnly");
  res.insert(http::field::set_cookie, "wy_csrf=" + cookie_attributes(s, 0));
  return res;
}

Response me(ApiState& s, Call& c) {
  const auto& rules = s.policy.rules(c.caller.tier);
  json per_day = rules.downloads_per_day ? json(*rules.downloads_per_day) : json(nullptr);
  json left = per_day;
  if (rules.downloads_per_day && c.caller.user) {
    auto used = s.accounts.downloads_used(c.caller.user->id, access::Accounts::today());
    left = *rules.downloads_per_day - std::min(*rules.downloads_per_day, used ? *used : 0u);
  }
  json user = nullptr;
  if (c.caller.user) {
    user = {{"name", c.caller.user->name},
            {"tier", access::to_string(c.caller.tier)},
            {"membership", membership_json(*c.caller.user, c.caller.tier)}};
  }
  return json_response(http::status::ok, {{"user", user},
                                          {"tier", access::to_string(c.caller.tier)},
                                          {"registration", to_string(s.config.registration)},
                                          {"quotas", {{"downloads_per_day", per_day}, {"downloads_left", left}}}});
}

Response change_password(ApiState& s, Call& c) {
  if (!is_json(c.req)) return not_json();
  const json j = json::parse(c.req.body(), nullptr, false);
  auto current = string_field(j, "current");
  auto next = string_field(j, "password");
  if (!current || !next) return bad_request("expected {\"current\",\"password\"}");
  // Guessing the current password here is a login attempt like any other.
  if (int wait = s.login_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  const std::string key = c.ip + "\n" + c.caller.user->name;
  if (int wait = s.login_throttle.wait(key); wait > 0) return rate_limited(wait);
  auto u = s.accounts.authenticate(c.caller.user->name, *current);
  if (!u) {
    if (u.status().code() != StatusCode::kPermissionDenied) return from_status(u.status());
    s.login_throttle.failure(key);
    return error(http::status::forbidden, "forbidden", "当前密码不正确");
  }
  s.login_throttle.success(key);
  if (auto st = s.accounts.set_password(u->name, *next); !st) return from_status(st);
  // A new password logs out every other browser (whoever knew the old one).
  auto revoked = s.accounts.delete_other_sessions(u->id, c.caller.session_id);
  if (!revoked) return from_status(revoked.status());
  return json_response(http::status::ok, {{"changed", true}, {"sessions_revoked", *revoked}});
}

Response sessions(ApiState& s, Call& c) {
  auto list = s.accounts.list_sessions(c.caller.user->id);
  if (!list) return from_status(list.status());
  json out = json::array();
  for (const auto& session : *list) {
    out.push_back({{"id", session.id},
                   {"created_at", session.created_at},
                   {"expires_at", session.expires_at},
                   {"ip", session.ip},
                   {"user_agent", session.user_agent},
                   {"current", session.id == c.caller.session_id}});
  }
  return json_response(http::status::ok, {{"sessions", out}});
}

Response revoke_other_sessions(ApiState& s, Call& c) {
  auto n = s.accounts.delete_other_sessions(c.caller.user->id, c.caller.session_id);
  if (!n) return from_status(n.status());
  return json_response(http::status::ok, {{"revoked", *n}});
}

Response admin_invites(ApiState& s, Call& c) {
  json j = c.req.body().empty() ? json::object() : json::parse(c.req.body(), nullptr, false);
  if (!j.is_object()) return bad_request("expected {\"count\"?,\"days\"?}");
  const json count = j.value("count", json(1));
  const json days = j.value("days", json(14));
  if (!count.is_number_integer() || !days.is_number_integer() || count.get<int64_t>() < 1 ||
      count.get<int64_t>() > 100 || days.get<int64_t>() < 1 || days.get<int64_t>() > 365) {
    return bad_request("count must be 1..100 and days 1..365");
  }
  auto codes = s.accounts.create_invites(static_cast<int>(count.get<int64_t>()), days.get<int64_t>() * 86400);
  if (!codes) return from_status(codes.status());
  return json_response(http::status::created, {{"codes", *codes}, {"days", days}});
}

}  // namespace

std::vector<Route> accounts_routes() {
  return {
      {.method = http::verb::post,
       .path = "/api/auth/register",
       .handler = register_user,
       .summary = "Register a free account (config registration: closed = always 403; invite = needs \"invite\"; open = rate-limited per IP). A taken name gets 409 with no more detail.",
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["username","password"],"properties":{"username":{"type":"string"},"password":{"type":"string"},"invite":{"type":"string"}}}}}})json",
       .responses = {{201, "the user; sets cookies wy_session (HttpOnly) and wy_csrf", "application/json", kAnyObject},
                     {400, "bad name or password"},
                     {403, "registration closed, or invitation missing/unknown/used/expired"},
                     {409, "this name cannot be registered"},
                     {415, "the body is not application/json"},
                     {429, "rate limited (per IP); Retry-After"}}},
      {.method = http::verb::post,
       .path = "/api/auth/login",
       .handler = login,
       .summary = "Log in. Content-Type must be application/json. Rate-limited per IP; failures slow down the same IP + name pair (Retry-After), never the account.",
       .request_body = R"json({"$ref":"#/components/requestBodies/Credentials"})json",
       .responses = {{200, "the user; sets cookies", "application/json", kAnyObject},
                     {401, "wrong username or password"},
                     {403, "cross-site request (Origin / Sec-Fetch-Site)"},
                     {415, "the body is not application/json"},
                     {429, "rate limited; Retry-After"}}},
      {.method = http::verb::post,
       .path = "/api/auth/logout",
       .handler = logout,
       .summary = "Log out (cookie sessions need X-CSRF-Token)",
       .responses = {{204, "logged out", ""},
                     {403, "CSRF token missing"}}},
      {.method = http::verb::get,
       .path = "/api/me",
       .handler = me,
       .summary = "Who am I: tier as of now, membership (stored tier, last day \"until\", active), download quota",
       .responses = {{200, "me", "application/json", kAnyObject}}},
      {.method = http::verb::post,
       .path = "/api/me/password",
       .handler = change_password,
       .auth = Auth::kUser,
       .summary = "Change my password; logs out every other session",
       .request_body = R"json({"required":true,"content":{"application/json":{"schema":{"type":"object","required":["current","password"],"properties":{"current":{"type":"string"},"password":{"type":"string"}}}}}})json",
       .responses = {{200, "{\"changed\":true,\"sessions_revoked\":N}", "application/json", kAnyObject},
                     {400, "the new password is not acceptable"},
                     {401, "not logged in"},
                     {403, "the current password is wrong"},
                     {429, "rate limited; Retry-After"}}},
      {.method = http::verb::get,
       .path = "/api/me/sessions",
       .handler = sessions,
       .auth = Auth::kUser,
       .summary = "My logged-in browsers: id, created_at, expires_at, ip, user_agent, current",
       .responses = {{200, "{\"sessions\":[…]}", "application/json", kAnyObject},
                     {401, "not logged in"}}},
      {.method = http::verb::post,
       .path = "/api/me/sessions/revoke-others",
       .handler = revoke_other_sessions,
       .auth = Auth::kUser,
       .summary = "Log out every other device (all my sessions but this one)",
       .responses = {{200, "{\"revoked\":N}", "application/json", kAnyObject},
                     {401, "not logged in"}}},
      {.method = http::verb::post,
       .path = "/api/admin/invites",
       .handler = admin_invites,
       .auth = Auth::kAdmin,
       .summary = "Create invitation codes (admin); each registers one user",
       .request_body = R"json({"required":false,"content":{"application/json":{"schema":{"type":"object","properties":{"count":{"type":"integer","minimum":1,"maximum":100},"days":{"type":"integer","minimum":1,"maximum":365}}}}}})json",
       .responses = {{201, "{\"codes\":[…],\"days\":D}", "application/json", kAnyObject},
                     {400, "bad count or days"}}},
  };
}

}  // namespace wenyuan::server::routes
