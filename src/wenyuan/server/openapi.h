// The OpenAPI 3.0 description of the HTTP API served at GET /api/openapi.json.
// It must list every route Api handles (a test calls each one it lists).
#pragma once

#include <string>
#include <string_view>

namespace wenyuan::server {

std::string_view openapi_json();

// `document` with the account and security routes (openapi_accounts.cc) merged
// in, path by path and method by method.
std::string merge_account_paths(std::string_view document);

}  // namespace wenyuan::server
