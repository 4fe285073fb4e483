// The OpenAPI 3.0 description of the HTTP API served at GET /api/openapi.json.
// It must list every route Api handles (a test calls each one it lists).
#pragma once

#include <string_view>

namespace wenyuan::server {

std::string_view openapi_json();

}  // namespace wenyuan::server
