// WhatsNew: the body of GET /api/new (今日更新) — the documents imported or
// updated in the last N local days, grouped by day, with per-day and
// per-category counts, optionally narrowed to one category.
//
// Invariants: the per-document JSON is made by the caller (routes/feed.cc, with the
// same document-summary fields as every other listing, so what a non-member sees
// of a document is decided in one place); this file only groups and counts.
// Counts are over every document in the window; `limit` bounds only the
// documents listed. Days are the server's local days (store::local_date).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wenyuan::server {

struct NewDocument {
  nlohmann::json summary;  // the listing's JSON of the document
  std::string category;
  int64_t changed_at = 0;  // unix seconds of its last import
  bool updated = false;    // false: first stored on its day; true: stored before, changed since
};

struct WhatsNewQuery {
  int days = 7;
  int64_t since = 0;     // local midnight, days - 1 days ago
  int64_t now = 0;
  std::string category;  // empty: all
  size_t limit = 50;
};

// `docs`: every document changed since query.since, newest first.
nlohmann::json whats_new_json(const std::vector<NewDocument>& docs, const WhatsNewQuery& query);

// Whether a document last changed at `changed_at`, first stored at
// `first_seen` (absent: before the window), is an update rather than new on
// its day.
bool is_update(int64_t changed_at, const int64_t* first_seen);

}  // namespace wenyuan::server
