// The OpenAPI 3.0 description of the HTTP API served at GET /api/openapi.json,
// written from the route table (route.h), so it lists every route Api handles
// and nothing else (a test calls each one it lists).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/server/route.h"

namespace wenyuan::server {

// The document for `routes`, as JSON.
std::string openapi_document(const std::vector<Route>& routes);

// The document for all_routes(), built on first use.
std::string_view openapi_json();

}  // namespace wenyuan::server
