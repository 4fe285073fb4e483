// Who is asking and whether they may ask this way, decided before a route
// runs: the caller behind a session cookie or API token (with the tier as of
// today), the client address behind trusted proxies, the body size allowed
// before authentication, and the same-site check for state-changing requests.
#include <algorithm>

#include "wenyuan/server/api.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"

namespace wenyuan::server {

using access::Tier;

size_t Api::body_limit(const Request& head) {
  const size_t anonymous = std::min(s_->config.limits.max_anonymous_body_bytes, s_->config.limits.max_body_bytes);
  // A declared length within the anonymous allowance needs no account lookup.
  if (auto cl = head[http::field::content_length]; !cl.empty() && !head.chunked()) {
    size_t n = 0;
    bool digits = cl.size() <= 19;
    for (char ch : cl) {
      if (ch < '0' || ch > '9') digits = false;
      else n = n * 10 + static_cast<size_t>(ch - '0');
    }
    if (digits && n <= anonymous) return anonymous;
  }
  const Caller caller = identify(head);
  if (!caller.user) return anonymous;
  const std::string_view target = sv(head.target());
  const std::string_view path = target.substr(0, target.find('?'));
  if (head.method() == http::verb::post && path == "/api/admin/documents" && caller.tier == Tier::kAdmin) {
    return s_->config.limits.max_upload_bytes;
  }
  return s_->config.limits.max_body_bytes;
}

Caller Api::identify(const Request& req) {
  Caller c;
  const std::string today = access::Accounts::today();
  auto auth = req[http::field::authorization];
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
    auto u = s_->accounts.token_user(std::string(auth.substr(7)));
    if (u) {
      c.user = *u;
      c.tier = access::effective_tier(*u, today);
    }
    return c;  // a request that names a token is judged by the token alone
  }
  auto cookies = parse_cookies(sv(req[http::field::cookie]));
  auto it = cookies.find("wy_session");
  if (it == cookies.end()) return c;
  auto s = s_->accounts.session_user(it->second);
  if (!s) return c;
  c.user = s->user;
  c.tier = access::effective_tier(s->user, today);
  c.by_cookie = true;
  c.csrf = s->csrf;
  c.session = it->second;
  c.session_id = s->session_id;
  return c;
}

std::string Api::client_ip(const Request& req, const std::string& peer) const {
  auto trusted = [this](std::string_view ip) {
    for (const auto& t : s_->config.trusted_proxies) {
      if (t == ip) return true;
    }
    return false;
  };
  if (!trusted(peer)) return peer;
  const std::string_view xff = sv(req["X-Forwarded-For"]);
  // Right to left: the entries our own proxies appended are trusted; the first
  // one that is not is the client (anything left of it the client could forge).
  size_t end = xff.size();
  while (end > 0) {
    const size_t comma = xff.rfind(',', end - 1);
    const size_t begin = comma == std::string_view::npos ? 0 : comma + 1;
    std::string_view e = xff.substr(begin, end - begin);
    while (!e.empty() && (e.front() == ' ' || e.front() == '\t')) e.remove_prefix(1);
    while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.remove_suffix(1);
    if (!e.empty() && e.size() <= 64 && !trusted(e)) return std::string(e);
    if (comma == std::string_view::npos) break;
    end = comma;
  }
  return peer;
}

std::optional<Response> Api::refuse_cross_site(const Request& req) const {
  auto refuse = [] {
    return error(http::status::forbidden, "forbidden", "拒绝跨站请求：修改数据的请求只能来自本站页面");
  };
  const std::string_view site = sv(req["Sec-Fetch-Site"]);
  if (!site.empty() && site != "same-origin" && site != "none") return refuse();
  const std::string_view origin = sv(req[http::field::origin]);
  if (origin.empty()) return std::nullopt;  // not a browser, or one too old to say: CSRF tokens still apply
  auto lower = [](std::string_view v) {
    std::string out(v);
    for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
  };
  if (!s_->config.public_url.empty()) {
    if (lower(origin) != lower(s_->config.public_url)) return refuse();
    return std::nullopt;
  }
  // No public_url: the origin's host[:port] must be the Host this request was
  // sent to (the scheme is not known behind a proxy that terminates TLS).
  const size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return refuse();  // "null" and the like
  if (lower(origin.substr(scheme + 3)) != lower(sv(req[http::field::host]))) return refuse();
  return std::nullopt;
}

}  // namespace wenyuan::server
