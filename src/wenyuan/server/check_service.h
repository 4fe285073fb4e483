// CheckService: 查重 for the server (POST /api/check, routes/check.cc).
//
// Holds the library's fingerprint index (dedup::FingerprintIndex) in memory:
// built from the catalog on the first check, then kept in step through the
// catalog's change log before every check (docs/living-library.md: the change
// log is the only path), so a document imported by any process is checked
// against within one request. Checks share the index (shared lock); a sync
// that finds changes takes it exclusively, briefly.
//
// Visibility: whether paid regions take part is access::Policy's answer for the
// caller's tier (may_read_paid), never decided here (docs/check.md).
// Quota: checks per UTC day per account (per IP for anonymous callers), by
// tier; counted in DATA/me.db (store::UserData::take_check), so a restart
// forgets nothing.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "wenyuan/access/policy.h"
#include "wenyuan/core/status.h"
#include "wenyuan/dedup/check.h"
#include "wenyuan/dedup/fingerprint_index.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/user_data.h"

namespace wenyuan::server {

// Body bytes POST /api/check accepts: a 200,000-character draft is ~600 KB of
// UTF-8; an uploaded .docx or .pdf of it is larger.
inline constexpr size_t kCheckAnonymousBodyBytes = 1u << 20;
inline constexpr size_t kCheckBodyBytes = 8u << 20;

struct CheckLimits {
  uint32_t max_draft_chars = 200'000;
  // Checks a day by tier (anonymous, free, vip, svip, admin); nullopt = unlimited.
  std::array<std::optional<uint32_t>, access::kTierCount> per_day = {3u, 20u, 200u, 1000u, std::nullopt};
};

struct CheckAnswer {
  nlohmann::json json;     // dedup::report_json plus "text" (the draft as read) and "took_us"
  std::string docx;        // the report as .docx, when asked
};

class CheckService {
 public:
  explicit CheckService(CheckLimits limits = {}) : limits_(limits) {}

  const CheckLimits& limits() const { return limits_; }

  // Takes one check from `who`'s quota for today; PermissionDenied (with a
  // Chinese message saying the limit) when it is used up.
  Status take_quota(store::UserData& data, const std::string& who, access::Tier tier);

  // Checks `draft` (already read: dedup::draft_text / draft_from_text) after
  // bringing the index up to `catalog`. `docx`: also build the report file.
  Result<CheckAnswer> check(const store::Catalog& catalog, const std::string& draft, uint32_t min_chars,
                            bool paid_visible, bool docx);


 private:
  Status sync(const store::Catalog& catalog);

  CheckLimits limits_;
  std::shared_mutex mu_;  // guards index_
  std::unique_ptr<dedup::FingerprintIndex> index_;
};

}  // namespace wenyuan::server
