#include "wenyuan/library/json_view.h"

#include <algorithm>
#include <initializer_list>

namespace wenyuan::library {

using nlohmann::json;

json year_json(const std::optional<int>& year) { return year ? json(*year) : json(nullptr); }

json outline_entry_json(int level, std::string_view kind, std::string_view marker, std::string_view title,
                        uint32_t start, uint32_t end, doc::Span heading, json children) {
  return {{"level", level},
          {"kind", kind},
          {"marker", marker},
          {"title", title},
          {"start", start},
          {"end", end},
          {"heading", {heading.start, heading.end}},
          {"children", std::move(children)}};
}

json outline_json(const std::vector<doc::OutlineNode>& outline) {
  json out = json::array();
  for (const auto& n : outline) {
    out.push_back(outline_entry_json(n.level, doc::to_string(n.kind), n.marker, n.title, n.start, n.end, n.heading,
                                     outline_json(n.children)));
  }
  return out;
}

json regions_json(const std::vector<doc::Region>& regions) {
  json out = json::array();
  for (const auto& r : regions) out.push_back({{"kind", doc::to_string(r.kind)}, {"start", r.start}, {"end", r.end}});
  return out;
}

json metadata_json(const doc::Document& d) {
  return {{"id", d.id},
          {"title", d.title},
          {"year", year_json(d.year)},
          {"date", d.date},
          {"source", d.source},
          {"source_name", d.source_name},
          {"type", d.type},
          {"category", d.category},
          {"issuer", d.issuer},
          {"tags", d.tags},
          {"access", doc::to_string(d.access)},
          {"format", d.format},
          {"encoding", d.encoding},
          {"origin", d.origin},
          {"characters", d.text_chars},
          {"imported_at", d.imported_at}};
}

json document_json(const doc::Document& d, bool with_removed) {
  json j = metadata_json(d);
  j["text"] = d.text;
  j["regions"] = regions_json(d.regions);
  j["outline"] = outline_json(d.outline);
  j["paragraphs"] = d.paragraphs.size();
  j["sentences"] = d.sentences.size();
  j["content_hash"] = d.content_hash;
  if (with_removed) {
    json removed = json::array();
    for (const auto& r : d.removed) removed.push_back({{"reason", r.reason}, {"position", r.position}, {"text", r.text}});
    j["removed"] = std::move(removed);
  }
  return j;
}

json summary_json(const store::DocumentSummary& d, const std::optional<int>& year) {
  return {{"id", d.id}, {"title", d.title}, {"year", year_json(year)}, {"source", d.source}, {"imported_at", d.imported_at}};
}

json snippet_json(std::string_view text, uint32_t start, uint32_t end,
                  const std::vector<std::pair<uint32_t, uint32_t>>& highlights) {
  json hl = json::array();
  for (const auto& [a, b] : highlights) hl.push_back({a, b});
  return {{"text", text}, {"start", start}, {"end", end}, {"highlights", std::move(hl)}, {"locked", false}};
}

json locked_snippet_json() { return {{"text", ""}, {"highlights", json::array()}, {"locked", true}}; }

json search_hit_json(const search::Hit& hit, std::optional<std::string_view> access, json snippets,
                     const std::vector<std::string>& similar) {
  json j = {{"id", hit.id},
            {"title", hit.title},
            {"year", year_json(hit.year)},
            {"source", hit.source},
            {"category", hit.category},
            {"type", hit.type},  // 文种: public (doc::prepare takes a paid document's from its visible text)
            {"access", access ? json(*access) : json(nullptr)},
            {"score", hit.score},
            {"snippets", std::move(snippets)},
            {"similar", {{"count", similar.size()}, {"ids", similar}}}};
  if (hit.paragraph) j["paragraph"] = {{"start", hit.paragraph->start}, {"end", hit.paragraph->end}};
  return j;
}

json search_result_json(std::string_view query, uint64_t total, int64_t page, int64_t size, uint64_t took_us,
                        json hits, bool collapsed, std::optional<uint64_t> shown_total) {
  return {{"query", query}, {"total", total}, {"page", page}, {"size", size}, {"took_us", took_us},
          {"collapsed", collapsed}, {"shown_total", shown_total ? json(*shown_total) : json(nullptr)},
          {"hits", std::move(hits)}};
}

json error_json(std::string_view code, std::string_view message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

const std::vector<std::string_view>& error_codes() {
  static const std::vector<std::string_view> codes = {
      "bad_request",      "busy",      "check_quota",       "conflict",         "disk_full",
      "forbidden",        "internal",  "not_found",         "payload_too_large", "query_too_costly",
      "quota_exceeded",   "rate_limited", "unauthorized"};
  return codes;
}

namespace {
json maybe(const std::optional<uint32_t>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

json locked_block_json(uint32_t start, std::optional<uint32_t> end, std::optional<uint32_t> characters) {
  return {{"kind", "locked"}, {"start", start}, {"end", maybe(end)}, {"characters", maybe(characters)}};
}

json paragraph_block_json(uint32_t start, uint32_t end, std::string_view text, int heading_level) {
  return {{"kind", "paragraph"}, {"start", start}, {"end", end}, {"text", text}, {"heading_level", heading_level}};
}

json view_region_json(std::string_view kind, uint32_t start, std::optional<uint32_t> end, bool locked) {
  return {{"kind", kind}, {"start", start}, {"end", maybe(end)}, {"locked", locked}};
}

json locked_outline_entry_json(std::string_view title, uint32_t start, std::optional<uint32_t> end, bool heading,
                               std::string_view kind, int level, std::string_view marker) {
  json e = {{"locked", true}, {"title", title}, {"start", start}, {"end", maybe(end)}};
  if (heading) {
    e["kind"] = kind;
    e["level"] = level;
    e["marker"] = marker;
  }
  return e;
}

json document_view_json(const DocumentView& v) {
  const doc::Document& d = *v.document;
  return {{"id", d.id},
          {"title", d.title},
          {"year", year_json(v.year)},
          {"date", d.date},
          {"source", d.source},
          {"source_name", d.source_name},
          {"type", d.type},  // public: from the title and the visible text (doc::prepare)
          {"category", d.category},
          {"issuer", v.issuer},
          {"access", doc::to_string(d.access)},
          {"characters", maybe(v.characters)},
          {"imported_at", d.imported_at},
          {"locked", v.locked},
          {"outline", v.outline},
          {"blocks", v.blocks},
          {"regions", v.regions},
          {"downloads",
           {{"left", maybe(v.downloads_left)}, {"per_day", maybe(v.downloads_per_day)}, {"full", v.full_download}}}};
}

namespace {

// {"type": type} (plus "nullable"), the small pieces the schemas are made of.
json type(std::string_view t, bool nullable = false) {
  json j = {{"type", t}};
  if (nullable) j["nullable"] = true;
  return j;
}
json ref(std::string_view name) { return {{"$ref", "#/components/schemas/" + std::string(name)}}; }
json array_of(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json range() { return {{"type", "array"}, {"items", type("integer")}, {"minItems", 2}, {"maxItems", 2}}; }
// An object of exactly `properties`; `optional` names those that may be absent.
json object(json properties, std::initializer_list<std::string_view> optional = {}) {
  json required = json::array();
  for (const auto& p : properties.items()) {
    if (std::find(optional.begin(), optional.end(), p.key()) == optional.end()) required.push_back(p.key());
  }
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

}  // namespace

json schemas() {
  json year = type("integer", true);
  year["description"] = "the year, null when unknown";
  json code = type("string");
  code["enum"] = error_codes();
  json access = {{"type", "string"}, {"enum", {"free", "paid"}}};
  return {
      {"Error", object({{"error", object({{"code", code}, {"message", type("string")}})}})},
      {"Block", {{"anyOf",
                  {object({{"kind", {{"type", "string"}, {"enum", {"locked"}}}},
                           {"start", type("integer")},
                           {"end", type("integer", true)},
                           {"characters", type("integer", true)}}),
                   object({{"kind", {{"type", "string"}, {"enum", {"paragraph"}}}},
                           {"start", type("integer")},
                           {"end", type("integer")},
                           {"text", type("string")},
                           {"heading_level", type("integer")}})}}}},
      {"ViewRegion", object({{"kind", type("string")},
                             {"start", type("integer")},
                             {"end", type("integer", true)},
                             {"locked", type("boolean")}})},
      {"LockedOutlineEntry", object({{"locked", {{"type", "boolean"}, {"enum", {true}}}},
                                     {"title", type("string")},
                                     {"start", type("integer")},
                                     {"end", type("integer", true)},
                                     {"kind", type("string")},
                                     {"level", type("integer")},
                                     {"marker", type("string")}},
                                    {"kind", "level", "marker"})},
      {"Document", object({{"id", type("string")},
                           {"title", type("string")},
                           {"year", ref("Year")},
                           {"date", type("string")},
                           {"source", type("string")},
                           {"source_name", type("string")},
                           {"type", type("string")},
                           {"category", type("string")},
                           {"issuer", type("string")},
                           {"access", access},
                           {"characters", type("integer", true)},
                           {"imported_at", type("integer")},
                           {"locked", type("boolean")},
                           {"outline", array_of({{"anyOf", {ref("OutlineEntry"), ref("LockedOutlineEntry")}}})},
                           {"blocks", array_of(ref("Block"))},
                           {"regions", array_of(ref("ViewRegion"))},
                           {"downloads", object({{"left", type("integer", true)},
                                                 {"per_day", type("integer", true)},
                                                 {"full", type("boolean")}})}})},
      {"Year", year},
      {"OutlineEntry", object({{"level", type("integer")},
                               {"kind", type("string")},
                               {"marker", type("string")},
                               {"title", type("string")},
                               {"start", type("integer")},
                               {"end", type("integer")},
                               {"heading", range()},
                               {"children", array_of(ref("OutlineEntry"))}})},
      {"Summary", object({{"id", type("string")},
                          {"title", type("string")},
                          {"year", ref("Year")},
                          {"source", type("string")},
                          {"imported_at", type("integer")}})},
      {"Snippet", object({{"text", type("string")},
                          {"start", type("integer")},
                          {"end", type("integer")},
                          {"highlights", array_of(range())},
                          {"locked", type("boolean")}},
                         {"start", "end"})},
      {"SearchHit", object({{"id", type("string")},
                            {"title", type("string")},
                            {"year", ref("Year")},
                            {"source", type("string")},
                            {"category", type("string")},
                            {"type", type("string")},
                            {"access", {{"type", "string"}, {"enum", {"free", "paid"}}, {"nullable", true}}},
                            {"score", type("number")},
                            {"snippets", array_of(ref("Snippet"))},
                            {"paragraph", object({{"start", type("integer")}, {"end", type("integer")}})},
                            // GET /api/search folds duplicate clusters (search/collapse.h, docs/check.md).
                            {"similar", object({{"count", type("integer")}, {"ids", array_of(type("string"))}})}},
                           {"paragraph"})},
      {"SearchResult", object({{"query", type("string")},
                               {"total", type("integer")},
                               {"page", type("integer")},
                               {"size", type("integer")},
                               {"took_us", type("integer")},
                               {"collapsed", type("boolean")},
                               {"shown_total", type("integer", true)},
                               {"hits", array_of(ref("SearchHit"))}})},
  };
}

}  // namespace wenyuan::library
