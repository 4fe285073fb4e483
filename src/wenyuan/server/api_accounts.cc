// The account routes of Api: register, login, logout, me, password change,
// session list, "log out other devices", and admin invitations.
//
// What an unauthenticated caller can learn here about other people's accounts
// is bounded on purpose: a login costs one Argon2id verification whatever the
// name (Accounts::authenticate), register hashes before it looks at the name
// and says only that this name cannot be registered, and both are rate-limited
// per IP; failed logins slow down the failing IP + name pair only, so nobody can
// lock anyone else out (access/login_throttle.h).
#include <nlohmann/json.hpp>

#include "wenyuan/server/api.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"

namespace wenyuan::server {

using nlohmann::json;
using access::Tier;

namespace {

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

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

Response need_login() { return error(http::status::unauthorized, "unauthorized", "log in first"); }

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

}  // namespace

std::string Api::cookie_attributes(int64_t max_age) const {
  return "; Path=/; SameSite=Lax; Max-Age=" + std::to_string(max_age) + (config_.secure_cookies ? "; Secure" : "");
}

Response Api::session_response(Call& c, const access::User& u, http::status status) {
  auto s = accounts_.create_session(u.id, config_.session_seconds, c.ip, std::string(sv(c.req[http::field::user_agent])));
  if (!s) return from_status(s.status());
  const Tier tier = access::effective_tier(u, access::Accounts::today());
  auto res = json_response(status, {{"user", {{"name", u.name}, {"tier", access::to_string(tier)}}}});
  const std::string attrs = cookie_attributes(config_.session_seconds);
  res.insert(http::field::set_cookie, "wy_session=" + s->token + attrs + "; HttpOnly");
  res.insert(http::field::set_cookie, "wy_csrf=" + s->csrf + attrs);
  // The old session (if any) is replaced, not kept alive beside the new one.
  if (!c.caller.session.empty()) (void)accounts_.delete_session(c.caller.session);
  return res;
}

Response Api::register_user(Call& c) {
  if (config_.registration == Registration::kClosed) {
    return error(http::status::forbidden, "forbidden", "本站未开放注册，请联系管理员开通账户");
  }
  if (int wait = register_limiter_.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (!is_json(c.req)) return not_json();
  const json j = json::parse(c.req.body(), nullptr, false);
  auto name = string_field(j, "username");
  auto password = string_field(j, "password");
  if (!name || !password) return bad_request("expected {\"username\",\"password\"}");
  std::string invite;
  if (config_.registration == Registration::kInvite) {
    auto code = string_field(j, "invite");
    if (!code || code->empty()) return error(http::status::forbidden, "forbidden", "注册需要邀请码");
    invite = *code;
  }
  auto u = accounts_.add_user(*name, *password, Tier::kFree, invite);
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
  return session_response(c, *u, http::status::created);
}

Response Api::login(Call& c) {
  if (int wait = login_limiter_.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (!is_json(c.req)) return not_json();
  const json j = json::parse(c.req.body(), nullptr, false);
  auto name = string_field(j, "username");
  auto password = string_field(j, "password");
  if (!name || !password) return bad_request("expected {\"username\",\"password\"}");
  const std::string key = c.ip + "\n" + *name;
  if (int wait = login_throttle_.wait(key); wait > 0) return rate_limited(wait);
  auto u = accounts_.authenticate(*name, *password);
  if (!u) {
    if (u.status().code() == StatusCode::kPermissionDenied) {
      login_throttle_.failure(key);
      return error(http::status::unauthorized, "unauthorized", u.status().message());
    }
    return from_status(u.status());
  }
  login_throttle_.success(key);
  return session_response(c, *u, http::status::ok);
}

Response Api::logout(Call& c) {
  if (!c.caller.session.empty()) {
    auto st = accounts_.delete_session(c.caller.session);
    if (!st) return from_status(st);
  }
  Response res{http::status::no_content, 11};
  res.set(http::field::cache_control, "no-store");
  res.insert(http::field::set_cookie, "wy_session=" + cookie_attributes(0) + "; HttpOnly");
  res.insert(http::field::set_cookie, "wy_csrf=" + cookie_attributes(0));
  return res;
}

Response Api::me(Call& c) {
  const auto& rules = policy_.rules(c.caller.tier);
  json per_day = rules.downloads_per_day ? json(*rules.downloads_per_day) : json(nullptr);
  json left = per_day;
  if (rules.downloads_per_day && c.caller.user) {
    auto used = accounts_.downloads_used(c.caller.user->id, access::Accounts::today());
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
                                          {"registration", to_string(config_.registration)},
                                          {"quotas", {{"downloads_per_day", per_day}, {"downloads_left", left}}}});
}

Response Api::change_password(Call& c) {
  if (!c.caller.user) return need_login();
  if (!is_json(c.req)) return not_json();
  const json j = json::parse(c.req.body(), nullptr, false);
  auto current = string_field(j, "current");
  auto next = string_field(j, "password");
  if (!current || !next) return bad_request("expected {\"current\",\"password\"}");
  // Guessing the current password here is a login attempt like any other.
  if (int wait = login_limiter_.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  const std::string key = c.ip + "\n" + c.caller.user->name;
  if (int wait = login_throttle_.wait(key); wait > 0) return rate_limited(wait);
  auto u = accounts_.authenticate(c.caller.user->name, *current);
  if (!u) {
    if (u.status().code() != StatusCode::kPermissionDenied) return from_status(u.status());
    login_throttle_.failure(key);
    return error(http::status::forbidden, "forbidden", "当前密码不正确");
  }
  login_throttle_.success(key);
  if (auto st = accounts_.set_password(u->name, *next); !st) return from_status(st);
  // A new password logs out every other browser (whoever knew the old one).
  auto revoked = accounts_.delete_other_sessions(u->id, c.caller.session_id);
  if (!revoked) return from_status(revoked.status());
  return json_response(http::status::ok, {{"changed", true}, {"sessions_revoked", *revoked}});
}

Response Api::sessions(Call& c) {
  if (!c.caller.user) return need_login();
  auto list = accounts_.list_sessions(c.caller.user->id);
  if (!list) return from_status(list.status());
  json out = json::array();
  for (const auto& s : *list) {
    out.push_back({{"id", s.id},
                   {"created_at", s.created_at},
                   {"expires_at", s.expires_at},
                   {"ip", s.ip},
                   {"user_agent", s.user_agent},
                   {"current", s.id == c.caller.session_id}});
  }
  return json_response(http::status::ok, {{"sessions", out}});
}

Response Api::revoke_other_sessions(Call& c) {
  if (!c.caller.user) return need_login();
  auto n = accounts_.delete_other_sessions(c.caller.user->id, c.caller.session_id);
  if (!n) return from_status(n.status());
  return json_response(http::status::ok, {{"revoked", *n}});
}

Response Api::admin_invites(Call& c) {
  json j = c.req.body().empty() ? json::object() : json::parse(c.req.body(), nullptr, false);
  if (!j.is_object()) return bad_request("expected {\"count\"?,\"days\"?}");
  const json count = j.value("count", json(1));
  const json days = j.value("days", json(14));
  if (!count.is_number_integer() || !days.is_number_integer() || count.get<int64_t>() < 1 ||
      count.get<int64_t>() > 100 || days.get<int64_t>() < 1 || days.get<int64_t>() > 365) {
    return bad_request("count must be 1..100 and days 1..365");
  }
  auto codes = accounts_.create_invites(static_cast<int>(count.get<int64_t>()), days.get<int64_t>() * 86400);
  if (!codes) return from_status(codes.status());
  return json_response(http::status::created, {{"codes", *codes}, {"days", days}});
}

}  // namespace wenyuan::server
