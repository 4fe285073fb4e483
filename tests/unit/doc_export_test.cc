// Tests of the exporters (src/wenyuan/doc/export.cc): .txt layout, .docx
// package contents, the GB/T 9704 styles read from the XML, run-in headings,
// round trips through import_docx on a real law and a real work report, blocks
// from a Document's outline, and (when LibreOffice is installed) its PDF layout.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <poppler-document.h>
#include <poppler-font.h>
#include <pugixml.hpp>
#include <sstream>

#include "wenyuan/doc/export.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/utf8.h"

namespace fs = std::filesystem;
using namespace wenyuan;
using namespace wenyuan::doc;

namespace {

nlohmann::json corpus_doc(std::string_view title) {
  std::ifstream in(fs::path(WENYUAN_TEST_DATA) / "corpus_sample.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line);
    if (j["title"].get<std::string>() == title) return j;
  }
  ADD_FAILURE() << "no document titled " << title << " in corpus_sample.jsonl";
  return {};
}

std::vector<std::string> lines_of(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) nl = s.size();
    out.emplace_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// Blocks of a law as its structure says: 第X章 level 1, 第X节 level 2, the rest paragraphs.
std::vector<ExportBlock> law_blocks(const std::string& text) {
  std::vector<ExportBlock> blocks;
  for (const std::string& line : lines_of(text)) {
    if (line.empty()) continue;
    ExportBlock b;
    b.text = line;
    const std::u32string u = text::decode_utf8(line);
    const size_t sp = u.find(U' ');
    if (u.size() > 2 && u[0] == U'第' && sp != std::u32string::npos && sp >= 2) {
      if (u[sp - 1] == U'章') b = {ExportBlock::Kind::kHeading, 1, line};
      if (u[sp - 1] == U'节') b = {ExportBlock::Kind::kHeading, 2, line};
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

TEST(ExportTxt, TitleLineOnlyWhenMissing) {
  EXPECT_EQ(export_txt("禁毒法", "第一条 为了预防毒品违法犯罪。"), "禁毒法\n\n第一条 为了预防毒品违法犯罪。\n");
  EXPECT_EQ(export_txt("中华人民共和国禁毒法", "中华人民共和国禁毒法\n第一条\n"), "中华人民共和国禁毒法\n第一条\n");
  EXPECT_EQ(export_txt("", "正文"), "正文\n");
  EXPECT_EQ(export_txt("", ""), "\n");
}

TEST(ExportDocx, RoundTripOfARealLaw) {
  const nlohmann::json law = corpus_doc("禁毒法");
  std::vector<ExportBlock> blocks = law_blocks(law["text"].get<std::string>());
  // Characters XML must escape, a tab and a line break inside a paragraph.
  blocks.push_back({ExportBlock::Kind::kParagraph, 0, "附表：A&B <甲> \"乙\"\t丙"});
  blocks.push_back({ExportBlock::Kind::kHeading, 3, "第三级标题"});
  size_t headings = 0;
  for (const auto& b : blocks) headings += b.kind == ExportBlock::Kind::kHeading;
  ASSERT_GE(headings, 8u);  // the law has seven chapters

  Result<std::string> docx = export_docx("中华人民共和国禁毒法", blocks);
  ASSERT_TRUE(docx.is_ok()) << docx.status().message();
  Result<RawDocument> back = import_docx(*docx, "禁毒法.docx", ImportLimits{});
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->title, "中华人民共和国禁毒法");

  std::vector<std::string> want;
  std::vector<std::pair<std::string, int>> want_headings;
  for (const auto& b : blocks) {
    want.push_back(b.text);
    if (b.kind == ExportBlock::Kind::kHeading) want_headings.emplace_back(b.text, b.level);
  }
  // The first block is the title line itself, so no Title paragraph is added.
  ASSERT_EQ(want.front(), "中华人民共和国禁毒法");
  EXPECT_EQ(lines_of(back->text), want);
  std::vector<std::pair<std::string, int>> got_headings;
  for (const auto& h : back->headings) got_headings.emplace_back(h.text, h.level);
  EXPECT_EQ(got_headings, want_headings);
}

TEST(ExportDocx, TitleParagraphAddedAndLineBreaksKept) {
  Result<std::string> docx = export_docx("北京市信访条例", {{ExportBlock::Kind::kHeading, 9, "第一章 总则"},
                                                          {ExportBlock::Kind::kParagraph, 0, "第一行\n第二行"}});
  ASSERT_TRUE(docx.is_ok());
  Result<RawDocument> back = import_docx(*docx, "x.docx", ImportLimits{});
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->text, "北京市信访条例\n第一章 总则\n第一行\n第二行\n");
  ASSERT_EQ(back->headings.size(), 1u);
  EXPECT_EQ(back->headings[0].level, 6);  // deeper levels are written as 6
}

TEST(ExportDocx, PackageHasTheRequiredParts) {
  Result<std::string> docx = export_docx("标题 & <测试>", {{ExportBlock::Kind::kParagraph, 0, "正文\x01"}});
  ASSERT_TRUE(docx.is_ok());
  auto zip = ZipReader::open(*docx, "x.docx", ImportLimits{});
  ASSERT_TRUE(zip.is_ok()) << zip.status().message();
  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
                           "word/styles.xml", "word/fontTable.xml", "word/settings.xml", "word/footer1.xml",
                           "word/footer2.xml", "docProps/core.xml"}) {
    EXPECT_TRUE((*zip)->contains(part)) << part;
  }
  Result<std::string> styles = (*zip)->read("word/styles.xml");
  ASSERT_TRUE(styles.is_ok());
  for (int i = 1; i <= 3; ++i) {
    EXPECT_NE(styles->find("w:styleId=\"Heading" + std::to_string(i) + "\"><w:name w:val=\"heading " +
                           std::to_string(i) + "\"/>"),
              std::string::npos);
  }
  Result<std::string> core = (*zip)->read("docProps/core.xml");
  ASSERT_TRUE(core.is_ok());
  EXPECT_NE(core->find("<dc:title>标题 &amp; &lt;测试&gt;</dc:title>"), std::string::npos);
  Result<std::string> body = (*zip)->read("word/document.xml");
  ASSERT_TRUE(body.is_ok());
  EXPECT_EQ(body->find('\x01'), std::string::npos);  // not representable in XML 1.0: dropped
  EXPECT_NE(body->find(">正文</w:t>"), std::string::npos);
}

OutlineNode node(int level, OutlineKind kind, uint32_t heading_start, std::vector<OutlineNode> children = {}) {
  OutlineNode n;
  n.level = level;
  n.kind = kind;
  n.heading = {heading_start, heading_start + 2};
  n.children = std::move(children);
  return n;
}

TEST(ExportBlocks, HeadingsFromOutlineSkippingEnumerations) {
  Document doc;
  doc.text = "2023年工作总结\n一、主要成绩\n一是党建引领。\n　　（一）强化理论武装\n\n学习贯彻。";
  const std::vector<std::string> lines = lines_of(doc.text);
  ASSERT_EQ(text::count_code_points(lines[0]), 9u);
  doc.outline = {node(1, OutlineKind::kCnNum, 0, {node(2, OutlineKind::kEnum, 0), node(2, OutlineKind::kParenCn, 0)})};
  // Heading offsets (code points) computed from the text, so the test states intent, not arithmetic.
  auto start_of = [&](size_t line_index) {
    uint32_t cp = 0;
    for (size_t i = 0; i < line_index; ++i) cp += static_cast<uint32_t>(text::count_code_points(lines[i])) + 1;
    return cp;
  };
  doc.outline[0].heading.start = start_of(1);
  doc.outline[0].children[0].heading.start = start_of(2);
  doc.outline[0].children[1].heading.start = start_of(3) + 2;  // after the indent
  const std::vector<ExportBlock> blocks = export_blocks(doc);
  ASSERT_EQ(blocks.size(), 5u);  // the empty line is no block
  EXPECT_EQ(blocks[0].kind, ExportBlock::Kind::kParagraph);
  EXPECT_EQ(blocks[0].text, "2023年工作总结");
  EXPECT_EQ(blocks[1].kind, ExportBlock::Kind::kHeading);
  EXPECT_EQ(blocks[1].level, 1);
  EXPECT_EQ(blocks[1].text, "一、主要成绩");
  EXPECT_EQ(blocks[2].kind, ExportBlock::Kind::kParagraph);  // 一是 is an enumeration, not a heading
  EXPECT_EQ(blocks[3].kind, ExportBlock::Kind::kHeading);
  EXPECT_EQ(blocks[3].level, 2);
  EXPECT_EQ(blocks[3].text, "　　（一）强化理论武装");
  EXPECT_EQ(blocks[4].text, "学习贯彻。");
  EXPECT_EQ(blocks[4].kind, ExportBlock::Kind::kParagraph);
}

// ---------------------------------------------------------------- the GB/T 9704 layout, read from the XML

std::map<std::string, std::string> parts_of(const std::string& docx) {
  std::map<std::string, std::string> out;
  auto zip = ZipReader::open(docx, "x.docx", ImportLimits{});
  EXPECT_TRUE(zip.is_ok()) << zip.status().message();
  if (!zip.is_ok()) return out;
  for (const char* part : {"word/document.xml", "word/styles.xml", "word/fontTable.xml", "word/settings.xml",
                           "word/footer1.xml", "word/footer2.xml", "word/_rels/document.xml.rels"}) {
    Result<std::string> bytes = (*zip)->read(part);
    EXPECT_TRUE(bytes.is_ok()) << part;
    if (bytes.is_ok()) out[part] = std::move(*bytes);
  }
  return out;
}

pugi::xml_document parse(const std::string& xml) {
  pugi::xml_document d;
  const pugi::xml_parse_result r = d.load_buffer(xml.data(), xml.size());
  EXPECT_TRUE(r) << r.description();
  return d;
}

// The value of attribute `attr` of the first node `xpath` selects under `from`, "" when none.
std::string at(const pugi::xml_node& from, const std::string& xpath, const char* attr = "w:val") {
  const pugi::xpath_node n = from.select_node(xpath.c_str());
  return n ? n.node().attribute(attr).value() : "";
}

pugi::xml_node style(const pugi::xml_document& styles, const std::string& id) {
  return styles.select_node(("/w:styles/w:style[@w:styleId='" + id + "']").c_str()).node();
}

TEST(ExportDocx, StylesFollowGbT9704) {
  Result<std::string> docx =
      export_docx("关于开展专项检查的通知", {{ExportBlock::Kind::kHeading, 1, "一、总体要求"},
                                             {ExportBlock::Kind::kHeading, 2, "（一）指导思想"},
                                             {ExportBlock::Kind::kHeading, 3, "1.基本原则"},
                                             {ExportBlock::Kind::kHeading, 4, "（1）工作目标"},
                                             {ExportBlock::Kind::kParagraph, 0, "各地要高度重视。"}});
  ASSERT_TRUE(docx.is_ok());
  std::map<std::string, std::string> parts = parts_of(*docx);
  const pugi::xml_document styles = parse(parts["word/styles.xml"]);

  const pugi::xml_node title = style(styles, "Title");
  ASSERT_TRUE(title);
  EXPECT_EQ(at(title, "w:rPr/w:rFonts", "w:eastAsia"), "方正小标宋简体");
  EXPECT_EQ(at(title, "w:rPr/w:sz"), "44");  // 二号
  EXPECT_TRUE(title.select_node("w:rPr/w:b"));
  EXPECT_EQ(at(title, "w:pPr/w:jc"), "center");

  const pugi::xml_node normal = style(styles, "Normal");
  ASSERT_TRUE(normal);
  EXPECT_EQ(at(normal, "w:rPr/w:rFonts", "w:eastAsia"), "仿宋_GB2312");
  EXPECT_EQ(at(normal, "w:rPr/w:rFonts", "w:ascii"), "Times New Roman");
  EXPECT_EQ(at(normal, "w:rPr/w:sz"), "32");  // 三号
  EXPECT_EQ(at(normal, "w:pPr/w:ind", "w:firstLineChars"), "200");
  EXPECT_EQ(at(normal, "w:pPr/w:spacing", "w:line"), "560");  // 28 pt
  EXPECT_EQ(at(normal, "w:pPr/w:spacing", "w:lineRule"), "exact");

  const char* want_font[] = {"黑体", "楷体_GB2312", "仿宋_GB2312", "仿宋_GB2312"};
  for (int level = 1; level <= 4; ++level) {
    SCOPED_TRACE(level);
    const pugi::xml_node h = style(styles, "Heading" + std::to_string(level));
    ASSERT_TRUE(h);
    EXPECT_EQ(at(h, "w:name"), "heading " + std::to_string(level));
    EXPECT_EQ(at(h, "w:rPr/w:rFonts", "w:eastAsia"), want_font[level - 1]);
    EXPECT_EQ(at(h, "w:rPr/w:sz"), "32");
    EXPECT_EQ(at(h, "w:pPr/w:outlineLvl"), std::to_string(level - 1));
    EXPECT_EQ(at(h, "w:pPr/w:spacing", "w:line"), "560");
  }

  // Fallbacks for offices without the GB2312-era fonts.
  const pugi::xml_document fonts = parse(parts["word/fontTable.xml"]);
  for (const auto& [font, alt] : {std::pair{"方正小标宋简体", "宋体"}, {"仿宋_GB2312", "仿宋"}, {"楷体_GB2312", "楷体"}}) {
    EXPECT_EQ(at(fonts, std::string("/w:fonts/w:font[@w:name='") + font + "']/w:altName"), alt) << font;
  }

  // A4, margins 37/35/28/26 mm, page numbers in both footers.
  const pugi::xml_document body = parse(parts["word/document.xml"]);
  const pugi::xml_node sect = body.select_node("/w:document/w:body/w:sectPr").node();
  ASSERT_TRUE(sect);
  EXPECT_EQ(at(sect, "w:pgSz", "w:w"), "11906");
  EXPECT_EQ(at(sect, "w:pgSz", "w:h"), "16838");
  auto mm = [&](const char* side) { return std::stoi(at(sect, "w:pgMar", side)) * 25.4 / 1440; };
  EXPECT_NEAR(mm("w:top"), 37, 0.1);
  EXPECT_NEAR(mm("w:bottom"), 35, 0.1);
  EXPECT_NEAR(mm("w:left"), 28, 0.1);
  EXPECT_NEAR(mm("w:right"), 26, 0.1);
  const pugi::xml_document rels = parse(parts["word/_rels/document.xml.rels"]);
  for (const char* type : {"default", "even"}) {
    const std::string id = at(sect, std::string("w:footerReference[@w:type='") + type + "']", "r:id");
    const std::string target = at(rels, "/Relationships/Relationship[@Id='" + id + "']", "Target");
    ASSERT_FALSE(target.empty()) << type;
    const pugi::xml_document footer = parse(parts["word/" + target]);
    EXPECT_NE(at(footer, "//w:fldSimple", "w:instr").find("PAGE"), std::string::npos) << target;
    std::string shown;
    for (const pugi::xpath_node& t : footer.select_nodes("//w:t")) shown += t.node().child_value();
    EXPECT_EQ(shown, "— 1 —") << target;
  }
  EXPECT_TRUE(parse(parts["word/settings.xml"]).select_node("/w:settings/w:evenAndOddHeaders"));

  // The paragraphs: the title first, then each heading in its style.
  std::vector<std::pair<std::string, std::string>> got;  // style, text
  for (const pugi::xpath_node& p : body.select_nodes("/w:document/w:body/w:p")) {
    std::string text;
    for (const pugi::xpath_node& t : p.node().select_nodes(".//w:t")) text += t.node().child_value();
    got.emplace_back(at(p.node(), "w:pPr/w:pStyle"), text);
  }
  const std::vector<std::pair<std::string, std::string>> want = {
      {"Title", "关于开展专项检查的通知"}, {"Heading1", "一、总体要求"}, {"Heading2", "（一）指导思想"},
      {"Heading3", "1.基本原则"},        {"Heading4", "（1）工作目标"}, {"", "各地要高度重视。"}};
  EXPECT_EQ(got, want);
}

// The first run of each paragraph that has more than one: its East Asian font and text.
std::vector<std::pair<std::string, std::string>> run_ins(const std::string& document_xml) {
  const pugi::xml_document body = parse(document_xml);
  std::vector<std::pair<std::string, std::string>> out;
  for (const pugi::xpath_node& p : body.select_nodes("/w:document/w:body/w:p")) {
    const pugi::xpath_node_set runs = p.node().select_nodes("w:r");
    if (runs.size() < 2) continue;
    EXPECT_EQ(at(p.node(), "w:pPr/w:pStyle"), "") << "a run-in heading's paragraph is body text";
    std::string text;
    for (const pugi::xpath_node& t : runs[0].node().select_nodes("w:t")) text += t.node().child_value();
    out.emplace_back(at(runs[0].node(), "w:rPr/w:rFonts", "w:eastAsia"), text);
  }
  return out;
}

TEST(ExportDocx, RunInHeadingsStayBodyParagraphs) {
  // The outline finds the heading; its line goes on with the body.
  RawDocument raw;
  raw.text =
      "2023年度党支部工作总结\n"
      "一、聚焦思想过硬，持续强化理论武装。一是坚持第一议题制度，全年开展集中学习24次。二是开展专题研讨。\n"
      "（一）抓实理论学习。支部书记带头讲党课4次。\n"
      "二、存在的不足\n"
      "学习的系统性还不够。\n";
  raw.origin = "summary.txt";
  raw.format = "txt";
  Result<Document> doc = prepare(raw, PrepareOptions{});
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  const std::vector<ExportBlock> blocks = export_blocks(*doc);
  ASSERT_EQ(blocks.size(), 5u);
  EXPECT_EQ(blocks[1].kind, ExportBlock::Kind::kParagraph);
  EXPECT_EQ(blocks[1].level, 1);
  EXPECT_EQ(blocks[1].text.substr(0, blocks[1].run_in), "一、聚焦思想过硬，持续强化理论武装。");
  EXPECT_EQ(blocks[2].kind, ExportBlock::Kind::kParagraph);
  EXPECT_EQ(blocks[2].text.substr(0, blocks[2].run_in), "（一）抓实理论学习。");
  EXPECT_EQ(blocks[3].kind, ExportBlock::Kind::kHeading);
  EXPECT_EQ(blocks[3].run_in, 0u);

  // A law's articles: paragraphs whose run-in heading is 第X条, in 黑体 under a chapter too.
  RawDocument law;
  law.text = "某某条例\n第一章 总则\n第一条 为了规范管理，制定本条例。\n第二条 本条例自公布之日起施行。\n";
  law.origin = "law.txt";
  law.format = "txt";
  Result<Document> ld = prepare(law, PrepareOptions{});
  ASSERT_TRUE(ld.is_ok());
  const std::vector<ExportBlock> lb = export_blocks(*ld);
  ASSERT_EQ(lb.size(), 4u);
  EXPECT_EQ(lb[1].kind, ExportBlock::Kind::kHeading);  // 第一章 总则
  EXPECT_EQ(lb[2].kind, ExportBlock::Kind::kParagraph);
  EXPECT_EQ(lb[2].text.substr(0, lb[2].run_in), "第一条");
  Result<std::string> ldocx = export_docx(ld->title, lb);
  ASSERT_TRUE(ldocx.is_ok());
  const std::vector<std::pair<std::string, std::string>> law_runs = {{"黑体", "第一条"}, {"黑体", "第二条"}};
  EXPECT_EQ(run_ins(parts_of(*ldocx)["word/document.xml"]), law_runs);

  // A caller's heading block that goes on after a sentence end, and one that is a paragraph's length.
  std::vector<ExportBlock> given = blocks;
  given.push_back({ExportBlock::Kind::kHeading, 2, "（二）严格组织生活。落实“三会一课”制度。"});
  given.push_back({ExportBlock::Kind::kHeading, 1, "一、" + std::string(70, 'x')});
  Result<std::string> docx = export_docx(doc->title, given);
  ASSERT_TRUE(docx.is_ok());
  std::map<std::string, std::string> parts = parts_of(*docx);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"黑体", "一、聚焦思想过硬，持续强化理论武装。"},
      {"楷体_GB2312", "（一）抓实理论学习。"},
      {"楷体_GB2312", "（二）严格组织生活。"}};
  EXPECT_EQ(run_ins(parts["word/document.xml"]), want);
  const pugi::xml_document body = parse(parts["word/document.xml"]);
  EXPECT_EQ(body.select_nodes("//w:pStyle[@w:val='Heading1']").size(), 1u);  // 二、存在的不足 only

  // Read back, the run-in headings are outline entries again, found in the text.
  Result<RawDocument> back = import_docx(*docx, "summary.docx", ImportLimits{});
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  Result<Document> again = prepare(*back, PrepareOptions{});
  ASSERT_TRUE(again.is_ok());
  ASSERT_GE(again->outline.size(), 2u);
  EXPECT_EQ(again->outline[0].title, "聚焦思想过硬，持续强化理论武装");
  ASSERT_FALSE(again->outline[0].children.empty());
}

std::string without_indent(std::string_view line) {
  std::u32string u = text::decode_utf8(line);
  size_t i = 0;
  while (i < u.size() && (u[i] == U' ' || u[i] == U'\t' || u[i] == U'\u3000')) ++i;
  return text::encode_utf8(std::u32string_view(u).substr(i));
}

// (level, heading text) of each outline node but enumerations, depth first.
void headings_of(const Document& d, const std::vector<OutlineNode>& nodes,
                 std::vector<std::pair<int, std::string>>& out) {
  for (const OutlineNode& n : nodes) {
    if (n.kind != OutlineKind::kEnum) {
      out.emplace_back(n.level, without_indent(text::substr_code_points(d.text, n.heading.start, n.heading.end)));
    }
    headings_of(d, n.children, out);
  }
}

// A real provincial work report: exported, read back, prepared again.
TEST(ExportDocx, RealReportRoundTripsWithItsOutline) {
  const nlohmann::json j = corpus_doc("2026年内蒙古自治区政府工作报告");
  RawDocument raw;
  raw.title = j["title"].get<std::string>();
  raw.text = j["text"].get<std::string>();
  raw.origin = "corpus_sample.jsonl";
  raw.format = "jsonl";
  Result<Document> doc = prepare(raw, PrepareOptions{});
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  const std::vector<ExportBlock> blocks = export_blocks(*doc);
  size_t headings = 0, run_in = 0;
  for (const ExportBlock& b : blocks) {
    headings += b.kind == ExportBlock::Kind::kHeading;
    run_in += b.run_in > 0;
  }
  EXPECT_GE(headings, 4u);
  EXPECT_GE(run_in, 10u);  // （一）坚持…。 paragraphs of the report's second half

  Result<std::string> docx = export_docx(doc->title, blocks);
  ASSERT_TRUE(docx.is_ok());
  std::map<std::string, std::string> parts = parts_of(*docx);
  const pugi::xml_document body = parse(parts["word/document.xml"]);
  for (const pugi::xpath_node& p : body.select_nodes("/w:document/w:body/w:p[w:pPr/w:pStyle]")) {
    std::string text;
    for (const pugi::xpath_node& t : p.node().select_nodes(".//w:t")) text += t.node().child_value();
    EXPECT_LE(text::count_code_points(text), kMaxHeadingChars) << text;
  }
  EXPECT_GE(run_ins(parts["word/document.xml"]).size(), run_in);
  // Fonts go by the numbering layer: 一、 in 黑体 though it is level 2 under the
  // report's unnumbered part title, （一） run-ins in 楷体.
  auto first_run_font = [&](const std::string& prefix) {
    for (const pugi::xpath_node& p : body.select_nodes("/w:document/w:body/w:p")) {
      const pugi::xml_node r = p.node().child("w:r");
      if (std::string(r.child("w:t").child_value()).rfind(prefix, 0) == 0)
        return at(p.node(), "w:pPr/w:pStyle") + " " + at(r, "w:rPr/w:rFonts", "w:eastAsia");
    }
    return std::string("(none)");
  };
  EXPECT_EQ(first_run_font("“十四五”时期发展成就"), "Heading1 ");  // the style's 黑体
  EXPECT_EQ(first_run_font("一、把铸牢中华民族共同体意识"), "Heading2 黑体");
  EXPECT_EQ(first_run_font("（一）加强中华民族共有精神家园建设。"), " 楷体_GB2312");

  Result<RawDocument> back = import_docx(*docx, "report.docx", ImportLimits{});
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->title, doc->title);
  std::vector<std::string> want;
  for (const std::string& line : lines_of(doc->text)) {
    if (!without_indent(line).empty()) want.push_back(without_indent(line));
  }
  EXPECT_EQ(lines_of(back->text), want);

  Result<Document> again = prepare(*back, PrepareOptions{});
  ASSERT_TRUE(again.is_ok());
  std::vector<std::pair<int, std::string>> before, after;
  headings_of(*doc, doc->outline, before);
  headings_of(*again, again->outline, after);
  EXPECT_GE(before.size(), 14u);
  EXPECT_EQ(after, before);
}

// ---------------------------------------------------------------- LibreOffice

std::string find_soffice() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    for (const char* name : {"soffice", "libreoffice"}) {
      const fs::path p = fs::path(dir) / name;
      if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
  }
  return {};
}

// LibreOffice opens the file and lays it out in the fonts the styles name:
// tests/data/fonts/gongwen.conf maps the 公文 font names to the free fonts
// scripts/setup installs (黑体 -> Noto Sans CJK, 楷体 -> AR PL UKai, 仿宋 and
// 小标宋 -> Noto Serif CJK), so the PDF shows whether headings got their fonts.
TEST(ExportDocx, LibreOfficeLaysItOutInTheHeadingFonts) {
  const std::string soffice = find_soffice();
  if (soffice.empty()) GTEST_SKIP() << "LibreOffice (soffice) is not on PATH; cannot check that it opens the .docx";
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_export_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const nlohmann::json j = corpus_doc("2026年内蒙古自治区政府工作报告");
  RawDocument raw;
  raw.title = j["title"].get<std::string>();
  raw.text = j["text"].get<std::string>();
  raw.origin = "corpus_sample.jsonl";
  raw.format = "jsonl";
  Result<Document> doc = prepare(raw, PrepareOptions{});
  ASSERT_TRUE(doc.is_ok());
  Result<std::string> docx = export_docx(doc->title, export_blocks(*doc));
  ASSERT_TRUE(docx.is_ok());
  {
    std::ofstream out(dir / "report.docx", std::ios::binary);
    out.write(docx->data(), static_cast<std::streamsize>(docx->size()));
  }
  const std::string conf = std::string(WENYUAN_TEST_DATA) + "/fonts/gongwen.conf";
  const std::string cmd = "FONTCONFIG_FILE='" + conf + "' timeout 180 '" + soffice +
                          "' -env:UserInstallation=file://" + (dir / "profile").string() +
                          " --headless --convert-to pdf --outdir '" + dir.string() + "' '" +
                          (dir / "report.docx").string() + "' >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  const fs::path pdf = dir / "report.pdf";
  ASSERT_TRUE(fs::exists(pdf));
  std::ifstream in(pdf, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<RawDocument> back = import_pdf(bytes, pdf.string(), ImportLimits{});
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_NE(back->text.find("内蒙古"), std::string::npos);

  std::unique_ptr<poppler::document> p(poppler::document::load_from_raw_data(bytes.data(), int(bytes.size())));
  ASSERT_TRUE(p);
  EXPECT_GE(p->pages(), 10);
  std::string fonts;
  for (const poppler::font_info& f : p->fonts()) fonts += f.name() + " ";
  EXPECT_NE(fonts.find("SerifCJK"), std::string::npos) << fonts;  // body and title
  EXPECT_NE(fonts.find("SansCJK"), std::string::npos) << fonts;   // 一、 headings in 黑体
  if (std::system("fc-list | grep -q 'AR PL UKai CN'") == 0) {
    EXPECT_NE(fonts.find("UKai"), std::string::npos) << fonts;  // （一） headings in 楷体
  } else {
    std::cout << "[ note ] fonts-arphic-ukai is not installed: the 楷体 check is skipped\n";
  }
  fs::remove_all(dir);
}

}  // namespace
