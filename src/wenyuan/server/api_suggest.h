// The in-memory state of 搜索建议 and 热门搜索 (api_suggest.cc): the catalog's
// titles, normalized, as of a change sequence, and how often each query was asked.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "wenyuan/server/api.h"

namespace wenyuan::server {

struct Api::Suggestions {
  std::mutex mu;
  uint64_t seq = UINT64_MAX;
  std::vector<std::pair<std::string, std::string>> titles;  // (normalized, as written), shortest first
  std::map<std::string, int64_t> asked;                      // query as typed -> times
  static constexpr size_t kMaxQueries = 5000;                // distinct queries remembered
};

}  // namespace wenyuan::server
