#include "wenyuan/dedup/check_report.h"

#include <cstdio>

#include "wenyuan/doc/export.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

namespace {

std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", x * 100);
  return buf;
}

}  // namespace

Result<std::string> report_docx(const FingerprintIndex& index, const CheckReport& r, const std::string& draft,
                                bool paid_visible) {
  using doc::ExportBlock;
  std::vector<ExportBlock> b;
  auto para = [&](std::string t) { b.push_back({ExportBlock::Kind::kParagraph, 0, std::move(t)}); };
  auto heading = [&](std::string t) { b.push_back({ExportBlock::Kind::kHeading, 1, std::move(t)}); };
  heading("总体结果");
  para("重复率：" + percent(r.share) + "（共 " + std::to_string(r.chars) + " 字，不计标点和空白；与文库相同 " +
       std::to_string(r.copied_chars) + " 字，" + std::to_string(r.spans.size()) + " 处，来自 " +
       std::to_string(r.source_total) + " 篇文档）");
  if (!r.complete) para("注意：草稿中常见文字过多，只检查了一部分。");

  heading("草稿全文（【】内为与文库相同的文字，［n］为序号）");
  const std::u32string cps = text::decode_utf8(draft);
  std::u32string marked;
  uint32_t at = 0;
  for (size_t i = 0; i < r.spans.size(); ++i) {
    const Span& s = r.spans[i];
    if (s.start < at) continue;
    marked.append(cps, at, s.start - at);
    marked += U"【";
    marked.append(cps, s.start, s.end - s.start);
    marked += U"】［" + text::decode_utf8(std::to_string(i + 1)) + U"］";
    at = s.end;
  }
  if (at < cps.size()) marked.append(cps, at, std::u32string::npos);
  for (const auto& line : [&] {
         std::vector<std::string> lines;
         std::string cur;
         for (char32_t c : marked) {
           if (c == U'\n') lines.push_back(std::move(cur)), cur.clear();
           else text::append_utf8(cur, c);
         }
         lines.push_back(cur);
         return lines;
       }())
    if (!line.empty()) para(line);

  heading("重复段落及来源");
  for (size_t i = 0; i < r.spans.size(); ++i) {
    const Span& s = r.spans[i];
    std::string t = "［" + std::to_string(i + 1) + "］" + std::to_string(s.chars) + " 字：";
    for (size_t k = 0; k < s.sources.size(); ++k) {
      const SourceDoc& d = index.doc(s.sources[k].doc);
      t += (k ? "；" : "") + std::string("《") + d.title + "》（" + d.id + "，第 " + std::to_string(s.sources[k].start) +
           "–" + std::to_string(s.sources[k].end) + " 字）";
    }
    if (s.source_count > s.sources.size()) t += " 等 " + std::to_string(s.source_count) + " 处";
    para(t);
  }

  heading("来源文档（按覆盖字数）");
  for (const SourceCoverage& c : r.sources) {
    const SourceDoc& d = index.doc(c.doc);
    const auto& y = paid_visible ? d.year : d.public_year;
    para("《" + d.title + "》" + (y ? "（" + std::to_string(*y) + "）" : std::string()) + " " + d.id + "：" +
         std::to_string(c.copied_chars) + " 字，占草稿 " + percent(r.chars ? double(c.copied_chars) / r.chars : 0));
  }
  if (r.sources.empty()) para("文库中没有相同的段落。");
  return doc::export_docx("查重报告", b);
}

}  // namespace wenyuan::dedup
