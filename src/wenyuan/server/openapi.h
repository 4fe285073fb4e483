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

#include <nlohmann/json_fwd.hpp>

namespace wenyuan::server {

// Adds the reader's own lists (/api/me/favorites, history, downloads, basket:
// openapi_me.cc) to `spec`.
void merge_me_paths(nlohmann::json& spec);

}  // namespace wenyuan::server
