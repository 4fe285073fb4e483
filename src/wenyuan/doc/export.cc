#include "wenyuan/doc/export.h"

#include <map>

#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

constexpr int kMaxHeadingLevel = 6;

// Escapes XML text and drops what XML 1.0 cannot carry at all (control
// characters other than tab, newline, carriage return; ill-formed UTF-8).
std::string xml_escape(std::string_view s) {
  const std::string valid = text::is_valid_utf8(s) ? std::string(s) : text::make_valid_utf8(s);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (char c : valid) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out.push_back(c);
    }
  }
  return out;
}

// The runs of one paragraph: text with w:tab for tabs and w:br for line breaks.
std::string runs_xml(std::string_view text) {
  std::string out = "<w:r>";
  std::string chunk;
  auto flush = [&] {
    if (!chunk.empty()) out += "<w:t xml:space=\"preserve\">" + xml_escape(chunk) + "</w:t>";
    chunk.clear();
  };
  for (char c : text) {
    if (c == '\t') {
      flush();
      out += "<w:tab/>";
    } else if (c == '\n') {
      flush();
      out += "<w:br/>";
    } else if (c != '\r') {
      chunk.push_back(c);
    }
  }
  flush();
  out += "</w:r>";
  return out;
}

std::string paragraph_xml(std::string_view style, std::string_view text) {
  std::string out = "<w:p>";
  if (!style.empty()) out += "<w:pPr><w:pStyle w:val=\"" + std::string(style) + "\"/></w:pPr>";
  out += runs_xml(text);
  out += "</w:p>";
  return out;
}

constexpr const char* kContentTypes =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>";

constexpr const char* kPackageRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
    "Target=\"docProps/core.xml\"/>"
    "</Relationships>";

constexpr const char* kDocumentRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "</Relationships>";

constexpr const char* kWordNs = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

// Fonts: SimSun (宋体) for Chinese body text, SimHei (黑体) for headings, as 公文
// layouts do; Word and LibreOffice substitute what the machine has.
std::string styles_xml() {
  std::string s = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles ") + kWordNs + ">";
  s +=
      "<w:docDefaults><w:rPrDefault><w:rPr>"
      "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"SimSun\" w:cs=\"Times New Roman\"/>"
      "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>"
      "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"360\" w:lineRule=\"auto\"/>"
      "</w:pPr></w:pPrDefault></w:docDefaults>"
      "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
      "</w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>"
      "<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"240\" "
      "w:after=\"240\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"SimHei\"/><w:b/><w:sz w:val=\"36\"/>"
      "<w:szCs w:val=\"36\"/></w:rPr></w:style>";
  static constexpr int kSizes[kMaxHeadingLevel] = {32, 30, 28, 26, 24, 24};  // half-points
  for (int level = 1; level <= kMaxHeadingLevel; ++level) {
    const std::string n = std::to_string(level);
    s += "<w:style w:type=\"paragraph\" w:styleId=\"Heading" + n + "\"><w:name w:val=\"heading " + n +
         "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
         "<w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"" + std::to_string(level - 1) +
         "\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"SimHei\"/><w:b/><w:sz w:val=\"" +
         std::to_string(kSizes[level - 1]) + "\"/><w:szCs w:val=\"" + std::to_string(kSizes[level - 1]) +
         "\"/></w:rPr></w:style>";
  }
  s += "</w:styles>";
  return s;
}

std::string core_xml(std::string_view title) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
             "<cp:coreProperties "
             "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
             "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
             "<dc:title>") +
         xml_escape(title) + "</dc:title><dc:creator>wenyuan</dc:creator></cp:coreProperties>";
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
  std::string body = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document ") +
                     kWordNs + "><w:body>";
  if (!title.empty() && (blocks.empty() || blocks.front().text != title)) body += paragraph_xml("Title", title);
  for (const ExportBlock& b : blocks) {
    if (b.kind == ExportBlock::Kind::kHeading) {
      const int level = b.level < 1 ? 1 : b.level > kMaxHeadingLevel ? kMaxHeadingLevel : b.level;
      body += paragraph_xml("Heading" + std::to_string(level), b.text);
    } else {
      body += paragraph_xml("", b.text);
    }
  }
  // A4 with the 公文 margins of GB/T 9704 (37 mm top, 28 mm left), in twentieths of a point.
  body +=
      "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" "
      "w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>";
  const std::vector<ZipEntry> entries = {
      {"[Content_Types].xml", kContentTypes},
      {"_rels/.rels", kPackageRels},
      {"word/document.xml", std::move(body)},
      {"word/_rels/document.xml.rels", kDocumentRels},
      {"word/styles.xml", styles_xml()},
      {"docProps/core.xml", core_xml(title)},
  };
  return write_zip(entries);
}

std::vector<ExportBlock> export_blocks(const Document& doc) {
  std::map<uint32_t, int> heading_starts;  // code point offset -> level
  std::vector<const OutlineNode*> stack;
  for (const OutlineNode& n : doc.outline) stack.push_back(&n);
  while (!stack.empty()) {
    const OutlineNode* n = stack.back();
    stack.pop_back();
    if (n->kind != OutlineKind::kEnum) heading_starts.emplace(n->heading.start, n->level);
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
      // The outline may place a heading after the line's indent (full-width spaces).
      size_t lead = 0;
      for (size_t i = 0; i < line.size();) {
        if (const char32_t c = text::decode_one(line, i); c != ' ' && c != '\t' && c != 0x3000) break;
        ++lead;
      }
      auto it = heading_starts.lower_bound(cp);
      if (it != heading_starts.end() && it->first <= cp + lead) {
        b.kind = ExportBlock::Kind::kHeading;
        b.level = it->second;
      }
      blocks.push_back(std::move(b));
    }
    cp += static_cast<uint32_t>(text::count_code_points(line)) + 1;
    pos = nl + 1;
  }
  return blocks;
}

}  // namespace wenyuan::doc
