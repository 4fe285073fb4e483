#include "wenyuan/library/json_view.h"

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

}  // namespace wenyuan::library
