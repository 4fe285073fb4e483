// Tests of the exporters (src/wenyuan/doc/export.cc): .txt layout, .docx
// package contents, round trip through import_docx on a real law, blocks from
// a Document's outline, and (when LibreOffice is installed) conversion to PDF.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "wenyuan/doc/export.h"
#include "wenyuan/doc/import.h"
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
                           "word/styles.xml", "docProps/core.xml"}) {
    EXPECT_TRUE((*zip)->contains(part)) << part;
  }
  Result<std::string> styles = (*zip)->read("word/styles.xml");
  ASSERT_TRUE(styles.is_ok());
  EXPECT_NE(styles->find("w:eastAsia=\"SimSun\""), std::string::npos);
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

TEST(ExportDocx, LibreOfficeConvertsItToPdf) {
  const std::string soffice = find_soffice();
  if (soffice.empty()) GTEST_SKIP() << "LibreOffice (soffice) is not on PATH; cannot check that it opens the .docx";
  const fs::path dir = fs::temp_directory_path() / ("wenyuan_export_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const nlohmann::json law = corpus_doc("禁毒法");
  Result<std::string> docx = export_docx("中华人民共和国禁毒法", law_blocks(law["text"].get<std::string>()));
  ASSERT_TRUE(docx.is_ok());
  {
    std::ofstream out(dir / "law.docx", std::ios::binary);
    out.write(docx->data(), static_cast<std::streamsize>(docx->size()));
  }
  const std::string cmd = "'" + soffice + "' --headless --convert-to pdf --outdir '" + dir.string() + "' '" +
                          (dir / "law.docx").string() + "' >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  const fs::path pdf = dir / "law.pdf";
  ASSERT_TRUE(fs::exists(pdf));
  std::ifstream in(pdf, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<RawDocument> back = import_pdf(bytes, pdf.string(), ImportLimits{});
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_NE(back->text.find("禁毒"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
