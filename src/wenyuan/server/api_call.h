// The request as the route handlers see it (private to server/): who is
// asking (Caller), the parsed request with its client address and path
// parameters (Call), and the small parsers every handler uses for its query.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wenyuan/access/accounts.h"
#include "wenyuan/server/api.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/route.h"

namespace wenyuan::server {

// Who is asking: a user (by session cookie or API token) or nobody. `tier` is
// the user's tier as of today (an expired membership is already free here).
struct Caller {
  std::optional<access::User> user;
  access::Tier tier = access::Tier::kAnonymous;
  bool by_cookie = false;   // authenticated by the session cookie: CSRF applies
  std::string csrf;         // the session's CSRF token
  std::string session;      // the cookie's value
  int64_t session_id = 0;   // the session's public id (0: not a cookie session)
};

struct Call {
  const Request& req;
  std::string ip;  // the client: the peer, or X-Forwarded-For behind a trusted proxy
  Target target;
  Caller caller;
  std::chrono::steady_clock::time_point started;
  // The matched route's path parameters ("id" -> value), validated.
  std::vector<std::pair<std::string, std::string>> path_params = {};

  const std::string& path_param(std::string_view name) const {
    static const std::string kNone;
    for (const auto& [k, v] : path_params) {
      if (k == name) return v;
    }
    return kNone;
  }
};

inline std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

// Document ids are [A-Za-z0-9._-]{1,128} (doc/prepare.h); anything else is
// refused before it reaches the catalog, "." and ".." included.
bool valid_id(std::string_view id);

// An integer query parameter within [p.min, p.max]; p.fallback when absent or
// empty; nullopt when not a number in range.
std::optional<int64_t> int_param(const std::map<std::string, std::string>& q, const IntParam& p);

// A query parameter's value, "" when absent.
std::string param(const std::map<std::string, std::string>& q, const std::string& name);

// Seconds since the epoch, now.
int64_t unix_now();

}  // namespace wenyuan::server
