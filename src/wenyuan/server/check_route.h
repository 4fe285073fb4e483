// POST /api/check (查重) and GET /api/docs/{id}/versions: the HTTP shells over
// CheckService. Kept apart from the route table so that the table only names
// them (docs/check.md has the contract; openapi lists them).
//
// POST /api/check takes either JSON {"text", "min_chars"?, "format"?} or
// multipart/form-data with a "file" (any importable format) or a "text" field,
// and optional "min_chars", "format". format=docx answers the report as a
// .docx download instead of JSON. Errors are Chinese and say what was wrong:
// 400 (empty, unreadable, bad min_chars), 413 (draft over 200,000 characters),
// 429 (the day's quota used up). A check that fails spends no quota.
#pragma once

#include <string>

#include "wenyuan/access/policy.h"
#include "wenyuan/server/api.h"
#include "wenyuan/server/check_service.h"

namespace wenyuan::server {

// Body bytes /api/check accepts: a 200,000-character draft is ~600 KB of
// UTF-8; an uploaded .docx or .pdf of it is larger.
inline constexpr size_t kCheckAnonymousBodyBytes = 1u << 20;
inline constexpr size_t kCheckBodyBytes = 8u << 20;

// `who`: the account name, or "ip:ADDRESS" for anonymous callers (the quota key).
Response check_route(CheckService& service, const store::Catalog& catalog, const access::Policy& policy,
                     const Request& req, const std::map<std::string, std::string>& query, access::Tier tier,
                     const std::string& who);

// {"similar":[…], "versions":[…]} of a document (CheckService::relations).
Response versions_route(CheckService& service, const store::Catalog& catalog, const std::string& id);

}  // namespace wenyuan::server
