// Finding by neighbourhood: GET /api/docs/{id}/related (相关文档 on the
// document page), GET /api/search/facets (the counts beside every filter
// option for one query: how many hits each year, source, category and 文种
// would leave) and GET /api/browse (按文种 / 按类别浏览: the documents of one
// 文种 or category, newest first, from the catalog's public fields).
//
// Paywall (docs/paywall.md): both are searches. A non-member's run with
// SearchRequest::visible_only, so every count, every chosen term and every
// related hit is a function of visible text and public fields; the related
// terms come from the title and the outline the caller may see
// (access::Policy::visible_outline), never from paid headings.
#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wenyuan/library/json_view.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::server::routes {

using nlohmann::json;

namespace {

constexpr IntParam kRelated{"limit", 6, 1, 20};
constexpr IntParam kBrowsePage{"page", 1, 1, 100000};
constexpr IntParam kBrowseSize{"size", 20, 1, 100};
// Facet counts read this many hits at most; `complete` says whether that was all.
constexpr size_t kFacetHits = 5000;
// Candidate terms counted per document (each a count-only search).
constexpr size_t kMaxCandidates = 24;
constexpr size_t kTermsUsed = 6;

// Words every 公文 title has: they say nothing about the topic.
const std::set<std::u32string>& stop_words() {
  static const std::set<std::u32string> words = {
      U"关于", U"印发", U"通知", U"意见", U"办法", U"报告", U"决定", U"公告", U"通报", U"工作", U"实施", U"方案",
      U"规定", U"细则", U"批复", U"请示", U"函", U"的", U"和", U"与", U"及", U"等", U"年", U"年度", U"有关",
      U"进一步", U"加强", U"推进", U"做好", U"全面", U"深入", U"总结", U"讲话", U"会议", U"上的", U"在"};
  return words;
}

bool is_han(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

// Runs of Han characters of a phrase with the stop words cut out; long runs
// give overlapping four-character windows (a rare phrase is usually 4 long).
void candidates_of(const std::string& phrase, std::vector<std::string>& out) {
  std::u32string s = text::decode_utf8(phrase);
  std::vector<std::u32string> runs;
  std::u32string cur;
  auto flush = [&] {
    if (cur.size() >= 2) runs.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < s.size();) {
    if (!is_han(s[i])) {
      flush();
      ++i;
      continue;
    }
    bool stop = false;
    for (size_t len = 3; len >= 1 && !stop; --len) {
      if (i + len <= s.size() && stop_words().count(s.substr(i, len))) {
        flush();
        i += len;
        stop = true;
      }
    }
    if (!stop) cur.push_back(s[i++]);
  }
  flush();
  for (const auto& r : runs) {
    if (r.size() <= 6) {
      out.push_back(text::encode_utf8(r));
      continue;
    }
    for (size_t i = 0; i + 4 <= r.size(); i += 2) out.push_back(text::encode_utf8(r.substr(i, 4)));
    if (r.size() % 2 == 1) out.push_back(text::encode_utf8(r.substr(r.size() - 4)));
  }
}

void heading_titles(const std::vector<access::VisibleOutlineNode>& nodes, int depth, std::vector<std::string>& out) {
  for (const auto& n : nodes) {
    if (n.locked || out.size() >= 16) continue;
    out.push_back(n.title);
    if (depth < 2) heading_titles(n.children, depth + 1, out);
  }
}

// One request for counting and ranking only (no hit text), under the per-query budget.
Result<search::SearchResult> run(ApiState& s, const search::Query& parsed, const std::string& q, size_t limit,
                                 bool visible_only) {
  search::SearchRequest sr;
  sr.query = q;
  sr.limit = limit;
  sr.snippets = false;
  sr.matches = false;
  sr.visible_only = visible_only;
  if (s.config.limits.search_budget_ms > 0)
    sr.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(s.config.limits.search_budget_ms);
  return s.library.engine().search(parsed, sr);
}

Result<search::SearchResult> run(ApiState& s, const std::string& q, size_t limit, bool visible_only) {
  WENYUAN_ASSIGN_OR_RETURN(auto parsed, search::parse_query(q));
  return run(s, parsed, q, limit, visible_only);
}

std::string phrase_query(const std::string& t) { return "\"" + t + "\""; }

Response related(ApiState& s, Call& c) {
  auto limit = int_param(c.target.query, kRelated);
  if (!limit) return bad_request("limit must be 1..20");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  auto d = (*cat)->get(c.path_param("id"));
  if (!d) return from_status(d.status());
  const bool visible_only = !s.policy.may_read_paid(c.caller.tier);

  std::vector<std::string> phrases{d->title};
  heading_titles(s.policy.visible_outline(*d, c.caller.tier), 1, phrases);
  std::vector<std::string> cands;
  for (const auto& p : phrases) candidates_of(p, cands);
  std::vector<std::string> uniq;
  for (auto& t : cands)
    if (std::find(uniq.begin(), uniq.end(), t) == uniq.end() && uniq.size() < kMaxCandidates) uniq.push_back(t);

  // The rarest terms that some other document shares: df 1 is this document alone.
  std::vector<std::pair<uint64_t, std::string>> by_df;
  for (const auto& t : uniq) {
    auto r = run(s, phrase_query(t), 0, visible_only);
    if (!r) continue;
    if (r->total >= 2) by_df.emplace_back(r->total, t);
  }
  std::stable_sort(by_df.begin(), by_df.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string q;
  json terms = json::array();
  for (size_t i = 0; i < by_df.size() && i < kTermsUsed; ++i) {
    q += (q.empty() ? "" : " | ") + phrase_query(by_df[i].second);
    terms.push_back(by_df[i].second);
  }
  json out = json::array();
  if (!q.empty()) {
    auto r = run(s, q, 40, visible_only);
    if (!r) return from_status(r.status());
    // Same 文种 first among equals: a 通知 reader wants other 通知. Versions of
    // this document (the same title) are "other versions", not related.
    std::vector<std::pair<double, const search::Hit*>> ranked;
    for (const auto& h : r->hits) {
      if (h.id == d->id || h.title == d->title) continue;
      ranked.emplace_back(h.score * (!d->type.empty() && h.type == d->type ? 1.5 : 1.0), &h);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < ranked.size() && out.size() < static_cast<size_t>(*limit); ++i) {
      const auto& h = *ranked[i].second;
      auto other = (*cat)->get(h.id);
      out.push_back({{"id", h.id},
                     {"title", h.title},
                     {"year", library::year_json(h.year)},
                     {"source", h.source},
                     {"source_name", other ? json(other->source_name) : json(h.source)},
                     {"type", h.type},
                     {"access", other ? json(doc::to_string(other->access)) : json(nullptr)}});
    }
  }
  return json_response(http::status::ok, {{"id", d->id}, {"terms", terms}, {"related", out}});
}

// The search handler's filters, as filter nodes ANDed to the query.
Response query_facets(ApiState& s, Call& c) {
  const auto& qp = c.target.query;
  if (int wait = s.search_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  const std::string q = param(qp, "q");
  if (q.empty()) return bad_request("q is required");
  if (q.size() > s.config.limits.max_query_bytes) return bad_request("q is too long");
  auto parsed = search::parse_query(q);
  if (!parsed) return bad_request(parsed.status().message());
  const bool visible_only = !s.policy.may_read_paid(c.caller.tier);
  auto r = run(s, *parsed, q, kFacetHits, visible_only);
  if (!r) {
    if (r.status().code() == StatusCode::kInvalidArgument || r.status().code() == StatusCode::kTooLarge)
      return bad_request(r.status().message());
    return from_status(r.status());
  }
  std::map<std::string, int64_t> types, categories, sources;
  std::map<int, int64_t> years;
  for (const auto& h : r->hits) {
    if (!h.type.empty()) ++types[h.type];
    if (!h.category.empty()) ++categories[h.category];
    if (!h.source.empty()) ++sources[h.source];
    if (h.year) ++years[*h.year];
  }
  json year_counts = json::object();
  for (auto [y, n] : years) year_counts[std::to_string(y)] = n;
  return json_response(http::status::ok, {{"query", q},
                                          {"total", r->total},
                                          {"complete", r->total <= kFacetHits},
                                          {"type_counts", types},
                                          {"category_counts", categories},
                                          {"source_counts", sources},
                                          {"year_counts", year_counts}});
}

// Every field shown is public (docs/paywall.md): title, source, category,
// 文种 (from visible text), access, and the year as the caller may learn it.
Response browse(ApiState& s, Call& c) {
  auto page = int_param(c.target.query, kBrowsePage);
  auto size = int_param(c.target.query, kBrowseSize);
  if (!page || !size) return bad_request("page must be 1..100000 and size 1..100");
  const std::string type = param(c.target.query, "type"), category = param(c.target.query, "category");
  if (type.empty() && category.empty()) return bad_request("type or category is required");
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  store::ListFilter f;
  f.category = category;
  auto list = (*cat)->list(f);
  if (!list) return from_status(list.status());
  const bool member = s.policy.may_read_paid(c.caller.tier);
  // Newest first by the year the caller may learn: the catalog's date order
  // uses the full year, which for a paid document may come from paid text (the
  // paywall differential test caught that order). Then the record's date, public.
  auto year_of = [member](const store::DocumentSummary& d) {
    return (member ? d.year : d.public_year).value_or(std::numeric_limits<int>::min());
  };
  std::stable_sort(list->begin(), list->end(), [&](const auto& a, const auto& b) {
    if (year_of(a) != year_of(b)) return year_of(a) > year_of(b);
    return a.date > b.date;
  });
  const size_t from = static_cast<size_t>((*page - 1) * *size);
  uint64_t total = 0;
  json docs = json::array();
  for (const auto& d : *list) {
    if (!type.empty() && d.type != type) continue;
    if (total++ < from || docs.size() >= static_cast<size_t>(*size)) continue;
    docs.push_back({{"id", d.id},
                    {"title", d.title},
                    {"year", library::year_json(member ? d.year : d.public_year)},
                    {"source", d.source},
                    {"source_name", d.source_name},
                    {"type", d.type},
                    {"category", d.category},
                    {"access", doc::to_string(d.access)}});
  }
  return json_response(http::status::ok, {{"type", type}, {"category", category}, {"total", total}, {"page", *page},
                                          {"size", *size}, {"documents", docs}});
}

}  // namespace

std::vector<Route> browse_routes() {
  return {
      {.method = http::verb::get,
       .path = "/api/docs/{id}/related",
       .handler = related,
       .summary = "Related documents (相关文档): the rarest terms of the title and headings the caller sees, searched with OR",
       .description = "Terms: runs of the title and visible headings without the words every 公文 title has, the rarest "
                      "that another document shares (for non-members counted in visible text). Hits of the same 文种 "
                      "rank higher; the document itself and documents of the same title (its versions) are left out.",
       .parameters = {id_param(), ParamDoc::integer(kRelated)},
       .responses = {{200, "{id, terms, related:[{id,title,year,source,source_name,type,access}]}", "application/json", kAnyObject},
                     {404, "no such document"}}},
      {.method = http::verb::get,
       .path = "/api/search/facets",
       .handler = query_facets,
       .summary = "How many hits of a query each filter option leaves (type, category, source, year counts)",
       .description = "Counted over the first 5000 hits (complete: all of them); for non-members from visible text only.",
       .parameters = {{.name = "q", .required = true, .description = "query"}},
       .responses = {{200, "{query,total,complete,type_counts,category_counts,source_counts,year_counts}", "application/json", kAnyObject},
                     {400, "bad query"},
                     {429, "rate limited (Retry-After)"}}},
      {.method = http::verb::get,
       .path = "/api/browse",
       .handler = browse,
       .summary = "Documents of one 文种 and/or category (按文种浏览), newest first",
       .description = "Counts per 文种 and category are in /api/facets (type_counts, category_counts).",
       .parameters = {{.name = "type", .description = "文种, exactly"},
                      {.name = "category", .description = "category, exactly"},
                      ParamDoc::integer(kBrowsePage),
                      ParamDoc::integer(kBrowseSize)},
       .responses = {{200, "{type,category,total,page,size,documents:[{id,title,year,source,source_name,type,category,access}]}", "application/json", kAnyObject},
                     {400, "neither type nor category, or bad page/size"}}},
  };
}

}  // namespace wenyuan::server::routes
