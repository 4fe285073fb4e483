#include "wenyuan/server/check_service.h"

#include <chrono>
#include <ctime>

#include "wenyuan/dedup/check_json.h"
#include "wenyuan/dedup/check_report.h"

namespace wenyuan::server {

Status CheckService::take_quota(store::UserData& data, const std::string& who, access::Tier tier) {
  const auto& cap = limits_.per_day[static_cast<int>(tier)];
  if (!cap) return Status::ok();
  const int64_t day = static_cast<int64_t>(std::time(nullptr)) / 86400;
  auto taken = data.take_check(who, day, *cap);
  if (!taken) return taken.status();
  if (!*taken)
    return Status::permission_denied("今日查重次数已用完（" + std::string(access::to_string(tier)) + " 每天 " +
                                     std::to_string(*cap) + " 次，北京时间 8 点重置）" +
                                     (tier < access::Tier::kVip ? "，升级会员可查更多" : ""));
  return Status::ok();
}

Status CheckService::sync(const store::Catalog& catalog) {
  {
    std::shared_lock lock(mu_);
    if (index_ && index_->seq() == catalog.last_seq()) return Status::ok();
  }
  std::unique_lock lock(mu_);
  if (!index_) {
    auto ix = std::make_unique<dedup::FingerprintIndex>();
    if (Status st = ix->build(catalog); !st) return st;
    index_ = std::move(ix);
    return Status::ok();
  }
  return index_->sync(catalog);
}

Result<CheckAnswer> CheckService::check(const store::Catalog& catalog, const std::string& draft, uint32_t min_chars,
                                        bool paid_visible, bool docx) {
  if (Status st = sync(catalog); !st) return st;
  std::shared_lock lock(mu_);
  const auto t0 = std::chrono::steady_clock::now();
  dedup::CheckOptions o;
  o.min_chars = min_chars;
  o.paid_visible = paid_visible;
  const dedup::CheckReport r = dedup::check(*index_, draft, o);
  CheckAnswer a;
  a.json = dedup::report_json(*index_, r, paid_visible);
  a.json["took_us"] =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  a.json["text"] = draft;
  a.json["min_chars"] = std::max(min_chars, dedup::kMinMinChars);
  if (docx) {
    WENYUAN_ASSIGN_OR_RETURN(auto bytes, dedup::report_docx(*index_, r, draft, paid_visible));
    a.docx = std::move(bytes);
  }
  return a;
}

}  // namespace wenyuan::server
