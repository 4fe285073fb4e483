// 搜索建议 and 热门搜索: GET /api/suggest?q=… completes what is being typed from
// document titles and from queries people asked often; GET /api/suggest with no
// q gives the 热门搜索 (the most asked queries).
//
// Paywall (docs/paywall.md): titles are public fields, and the query counts are
// a function of what users typed, never of document text, so the answer is the
// same for every caller and learns nothing of paid text.
//
// Speed: the titles are kept in memory, normalized, and rebuilt when the
// catalog's change sequence moves; a lookup is a scan of them (a 200,000-title
// library is ~10 MB and well under 20 ms to scan; the sample answers in µs).
#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"
#include "wenyuan/text/normalize.h"

namespace wenyuan::server {

using nlohmann::json;


void ApiState::note_query(const std::string& q, const std::string& asker) {
  if (q.size() > 60) return;  // long queries are nobody's 热门搜索
  std::lock_guard lock(suggestions.mu);
  auto& asked = suggestions.asked;
  if (asked.size() >= SuggestState::kMaxQueries && !asked.count(q)) {
    // Forget the rarest: the map stays bounded whatever is typed.
    auto rare = std::min_element(asked.begin(), asked.end(), [](auto& a, auto& b) { return a.second < b.second; });
    suggestions.askers.erase(rare->first);
    asked.erase(rare);
  }
  int64_t& n = asked[q];
  if (n >= SuggestState::kMinAskers) {
    ++n;  // popular already: every search counts, the askers are no longer kept
    return;
  }
  // Below the threshold a query counts once per asker: one person asking
  // twice is still one person's query.
  auto& who = suggestions.askers[q];
  const uint64_t h = std::hash<std::string>{}(asker);
  if (std::find(who.begin(), who.end(), h) != who.end()) return;
  who.push_back(h);
  n = static_cast<int64_t>(who.size());
  if (n >= SuggestState::kMinAskers) suggestions.askers.erase(q);
}

namespace routes {

namespace {

Response suggest(ApiState& st, Call& c) {
  const auto it = c.target.query.find("q");
  const std::string q = it == c.target.query.end() ? std::string() : it->second;
  if (q.size() > 200) return bad_request("q is longer than 200 bytes");
  auto cat = st.catalogs.acquire();
  if (!cat) return from_status(cat.status());
  const uint64_t seq = (*cat)->last_seq();
  std::lock_guard lock(st.suggestions.mu);
  auto& s = st.suggestions;
  if (s.seq != seq) {
    auto all = (*cat)->list({});
    if (!all) return from_status(all.status());
    s.titles.clear();
    for (const auto& d : *all) {
      if (!d.title.empty()) s.titles.emplace_back(text::Normalizer::instance().normalize_utf8(d.title), d.title);
    }
    std::sort(s.titles.begin(), s.titles.end(), [](auto& a, auto& b) {
      return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
    });
    s.titles.erase(std::unique(s.titles.begin(), s.titles.end()), s.titles.end());
    s.seq = seq;
  }
  // Queries asked by at least kMinAskers different people, most asked first.
  std::vector<std::pair<std::string, int64_t>> popular;
  for (const auto& [query, n] : s.asked)
    if (n >= SuggestState::kMinAskers) popular.emplace_back(query, n);
  std::stable_sort(popular.begin(), popular.end(), [](auto& a, auto& b) { return a.second > b.second; });

  json out = json::array();
  if (q.empty()) {
    for (size_t i = 0; i < popular.size() && i < 10; ++i) out.push_back({{"text", popular[i].first}, {"kind", "popular"}});
    return json_response(http::status::ok, {{"q", q}, {"suggestions", out}});
  }
  const std::string want = text::Normalizer::instance().normalize_utf8(q);
  if (want.empty()) return json_response(http::status::ok, {{"q", q}, {"suggestions", out}});
  // Frequent queries that start with what is typed, then titles: those starting
  // with it before those containing it, shortest first.
  for (const auto& [query, n] : popular) {
    if (out.size() >= 3) break;
    const std::string nq = text::Normalizer::instance().normalize_utf8(query);
    if (nq.size() > want.size() && nq.rfind(want, 0) == 0) out.push_back({{"text", query}, {"kind", "popular"}});
  }
  std::vector<const std::string*> starts, contains;
  for (const auto& [norm, title] : s.titles) {
    const size_t at = norm.find(want);
    if (at == 0) starts.push_back(&title);
    else if (at != std::string::npos && contains.size() < 10) contains.push_back(&title);
    if (starts.size() >= 10) break;
  }
  for (const auto* list : {&starts, &contains}) {
    for (const std::string* t : *list) {
      if (out.size() >= 10) break;
      out.push_back({{"text", *t}, {"kind", "title"}});
    }
  }
  return json_response(http::status::ok, {{"q", q}, {"suggestions", out}});
}

}  // namespace

std::vector<Route> suggest_routes() {
  return {
      {.method = http::verb::get, .path = "/api/suggest", .handler = suggest,
       .summary = "搜索建议 and 热门搜索",
       .description = "With q: titles containing it (those starting with it first) and queries asked by at least 3 different "
                      "people (accounts, or addresses when not logged in) that "
                      "start with it; without q: the most asked queries. The same for every caller: titles are public "
                      "and the counts come from what was typed, never from document text.",
       .parameters = {{.name = "q", .description = "what is typed so far (at most 200 bytes)"}},
       .responses = {{200, "{\"q\",\"suggestions\":[{text,kind: title|popular}]}", "application/json", R"({"type":"object"})"},
                     {400, "q too long"}}},
  };
}

}  // namespace routes
}  // namespace wenyuan::server
