// The JSON form of a 查重 report: the contract of `wenyuan check --json` and
// POST /api/check (docs/check.md), written once here for both.
#pragma once

#include <nlohmann/json.hpp>

#include "wenyuan/dedup/check.h"

namespace wenyuan::dedup {

// {"chars","copied_chars","share","spans":[{"start","end","sources":[{"id","title","start","end"}]}],
//  "paragraphs":[{"start","end","share"}],"sources":[{"id","title","copied_chars"}]} plus
// "code_points", "complete", per span "chars" and "source_count", per source "year".
// `paid_visible` chooses the year a reader may learn (doc::Document::public_year otherwise).
nlohmann::json report_json(const FingerprintIndex& index, const CheckReport& r, bool paid_visible);

}  // namespace wenyuan::dedup
