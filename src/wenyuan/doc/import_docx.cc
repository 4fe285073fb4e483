// .docx importer: the main document part's paragraphs and tables in order, with
// heading levels from paragraph styles, through ZipReader's zip-bomb guard.
//
// BodyWalker recurses once per element level (sdt in sdt, tables in cells, text
// boxes back into blocks), so the part is rejected when its elements nest deeper
// than ImportLimits::max_nesting: the recursion depth is bounded by that limit.
// (pugixml itself parses and frees without recursion.)
//
// Element names are compared without their namespace prefix: the prefix "w:" is
// a convention of Word, not a rule of the format.

#include <pugixml.hpp>

#include <algorithm>
#include <map>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/zip_archive.h"

namespace wenyuan::doc {
namespace {

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The value of attribute `local` (any prefix), or "".
std::string_view attr(const pugi::xml_node& n, std::string_view local) {
  for (pugi::xml_attribute a : n.attributes()) {
    std::string_view name = a.name();
    const size_t colon = name.find(':');
    if ((colon == std::string_view::npos ? name : name.substr(colon + 1)) == local) return a.value();
  }
  return {};
}

pugi::xml_node child(const pugi::xml_node& n, std::string_view local) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_element && local_name(c) == local) return c;
  }
  return {};
}

Result<pugi::xml_document> parse_part(const std::string& bytes, const std::string& origin, const std::string& part) {
  pugi::xml_document xml;
  // ws_pcdata_single keeps <w:t xml:space="preserve"> </w:t>: a space is text.
  const pugi::xml_parse_result r =
      xml.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r) {
    return Status::corruption(origin + ": " + part + ": XML error at byte " + std::to_string(r.offset) + ": " +
                              r.description());
  }
  return xml;
}

// The depth of the deepest node under `root` (its children are at depth 1),
// found without recursion.
size_t max_depth(const pugi::xml_node& root) {
  size_t depth = 0;
  size_t deepest = 0;
  pugi::xml_node n = root;
  while (true) {
    if (pugi::xml_node c = n.first_child()) {
      n = c;
      deepest = std::max(deepest, ++depth);
      continue;
    }
    while (n != root && !n.next_sibling()) {
      n = n.parent();
      --depth;
    }
    if (n == root) return deepest;
    n = n.next_sibling();
  }
}

// "heading 1" "Heading1" "标题 1" "标题1" -> 1..9; anything else -> 0.
int level_from_style_name(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  std::string_view s = lower;
  for (std::string_view prefix : {std::string_view("heading"), std::string_view("标题")}) {
    if (s.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = s.substr(prefix.size());
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.size() == 1 && rest[0] >= '1' && rest[0] <= '9') return rest[0] - '0';
  }
  return 0;
}

bool is_title_style_name(std::string_view name) { return name == "Title" || name == "title" || name == "标题"; }

class StyleTable {
 public:
  void load(const pugi::xml_document& xml) {
    for (pugi::xml_node s : xml.document_element().children()) {
      if (local_name(s) != "style" || attr(s, "type") != "paragraph") continue;
      Style st;
      st.name = attr(child(s, "name"), "val");
      st.based_on = attr(child(s, "basedOn"), "val");
      if (pugi::xml_node lvl = child(child(s, "pPr"), "outlineLvl")) st.outline = std::atoi(std::string(attr(lvl, "val")).c_str());
      styles_[std::string(attr(s, "styleId"))] = std::move(st);
    }
  }

  // Heading level 1..9 of paragraph style `id`, or 0 for body text. Follows
  // basedOn, so a custom style derived from 标题 2 is a level-2 heading.
  int heading_level(const std::string& id) const {
    std::string cur = id;
    for (int depth = 0; depth < 16 && !cur.empty(); ++depth) {  // bounded: basedOn may loop
      auto it = styles_.find(cur);
      if (it == styles_.end()) return level_from_style_name(cur);  // no styles.xml: trust the id
      if (int l = level_from_style_name(it->second.name)) return l;
      if (it->second.outline >= 0) return it->second.outline <= 8 ? it->second.outline + 1 : 0;  // 9 = body text
      cur = it->second.based_on;
    }
    return 0;
  }

  bool is_title(const std::string& id) const {
    auto it = styles_.find(id);
    return it != styles_.end() ? is_title_style_name(it->second.name) : is_title_style_name(id);
  }

 private:
  struct Style {
    std::string name;
    std::string based_on;
    int outline = -1;
  };
  std::map<std::string, Style> styles_;
};

// Walks the body of the main document part, producing one line per paragraph.
class BodyWalker {
 public:
  explicit BodyWalker(const StyleTable& styles) : styles_(styles) {}

  void blocks(const pugi::xml_node& parent, std::string& out) {
    for (pugi::xml_node n : parent.children()) {
      if (n.type() != pugi::node_element) continue;
      const std::string_view name = local_name(n);
      if (name == "p") {
        paragraph(n, out);
      } else if (name == "tbl") {
        table(n, out);
      } else if (name == "sectPr" || name == "del" || name == "moveFrom") {
        continue;
      } else if (name == "AlternateContent") {
        if (pugi::xml_node choice = child(n, "Choice")) blocks(choice, out);  // not the Fallback copy too
      } else {
        blocks(n, out);  // sdt, sdtContent, customXml, ins, ...
      }
    }
  }

  std::string styled_title;  // text of the first paragraph in the Title style

  std::vector<HeadingHint> headings;

 private:
  void paragraph(const pugi::xml_node& p, std::string& out) {
    std::string text;
    std::string floating;  // paragraphs of text boxes anchored in this one
    runs(p, text, floating);
    int level = 0;
    bool title = false;
    pugi::xml_node ppr = child(p, "pPr");
    if (ppr) {
      const std::string style(attr(child(ppr, "pStyle"), "val"));
      if (!style.empty()) {
        level = styles_.heading_level(style);
        title = styles_.is_title(style);
      }
      if (pugi::xml_node lvl = child(ppr, "outlineLvl")) {  // direct formatting wins over the style
        const int v = std::atoi(std::string(attr(lvl, "val")).c_str());
        level = v >= 0 && v <= 8 ? v + 1 : 0;
      }
    }
    // A w:br splits the paragraph into lines; each line is a paragraph of ours.
    std::string_view rest = text;
    while (true) {
      const size_t nl = rest.find('\n');
      std::string_view line = internal::trim_ascii(rest.substr(0, nl));
      if (!line.empty()) {
        internal::append_paragraph(out, line);
        if (level > 0) headings.push_back({std::string(line), level});
        if (title && styled_title.empty()) styled_title = std::string(line);
      }
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    out += floating;
  }

  void runs(const pugi::xml_node& parent, std::string& text, std::string& floating) {
    for (pugi::xml_node n : parent.children()) {
      if (n.type() != pugi::node_element) continue;
      const std::string_view name = local_name(n);
      if (name == "t") {
        text += n.child_value();
      } else if (name == "tab") {
        text.push_back('\t');
      } else if (name == "br" || name == "cr") {
        text.push_back('\n');
      } else if (name == "noBreakHyphen") {
        text.push_back('-');
      } else if (name == "txbxContent") {
        blocks(n, floating);
      } else if (name == "AlternateContent") {
        // Choice and Fallback hold the same content twice; read the first Choice.
        if (pugi::xml_node choice = child(n, "Choice")) runs(choice, text, floating);
      } else if (name == "pPr" || name == "rPr" || name == "del" || name == "delText" || name == "instrText" ||
                 name == "moveFrom" || name == "fldData" || name == "softHyphen") {
        continue;  // formatting, deleted revisions, field codes: not text
      } else {
        runs(n, text, floating);  // r, hyperlink, ins, smartTag, fldSimple, drawing, ...
      }
    }
  }

  void table(const pugi::xml_node& tbl, std::string& out) {
    for (pugi::xml_node tr : tbl.children()) {
      if (local_name(tr) != "tr") continue;
      std::string row;
      bool first = true;
      for (pugi::xml_node tc : tr.children()) {
        if (local_name(tc) != "tc") continue;
        std::string cell_lines;
        blocks(tc, cell_lines);
        // The cell's paragraphs joined by spaces: one table row stays one line.
        std::string cell;
        for (char c : cell_lines) cell.push_back(c == '\n' || c == '\t' ? ' ' : c);
        if (!first) row.push_back('\t');
        row += internal::trim_ascii(cell);
        first = false;
      }
      internal::append_paragraph(out, row);
    }
  }

  const StyleTable& styles_;
};

// The main document part named by _rels/.rels, else the usual word/document.xml.
std::string main_part_name(ZipReader& zip) {
  const std::string fallback = "word/document.xml";
  if (!zip.contains("_rels/.rels")) return fallback;
  Result<std::string> rels = zip.read("_rels/.rels");
  if (!rels) return fallback;
  pugi::xml_document xml;
  if (!xml.load_buffer(rels->data(), rels->size())) return fallback;
  for (pugi::xml_node r : xml.document_element().children()) {
    std::string_view type = attr(r, "Type");
    if (type.size() >= 15 && type.substr(type.size() - 15) == "/officeDocument") {
      std::string_view target = attr(r, "Target");
      while (!target.empty() && target.front() == '/') target.remove_prefix(1);
      if (!target.empty() && zip.contains(std::string(target))) return std::string(target);
    }
  }
  return fallback;
}

}  // namespace

Result<RawDocument> import_docx(std::string bytes, const std::string& origin, const ImportLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return Status::too_large(origin + ": file is larger than the limit of " + format_bytes(limits.max_file_bytes));
  }
  const std::string original = bytes;
  auto opened = ZipReader::open(std::move(bytes), origin, limits);
  if (!opened) {
    return Status::invalid_argument(origin + ": not a .docx file (" +
                                    opened.status().message().substr(origin.size() + 2) + ")");
  }
  ZipReader& zip = **opened;
  const std::string main_part = main_part_name(zip);
  if (!zip.contains(main_part)) return Status::invalid_argument(origin + ": not a .docx file (no " + main_part + ")");

  StyleTable styles;
  const std::string dir = main_part.substr(0, main_part.rfind('/') + 1);
  if (zip.contains(dir + "styles.xml")) {
    WENYUAN_ASSIGN_OR_RETURN(std::string s, zip.read(dir + "styles.xml"));
    WENYUAN_ASSIGN_OR_RETURN(pugi::xml_document xml, parse_part(s, origin, dir + "styles.xml"));
    styles.load(xml);
  }

  RawDocument doc;
  doc.format = "docx";
  doc.encoding = "UTF-8";
  doc.origin = origin;
  {
    WENYUAN_ASSIGN_OR_RETURN(std::string body, zip.read(main_part));
    WENYUAN_ASSIGN_OR_RETURN(pugi::xml_document xml, parse_part(body, origin, main_part));
    body.clear();
    body.shrink_to_fit();
    if (max_depth(xml) > limits.max_nesting) {
      return Status::invalid_argument(origin + ": " + main_part + ": elements nested deeper than " +
                                      std::to_string(limits.max_nesting) + " levels");
    }
    pugi::xml_node body_node = child(xml.document_element(), "body");
    if (!body_node) return Status::corruption(origin + ": " + main_part + " has no body");
    BodyWalker walker(styles);
    walker.blocks(body_node, doc.text);
    doc.headings = std::move(walker.headings);
    doc.title = std::move(walker.styled_title);
  }

  if (zip.contains("docProps/core.xml")) {
    WENYUAN_ASSIGN_OR_RETURN(std::string core, zip.read("docProps/core.xml"));
    pugi::xml_document xml;
    if (xml.load_buffer(core.data(), core.size())) {  // metadata only: a broken core.xml is not fatal
      if (pugi::xml_node t = child(xml.document_element(), "title")) {
        std::string_view title = internal::trim_ascii(t.child_value());
        if (!title.empty()) doc.title = std::string(title);
      }
    }
  }
  WENYUAN_RETURN_IF_ERROR(internal::check_text_limit(doc.text, origin, limits));
  doc.original = original;
  return doc;
}

}  // namespace wenyuan::doc
