// The 查重 report a reviewer files: a .docx (doc::export_docx) with the
// share, the draft with every copied stretch in 【】 and numbered, each
// stretch's sources with the place in each, and the sources ranked.
#pragma once

#include <string>

#include "wenyuan/core/status.h"
#include "wenyuan/dedup/check.h"

namespace wenyuan::dedup {

// `draft` is the text the report was made from; `paid_visible` as for report_json.
Result<std::string> report_docx(const FingerprintIndex& index, const CheckReport& r, const std::string& draft,
                                bool paid_visible);

}  // namespace wenyuan::dedup
