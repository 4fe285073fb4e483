// .xlsx importer: a workbook as text, read straight from its XML parts (no
// LibreOffice: the format is zipped XML, cheap to read with ZipReader's
// zip-bomb guard and pugixml).
//
// Each sheet in workbook order; each row one line, its non-empty cells in
// column order separated by a tab (empty cells leave no gap: the text is for
// reading and searching, not for recomputing the table, and a hostile cell at
// column XFD cannot inflate a row to 16,384 tabs). With more than one sheet,
// each sheet's name is a heading line before its rows. Cell values: shared and
// inline strings as written, numbers and formula results as stored, except a
// number in a date format (xl/styles.xml: built-in formats 14–22, 45–47, or a
// custom one with y, d or 年/月/日 outside quotes): it is a day count since
// 1899-12-30 and becomes "2026-02-12"; booleans TRUE/FALSE.
//
// Walks are iterative or of fixed depth (workbook/sheets/sheet,
// sheetData/row/c/v); the text of a string item is gathered without
// recursion, so no nesting makes the stack grow.

#include <pugixml.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/import_xml.h"
#include "wenyuan/doc/zip_archive.h"

namespace wenyuan::doc {
namespace {

using internal::attr;
using internal::child;
using internal::local_name;
using internal::parse_part;

// The text of a string item (<si>, <is>): its <t> elements in order, except
// those under a phonetic run (<rPh>, furigana).
std::string item_text(const pugi::xml_node& item) {
  std::string out;
  pugi::xml_node n = item.first_child();
  while (n && n != item) {
    const bool phonetic = n.type() == pugi::node_element && local_name(n) == "rPh";
    if (n.type() == pugi::node_element && local_name(n) == "t") {
      out += n.child_value();
    } else if (!phonetic && n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n != item && !n.next_sibling()) n = n.parent();
    if (n == item) break;
    n = n.next_sibling();
  }
  return out;
}

// "xl/" + "worksheets/sheet1.xml", or "/xl/worksheets/sheet1.xml" as given.
std::string resolve(const std::string& base_dir, std::string_view target) {
  if (!target.empty() && target[0] == '/') return std::string(target.substr(1));
  std::string path = base_dir;
  while (target.substr(0, 3) == "../") {
    target.remove_prefix(3);
    if (!path.empty()) path.pop_back();
    path = path.substr(0, path.rfind('/') + 1);
  }
  return path + std::string(target);
}

struct Sheet {
  std::string name;
  std::string part;
};

Result<std::vector<Sheet>> sheets_of(ZipReader& zip, const std::string& origin) {
  std::map<std::string, std::string, std::less<>> targets;
  if (zip.contains("xl/_rels/workbook.xml.rels")) {
    Result<std::string> rels = zip.read("xl/_rels/workbook.xml.rels");
    if (!rels) return rels.status();
    Result<pugi::xml_document> xml = parse_part(*rels, origin, "xl/_rels/workbook.xml.rels");
    if (!xml) return xml.status();
    for (pugi::xml_node r : xml->document_element().children()) {
      if (local_name(r) == "Relationship") targets[std::string(attr(r, "Id"))] = resolve("xl/", attr(r, "Target"));
    }
  }
  if (!zip.contains("xl/workbook.xml")) return Status::invalid_argument(origin + ": not a .xlsx file (no xl/workbook.xml)");
  Result<std::string> wb = zip.read("xl/workbook.xml");
  if (!wb) return wb.status();
  Result<pugi::xml_document> xml = parse_part(*wb, origin, "xl/workbook.xml");
  if (!xml) return xml.status();
  std::vector<Sheet> sheets;
  for (pugi::xml_node s : child(xml->document_element(), "sheets").children()) {
    if (local_name(s) != "sheet") continue;
    auto it = targets.find(attr(s, "id"));
    if (it == targets.end()) continue;
    sheets.push_back({std::string(internal::trim_ascii(attr(s, "name"))), it->second});
  }
  return sheets;
}

Result<std::vector<std::string>> shared_strings(ZipReader& zip, const std::string& origin) {
  std::vector<std::string> strings;
  if (!zip.contains("xl/sharedStrings.xml")) return strings;
  Result<std::string> bytes = zip.read("xl/sharedStrings.xml");
  if (!bytes) return bytes.status();
  Result<pugi::xml_document> xml = parse_part(*bytes, origin, "xl/sharedStrings.xml");
  if (!xml) return xml.status();
  for (pugi::xml_node si : xml->document_element().children()) {
    if (local_name(si) == "si") strings.push_back(item_text(si));
  }
  return strings;
}

// Which cell styles (the index an <c s="N"> names) format a number as a date.
Result<std::vector<bool>> date_styles(ZipReader& zip, const std::string& origin) {
  std::vector<bool> dates;
  if (!zip.contains("xl/styles.xml")) return dates;
  Result<std::string> bytes = zip.read("xl/styles.xml");
  if (!bytes) return bytes.status();
  Result<pugi::xml_document> xml = parse_part(*bytes, origin, "xl/styles.xml");
  if (!xml) return xml.status();
  std::map<long, bool> custom;  // numFmtId -> is a date format
  for (pugi::xml_node f : child(xml->document_element(), "numFmts").children()) {
    if (local_name(f) != "numFmt") continue;
    const std::string_view code = attr(f, "formatCode");
    bool quoted = false, bracket = false, date = false;
    for (size_t i = 0; i < code.size(); ++i) {
      const char ch = code[i];
      if (ch == '"') quoted = !quoted;
      if (quoted) continue;
      if (ch == '[') bracket = true;
      if (ch == ']') bracket = false;
      if (bracket) continue;
      if (ch == 'y' || ch == 'Y' || ch == 'd' || ch == 'D' || code.substr(i, 3) == "年" || code.substr(i, 3) == "日") date = true;
    }
    custom[std::strtol(std::string(attr(f, "numFmtId")).c_str(), nullptr, 10)] = date;
  }
  for (pugi::xml_node xf : child(xml->document_element(), "cellXfs").children()) {
    if (local_name(xf) != "xf") continue;
    const long id = std::strtol(std::string(attr(xf, "numFmtId")).c_str(), nullptr, 10);
    auto it = custom.find(id);
    dates.push_back(it != custom.end() ? it->second : (id >= 14 && id <= 22) || (id >= 45 && id <= 47));
  }
  return dates;
}

// A date serial ("46065", "46065.5") as "2026-02-12", or "" when it is none.
std::string serial_date(std::string_view v) {
  char* end = nullptr;
  const std::string s(v);
  const double serial = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(serial >= 1 && serial < 2958466)) return {};  // 1900-01-01 .. 9999-12-31
  // Days since 1899-12-30 (the 1900 leap-year slip of Lotus is in the epoch),
  // to a civil date (Howard Hinnant's days_from_civil, inverted).
  long z = static_cast<long>(serial) - 25569 + 719468;  // 25569: 1899-12-30 -> 1970-01-01
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  const long y = yoe + era * 400 + (m <= 2);
  char buf[64];  // the range check above keeps y in 1899..9999
  std::snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, d);
  return buf;
}

std::string cell_value(const pugi::xml_node& c, const std::vector<std::string>& strings,
                       const std::vector<bool>& dates) {
  const std::string_view type = attr(c, "t");
  if (type == "inlineStr") return item_text(child(c, "is"));
  const std::string_view v = internal::trim_ascii(child(c, "v").child_value());
  if (type == "s") {
    char* end = nullptr;
    const std::string digits(v);
    const unsigned long long i = std::strtoull(digits.c_str(), &end, 10);
    return !digits.empty() && *end == '\0' && i < strings.size() ? strings[i] : std::string();
  }
  if (type == "b") return v == "1" ? "TRUE" : v == "0" ? "FALSE" : std::string(v);
  if (type.empty() || type == "n") {
    const std::string style(attr(c, "s"));
    const unsigned long i = style.empty() ? 0 : std::strtoul(style.c_str(), nullptr, 10);
    if (i < dates.size() && dates[i]) {
      if (std::string d = serial_date(v); !d.empty()) return d;
    }
  }
  return std::string(v);
}

}  // namespace

Result<RawDocument> import_xlsx(std::string bytes, const std::string& origin, const ImportLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) return internal::file_too_large(origin, limits);
  const std::string original = bytes;
  auto opened = ZipReader::open(std::move(bytes), origin, limits);
  if (!opened) {
    return Status::invalid_argument(origin + ": not a .xlsx file (" +
                                    opened.status().message().substr(origin.size() + 2) + ")");
  }
  ZipReader& zip = **opened;
  Result<std::vector<Sheet>> sheets = sheets_of(zip, origin);
  if (!sheets) return sheets.status();
  Result<std::vector<std::string>> strings = shared_strings(zip, origin);
  if (!strings) return strings.status();
  Result<std::vector<bool>> dates = date_styles(zip, origin);
  if (!dates) return dates.status();

  RawDocument doc;
  doc.format = "xlsx";
  doc.encoding = "UTF-8";
  doc.origin = origin;
  for (const Sheet& sheet : *sheets) {
    if (!zip.contains(sheet.part)) continue;
    Result<std::string> part = zip.read(sheet.part);
    if (!part) return part.status();
    Result<pugi::xml_document> xml = parse_part(*part, origin, sheet.part);
    if (!xml) return xml.status();
    part->clear();
    part->shrink_to_fit();
    if (sheets->size() > 1 && !sheet.name.empty()) {
      doc.headings.push_back({sheet.name, 1});
      internal::append_paragraph(doc.text, sheet.name);
    }
    for (pugi::xml_node row : child(xml->document_element(), "sheetData").children()) {
      if (local_name(row) != "row") continue;
      std::string line;
      for (pugi::xml_node c : row.children()) {
        if (local_name(c) != "c") continue;
        std::string v = cell_value(c, *strings, *dates);
        // A line break or tab inside a cell would split the row: a space instead.
        for (char& ch : v) {
          if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
        }
        const std::string_view t = internal::trim_ascii(v);
        if (t.empty()) continue;
        if (!line.empty()) line.push_back('\t');
        line.append(t);
      }
      internal::append_paragraph(doc.text, line);
      // Bound memory by the text cap as we go (a code point takes at most 4 bytes).
      if (doc.text.size() / 4 > limits.max_text_chars) break;
    }
  }
  if (internal::trim_ascii(doc.text).empty()) return Status::invalid_argument(origin + ": the workbook has no text");
  WENYUAN_RETURN_IF_ERROR(internal::check_text_limit(doc.text, origin, limits));
  doc.original = original;
  return doc;
}

}  // namespace wenyuan::doc
