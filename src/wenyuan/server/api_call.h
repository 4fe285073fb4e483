// The request as the route handlers see it (private to server/api*.cc): who is
// asking (Caller) and the parsed request with its client address (Call).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "wenyuan/access/accounts.h"
#include "wenyuan/server/api.h"
#include "wenyuan/server/http_util.h"

namespace wenyuan::server {

// Who is asking: a user (by session cookie or API token) or nobody. `tier` is
// the user's tier as of today (an expired membership is already free here).
struct Api::Caller {
  std::optional<access::User> user;
  access::Tier tier = access::Tier::kAnonymous;
  bool by_cookie = false;   // authenticated by the session cookie: CSRF applies
  std::string csrf;         // the session's CSRF token
  std::string session;      // the cookie's value
  int64_t session_id = 0;   // the session's public id (0: not a cookie session)
};

struct Api::Call {
  const Request& req;
  std::string ip;  // the client: the peer, or X-Forwarded-For behind a trusted proxy
  Target target;
  Caller caller;
  std::chrono::steady_clock::time_point started;
};

}  // namespace wenyuan::server
