#include "wenyuan/dedup/check_json.h"

namespace wenyuan::dedup {

nlohmann::json report_json(const FingerprintIndex& index, const CheckReport& r, bool paid_visible) {
  using nlohmann::json;
  auto year = [&](const SourceDoc& d) {
    const auto& y = paid_visible ? d.year : d.public_year;
    return y ? json(*y) : json(nullptr);
  };
  json spans = json::array();
  for (const Span& s : r.spans) {
    json sources = json::array();
    for (const SpanSource& x : s.sources) {
      const SourceDoc& d = index.doc(x.doc);
      sources.push_back({{"id", d.id}, {"title", d.title}, {"start", x.start}, {"end", x.end}});
    }
    spans.push_back({{"start", s.start}, {"end", s.end}, {"chars", s.chars}, {"source_count", s.source_count},
                     {"sources", sources}});
  }
  json paragraphs = json::array();
  for (const ParagraphShare& p : r.paragraphs)
    paragraphs.push_back({{"start", p.start}, {"end", p.end}, {"chars", p.chars},
                          {"share", p.chars ? static_cast<double>(p.copied) / p.chars : 0.0}});
  json sources = json::array();
  for (const SourceCoverage& c : r.sources) {
    const SourceDoc& d = index.doc(c.doc);
    sources.push_back({{"id", d.id}, {"title", d.title}, {"year", year(d)}, {"copied_chars", c.copied_chars}});
  }
  return {{"chars", r.chars},         {"code_points", r.code_points}, {"copied_chars", r.copied_chars},
          {"share", r.share},         {"complete", r.complete},       {"spans", spans},
          {"paragraphs", paragraphs}, {"sources", sources},           {"source_total", r.source_total}};
}

}  // namespace wenyuan::dedup
