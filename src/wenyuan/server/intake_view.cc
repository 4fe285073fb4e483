#include "wenyuan/server/intake_view.h"

#include <cstdio>
#include <sstream>

namespace wenyuan::server {

using nlohmann::json;

std::string without_folders(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const bool starts = s[i] == '/' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(' || s[i - 1] == '"' ||
                                        s[i - 1] == '\'' || s[i - 1] == '=');
    if (!starts) {
      out += s[i++];
      continue;
    }
    // A path runs to the next ':' (the "PATH: reason" separator), space, quote or bracket.
    size_t end = i;
    while (end < s.size() && s[end] != ':' && s[end] != ' ' && s[end] != '"' && s[end] != '\'' && s[end] != ')') {
      ++end;
    }
    const std::string path = s.substr(i, end - i);
    const size_t slash = path.find_last_of('/');
    out += path.substr(slash + 1);
    i = end;
  }
  return out;
}

namespace {

// A reject's file for HTTP: its name only, whoever gave the path.
std::string file_name(const std::string& file) {
  const size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

json run_json(const store::IntakeRun& r) {
  json rejects = json::array();
  for (const auto& x : r.rejects) {
    rejects.push_back({{"file", without_folders(file_name(x.file))}, {"reason", without_folders(x.reason)}});
  }
  return {{"id", r.id},
          {"started_at", r.started_at},
          {"origin", r.origin},
          {"imported", r.imported},
          {"updated", r.updated},
          {"unchanged", r.unchanged},
          {"rejected", r.rejected},
          {"bytes", r.bytes},
          {"seconds", r.seconds},
          {"rejects", rejects},
          {"rejects_dropped", r.rejects_dropped}};
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

json intake_json(const std::vector<store::IntakeDay>& days, int n_days, int64_t since, int64_t now) {
  json out = json::array();
  for (const auto& d : days) {
    json runs = json::array();
    for (const auto& r : d.run_list) runs.push_back(run_json(r));
    out.push_back({{"date", d.date},
                   {"runs", d.runs},
                   {"imported", d.imported},
                   {"updated", d.updated},
                   {"unchanged", d.unchanged},
                   {"rejected", d.rejected},
                   {"bytes", d.bytes},
                   {"seconds", d.seconds},
                   {"run_list", runs}});
  }
  return {{"days", n_days}, {"since", since}, {"timezone", store::local_utc_offset(now)}, {"by_day", out}};
}

std::string intake_metrics(const store::IntakeTotals& t) {
  std::ostringstream out;
  out << "# HELP wenyuan_intake_documents_total Documents and files seen by import runs (CLI, uploads, watched "
         "folders), by outcome.\n"
      << "# TYPE wenyuan_intake_documents_total counter\n";
  const std::pair<const char*, uint64_t> outcomes[] = {
      {"imported", t.imported}, {"updated", t.updated}, {"unchanged", t.unchanged}, {"rejected", t.rejected}};
  for (const auto& [name, n] : outcomes) {
    out << "wenyuan_intake_documents_total{outcome=\"" << name << "\"} " << n << "\n";
  }
  out << "# HELP wenyuan_intake_runs_total Import runs recorded in the intake log.\n"
      << "# TYPE wenyuan_intake_runs_total counter\nwenyuan_intake_runs_total " << t.runs << "\n"
      << "# HELP wenyuan_intake_bytes_total Input bytes read by import runs.\n"
      << "# TYPE wenyuan_intake_bytes_total counter\nwenyuan_intake_bytes_total " << t.bytes << "\n"
      << "# HELP wenyuan_intake_duration_seconds Time an import run took.\n"
      << "# TYPE wenyuan_intake_duration_seconds histogram\n";
  for (const auto& [le, n] : t.duration_buckets) {
    out << "wenyuan_intake_duration_seconds_bucket{le=\"" << number(le) << "\"} " << n << "\n";
  }
  out << "wenyuan_intake_duration_seconds_bucket{le=\"+Inf\"} " << t.runs << "\n"
      << "wenyuan_intake_duration_seconds_sum " << number(t.seconds) << "\n"
      << "wenyuan_intake_duration_seconds_count " << t.runs << "\n";
  return out.str();
}

}  // namespace wenyuan::server
