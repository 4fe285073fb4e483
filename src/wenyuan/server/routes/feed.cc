// What is new: GET /api/new (今日更新, by day and category) and GET
// /feed.atom (the newest documents as Atom, preview text only).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/atom_feed.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/server/whats_new.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

constexpr IntParam kDays{"days", 7, 1, 36500};
constexpr IntParam kLimit{"limit", 50, 1, 500};

// The year of a listing row as `t` may learn it (docs/paywall.md); every
// listing a non-member sees (/api/new, the feed) goes through here.
std::optional<int> summary_year(const store::DocumentSummary& d, Tier t, const access::Policy& p) {
  return p.may_read_paid(t) ? d.year : d.public_year;
}


Response new_documents(ApiState& s, Call& c) {
  auto days = int_param(c.target.query, kDays);
  auto limit = int_param(c.target.query, kLimit);
  if (!days || !limit) return bad_request("days must be 1..36500 and limit 1..500");
  const std::string category = param(c.target.query, "category");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  auto log = s.intake();
  if (!log) return from_status(log.status());
  WhatsNewQuery query;
  query.days = static_cast<int>(*days);
  query.now = unix_now();
  query.since = store::local_day_start(query.now, query.days - 1);
  query.category = category;
  query.limit = static_cast<size_t>(*limit);
  store::ListFilter f;
  f.imported_since = query.since;
  f.newest_first = true;
  // Every document of the window (summaries only): the counts are over all of
  // them, `limit` bounds the documents listed (whats_new.h).
  auto list = (*cat)->list(f);
  if (!list) return from_status(list.status());
  auto seen = (*log)->first_seen_since(query.since);
  if (!seen) return from_status(seen.status());
  std::vector<NewDocument> items;
  items.reserve(list->size());
  for (const auto& d : *list) {
    // The same document summary as before 今日更新 had days (whats_new.h adds
    // only category, change and date).
    json summary = {{"id", d.id},
                    {"title", d.title},
                    {"year", year_json(summary_year(d, c.caller.tier, s.policy))},
                    {"source", d.source},
                    {"imported_at", d.imported_at}};
    auto it = seen->find(d.id);
    items.push_back({std::move(summary), d.category, d.imported_at,
                     is_update(d.imported_at, it == seen->end() ? nullptr : &it->second)});
  }
  return json_response(http::status::ok, whats_new_json(items, query));
}

Response feed(ApiState& s, Call& c) {
  const std::string category = param(c.target.query, "category");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  store::ListFilter f;
  f.category = category;
  f.newest_first = true;
  f.limit = 50;
  auto list = (*cat)->list(f);
  if (!list) return from_status(list.status());
  std::string host(c.req[http::field::host]);
  if (host.empty() || host.find_first_of("<>&\"' /\\") != std::string::npos) host = "localhost";
  FeedHead head;
  head.base_url = "http://" + host;
  head.title = "文渊 · 今日更新";
  head.category = category;
  if (!category.empty()) head.title += " · " + category;
  std::vector<FeedEntry> entries;
  for (const auto& row : *list) {
    auto d = (*cat)->get(row.id);
    if (!d) continue;  // deleted since the listing
    // A feed is public (aggregators cache it): the summary is what an
    // anonymous reader may see, whoever fetched it.
    entries.push_back({d->id, d->title, d->category, s.policy.summary(*d, Tier::kAnonymous, 200), d->imported_at});
  }
  return make_response(http::status::ok, render_atom(head, entries), "application/atom+xml; charset=utf-8");
}

}  // namespace

std::vector<Route> feed_routes() {
  return {
      {.method = http::verb::get,
       .path = "/api/new",
       .handler = new_documents,
       .summary = "今日更新: documents imported or updated in the last N days, grouped by day (server local time), with per-day and per-category counts",
       .description = "Days are calendar days in the server's local time zone (the TZ of the server process; `timezone` in the answer gives its UTC offset, e.g. \"+08:00\"). days=1 is today since local midnight. Answer: {days, since, timezone, category, total, new, updated, categories:[{category,count}] (over the whole window, before the category filter), by_day:[{date:\"YYYY-MM-DD\",count,new,updated,documents:[…]}] (newest day first), documents:[…] (the same documents, flat)}. Each document: id, title, year, source, imported_at, category, change (\"new\" or \"updated\"), date. Counts cover every document of the window; limit bounds only the documents listed.",
       .parameters = {ParamDoc::integer(kDays, "how many local days, today included"),
                      ParamDoc::integer(kLimit, "at most this many documents listed"),
                      {.name = "category", .description = "only documents of this category (exact)"}},
       .responses = {{200, "documents by day and counts", "application/json", kAnyObject},
                     {400, "days or limit out of range"}}},
      {.method = http::verb::get,
       .path = "/feed.atom",
       .handler = feed,
       .summary = "Atom feed of the newest documents (preview text only), optionally of one category",
       .description = "The 50 newest documents (by last import). Each entry's summary is the first 200 characters an anonymous reader may see (preview), whoever asks. Per category: /feed.atom?category=NAME.",
       .parameters = {{.name = "category", .description = "only documents of this category (exact)"}},
       .responses = {{200, "Atom 1.0", "application/atom+xml"}}},
  };
}

}  // namespace wenyuan::server::routes
