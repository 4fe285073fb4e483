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
  return {
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
