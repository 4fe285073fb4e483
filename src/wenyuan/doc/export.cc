#include "wenyuan/doc/export.h"

#include <pugixml.hpp>

#include <map>
#include <utility>

#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

constexpr int kMaxHeadingLevel = 6;

// ---------------------------------------------------------------- the 公文 layout (GB/T 9704-2012)
// Sizes in half-points (w:sz), lengths in twentieths of a point (twips).
constexpr int kTitleSize = 44;        // 二号, 22 pt
constexpr int kBodySize = 32;         // 三号, 16 pt
constexpr int kPageNumberSize = 28;   // 四号, 14 pt
constexpr int kLinePitch = 560;       // exactly 28 pt: 22 lines on the type area
constexpr int kTitleLinePitch = 700;  // a 二号 title line needs more than 28 pt to keep its glyphs whole
constexpr int kIndent = 640;          // two 三号 characters, for readers that ignore w:firstLineChars

// One East Asian font and what to use where an office lacks it. Latin text is
// always Times New Roman, as 公文 templates set it.
struct Font {
  const char* name;
  const char* fallback;  // word/fontTable.xml w:altName: Word substitutes it
  const char* family;    // w:family: how LibreOffice picks a look-alike
};
constexpr Font kTitleFont = {"方正小标宋简体", "宋体", "roman"};  // commercial: most machines fall back
constexpr Font kBodyFont = {"仿宋_GB2312", "仿宋", "modern"};
constexpr Font kHeiFont = {"黑体", "SimHei", "modern"};
constexpr Font kKaiFont = {"楷体_GB2312", "楷体", "script"};
constexpr Font kSongFont = {"宋体", "SimSun", "roman"};  // page numbers
constexpr const char* kLatinFont = "Times New Roman";

// GB/T 9704 7.3.3: level 1 in 黑体, level 2 in 楷体, levels 3 and 4 in the body font.
const Font& heading_font(int level) { return level == 1 ? kHeiFont : level == 2 ? kKaiFont : kBodyFont; }

constexpr const char* kWordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kRelTypeBase = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
constexpr const char* kWordMime = "application/vnd.openxmlformats-officedocument.wordprocessingml.";

// ---------------------------------------------------------------- pugixml helpers

// XML 1.0 cannot carry control characters other than tab, newline and carriage
// return, nor U+FFFE/U+FFFF, nor ill-formed UTF-8: they are dropped (pugixml
// escapes the rest).
std::string xml_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const char32_t c = text::decode_one(s, i);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) continue;
    text::append_utf8(out, c);
  }
  return out;
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

// A part: the XML declaration and a root element `name` in namespace `ns` (as xmlns:`prefix`).
pugi::xml_node new_part(pugi::xml_document& d, const char* name, const char* prefix, const char* ns) {
  pugi::xml_node decl = d.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  decl.append_attribute("standalone") = "yes";
  pugi::xml_node root = d.append_child(name);
  root.append_attribute(prefix[0] ? (std::string("xmlns:") + prefix).c_str() : "xmlns") = ns;
  return root;
}

std::string serialize(const pugi::xml_document& d) {
  StringWriter w;
  d.save(w, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(w.out);
}

// <name a1="v1" a2="v2"/> under `parent`.
pugi::xml_node el(pugi::xml_node parent, const char* name,
                  std::initializer_list<std::pair<const char*, std::string>> attrs = {}) {
  pugi::xml_node n = parent.append_child(name);
  for (const auto& [k, v] : attrs) n.append_attribute(k) = v.c_str();
  return n;
}

// <w:x w:val="v"/>
pugi::xml_node val(pugi::xml_node parent, const char* name, const std::string& v) {
  return el(parent, name, {{"w:val", v}});
}

void set_fonts(pugi::xml_node rpr, const Font& east_asian) {
  el(rpr, "w:rFonts", {{"w:ascii", kLatinFont}, {"w:hAnsi", kLatinFont}, {"w:eastAsia", east_asian.name},
                       {"w:cs", kLatinFont}, {"w:hint", "eastAsia"}});
}

void set_size(pugi::xml_node rpr, int half_points) {
  val(rpr, "w:sz", std::to_string(half_points));
  val(rpr, "w:szCs", std::to_string(half_points));
}

void set_spacing(pugi::xml_node ppr, int line, int after = 0) {
  el(ppr, "w:spacing", {{"w:before", "0"}, {"w:after", std::to_string(after)}, {"w:line", std::to_string(line)},
                        {"w:lineRule", "exact"}});
}

void set_first_line_indent(pugi::xml_node ppr, bool indent) {
  el(ppr, "w:ind", {{"w:firstLineChars", indent ? "200" : "0"}, {"w:firstLine", indent ? std::to_string(kIndent) : "0"}});
}

// ---------------------------------------------------------------- word/document.xml

// Runs for `text`: w:t, with w:tab for tabs and w:br for line breaks; in `font`
// when given (a run-in heading), else in the paragraph style's font.
void add_runs(pugi::xml_node p, std::string_view text, const Font* font) {
  pugi::xml_node r = p.append_child("w:r");
  if (font != nullptr) set_fonts(r.append_child("w:rPr"), *font);
  std::string chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    pugi::xml_node t = r.append_child("w:t");
    t.append_attribute("xml:space") = "preserve";
    t.text().set(chunk.c_str());
    chunk.clear();
  };
  for (char c : text) {
    if (c == '\t' || c == '\n') {
      flush();
      r.append_child(c == '\t' ? "w:tab" : "w:br");
    } else if (c != '\r') {
      chunk.push_back(c);
    }
  }
  flush();
}

// Leading spaces and full-width indents ("　　") are the paragraph's indent,
// which the layout gives; kept in the text they would double it.
size_t indent_bytes(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    const char32_t c = text::decode_one(s, j);
    if (c != ' ' && c != '\t' && c != 0x3000) break;
    i = j;
  }
  return i;
}

bool is_heading_stop(char32_t c) {
  return c == U'。' || c == U'；' || c == U'：' || c == U';' || c == U':' || c == U'！' || c == U'？';
}

bool is_closer(char32_t c) { return c == U'”' || c == U'’' || c == U'」' || c == U'』' || c == U'）' || c == U')'; }

// Bytes of `text` up to and including its first heading stop (。；：！？ and any
// closing quotes), when more text follows: the run-in part of a heading block a
// caller wrote in one piece. 0 when nothing follows such a stop.
size_t run_in_split(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const char32_t c = text::decode_one(text, i);
    if (!is_heading_stop(c)) continue;
    size_t end = i;
    for (size_t j = end; j < text.size();) {
      if (!is_closer(text::decode_one(text, j))) break;
      end = j;
    }
    return indent_bytes(text.substr(end)) < text.size() - end ? end : 0;
  }
  return 0;
}

// `font`: of the run-in part, or of the whole heading when its style's font is
// not the one its layer asks for; null: the style's.
void add_paragraph(pugi::xml_node body, const char* style, std::string_view text, size_t run_in, const Font* font) {
  pugi::xml_node p = body.append_child("w:p");
  if (style != nullptr) val(p.append_child("w:pPr"), "w:pStyle", style);
  const size_t lead = indent_bytes(text);
  text.remove_prefix(lead);
  run_in = run_in > lead ? std::min(run_in - lead, text.size()) : 0;
  if (run_in > 0) add_runs(p, text.substr(0, run_in), font);
  add_runs(p, text.substr(run_in), style != nullptr ? font : nullptr);
}

void add_block(pugi::xml_node body, const ExportBlock& b) {
  const int level = b.level < 1 ? 1 : b.level > kMaxHeadingLevel ? kMaxHeadingLevel : b.level;
  const Font& font = heading_font(b.layer > 0 ? b.layer : level);
  if (b.kind == ExportBlock::Kind::kHeading) {
    const std::string_view t = std::string_view(b.text).substr(indent_bytes(b.text));
    const size_t split = run_in_split(b.text);
    if (split == 0 && text::count_code_points(t) <= kMaxHeadingChars) {
      const std::string style = "Heading" + std::to_string(level);
      add_paragraph(body, style.c_str(), b.text, 0, &font == &heading_font(level) ? nullptr : &font);
    } else {
      add_paragraph(body, nullptr, b.text, split, &font);
    }
    return;
  }
  add_paragraph(body, nullptr, b.text, b.run_in, &font);
}

// Footer paragraph "— N —" for odd (right) or even (left) pages, one character
// in from the type area's edge (GB/T 9704 7.5).
std::string footer_xml(bool odd) {
  pugi::xml_document d;
  pugi::xml_node ftr = new_part(d, "w:ftr", "w", kWordNs);
  pugi::xml_node p = ftr.append_child("w:p");
  pugi::xml_node ppr = p.append_child("w:pPr");
  val(ppr, "w:jc", odd ? "right" : "left");
  el(ppr, "w:ind", {{odd ? "w:right" : "w:left", std::to_string(kPageNumberSize * 10)}});
  auto run = [&](pugi::xml_node parent, const char* text) {
    pugi::xml_node r = parent.append_child("w:r");
    pugi::xml_node rpr = r.append_child("w:rPr");
    el(rpr, "w:rFonts", {{"w:ascii", kSongFont.name}, {"w:hAnsi", kSongFont.name}, {"w:eastAsia", kSongFont.name}});
    set_size(rpr, kPageNumberSize);
    pugi::xml_node t = r.append_child("w:t");
    t.append_attribute("xml:space") = "preserve";
    t.text().set(text);
  };
  run(p, "— ");
  pugi::xml_node field = el(p, "w:fldSimple", {{"w:instr", " PAGE "}});
  run(field, "1");
  run(p, " —");
  return serialize(d);
}

std::string document_xml(std::string_view title, const std::vector<ExportBlock>& blocks) {
  pugi::xml_document d;
  pugi::xml_node doc = new_part(d, "w:document", "w", kWordNs);
  doc.append_attribute("xmlns:r") = kRelNs;
  pugi::xml_node body = doc.append_child("w:body");
  const std::string safe_title = xml_text(title);
  size_t first = 0;
  if (!safe_title.empty()) {
    add_paragraph(body, "Title", safe_title, 0, nullptr);
    if (!blocks.empty() && xml_text(blocks.front().text) == safe_title) first = 1;  // the text's own title line
  }
  for (size_t i = first; i < blocks.size(); ++i) {
    ExportBlock b = blocks[i];
    const std::string safe = xml_text(b.text);
    if (safe.size() != b.text.size()) b.run_in = 0;  // offsets into the dropped bytes mean nothing now
    b.text = safe;
    add_block(body, b);
  }
  // A4 with the GB/T 9704 margins: 37 mm top, 35 mm bottom, 28 mm left, 26 mm
  // right; the page number about 7 mm below the type area.
  pugi::xml_node sect = body.append_child("w:sectPr");
  el(sect, "w:footerReference", {{"w:type", "default"}, {"r:id", "rIdFooterOdd"}});
  el(sect, "w:footerReference", {{"w:type", "even"}, {"r:id", "rIdFooterEven"}});
  el(sect, "w:pgSz", {{"w:w", "11906"}, {"w:h", "16838"}});
  el(sect, "w:pgMar", {{"w:top", "2098"}, {"w:right", "1474"}, {"w:bottom", "1984"}, {"w:left", "1588"},
                       {"w:header", "851"}, {"w:footer", "1247"}, {"w:gutter", "0"}});
  el(sect, "w:docGrid", {{"w:type", "lines"}, {"w:linePitch", std::to_string(kLinePitch)}});
  return serialize(d);
}

// ---------------------------------------------------------------- the other parts

std::string styles_xml() {
  pugi::xml_document d;
  pugi::xml_node styles = new_part(d, "w:styles", "w", kWordNs);
  pugi::xml_node defaults = styles.append_child("w:docDefaults");
  pugi::xml_node rpr = defaults.append_child("w:rPrDefault").append_child("w:rPr");
  set_fonts(rpr, kBodyFont);
  set_size(rpr, kBodySize);
  el(rpr, "w:lang", {{"w:val", "en-US"}, {"w:eastAsia", "zh-CN"}});
  set_spacing(defaults.append_child("w:pPrDefault").append_child("w:pPr"), kLinePitch);

  auto style = [&](const char* id, const std::string& name, bool is_default) {
    pugi::xml_node s = el(styles, "w:style", {{"w:type", "paragraph"}, {"w:styleId", id}});
    if (is_default) s.append_attribute("w:default") = "1";
    val(s, "w:name", name);
    if (!is_default) {
      val(s, "w:basedOn", "Normal");
      val(s, "w:next", "Normal");
    }
    s.append_child("w:qFormat");
    return s;
  };
  {
    pugi::xml_node normal = style("Normal", "Normal", true);
    pugi::xml_node ppr = normal.append_child("w:pPr");
    set_spacing(ppr, kLinePitch);
    set_first_line_indent(ppr, true);
    val(ppr, "w:jc", "both");
    pugi::xml_node nrpr = normal.append_child("w:rPr");
    set_fonts(nrpr, kBodyFont);
    set_size(nrpr, kBodySize);
  }
  {
    pugi::xml_node title = style("Title", "Title", false);
    pugi::xml_node ppr = title.append_child("w:pPr");
    // One empty 28 pt line between the title and the text (GB/T 9704 7.3.2).
    set_spacing(ppr, kTitleLinePitch, kLinePitch);
    set_first_line_indent(ppr, false);
    val(ppr, "w:jc", "center");
    val(ppr, "w:outlineLvl", "9");  // body level: the title is no outline entry
    pugi::xml_node trpr = title.append_child("w:rPr");
    set_fonts(trpr, kTitleFont);
    trpr.append_child("w:b");  // the fallback 宋体 reads as a title only in bold
    trpr.append_child("w:bCs");
    set_size(trpr, kTitleSize);
  }
  for (int level = 1; level <= kMaxHeadingLevel; ++level) {
    const std::string n = std::to_string(level);
    pugi::xml_node h = style(("Heading" + n).c_str(), "heading " + n, false);
    pugi::xml_node ppr = h.append_child("w:pPr");
    ppr.append_child("w:keepNext");
    set_spacing(ppr, kLinePitch);
    set_first_line_indent(ppr, true);
    val(ppr, "w:outlineLvl", std::to_string(level - 1));
    pugi::xml_node hrpr = h.append_child("w:rPr");
    set_fonts(hrpr, heading_font(level));
    // Built-in heading styles are bold in Word; a 公文 heading is not.
    val(hrpr, "w:b", "0");
    val(hrpr, "w:bCs", "0");
    set_size(hrpr, kBodySize);
  }
  return serialize(d);
}

std::string font_table_xml() {
  pugi::xml_document d;
  pugi::xml_node fonts = new_part(d, "w:fonts", "w", kWordNs);
  for (const Font* f : {&kTitleFont, &kBodyFont, &kHeiFont, &kKaiFont, &kSongFont}) {
    pugi::xml_node font = el(fonts, "w:font", {{"w:name", f->name}});
    val(font, "w:altName", f->fallback);
    val(font, "w:charset", "86");  // GB2312
    val(font, "w:family", f->family);
    val(font, "w:pitch", "variable");
  }
  pugi::xml_node latin = el(fonts, "w:font", {{"w:name", kLatinFont}});
  val(latin, "w:family", "roman");
  return serialize(d);
}

std::string settings_xml() {
  pugi::xml_document d;
  pugi::xml_node s = new_part(d, "w:settings", "w", kWordNs);
  s.append_child("w:evenAndOddHeaders");  // page numbers right on odd pages, left on even ones
  val(s, "w:defaultTabStop", std::to_string(kIndent));
  val(s, "w:characterSpacingControl", "compressPunctuation");
  return serialize(d);
}

std::string content_types_xml() {
  pugi::xml_document d;
  pugi::xml_node types = new_part(d, "Types", "", "http://schemas.openxmlformats.org/package/2006/content-types");
  el(types, "Default", {{"Extension", "rels"}, {"ContentType", "application/vnd.openxmlformats-package.relationships+xml"}});
  el(types, "Default", {{"Extension", "xml"}, {"ContentType", "application/xml"}});
  const std::string mime = kWordMime;
  for (const auto& [part, type] : std::initializer_list<std::pair<const char*, std::string>>{
           {"/word/document.xml", mime + "document.main+xml"},
           {"/word/styles.xml", mime + "styles+xml"},
           {"/word/fontTable.xml", mime + "fontTable+xml"},
           {"/word/settings.xml", mime + "settings+xml"},
           {"/word/footer1.xml", mime + "footer+xml"},
           {"/word/footer2.xml", mime + "footer+xml"},
           {"/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"}}) {
    el(types, "Override", {{"PartName", part}, {"ContentType", type}});
  }
  return serialize(d);
}

struct Rel {
  const char* id;
  std::string type;
  const char* target;
};

std::string rels_xml(const std::vector<Rel>& rels_list) {
  pugi::xml_document d;
  pugi::xml_node rels =
      new_part(d, "Relationships", "", "http://schemas.openxmlformats.org/package/2006/relationships");
  for (const Rel& r : rels_list) el(rels, "Relationship", {{"Id", r.id}, {"Type", r.type}, {"Target", r.target}});
  return serialize(d);
}

std::string core_xml(std::string_view title) {
  pugi::xml_document d;
  pugi::xml_node core = new_part(d, "cp:coreProperties", "cp",
                                 "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
  core.append_attribute("xmlns:dc") = "http://purl.org/dc/elements/1.1/";
  core.append_attribute("xmlns:dcterms") = "http://purl.org/dc/terms/";
  core.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  core.append_child("dc:title").text().set(xml_text(title).c_str());
  core.append_child("dc:creator").text().set("wenyuan");
  return serialize(d);
}

}  // namespace

std::string export_txt(std::string_view title, std::string_view text) {
  std::string out;
  const bool has_title = !title.empty() && text.substr(0, title.size()) != title;
  if (has_title) {
    out.append(title);
    out += "\n\n";
  }
  out.append(text);
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

Result<std::string> export_docx(std::string_view title, const std::vector<ExportBlock>& blocks) {
  const std::string rel = kRelTypeBase;
  const std::vector<ZipEntry> entries = {
      {"[Content_Types].xml", content_types_xml()},
      {"_rels/.rels",
       rels_xml({{"rId1", rel + "officeDocument", "word/document.xml"},
                 {"rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                  "docProps/core.xml"}})},
      {"word/document.xml", document_xml(title, blocks)},
      {"word/_rels/document.xml.rels",
       rels_xml({{"rId1", rel + "styles", "styles.xml"},
                 {"rId2", rel + "fontTable", "fontTable.xml"},
                 {"rId3", rel + "settings", "settings.xml"},
                 {"rIdFooterOdd", rel + "footer", "footer1.xml"},
                 {"rIdFooterEven", rel + "footer", "footer2.xml"}})},
      {"word/styles.xml", styles_xml()},
      {"word/fontTable.xml", font_table_xml()},
      {"word/settings.xml", settings_xml()},
      {"word/footer1.xml", footer_xml(true)},
      {"word/footer2.xml", footer_xml(false)},
      {"docProps/core.xml", core_xml(title)},
  };
  return write_zip(entries);
}

namespace {

bool is_space_cp(char32_t c) { return c == ' ' || c == '\t' || c == 0x3000; }

}  // namespace

std::vector<ExportBlock> export_blocks(const Document& doc) {
  struct Heading {
    int level;
    uint32_t end;  // code point offset where the heading span ends
    int layer;     // ExportBlock::layer
  };
  // A law's 第X条 takes 黑体 at any depth, as published law texts set it.
  auto layer_of = [](OutlineKind kind) {
    switch (kind) {
      case OutlineKind::kCnNum:
      case OutlineKind::kArticle: return 1;
      case OutlineKind::kParenCn: return 2;
      case OutlineKind::kArabic: return 3;
      case OutlineKind::kParenArabic: return 4;
      default: return 0;
    }
  };
  std::map<uint32_t, Heading> heading_starts;  // code point offset -> heading
  std::vector<const OutlineNode*> stack;
  for (const OutlineNode& n : doc.outline) stack.push_back(&n);
  while (!stack.empty()) {
    const OutlineNode* n = stack.back();
    stack.pop_back();
    if (n->kind != OutlineKind::kEnum) heading_starts.emplace(n->heading.start, Heading{n->level, n->heading.end, layer_of(n->kind)});
    for (const OutlineNode& c : n->children) stack.push_back(&c);
  }
  std::vector<ExportBlock> blocks;
  const std::string_view text = doc.text;
  uint32_t cp = 0;  // code point offset of the current line
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty()) {
      ExportBlock b;
      b.text = std::string(line);
      // Code point -> byte offsets of the line; the outline may place a heading
      // after the line's indent (full-width spaces).
      std::vector<size_t> at;
      std::vector<char32_t> chars;
      for (size_t i = 0; i < line.size();) {
        at.push_back(i);
        chars.push_back(text::decode_one(line, i));
      }
      at.push_back(line.size());
      size_t lead = 0;
      while (lead < chars.size() && is_space_cp(chars[lead])) ++lead;
      auto it = heading_starts.lower_bound(cp);
      if (it != heading_starts.end() && it->first <= cp + lead) {
        b.level = it->second.level;
        b.layer = it->second.layer;
        // The heading span ends before the punctuation closing it; the run-in
        // part takes that punctuation along ("一、加强领导。").
        size_t e = std::min<size_t>(it->second.end > cp ? it->second.end - cp : 0, chars.size());
        while (e < chars.size() && (is_heading_stop(chars[e]) || is_closer(chars[e]))) ++e;
        size_t rest = e;
        while (rest < chars.size() && is_space_cp(chars[rest])) ++rest;
        if (rest < chars.size() && e > lead) {
          b.run_in = at[e];
        } else {
          b.kind = ExportBlock::Kind::kHeading;
        }
      }
      blocks.push_back(std::move(b));
    }
    cp += static_cast<uint32_t>(text::count_code_points(line)) + 1;
    pos = nl + 1;
  }
  return blocks;
}

}  // namespace wenyuan::doc
