// IntakeView: how the intake log (store/intake_log.h) is shown over HTTP — the
// JSON of GET /api/admin/intake and the intake series of /metrics.
//
// Invariant: nothing sent over HTTP names a folder of the server. Reject files
// are shown by their file name (with a .jsonl record's ":LINE"), and absolute
// paths inside reasons (an upload's staging file, the catalog's file in a
// database error) are cut to their last component.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/store/intake_log.h"

namespace wenyuan::server {

// {"days":N,"since":…,"timezone":"+08:00","by_day":[{date, runs, imported,
// updated, unchanged, rejected, bytes, seconds, runs_list:[…]}]}.
nlohmann::json intake_json(const std::vector<store::IntakeDay>& days, int n_days, int64_t since, int64_t now);

// wenyuan_intake_documents_total{outcome}, wenyuan_intake_runs_total,
// wenyuan_intake_bytes_total and the wenyuan_intake_duration_seconds histogram,
// in the Prometheus text format.
std::string intake_metrics(const store::IntakeTotals& t);

// Absolute paths in `s` cut to their last component: "/srv/d/tmp/a.txt: bad" -> "a.txt: bad".
std::string without_folders(const std::string& s);

}  // namespace wenyuan::server
