#include "wenyuan/server/api.h"

#include <spdlog/spdlog.h>

#include <sodium.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <mutex>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "wenyuan/doc/export.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_suggest.h"
#include "wenyuan/server/atom_feed.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/server/intake_view.h"
#include "wenyuan/server/multipart.h"
#include "wenyuan/server/openapi.h"
#include "wenyuan/server/whats_new.h"
#include "wenyuan/text/utf8.h"
#include "wenyuan/watch/watch_state.h"

namespace wenyuan::server {

using nlohmann::json;
using access::Tier;

namespace {

using Clock = std::chrono::steady_clock;

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Document ids are [A-Za-z0-9._-]{1,128} (doc/prepare.h); anything else is
// refused before it reaches the catalog, "." and ".." included.
bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  for (unsigned char c : id) {
    if (!(std::isalnum(c) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

// Parses an integer query parameter within [lo, hi]; `def` when absent.
std::optional<int64_t> int_param(const std::map<std::string, std::string>& q, const std::string& name, int64_t def,
                                 int64_t lo, int64_t hi) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return def;
  int64_t v = 0;
  const std::string& s = it->second;
  if (s.size() > 12) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

std::string param(const std::map<std::string, std::string>& q, const std::string& name) {
  auto it = q.find(name);
  return it == q.end() ? std::string() : it->second;
}

json year_json(const std::optional<int>& y) { return y ? json(*y) : json(nullptr); }

// `extent`: whether the reader may learn where locked parts end.
json outline_json(const std::vector<access::VisibleOutlineNode>& nodes, bool extent) {
  json out = json::array();
  for (const auto& n : nodes) {
    if (n.locked) {
      json e = {{"locked", true}, {"title", n.title}, {"start", n.start}, {"end", extent ? json(n.end) : json(nullptr)}};
      if (n.kind == "locked_heading") {
        e["kind"] = n.kind;
        e["level"] = n.level;
        e["marker"] = n.marker;
      }
      out.push_back(std::move(e));
      continue;
    }
    out.push_back({{"level", n.level},
                   {"kind", n.kind},
                   {"marker", n.marker},
                   {"title", n.title},
                   {"start", n.start},
                   {"end", n.end},
                   {"children", outline_json(n.children, extent)}});
  }
  return out;
}

// The year of a listing row as `t` may learn it (docs/paywall.md); every
// listing a non-member sees (/api/new, the feed) goes through here.
std::optional<int> summary_year(const store::DocumentSummary& d, Tier t, const access::Policy& p) {
  return p.may_read_paid(t) ? d.year : d.public_year;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

struct Api::FacetCache {
  std::mutex mu;
  uint64_t seq = UINT64_MAX;
  json value;         // for members
  json public_value;  // for non-members: years from public years (docs/paywall.md)
};

Api::Api(library::Library& library, access::Accounts& accounts, const ServerConfig& config)
    : library_(library),
      accounts_(accounts),
      config_(config),
      policy_(config.policy),
      login_limiter_(config.login_rate),
      register_limiter_(config.register_rate),
      search_limiter_(config.search_rate),
      download_limiter_(config.download_rate),
      login_throttle_(config.login_delay),
      catalogs_(library.data_dir() / "catalog.db"),
      facets_(std::make_unique<FacetCache>()),
      suggestions_(std::make_unique<Suggestions>()) {
  if (config_.web_dir.empty()) config_.web_dir = default_web_dir();
  if (config_.behind_tls()) config_.secure_cookies = true;
}

Api::~Api() = default;

Response Api::handle(const Request& req, const std::string& remote_ip) {
  const auto started = Clock::now();
  std::string route = "other";
  Response res;
  try {
    auto target = parse_target(sv(req.target()));
    if (!target) {
      route = "malformed";
      res = bad_request("the request target is not valid percent-encoded UTF-8");
    } else {
      Call c{req, client_ip(req, remote_ip), std::move(*target), identify(req), started};
      res = dispatch(c, route);
    }
  } catch (const std::exception& e) {
    res = error(http::status::internal_server_error, "internal", e.what());
  }
  res.version(req.version());
  if (config_.behind_tls()) res.set(http::field::strict_transport_security, "max-age=31536000");
  const double secs = std::chrono::duration<double>(Clock::now() - started).count();
  metrics_.observe_request(route, static_cast<int>(res.result_int()), secs);
  return res;
}

Response Api::handle_metrics_only(const Request& req) {
  const std::string_view target = sv(req.target());
  Response res;
  if (target.substr(0, target.find('?')) != "/metrics") {
    res = not_found("this listener serves /metrics only");
  } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res = error(http::status::method_not_allowed, "bad_request", "method not allowed for this route");
  } else {
    Request copy;
    Call c{copy, std::string(), Target{"/metrics", {}}, Caller{}, Clock::now()};
    res = metrics_text(c);
  }
  res.version(req.version());
  return res;
}

Response Api::dispatch(Call& c, std::string& route) {
  const std::string& path = c.target.path;
  const http::verb m = c.req.method();
  const bool get = m == http::verb::get || m == http::verb::head;
  const bool post = m == http::verb::post;
  auto method_not_allowed = [] {
    return error(http::status::method_not_allowed, "bad_request", "method not allowed for this route");
  };

  // Every state-changing request must come from this site's own pages (or
  // from no browser at all: scripts send neither Origin nor Sec-Fetch-Site).
  if (!get && m != http::verb::options) {
    if (auto refused = refuse_cross_site(c.req)) {
      route = "cross_site";
      return std::move(*refused);
    }
  }
  // CSRF: a state-changing request carried by the session cookie must echo the
  // session's CSRF token; API tokens are not sent by browsers on their own.
  if ((post || m == http::verb::patch || m == http::verb::delete_) && c.caller.by_cookie) {
    const std::string sent(c.req["X-CSRF-Token"]);
    if (!constant_time_equal(sent, c.caller.csrf)) {
      route = "csrf";
      return error(http::status::forbidden, "forbidden", "missing or wrong X-CSRF-Token");
    }
  }

  if (path.rfind("/api/", 0) == 0 || path == "/healthz" || path == "/metrics" || path == "/feed.atom") {
    // Read-only routes: GET (or HEAD) and one handler each.
    using Handler = Response (*)(Api&, Call&);
    static constexpr std::pair<std::string_view, Handler> kGetRoutes[] = {
        {"/healthz", [](Api&, Call&) { return make_response(http::status::ok, "ok", "text/plain; charset=utf-8"); }},
        {"/metrics",
         [](Api& a, Call& call) {
           // Public counters tell an attacker what works; admins only here, or
           // a listener of its own (metrics_listen) that serves nothing else.
           if (!a.config_.metrics_listen.empty()) return not_found("/metrics is served on its own listener");
           if (!call.caller.user) return error(http::status::unauthorized, "unauthorized", "log in as an administrator");
           if (call.caller.tier != Tier::kAdmin) return error(http::status::forbidden, "forbidden", "administrators only");
           return a.metrics_text(call);
         }},
        {"/feed.atom", [](Api& a, Call& call) { return a.feed(call); }},
        {"/api/openapi.json",
         [](Api&, Call&) {
           return make_response(http::status::ok, std::string(openapi_json()), "application/json; charset=utf-8");
         }},
        {"/api/search", [](Api& a, Call& call) { return a.search(call); }},
        {"/api/facets", [](Api& a, Call& call) { return a.facets(call); }},
        {"/api/new", [](Api& a, Call& call) { return a.new_documents(call); }},
        {"/api/me", [](Api& a, Call& call) { return a.me(call); }},
        {"/api/suggest", [](Api& a, Call& call) { return a.suggest(call); }},
    };
    for (const auto& [p, handler] : kGetRoutes) {
      if (path != p) continue;
      route = path;
      if (!get) return method_not_allowed();
      return handler(*this, c);
    }
    if (path == "/api/download") {
      route = path;
      if (!post) return method_not_allowed();
      return download_zip(c);
    }
    if (path == "/api/me/sessions") {
      route = path;
      if (!get) return method_not_allowed();
      return sessions(c);
    }
    if (path == "/api/me/password" || path == "/api/me/sessions/revoke-others") {
      route = path;
      if (!post) return method_not_allowed();
      return path == "/api/me/password" ? change_password(c) : revoke_other_sessions(c);
    }
    if (path == "/api/auth/register" || path == "/api/auth/login" || path == "/api/auth/logout") {
      route = path;
      if (!post) return method_not_allowed();
      if (path == "/api/auth/register") return register_user(c);
      if (path == "/api/auth/login") return login(c);
      return logout(c);
    }
    if (path.rfind("/api/docs/", 0) == 0) {
      std::string rest = path.substr(10);
      const bool is_download = rest.size() > 9 && rest.compare(rest.size() - 9, 9, "/download") == 0;
      if (is_download) rest.resize(rest.size() - 9);
      route = is_download ? "/api/docs/{id}/download" : "/api/docs/{id}";
      // POST: the web UI's download button (cookie + CSRF token), the only way
      // a browser session spends a download.
      if (!get && !(is_download && post)) return method_not_allowed();
      if (!valid_id(rest)) return bad_request("invalid document id");
      return is_download ? download(c, rest) : document(c, rest);
    }
    if (path.rfind("/api/admin/", 0) == 0) {
      if (!c.caller.user) {
        route = "/api/admin";
        return error(http::status::unauthorized, "unauthorized", "log in as an administrator");
      }
      if (c.caller.tier != Tier::kAdmin) {
        route = "/api/admin";
        return error(http::status::forbidden, "forbidden", "administrators only");
      }
      if (path == "/api/admin/documents") {
        route = path;
        if (post) return admin_upload(c);
        if (get) return admin_documents(c);
        return method_not_allowed();
      }
      if (path.rfind("/api/admin/documents/", 0) == 0) {
        route = "/api/admin/documents/{id}";
        if (m != http::verb::delete_) return method_not_allowed();
        const std::string id = path.substr(21);
        if (!valid_id(id)) return bad_request("invalid document id");
        return admin_delete(c, id);
      }
      if (path == "/api/admin/rejected") {
        route = path;
        if (!get) return method_not_allowed();
        return admin_rejected(c);
      }
      if (path == "/api/admin/users") {
        route = path;
        if (get) return admin_users(c);
        if (m == http::verb::patch) return admin_patch_user(c);
        return method_not_allowed();
      }
      if (path == "/api/admin/invites") {
        route = path;
        if (!post) return method_not_allowed();
        return admin_invites(c);
      }
      if (path == "/api/admin/intake") {
        route = path;
        if (!get) return method_not_allowed();
        return admin_intake(c);
      }
    }
    if (path == "/api/me/favorites" || path == "/api/me/history" || path == "/api/me/downloads" ||
        path.rfind("/api/me/basket", 0) == 0) {
      route = path.rfind("/api/me/basket/", 0) == 0 && path != "/api/me/basket/order" && path != "/api/me/basket/export"
                  ? "/api/me/basket/{item}"
                  : path;
      return me_data(c);
    }
    route = "/api/unknown";
    return not_found("no such route: " + path);
  }
  route = "static";
  if (!get) return method_not_allowed();
  return static_file(c, path);
}

// ---- search --------------------------------------------------------------

namespace {
// "2023" or "2019..2023" (either end may be left out) -> [from, to] within 1..9999.
bool parse_year_range(const std::string& s, int& from, int& to) {
  auto number = [](std::string_view d, int fallback, int& out) {
    if (d.empty()) { out = fallback; return true; }
    if (d.size() > 4 || d.find_first_not_of("0123456789") != std::string_view::npos) return false;
    out = std::stoi(std::string(d));
    return out >= 1;
  };
  const std::string_view v(s);
  const size_t dots = v.find("..");
  if (dots == std::string_view::npos) return !v.empty() && number(v, 0, from) && number(v, 0, to);
  return number(v.substr(0, dots), 1, from) && number(v.substr(dots + 2), 9999, to) && from <= to;
}
}  // namespace

Response Api::search(Call& c) {
  const auto& q = c.target.query;
  // Both buckets: accounts from one address share its bucket, and one account
  // from many addresses shares its own.
  if (int wait = search_limiter_.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (c.caller.user) {
    if (int wait = search_limiter_.acquire("user:" + c.caller.user->name); wait > 0) return rate_limited(wait);
  }

  std::string query = param(q, "q");
  if (query.empty()) return bad_request("q is required");
  if (query.size() > config_.limits.max_query_bytes) {
    return bad_request("q is longer than " + std::to_string(config_.limits.max_query_bytes) + " bytes");
  }
  auto page = int_param(q, "page", 1, 1, 100000);
  auto size = int_param(q, "size", 10, 1, 100);
  if (!page || !size) return bad_request("page must be 1..100000 and size 1..100");
  const std::string sort = param(q, "sort");
  const std::string unit = param(q, "unit");
  if (!sort.empty() && sort != "relevance" && sort != "date") return bad_request("sort must be relevance or date");
  if (!unit.empty() && unit != "document" && unit != "paragraph") return bad_request("unit must be document or paragraph");

  // The user's query is parsed on its own (so error columns are columns of `q`
  // and nothing in it can reach the filters); the filters are ANDed to its tree
  // as filter nodes of the query language.
  Result<search::Query> parsed = search::parse_query(query);
  if (!parsed) return bad_request(parsed.status().message());
  if (*page == 1) note_query(query);  // 热门搜索 (api_suggest.cc): a well-formed query, once per search
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
    if (!parse_year_range(year, node.year_from, node.year_to)) return bad_request("year must be Y or Y1..Y2 (1..9999)");
    add_filter(std::move(node));
  }
  for (auto [field, kind] : {std::pair{"source", search::QueryNode::Kind::kSource},
                             std::pair{"category", search::QueryNode::Kind::kCategory}}) {
    const std::string v = param(q, field);
    if (v.empty()) continue;
    search::QueryNode node;
    node.kind = kind;
    node.text = v;
    add_filter(std::move(node));
  }

  search::SearchRequest sr;
  sr.query = query;
  sr.limit = static_cast<size_t>(*size);
  sr.offset = static_cast<size_t>((*page - 1) * *size);
  sr.sort = sort == "date" ? search::SearchRequest::Sort::kDate : search::SearchRequest::Sort::kRelevance;
  sr.unit = unit == "paragraph" ? search::SearchRequest::Unit::kParagraph : search::SearchRequest::Unit::kDocument;
  sr.snippets = true;
  sr.matches = false;
  sr.visible_only = !policy_.may_read_paid(c.caller.tier);

  const auto t0 = Clock::now();
  // No lock: the engine searches a snapshot and never waits for a commit.
  Result<search::SearchResult> r = library_.engine().search(full, sr);
  metrics_.observe_search(std::chrono::duration<double>(Clock::now() - t0).count());
  if (!r) {
    if (r.status().code() == StatusCode::kInvalidArgument || r.status().code() == StatusCode::kTooLarge) {
      return bad_request(r.status().message());
    }
    return from_status(r.status());
  }

  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  json hits = json::array();
  for (const auto& h : r->hits) {
    json snippets = json::array();
    auto d = (*cat)->get(h.id);
    for (const auto& s : h.snippets) {
      // A hit whose document vanished since the search cannot be judged: withhold.
      access::SnippetView v;
      v.locked = true;
      if (d) v = policy_.redact_snippet(*d, c.caller.tier, s.text, s.start, s.end, s.highlights);
      if (v.locked) {
        snippets.push_back({{"text", ""}, {"highlights", json::array()}, {"locked", true}});
        continue;
      }
      json hl = json::array();
      for (const auto& [a, b] : v.highlights) hl.push_back({a, b});
      snippets.push_back(
          {{"text", v.text}, {"start", v.start}, {"end", v.end}, {"highlights", hl}, {"locked", false}});
    }
    json hit = {{"id", h.id},
                {"title", h.title},
                {"year", year_json(h.year)},
                {"source", h.source},
                {"category", h.category},
                {"access", d ? json(doc::to_string(d->access)) : json(nullptr)},  // public: the badge
                {"score", h.score},
                {"snippets", snippets}};
    if (h.paragraph) hit["paragraph"] = {{"start", h.paragraph->start}, {"end", h.paragraph->end}};
    hits.push_back(std::move(hit));
  }
  return json_response(http::status::ok, {{"query", query},
                                          {"total", r->total},
                                          {"page", *page},
                                          {"size", *size},
                                          {"took_us", r->took_us},
                                          {"hits", hits}});
}

Response Api::facets(Call& c) {
  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  const uint64_t seq = (*cat)->last_seq();
  std::lock_guard lock(facets_->mu);
  if (facets_->seq != seq) {
    auto stats = (*cat)->stats();
    if (!stats) return from_status(stats.status());
    auto all = (*cat)->list({});
    if (!all) return from_status(all.status());
    json sources = json::array();
    json source_counts = json::object();  // documents per source: counts beside the filter's options
    for (const auto& [s, n] : stats->by_source) {
      if (!s.empty()) sources.push_back(s);
      if (!s.empty()) source_counts[s] = n;
    }
    std::set<std::string> categories;
    std::map<std::string, int64_t> category_counts;
    for (const auto& d : *all) {
      if (!d.category.empty()) categories.insert(d.category);
      if (!d.category.empty()) ++category_counts[d.category];
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
    facets_->value = {{"sources", sources},
                      {"categories", json(std::vector<std::string>(categories.begin(), categories.end()))},
                      {"years", years},
                      {"source_counts", source_counts},
                      {"category_counts", category_counts},
                      {"documents", stats->documents}};
    facets_->public_value = facets_->value;
    facets_->public_value["years"] = public_years;
    facets_->seq = seq;
  }
  return json_response(http::status::ok,
                       policy_.may_read_paid(c.caller.tier) ? facets_->value : facets_->public_value);
}

// ---- documents -------------------------------------------------------------

Response Api::document(Call& c, const std::string& id) {
  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  auto d = (*cat)->get(id);
  if (!d) return from_status(d.status());
  const Tier tier = c.caller.tier;
  // A non-member learns where a locked part starts, never how long it is.
  const bool extent = policy_.discloses_paid_extent(tier);

  json blocks = json::array();
  for (const auto& b : policy_.visible_blocks(*d, tier)) {
    if (b.kind == access::Block::Kind::kLocked) {
      blocks.push_back({{"kind", "locked"},
                        {"start", b.start},
                        {"end", extent ? json(b.end) : json(nullptr)},
                        {"characters", extent ? json(b.characters) : json(nullptr)}});
    } else {
      blocks.push_back({{"kind", "paragraph"},
                        {"start", b.start},
                        {"end", b.end},
                        {"text", b.text},
                        {"heading_level", b.heading_level}});
    }
  }
  json regions = json::array();
  for (const auto& r : policy_.regions(*d, tier)) {
    regions.push_back({{"kind", doc::to_string(r.region.kind)},
                       {"start", r.region.start},
                       {"end", r.locked && !extent ? json(nullptr) : json(r.region.end)},
                       {"locked", r.locked}});
  }
  const auto& rules = policy_.rules(tier);
  json per_day = rules.downloads_per_day ? json(*rules.downloads_per_day) : json(nullptr);
  json left = per_day;
  uint32_t left_n = UINT32_MAX;
  if (rules.downloads_per_day && c.caller.user) {
    auto used = accounts_.downloads_used(c.caller.user->id, access::Accounts::today());
    left_n = *rules.downloads_per_day - std::min(*rules.downloads_per_day, used ? *used : 0u);
    left = left_n;
  } else if (rules.downloads_per_day) {
    left_n = *rules.downloads_per_day;
  }
  const bool locked = policy_.is_locked(*d, tier);
  const bool full = !locked && (!policy_.is_full_paid_download(*d, tier) || left_n > 0);
  json j = {{"id", d->id},
            {"title", d->title},
            {"year", year_json(policy_.year(*d, tier))},
            {"date", d->date},
            {"source", d->source},
            {"category", d->category},
            {"issuer", policy_.issuer(*d, tier)},
            {"access", doc::to_string(d->access)},
            {"characters", locked && !extent ? json(nullptr) : json(d->text_chars)},
            {"imported_at", d->imported_at},
            {"locked", locked},
            {"outline", outline_json(policy_.visible_outline(*d, tier), extent)},
            {"blocks", blocks},
            {"regions", regions},
            {"downloads", {{"left", left}, {"per_day", per_day}, {"full", full}}}};
  note_view(c, d->id);  // 浏览历史 of a logged-in reader (api_me.cc)
  return json_response(http::status::ok, j);
}

namespace {

struct Rendered {
  std::string bytes;
  std::string extension;
  std::string content_type;
};

Result<Rendered> render(const doc::Document& view, const std::string& format) {
  if (format == "txt") {
    return Rendered{doc::export_txt(view.title, view.text), "txt", "text/plain; charset=utf-8"};
  }
  auto docx = doc::export_docx(view.title, doc::export_blocks(view));
  if (!docx) return docx.status();
  return Rendered{std::move(docx.value()), "docx",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
}

}  // namespace

Response Api::download(Call& c, const std::string& id) {
  if (int wait = download_limiter_.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (c.caller.user) {
    if (int wait = download_limiter_.acquire("user:" + c.caller.user->name); wait > 0) return rate_limited(wait);
  }
  std::string format = param(c.target.query, "format");
  if (format.empty()) format = "docx";
  if (format != "docx" && format != "txt") return bad_request("format must be docx or txt");
  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  auto d = (*cat)->get(id);
  if (!d) return from_status(d.status());
  const Tier tier = c.caller.tier;
  const bool head = c.req.method() == http::verb::head;
  if (policy_.is_full_paid_download(*d, tier)) {
    const auto& limit = policy_.rules(tier).downloads_per_day;
    if (limit) {
      if (!c.caller.user) return error(http::status::unauthorized, "unauthorized", "log in to download");
      // A GET carried by the cookie may come from another site's link or
      // <img>: it never spends. The page's button posts with the CSRF token;
      // scripts use Authorization: Bearer, which no other site can send.
      if (c.caller.by_cookie && c.req.method() != http::verb::post) {
        return error(http::status::forbidden, "forbidden",
                     "全文下载请使用页面上的下载按钮（POST 并附 X-CSRF-Token），或使用 API 令牌");
      }
      auto quota_gone = [&] {
        return error(http::status::too_many_requests, "quota_exceeded",
                     "today's " + std::to_string(*limit) + " full downloads are used up");
      };
      if (head) {
        // HEAD learns whether a GET would succeed, and spends nothing.
        auto used = accounts_.downloads_used(c.caller.user->id, access::Accounts::today());
        if (!used) return from_status(used.status());
        if (*used >= *limit) return quota_gone();
      } else {
        auto spent = accounts_.spend_download(c.caller.user->id, access::Accounts::today(), *limit);
        if (!spent) return from_status(spent.status());
        if (!*spent) return quota_gone();
      }
    }
  }
  auto r = render(policy_.download_document(*d, tier), format);
  if (!r) return from_status(r.status());
  if (!head) note_download(c, d->id, format);  // 下载记录 (api_me.cc)
  auto res = make_response(http::status::ok, std::move(r->bytes), r->content_type);
  res.set(http::field::content_disposition, content_disposition(safe_filename(d->title) + "." + r->extension));
  return res;
}

Response Api::download_zip(Call& c) {
  if (int wait = download_limiter_.acquire("ip:" + c.ip); wait > 0) return rate_limited(wait);
  if (c.caller.user) {
    if (int wait = download_limiter_.acquire("user:" + c.caller.user->name); wait > 0) return rate_limited(wait);
  }
  json body = json::parse(c.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("ids") || !body["ids"].is_array()) {
    return bad_request("expected {\"ids\":[…],\"format\":\"docx\"|\"txt\"}");
  }
  std::string format = body.value("format", std::string("docx"));
  if (!body.contains("format")) format = "docx";
  if (format != "docx" && format != "txt") return bad_request("format must be docx or txt");
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& v : body["ids"]) {
    if (!v.is_string() || !valid_id(v.get<std::string>())) return bad_request("ids must be document ids");
    if (seen.insert(v.get<std::string>()).second) ids.push_back(v.get<std::string>());
  }
  if (ids.empty()) return bad_request("ids is empty");
  if (ids.size() > config_.limits.max_zip_documents) {
    return bad_request("at most " + std::to_string(config_.limits.max_zip_documents) + " documents per zip");
  }
  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  std::vector<doc::Document> docs;
  for (const auto& id : ids) {
    auto d = (*cat)->get(id);
    if (!d) return from_status(d.status());
    docs.push_back(std::move(d.value()));
  }
  const Tier tier = c.caller.tier;
  const auto& limit = policy_.rules(tier).downloads_per_day;
  std::vector<doc::ZipEntry> entries;
  std::set<std::string> names;
  for (const auto& d : docs) {
    bool full_allowed = true;
    if (policy_.is_full_paid_download(d, tier) && limit) {
      // Out of quota: this document comes as its preview, like for a non-member.
      full_allowed = false;
      if (c.caller.user) {
        auto spent = accounts_.spend_download(c.caller.user->id, access::Accounts::today(), *limit);
        if (!spent) return from_status(spent.status());
        full_allowed = *spent;
      }
    }
    auto r = render(policy_.download_document(d, tier, full_allowed), format);
    if (!r) return from_status(r.status());
    std::string name = safe_filename(d.title);
    if (!names.insert(name).second) name += "-" + d.id;
    names.insert(name);
    entries.push_back({name + "." + r->extension, std::move(r->bytes)});
  }
  auto zip = doc::write_zip(entries);
  if (!zip) return from_status(zip.status());
  auto res = make_response(http::status::ok, std::move(zip.value()), "application/zip");
  res.set(http::field::content_disposition, content_disposition("wenyuan-" + std::to_string(docs.size()) + ".zip"));
  return res;
}

Result<store::IntakeLog*> Api::intake() {
  std::lock_guard lock(intake_mu_);
  if (!intake_) {
    auto cat = catalogs_.acquire();
    if (!cat) return cat.status();
    // Seeded from the catalog when the file is new (a library imported before
    // the log existed), so its documents are not all taken for new later.
    auto log = store::IntakeLog::open(library_.data_dir() / "intake.db", &**cat);
    if (!log) return log.status();
    intake_ = std::move(log.value());
  }
  return intake_.get();
}

Response Api::new_documents(Call& c) {
  auto days = int_param(c.target.query, "days", 7, 1, 36500);
  auto limit = int_param(c.target.query, "limit", 50, 1, 500);
  if (!days || !limit) return bad_request("days must be 1..36500 and limit 1..500");
  const std::string category = param(c.target.query, "category");
  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  auto log = intake();
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
                    {"year", year_json(summary_year(d, c.caller.tier, policy_))},
                    {"source", d.source},
                    {"imported_at", d.imported_at}};
    auto it = seen->find(d.id);
    items.push_back({std::move(summary), d.category, d.imported_at,
                     is_update(d.imported_at, it == seen->end() ? nullptr : &it->second)});
  }
  return json_response(http::status::ok, whats_new_json(items, query));
}

Response Api::feed(Call& c) {
  const std::string category = param(c.target.query, "category");
  auto cat = catalogs_.acquire();
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
  for (const auto& s : *list) {
    auto d = (*cat)->get(s.id);
    if (!d) continue;  // deleted since the listing
    // A feed is public (aggregators cache it): the summary is what an
    // anonymous reader may see, whoever fetched it.
    entries.push_back({d->id, d->title, d->category, policy_.summary(*d, Tier::kAnonymous, 200), d->imported_at});
  }
  return make_response(http::status::ok, render_atom(head, entries), "application/atom+xml; charset=utf-8");
}

// ---- admin -----------------------------------------------------------------

Response Api::admin_upload(Call& c) {
  auto boundary = multipart_boundary(sv(c.req[http::field::content_type]));
  if (!boundary) return bad_request(boundary.status().message());
  auto parts = parse_multipart(c.req.body(), *boundary);
  if (!parts) return from_status(parts.status());
  library::ImportOptions options;
  options.preview_share = config_.preview_share;
  options.intake_origin = "upload";
  library::ImportReport total;
  json errors = json::array();
  size_t files = 0;
  for (const auto& p : *parts) {
    if (p.name != "files") continue;
    ++files;
    // The name only tells the importer the format; it is never a path.
    std::string name = safe_filename(p.filename.empty() ? "upload.txt" : p.filename);
    std::lock_guard lock(write_mu_);
    auto r = library_.import_bytes(name, std::string(p.data), options,
                                   [&errors](const std::string& m) { errors.push_back(sanitize_message(m)); });
    total.imported += r.imported;
    total.updated += r.updated;
    total.unchanged += r.unchanged;
    total.rejected += r.rejected;
    total.imported_ids.insert(total.imported_ids.end(), r.imported_ids.begin(), r.imported_ids.end());
    total.not_stored += r.not_stored;
    if (r.disk_full()) {
      // Acknowledged means durable: say exactly what is stored, and stop.
      return error(http::status::insufficient_storage, "disk_full",
                   "disk full: " + std::to_string(total.imported + total.updated + total.unchanged) +
                       " documents stored, " + std::to_string(total.not_stored) + " not");
    }
  }
  if (files == 0) return bad_request("no form field \"files\" in the upload");
  return json_response(http::status::ok, {{"imported", total.imported},
                                          {"updated", total.updated},
                                          {"unchanged", total.unchanged},
                                          {"rejected", total.rejected},
                                          {"errors", errors},
                                          {"ids", total.imported_ids}});
}

Response Api::admin_intake(Call& c) {
  auto days = int_param(c.target.query, "days", 7, 1, store::IntakeLog::kRetentionDays);
  if (!days) return bad_request("days must be 1.." + std::to_string(store::IntakeLog::kRetentionDays));
  auto log = intake();
  if (!log) return from_status(log.status());
  const int64_t now = unix_now();
  const int64_t since = store::local_day_start(now, static_cast<int>(*days) - 1);
  auto list = (*log)->days_since(since);
  if (!list) return from_status(list.status());
  return json_response(http::status::ok, intake_json(*list, static_cast<int>(*days), since, now));
}

Response Api::admin_documents(Call& c) {
  auto page = int_param(c.target.query, "page", 1, 1, 1000000);
  auto size = int_param(c.target.query, "size", 50, 1, 500);
  if (!page || !size) return bad_request("page must be >= 1 and size 1..500");
  auto cat = catalogs_.acquire();
  if (!cat) return from_status(cat.status());
  store::ListFilter f;
  f.newest_first = true;
  auto total = (*cat)->count(f);
  if (!total) return from_status(total.status());
  f.limit = static_cast<size_t>(*size);
  f.offset = static_cast<size_t>((*page - 1) * *size);
  auto list = (*cat)->list(f);
  if (!list) return from_status(list.status());
  json docs = json::array();
  for (const auto& d : *list) {
    docs.push_back({{"id", d.id},
                    {"title", d.title},
                    {"year", year_json(d.year)},
                    {"source", d.source},
                    {"access", doc::to_string(d.access)},
                    {"characters", d.text_chars},
                    {"imported_at", d.imported_at}});
  }
  return json_response(http::status::ok, {{"total", *total}, {"documents", docs}});
}

Response Api::admin_delete(Call&, const std::string& id) {
  Status st;
  {
    std::lock_guard lock(write_mu_);
    st = library_.remove(id);
  }
  if (!st) return from_status(st);
  Response res{http::status::no_content, 11};
  res.set(http::field::cache_control, "no-store");
  return res;
}

namespace {
json user_json(const access::User& u) {
  return {{"name", u.name},
          {"tier", access::to_string(u.tier)},
          {"until", u.tier_until.empty() ? json(nullptr) : json(u.tier_until)},
          {"effective_tier", access::to_string(access::effective_tier(u, access::Accounts::today()))},
          {"disabled", u.disabled},
          {"created_at", u.created_at}};
}
}  // namespace

// The watched folders' files that could not be imported. Paths are relative to
// their watched folder: the server's own folders are never shown.
Response Api::admin_rejected(Call&) {
  auto files = watch::read_rejected(library_.data_dir() / "watch.db");
  if (!files) {
    spdlog::error("GET /api/admin/rejected: {}", files.status().message());
    return error(http::status::internal_server_error, "internal", "cannot read the watched folders' state");
  }
  json out = json::array();
  for (const auto& f : *files) out.push_back({{"path", f.path}, {"reason", f.reason}, {"time", f.time}});
  return json_response(http::status::ok, {{"files", out}});
}

Response Api::admin_users(Call&) {
  auto users = accounts_.list_users();
  if (!users) return from_status(users.status());
  json out = json::array();
  for (const auto& u : *users) out.push_back(user_json(u));
  return json_response(http::status::ok, {{"users", out}});
}

Response Api::admin_patch_user(Call& c) {
  json j = json::parse(c.req.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string()) {
    return bad_request("expected {\"name\",\"tier\"?,\"until\"?,\"disabled\"?}");
  }
  const std::string name = j["name"].get<std::string>();
  std::optional<Tier> tier;
  if (j.contains("tier")) {
    if (!j["tier"].is_string()) return bad_request("tier must be a string");
    tier = access::tier_from_string(j["tier"].get<std::string>());
    if (!tier || *tier == Tier::kAnonymous) return bad_request("tier must be free, vip, svip or admin");
  }
  if (j.contains("disabled") && !j["disabled"].is_boolean()) return bad_request("disabled must be true or false");
  // until: the tier's last day; null or "" for no expiry; absent: unchanged
  // (this is PATCH: only the fields given change).
  std::optional<std::string> until;
  if (j.contains("until")) {
    if (j["until"].is_null()) {
      until = "";
    } else if (j["until"].is_string() && (j["until"].get<std::string>().empty() ||
                                          access::valid_day(j["until"].get<std::string>()))) {
      until = j["until"].get<std::string>();
    } else {
      return bad_request("until must be a date YYYY-MM-DD or null");
    }
  }
  auto u = accounts_.get_user(name);
  if (!u) return from_status(u.status());
  if (tier || until) {
    u = accounts_.set_tier(name, tier.value_or(u->tier), until.value_or(u->tier_until));
    if (!u) return from_status(u.status());
  }
  if (j.contains("disabled")) {
    u = accounts_.set_disabled(name, j["disabled"].get<bool>());
    if (!u) return from_status(u.status());
  }
  return json_response(http::status::ok, user_json(*u));
}

// ---- operations ------------------------------------------------------------

Response Api::metrics_text(Call&) {
  std::vector<Metrics::Gauge> gauges;
  if (auto cat = catalogs_.acquire()) {
    if (auto n = (*cat)->count({})) gauges.push_back({"wenyuan_documents", "Documents in the catalog.", double(*n)});
  }
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(library_.data_dir() / "index", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  gauges.push_back({"wenyuan_index_bytes", "Bytes of the search index on disk.", double(bytes)});
  std::string text = metrics_.render(gauges);
  // Intake counters come from the intake log, so they count every process's
  // imports (CLI, uploads, watched folders), not only this server's.
  if (auto log = intake()) {
    if (auto totals = (*log)->totals()) text += intake_metrics(*totals);
  }
  return make_response(http::status::ok, std::move(text), "text/plain; version=0.0.4; charset=utf-8");
}

Response Api::static_file(Call& c, const std::string& path) {
  // The SPA's own routes all get index.html; the JS router takes it from there.
  std::string rel;
  if (path == "/" || path == "/new" || path == "/new/" || path == "/login" || path == "/account" || path == "/admin" || path.rfind("/doc/", 0) == 0 ||
      path == "/admin/" || path == "/account/") {
    rel = "index.html";
  } else {
    rel = path.substr(1);
  }
  // No traversal: every segment must be a plain name (no "..", no ".", no hidden
  // files, no backslashes or NULs), so the file is always inside web_dir.
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    const std::string seg = rel.substr(start, slash - start);
    if (seg.empty() || seg[0] == '.' || seg.find('\\') != std::string::npos) return not_found("no such file");
    start = slash + 1;
  }
  std::filesystem::path file = config_.web_dir / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    // A page address (no file extension) that is no page: the web UI's own
    // 页面不存在 page in Chinese, with status 404; assets stay JSON 404s.
    const bool page = rel.find('.') == std::string::npos;
    if (!page) return not_found("no such file: " + path);
    std::ifstream index(config_.web_dir / "index.html", std::ios::binary);
    if (!index) return not_found("no such page");
    std::string bytes((std::istreambuf_iterator<char>(index)), std::istreambuf_iterator<char>());
    auto res = make_response(http::status::not_found, std::move(bytes), "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-cache");
    return res;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found("no such file: " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto res = make_response(http::status::ok, std::move(bytes), mime_type(rel));
  res.set(http::field::cache_control, rel == "index.html" ? "no-cache" : "public, max-age=300");
  (void)c;
  return res;
}

}  // namespace wenyuan::server
