// Routes of searching: GET /api/search (精准搜索, document or paragraph
// hits with snippets the caller may read) and GET /api/facets (the filters the
// search page offers).
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "wenyuan/library/json_view.h"
#include "wenyuan/search/collapse.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

using nlohmann::json;
using access::Tier;

namespace {

using Clock = std::chrono::steady_clock;

constexpr IntParam kPage{"page", 1, 1, 100000};
constexpr IntParam kSize{"size", 10, 1, 100};

// Folding of duplicate clusters (dedup's part; docs/check.md): collapse=false
// shows every document. Cluster membership is computed from visible text only
// (store/clusters.h), so what folding shows a non-member is public.
Result<search::FoldedResult> run_search(ApiState& s, bool collapse, const search::Query& full,
                                        const search::SearchRequest& sr, const search::ClusterOf& cluster_of) {
  if (!collapse) {
    auto r = s.library.engine().search(full, sr);
    if (!r) return r.status();
    search::FoldedResult f;
    f.result = std::move(*r);
    f.folded.resize(f.result.hits.size());
    f.shown_total = f.result.total;
    return f;
  }
  // 「共 N 篇」 and the pager must agree with what the pages hold: with
  // folding, that is the hits left of all `total` (FoldedResult::shown_total:
  // exact while every match fits the fold window, else unknown).
  return search::search_folded(s.library.engine(), full, sr, cluster_of);
}

Response search(ApiState& s, Call& c) {
  const auto& q = c.target.query;
  // Both buckets: accounts from one address share its bucket, and one account
  // from many addresses shares its own.
  if (int wait = s.search_limiter.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (c.caller.user) {
    if (int wait = s.search_limiter.acquire("user:" + c.caller.user->name); wait > 0) return rate_limited(wait);
  }

  std::string query = param(q, "q");
  if (query.empty()) return bad_request("q is required");
  if (query.size() > s.config.limits.max_query_bytes) {
    return bad_request("q is longer than " + std::to_string(s.config.limits.max_query_bytes) + " bytes");
  }
  auto page = int_param(q, kPage);
  auto size = int_param(q, kSize);
  if (!page || !size) return bad_request("page must be 1..100000 and size 1..100");
  const std::string sort = param(q, "sort");
  const std::string unit = param(q, "unit");
  if (!sort.empty() && sort != "relevance" && sort != "date") return bad_request("sort must be relevance or date");
  if (!unit.empty() && unit != "document" && unit != "paragraph") return bad_request("unit must be document or paragraph");
  if (const std::string fold = param(q, "collapse"); !fold.empty() && fold != "true" && fold != "false")
    return bad_request("collapse must be true or false");

  // The user's query is parsed on its own (so error columns are columns of `q`
  // and nothing in it can reach the filters); the filters are ANDed to its tree
  // as filter nodes of the query language.
  Result<search::Query> parsed = search::parse_query(query);
  if (!parsed) return bad_request(parsed.status().message());
  // 热门搜索 (suggest.cc): a well-formed query, counted per asker.
  if (*page == 1) s.note_query(query, c.caller.user ? "user:" + c.caller.user->name : "ip:" + c.ip);
  search::Query full = std::move(parsed.value());
  auto add_filter = [&](search::QueryNode node) {
    if (full.root.kind != search::QueryNode::Kind::kAnd) {
      search::QueryNode both;
      both.kind = search::QueryNode::Kind::kAnd;
      both.column = 1;
      both.children.push_back(std::move(full.root));
      full.root = std::move(both);
    }
    full.root.children.push_back(std::move(node));
  };
  if (const std::string year = param(q, "year"); !year.empty()) {
    search::QueryNode node;
    node.kind = search::QueryNode::Kind::kYear;
    if (!search::parse_year_range(year, true, node.year_from, node.year_to) || node.year_from > node.year_to) return bad_request("year must be Y or Y1..Y2 (1..9999)");
    add_filter(std::move(node));
  }
  for (auto [field, kind] : {std::pair{"source", search::QueryNode::Kind::kSource},
                             std::pair{"category", search::QueryNode::Kind::kCategory},
                             std::pair{"type", search::QueryNode::Kind::kType}}) {
    const std::string v = param(q, field);
    if (v.empty()) continue;
    search::QueryNode node;
    node.kind = kind;
    node.text = v;
    add_filter(std::move(node));
  }

  // The results cache (server/search_cache.h): first pages only, keyed by
  // the caller's tier and every parameter that shapes the answer, under the
  // index snapshot and catalog sequence the answer is made from. Looked up
  // after the rate limits and the 热门搜索 count, so a cached answer counts
  // as a search everywhere else.
  SearchCache::Generation gen;
  std::string cache_key;
  const bool cacheable = *page == 1 && s.search_cache.enabled();
  if (cacheable) {
    auto cat = s.catalogs.acquire();
    if (!cat) return from_status(cat.status());
    gen.snapshot = s.library.index().snapshot();
    gen.catalog_seq = (*cat)->last_seq();
    cache_key = std::to_string(static_cast<int>(c.caller.tier));
    for (const char* name : {"q", "size", "sort", "unit", "year", "source", "category", "type", "collapse"}) {
      const std::string v = param(q, name);
      cache_key += '\x1f';
      cache_key += v;
    }
    if (auto body = s.search_cache.get(gen, cache_key)) {
      return make_response(http::status::ok, *body, "application/json; charset=utf-8");
    }
  }

  search::SearchRequest sr;
  sr.query = query;
  sr.limit = static_cast<size_t>(*size);
  sr.offset = static_cast<size_t>((*page - 1) * *size);
  sr.sort = sort == "date" ? search::SearchRequest::Sort::kDate : search::SearchRequest::Sort::kRelevance;
  sr.unit = unit == "paragraph" ? search::SearchRequest::Unit::kParagraph : search::SearchRequest::Unit::kDocument;
  sr.snippets = true;
  sr.matches = false;
  sr.visible_only = !s.policy.may_read_paid(c.caller.tier);

  const auto t0 = Clock::now();
  const int budget_ms = s.config.limits.search_budget_ms;
  if (budget_ms > 0) sr.deadline = t0 + std::chrono::milliseconds(budget_ms);
  // No lock: the engine searches a snapshot and never waits for a commit.
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  // Unreadable: nothing is folded (the answer is still right, only longer).
  Result<std::shared_ptr<const ClusterMap::Map>> clusters = s.clusters.get(**cat);
  auto cluster_of = [&](const std::string& id) -> std::optional<uint64_t> {
    if (!clusters) return std::nullopt;
    auto it = (*clusters)->find(id);
    return it != (*clusters)->end() ? std::optional<uint64_t>(it->second) : std::nullopt;
  };
  const bool collapse = param(q, "collapse") != "false";
  Result<search::FoldedResult> folded = run_search(s, collapse, full, sr, cluster_of);
  Result<search::SearchResult> r = folded ? Result<search::SearchResult>(folded->result) : folded.status();
  s.metrics.observe_search(std::chrono::duration<double>(Clock::now() - t0).count());
  if (!r && budget_ms > 0 && Clock::now() > sr.deadline) {
    return error(http::status::bad_request, "query_too_costly",
                 "查询太耗时（超过 " + std::to_string(budget_ms) +
                     " ms 的计算预算）：请减少 OR 的词、加上筛选或按文档检索。query exceeded its " +
                     std::to_string(budget_ms) + " ms budget");
  }
  if (!r) {
    if (r.status().code() == StatusCode::kInvalidArgument || r.status().code() == StatusCode::kTooLarge) {
      return bad_request(r.status().message());
    }
    return from_status(r.status());
  }

  const std::optional<uint64_t> shown = folded->shown_total;
  // Read after the search: as new as the snapshot the hits come from. Unreadable:
  // each hit's row is read instead (the answer is the same, only slower).
  Result<std::shared_ptr<const AccessMap::Map>> access = s.access.get(**cat);
  json hits = json::array();
  for (size_t hi = 0; hi < r->hits.size(); ++hi) {
    const auto& h = r->hits[hi];
    json snippets = json::array();
    // Access, regions and text judge the snippets; those of a document that
    // hides text from the caller are checked against the text
    // (Policy::redact_snippet), read as far as the last one reaches.
    uint32_t text_up_to = 0;
    for (const auto& snip : h.snippets) text_up_to = std::max(text_up_to, snip.end);
    auto hides = [&](const doc::Document& row) { return s.policy.hides_text(row, c.caller.tier); };
    Result<doc::Document> d = Status::not_found(h.id);
    if (access) {
      if (auto it = (*access)->find(h.id); it != (*access)->end()) d = it->second.document(h.id);
    }
    // Not in the map, or hiding text the snippets must be compared with: the row itself.
    if (!d || (text_up_to > 0 && hides(*d))) d = (*cat)->get_for_snippets(h.id, text_up_to, hides);
    for (const auto& snip : h.snippets) {
      // A hit whose document vanished since the search cannot be judged: withhold.
      access::SnippetView v;
      v.locked = true;
      if (d) v = s.policy.redact_snippet(*d, c.caller.tier, snip.text, snip.start, snip.end, snip.highlights);
      snippets.push_back(v.locked ? library::locked_snippet_json()
                                  : library::snippet_json(v.text, v.start, v.end, v.highlights));
    }
    // access: public, the 免费/会员 badge; type (文种, in the hit): public, from visible text.
    hits.push_back(library::search_hit_json(h, d ? std::optional<std::string_view>(doc::to_string(d->access)) : std::nullopt,
                                            std::move(snippets), folded->folded[hi]));
  }
  Response res = json_response(http::status::ok, library::search_result_json(query, r->total, *page, *size, r->took_us,
                                                                             std::move(hits), collapse, shown));
  if (cacheable) s.search_cache.put(gen, cache_key, std::make_shared<const std::string>(res.body()));
  return res;
}

size_t count_terms(const search::QueryNode& n) {
  size_t terms = n.kind == search::QueryNode::Kind::kTerm ? 1 : 0;
  for (const auto& c : n.children) terms += count_terms(c);
  return terms;
}

Response facets(ApiState& s, Call& c) {
  auto cat = s.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  const uint64_t seq = (*cat)->last_seq();
  std::lock_guard lock(s.facets.mu);
  if (s.facets.seq != seq) {
    auto stats = (*cat)->stats();
    if (!stats) return from_status(stats.status());
    auto all = (*cat)->list({});
    if (!all) return from_status(all.status());
    json sources = json::array();
    json source_counts = json::object();  // documents per source: the counts beside the filter's options
    for (const auto& [source, n] : stats->by_source) {
      if (!source.empty()) sources.push_back(source);
      if (!source.empty()) source_counts[source] = n;
    }
    std::set<std::string> categories;
    std::map<std::string, int64_t> category_counts;
    // 文种 is public: doc::prepare takes a paid document's type from its visible text.
    std::map<std::string, int64_t> type_counts;
    for (const auto& d : *all) {
      if (!d.category.empty()) categories.insert(d.category);
      if (!d.category.empty()) ++category_counts[d.category];
      if (!d.type.empty()) ++type_counts[d.type];
    }
    json years = json::array();
    if (!stats->by_year.empty()) years = {stats->by_year.front().first, stats->by_year.back().first};
    std::optional<int> lo, hi;
    for (const auto& d : *all) {
      if (!d.public_year) continue;
      lo = std::min(lo.value_or(*d.public_year), *d.public_year);
      hi = std::max(hi.value_or(*d.public_year), *d.public_year);
    }
    json public_years = lo ? json{*lo, *hi} : json::array();
    s.facets.value = {{"sources", sources},
                      {"categories", json(std::vector<std::string>(categories.begin(), categories.end()))},
                      {"years", years},
                      {"source_counts", source_counts},
                      {"category_counts", category_counts},
                      {"type_counts", type_counts},
                      {"documents", stats->documents}};
    s.facets.public_value = s.facets.value;
    s.facets.public_value["years"] = public_years;
    s.facets.seq = seq;
  }
  return json_response(http::status::ok,
                       s.policy.may_read_paid(c.caller.tier) ? s.facets.value : s.facets.public_value);
}

}  // namespace

size_t search_terms(std::string_view target) {
  if (target.rfind("/api/search", 0) != 0) return 0;
  auto t = parse_target(target);
  if (!t || (t->path != "/api/search" && t->path != "/api/search/facets")) return 0;
  auto parsed = search::parse_query(param(t->query, "q"));
  return parsed ? count_terms(parsed->root) : 0;
}

std::vector<Route> search_routes() {
  return {
      {.method = http::verb::get,
       .path = "/api/search",
       .handler = search,
       .summary = "Precise search (精准搜索)",
       .parameters = {{.name = "q", .required = true, .description = "query"},
                      ParamDoc::integer(kPage),
                      ParamDoc::integer(kSize),
                      {.name = "sort", .values = {"relevance", "date"}},
                      {.name = "year", .description = "2023 or 2019..2023"},
                      {.name = "source"},
                      {.name = "category"},
                      {.name = "type", .description = "文种, exactly (as type: in q)"},
                      {.name = "unit", .values = {"document", "paragraph"}},
                      {.name = "collapse",
                       .description = "fold duplicate clusters into one hit (default true); total still counts every document",
                       .values = {"true", "false"}}},
       .responses = {{200, "hits; snippets in regions the caller may not read are locked", "application/json", "SearchResult"},
                     {400, "bad query, or one over its cost budget (error code query_too_costly)"},
                     {429, "rate limited (Retry-After)"}}},
      {.method = http::verb::get,
       .path = "/api/facets",
       .handler = facets,
       .summary = "Sources, categories, year range, document count",
       .responses = {{200, "facets", "application/json", kAnyObject}}},
  };
}

}  // namespace wenyuan::server::routes
