// Tests of the importers (src/wenyuan/doc/import*.cc) on real documents from
// tests/data and on files the tests build: GB18030 and UTF-16 text, .docx with
// headings and tables, HTML with page furniture, PDFs written by hand, JSON
// Lines with good and bad lines, zip bombs and size caps.
// Over 600 lines on purpose: one case per importer and hostile shape, sharing
// the file builders at the top; splitting would copy them.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/files.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/pdf_text.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/text/encoding.h"
#include "wenyuan/text/utf8.h"

namespace fs = std::filesystem;
using namespace wenyuan;
using namespace wenyuan::doc;

namespace {

using ::wenyuan::testing::read_file;

void write_file(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
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

// Documents of tests/data/corpus_sample.jsonl by title.
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

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("wenyuan_doc_import_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Collects what an importer hands to its sink.
struct Collected {
  std::vector<RawDocument> docs;
  std::vector<Status> errors;
  RawSink sink() {
    return [this](Result<RawDocument> r) {
      if (r) {
        docs.push_back(std::move(r).value());
      } else {
        errors.push_back(r.status());
      }
    };
  }
};

const ImportLimits kLimits;

// ---------------------------------------------------------------- text

TEST(ImportText, SeedSampleUtf8) {
  const fs::path p = fs::path(WENYUAN_TEST_DATA) / "seed_sample.txt";
  Collected c;
  ASSERT_TRUE(import_file(p, kLimits, c.sink()).is_ok());
  ASSERT_EQ(c.docs.size(), 1u);
  const RawDocument& d = c.docs[0];
  const std::string bytes = read_file(p);
  EXPECT_EQ(d.format, "txt");
  EXPECT_EQ(d.encoding, "UTF-8");
  EXPECT_EQ(d.origin, p.string());
  EXPECT_EQ(d.original, bytes);
  EXPECT_TRUE(d.title.empty());  // the outline stage picks the first line
  EXPECT_NE(d.text.find("##paidbegin##"), std::string::npos);  // markers are the cleaner's business
  EXPECT_EQ(d.text.find('\r'), std::string::npos);
  EXPECT_EQ(d.text, bytes);  // UTF-8 without CR: nothing to change
}

TEST(ImportText, Gb18030LawWithCrlf) {
  const nlohmann::json law = corpus_doc("禁毒法");
  const std::string utf8 = law["text"].get<std::string>();
  std::string crlf;
  for (char ch : utf8) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  Result<std::string> gb = text::encode_text(crlf, "GB18030");
  ASSERT_TRUE(gb.is_ok()) << gb.status().message();
  ASSERT_NE(*gb, crlf);
  Collected c;
  ASSERT_TRUE(import_bytes("禁毒法.TXT", *gb, kLimits, c.sink()).is_ok());
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].encoding, "GB18030");
  EXPECT_EQ(c.docs[0].text, utf8);
  EXPECT_EQ(c.docs[0].original, *gb);
}

TEST(ImportText, Utf16LeWithBom) {
  const std::string utf8 = corpus_doc("军人保险法")["text"].get<std::string>();
  Result<std::string> u16 = text::encode_text(utf8, "UTF-16LE");
  ASSERT_TRUE(u16.is_ok()) << u16.status().message();
  Result<RawDocument> d = import_text("\xFF\xFE" + *u16, "军人保险法.txt", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->encoding, "UTF-16LE");
  EXPECT_EQ(d->text, utf8);
}

TEST(ImportText, MarkdownHeadingsBecomeHints) {
  const std::string md = "# 中华人民共和国禁毒法\n\n## 第一章 总则\n第一条 为了预防和惩治毒品违法犯罪行为。\n### 细则 ###\n#不是标题\n";
  Result<RawDocument> d = import_text(md, "law.md", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->format, "md");
  EXPECT_EQ(d->text, "中华人民共和国禁毒法\n\n第一章 总则\n第一条 为了预防和惩治毒品违法犯罪行为。\n细则\n#不是标题\n");
  ASSERT_EQ(d->headings.size(), 3u);
  EXPECT_EQ(d->headings[0].text, "中华人民共和国禁毒法");
  EXPECT_EQ(d->headings[0].level, 1);
  EXPECT_EQ(d->headings[1].text, "第一章 总则");
  EXPECT_EQ(d->headings[1].level, 2);
  EXPECT_EQ(d->headings[2].text, "细则");
  EXPECT_EQ(d->headings[2].level, 3);
}

TEST(ImportText, TextLimitNamesTheInput) {
  ImportLimits small;
  small.max_text_chars = 10;
  Result<RawDocument> d = import_text("中华人民共和国禁毒法第一章总则", "a.txt", small);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(d.status().message(), "a.txt: text has 15 characters, more than the limit of 10");
  small.max_text_chars = 15;
  EXPECT_TRUE(import_text("中华人民共和国禁毒法第一章总则", "a.txt", small).is_ok());
}

// ---------------------------------------------------------------- docx

constexpr const char* kW = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

std::string make_docx(const std::string& body_xml, const std::string& styles_xml, const std::string& title) {
  std::vector<ZipEntry> entries;
  entries.push_back({"word/document.xml", std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document ") + kW +
                                              "><w:body>" + body_xml + "</w:body></w:document>"});
  if (!styles_xml.empty()) {
    entries.push_back({"word/styles.xml", std::string("<?xml version=\"1.0\"?><w:styles ") + kW + ">" + styles_xml +
                                              "</w:styles>"});
  }
  if (!title.empty()) {
    entries.push_back({"docProps/core.xml",
                       "<?xml version=\"1.0\"?><cp:coreProperties "
                       "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>" +
                           title + "</dc:title></cp:coreProperties>"});
  }
  Result<std::string> zip = write_zip(entries);
  EXPECT_TRUE(zip.is_ok()) << zip.status().message();
  return zip.is_ok() ? *zip : std::string();
}

std::string para(const std::string& style, const std::string& runs) {
  return "<w:p>" + (style.empty() ? "" : "<w:pPr><w:pStyle w:val=\"" + style + "\"/></w:pPr>") + runs + "</w:p>";
}
std::string run(const std::string& t) { return "<w:r><w:t xml:space=\"preserve\">" + t + "</w:t></w:r>"; }

TEST(ImportDocx, HeadingsTablesTabsBreaksAndRevisions) {
  // Chinese Word names its heading styles "1", "2" with built-in names "heading 1";
  // WPS writes "标题 2"; a custom style inherits its level from the one it is based on.
  const std::string styles =
      "<w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"a3\"><w:name w:val=\"标题 2\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"MyHead\"><w:name w:val=\"公文小标题\"/><w:basedOn w:val=\"a3\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Lvl\"><w:name w:val=\"自定义\"/><w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"a5\"><w:name w:val=\"Title\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Body\"><w:name w:val=\"Body Text\"/><w:pPr><w:outlineLvl w:val=\"9\"/></w:pPr></w:style>";
  const std::string body =
      para("a5", run("中华人民共和国禁毒法")) +
      para("1", run("第一章") + "<w:r><w:tab/></w:r>" + run("总则")) +
      para("", run("　　第一条 为了预防和惩治毒品违法犯罪行为，") + run("保护公民身心健康，维护社会秩序，制定本法。")) +
      para("MyHead", run("一、宣传教育")) +
      para("Lvl", run("（一）学校")) +
      para("Body", run("正文") + "<w:del><w:r><w:delText>删去的字</w:delText></w:r></w:del>" +
                       "<w:ins><w:r><w:t>插入的字</w:t></w:r></w:ins>") +
      "<w:p><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr>" + run("直接大纲级别") + "</w:p>" +
      para("", run("第一行") + "<w:r><w:br/></w:r>" + run("第二行")) +
      "<w:tbl><w:tr><w:tc>" + para("", run("项目")) + "</w:tc><w:tc>" + para("", run("金额")) +
      "</w:tc></w:tr><w:tr><w:tc>" + para("", run("禁毒经费")) + "</w:tc><w:tc>" + para("", run("100")) +
      para("", run("万元")) + "</w:tc></w:tr></w:tbl>" +
      "<w:sdt><w:sdtContent>" + para("", run("内容控件里的段落")) + "</w:sdtContent></w:sdt>" +
      para("", "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>" +
                   run("尾") + run(" ")) +
      "<w:sectPr/>";
  const std::string docx = make_docx(body, styles, "禁毒法 &amp; 附则");
  Result<RawDocument> d = import_docx(docx, "jd.docx", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->format, "docx");
  EXPECT_EQ(d->title, "禁毒法 & 附则");  // core.xml wins over the Title-styled paragraph
  EXPECT_EQ(lines_of(d->text), (std::vector<std::string>{
                                   "中华人民共和国禁毒法",
                                   "第一章\t总则",
                                   "　　第一条 为了预防和惩治毒品违法犯罪行为，保护公民身心健康，维护社会秩序，制定本法。",
                                   "一、宣传教育",
                                   "（一）学校",
                                   "正文插入的字",
                                   "直接大纲级别",
                                   "第一行",
                                   "第二行",
                                   "项目\t金额",
                                   "禁毒经费\t100 万元",
                                   "内容控件里的段落",
                                   "尾",
                               }));
  ASSERT_EQ(d->headings.size(), 4u);
  EXPECT_EQ(d->headings[0].text, "第一章\t总则");
  EXPECT_EQ(d->headings[0].level, 1);
  EXPECT_EQ(d->headings[1].text, "一、宣传教育");
  EXPECT_EQ(d->headings[1].level, 2);
  EXPECT_EQ(d->headings[2].text, "（一）学校");
  EXPECT_EQ(d->headings[2].level, 3);
  EXPECT_EQ(d->headings[3].text, "直接大纲级别");
  EXPECT_EQ(d->headings[3].level, 2);
  EXPECT_EQ(d->original, docx);
}

TEST(ImportDocx, TitleFromTitleStyleWithoutCoreAndHeadingIdsWithoutStyles) {
  const std::string body = para("Title", run("北京市精神卫生条例")) + para("Heading2", run("第一章 总则"));
  Result<RawDocument> d = import_docx(make_docx(body, "", ""), "x.docx", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->title, "北京市精神卫生条例");
  ASSERT_EQ(d->headings.size(), 1u);
  EXPECT_EQ(d->headings[0].level, 2);
}

TEST(ImportDocx, NotAZipAndNoDocumentPart) {
  Result<RawDocument> d = import_docx("这不是压缩包", "bad.docx", kLimits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(d.status().message(), "bad.docx: not a .docx file (not a zip archive)");

  Result<std::string> zip = write_zip({{"content.xml", "<office/>"}});
  ASSERT_TRUE(zip.is_ok());
  d = import_docx(*zip, "odt.docx", kLimits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().message(), "odt.docx: not a .docx file (no word/document.xml)");

  d = import_docx(make_docx("<w:p><w:r><w:t>未闭合</w:r></w:p>", "", ""), "broken.docx", kLimits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(d.status().message().rfind("broken.docx: word/document.xml: XML error at byte", 0), 0u)
      << d.status().message();
}

std::string zip_of_zeros(size_t n) {
  Result<std::string> zip = write_zip({{"word/document.xml", std::string(n, '\0')}});
  EXPECT_TRUE(zip.is_ok());
  return zip.is_ok() ? *zip : std::string();
}

TEST(ImportDocx, ZipBombDeclaredSize) {
  const std::string bomb = zip_of_zeros(64u << 20);  // 64 MiB of zeros deflate to ~64 KiB
  ASSERT_LT(bomb.size(), 1u << 20);
  ImportLimits limits;
  limits.max_uncompressed_bytes = 16u << 20;
  limits.max_compression_ratio = 1u << 20;  // only the total cap is in play here
  Result<RawDocument> d = import_docx(bomb, "x.docx", limits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(d.status().message(), "x.docx: word/document.xml inflates to more than 16 MiB (zip bomb?)");
}

TEST(ImportDocx, ZipBombCompressionRatio) {
  const std::string bomb = zip_of_zeros(8u << 20);
  ImportLimits limits;  // default total cap is 512 MiB: the ratio is what catches it
  Result<RawDocument> d = import_docx(bomb, "ratio.docx", limits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(d.status().message().find("ratio.docx: word/document.xml inflates from"), std::string::npos)
      << d.status().message();
  EXPECT_NE(d.status().message().find("more than 200 times (zip bomb?)"), std::string::npos) << d.status().message();
}

// Overwrites the little-endian u32 at `off`.
void put_u32(std::string& s, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[off + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

TEST(ImportDocx, ZipBombWithLyingHeaderIsStoppedWhileInflating) {
  std::string bomb = zip_of_zeros(32u << 20);
  // Make both headers claim 1000 bytes: the declared-size check passes, so only
  // the count of bytes really inflated can stop it.
  const size_t local = bomb.find(std::string("PK\x03\x04", 4));
  const size_t central = bomb.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(local, std::string::npos);
  ASSERT_NE(central, std::string::npos);
  put_u32(bomb, local + 22, 1000);
  put_u32(bomb, central + 24, 1000);
  ImportLimits limits;
  limits.max_uncompressed_bytes = 4u << 20;
  limits.max_compression_ratio = 1u << 20;
  Result<RawDocument> d = import_docx(bomb, "liar.docx", limits);
  ASSERT_FALSE(d.is_ok());
  // libzip itself inflates past the declared size without complaint; our count stops it.
  EXPECT_EQ(d.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(d.status().message(), "liar.docx: word/document.xml inflates to more than 4 MiB (zip bomb?)");
}

// ---------------------------------------------------------------- html

TEST(ImportHtml, Gb18030PageWithFurniture) {
  const std::string page_utf8 =
      "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n"
      "<title>国务院关于印发《禁毒工作规划》的通知_政府信息公开</title>\n"
      "<style>p { text-indent: 2em; }</style><script>var 广告 = '请订阅';</script></head>\n"
      "<body><header><a href=\"/\">首页</a> | 政务公开</header>\n"
      "<nav><ul><li>导航一</li><li>导航二</li></ul></nav>\n"
      "<div class=\"article\"><h1>国务院关于印发《禁毒工作规划》的通知</h1>\n"
      "<p class=\"meta\">国发〔2024〕5号</p>\n"
      "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>\n"
      "<h2>一、总体要求</h2>\n"
      "<p>坚持以人民为中心，\n   推动禁毒工作高质量发展。Drug control &amp; prevention&nbsp;work.</p>\n"
      "<p>第一行<br>第二行</p>\n"
      "<table><tr><th>项目</th><th>金额</th></tr><tr><td>宣传教育</td><td>100万元</td></tr></table>\n"
      "<noscript>请启用脚本</noscript><template><p>模板</p></template>\n"
      "<!-- 注释 --></div>\n"
      "<aside>相关链接</aside><footer>版权所有：中国政府网</footer>\n"
      "<script>document.write('统计代码');</script></body></html>\n";
  Result<std::string> gb = text::encode_text(page_utf8, "GB18030");
  ASSERT_TRUE(gb.is_ok());
  Result<RawDocument> d = import_html(*gb, "gov.html", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->format, "html");
  EXPECT_EQ(d->encoding, "GB18030");
  EXPECT_EQ(d->title, "国务院关于印发《禁毒工作规划》的通知");  // the <h1>, without the site in <title>
  EXPECT_EQ(lines_of(d->text), (std::vector<std::string>{
                                   "国务院关于印发《禁毒工作规划》的通知",
                                   "国发〔2024〕5号",
                                   "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
                                   "一、总体要求",
                                   "坚持以人民为中心，推动禁毒工作高质量发展。Drug control & prevention\u00a0work.",
                                   "第一行",
                                   "第二行",
                                   "项目\t金额",
                                   "宣传教育\t100万元",
                               }));
  ASSERT_EQ(d->headings.size(), 2u);
  EXPECT_EQ(d->headings[0].text, "国务院关于印发《禁毒工作规划》的通知");
  EXPECT_EQ(d->headings[0].level, 1);
  EXPECT_EQ(d->headings[1].text, "一、总体要求");
  EXPECT_EQ(d->headings[1].level, 2);
  EXPECT_EQ(d->original, *gb);
}

TEST(ImportHtml, Utf8WithoutDeclarationTitleFromH1AndMetaCharsetForm) {
  Result<RawDocument> d = import_html(
      "<html><body><h1>  北京市信访条例 </h1><div>第一条<span>　为了</span>保障</div></body></html>", "a.htm", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->encoding, "UTF-8");
  EXPECT_EQ(d->title, "北京市信访条例");
  EXPECT_EQ(d->text, "北京市信访条例\n第一条　为了保障\n");

  Result<std::string> gbk = text::encode_text("<meta charset='GBK'><p>上海市绿色建筑条例</p>", "GB18030");
  ASSERT_TRUE(gbk.is_ok());
  d = import_html(*gbk, "b.html", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->text, "上海市绿色建筑条例\n");
}

// 10,000 unclosed <div>s: once cost gigabytes (gumbo kept a copy of the open-element
// stack per parse error). Parsing time is still quadratic in the depth inside gumbo,
// so the test stays at a depth that runs in about a second.
TEST(ImportHtml, DeeplyNestedPageImportsInBoundedMemory) {
  std::string page = "<html><body>";
  for (int i = 0; i < 10000; ++i) page += "<div>";
  page += "深处的正文";
  Result<RawDocument> d = import_html(page, "deep.html", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->text, "深处的正文\n");
}

// ---------------------------------------------------------------- pdf

// Writes a PDF whose pages hold the given lines. CJK text uses a Type0 font with
// Identity-H encoding where each 2-byte code is the Unicode code point, and a
// ToUnicode CMap saying so: what poppler needs to extract text, no font file needed.
// `footer` lines are placed at the bottom of each page (page numbers).
std::string make_pdf(const std::vector<std::vector<std::string>>& pages, const std::vector<std::string>& footers) {
  std::vector<std::string> objs;  // object i+1
  auto hex_cids = [](std::string_view utf8) {
    std::string out = "<";
    char buf[8];
    for (char32_t c : wenyuan::text::decode_utf8(utf8)) {
      std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(c));
      out += buf;
    }
    return out + ">";
  };
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  for (int block = 0; block < 256; block += 64) {
    cmap += "64 beginbfrange\n";
    char buf[64];
    for (int hi = block; hi < block + 64; ++hi) {
      std::snprintf(buf, sizeof buf, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
      cmap += buf;
    }
    cmap += "endbfrange\n";
  }
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

  const int n_pages = static_cast<int>(pages.size());
  objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (int i = 0; i < n_pages; ++i) kids += std::to_string(8 + 2 * i) + " 0 R ";
  objs.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n_pages) + " >>");
  objs.push_back("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] "
                 "/ToUnicode 5 0 R >>");
  objs.push_back("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
                 "/Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 1000 >>");
  objs.push_back("<< /Length " + std::to_string(cmap.size()) + " >>\nstream\n" + cmap + "endstream");
  objs.push_back("<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
                 "/Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>");
  objs.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (int i = 0; i < n_pages; ++i) {
    std::string content = "BT /F1 12 Tf 18 TL 60 780 Td\n";
    for (const std::string& line : pages[i]) content += hex_cids(line) + " Tj T*\n";
    content += "ET\n";
    if (i < static_cast<int>(footers.size())) {
      // ASCII page numbers in Helvetica, CJK ones in the CJK font, as word processors do.
      const bool ascii = std::all_of(footers[i].begin(), footers[i].end(), [](char ch) { return ch > 0; });
      content += ascii ? "BT /F2 10 Tf 280 40 Td (" + footers[i] + ") Tj ET\n"
                       : "BT /F1 10 Tf 280 40 Td " + hex_cids(footers[i]) + " Tj ET\n";
    }
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 7 0 R "
                   ">> >> /Contents " + std::to_string(9 + 2 * i) + " 0 R >>");
    objs.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream");
  }
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  char buf[32];
  for (size_t off : offsets) {
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

TEST(ImportPdf, ChineseLinesJoinedAcrossPagesPageNumbersDropped) {
  const std::string pdf = make_pdf(
      {{"关于推进基层治理的通知", "各省、自治区、直辖市人民政府：", "一、总体要求",
        "坚持以人民为中心的发展思想，推动基层治理体系", "和治理能力现代化，切实提高服务水平。",
        "（一）完善工作机制。建立健全统筹协调机制，明确"},
       {"各级责任，形成工作合力。", "二、保障措施", "加强组织领导。"}},
      {"- 1 -", "第2页"});
  Result<RawDocument> d = import_pdf(pdf, "tz.pdf", kLimits);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->format, "pdf");
  EXPECT_EQ(lines_of(d->text), (std::vector<std::string>{
                                   "关于推进基层治理的通知",
                                   "各省、自治区、直辖市人民政府：",
                                   "一、总体要求",
                                   "坚持以人民为中心的发展思想，推动基层治理体系和治理能力现代化，切实提高服务水平。",
                                   "（一）完善工作机制。建立健全统筹协调机制，明确各级责任，形成工作合力。",
                                   "二、保障措施",
                                   "加强组织领导。",
                               }));
}

TEST(ImportPdf, NotAPdfAndNoText) {
  Result<RawDocument> d = import_pdf("hello", "x.pdf", kLimits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().message(), "x.pdf: not a PDF file (no %PDF- header)");
  d = import_pdf(make_pdf({{}}, {}), "scan.pdf", kLimits);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(d.status().message().find("no text layer"), std::string::npos);
}

TEST(PdfText, PageNumberLines) {
  for (const char* yes : {"3", "- 3 -", "—3—", "— 12 —", "－ 3 －", "第3页", "第 3 页 共 12 页", "第3页，共12页", "3/12",
                          "3 / 12", "Page 3", "Page 3 of 12", "  - 7 -  ", "　12　"}) {
    EXPECT_TRUE(is_page_number_line(yes)) << yes;
  }
  for (const char* no : {"", "-3", "一、总体要求", "第三条", "2024年", "3.5", "第3章", "12345", "3个方面", "共12页"}) {
    EXPECT_FALSE(is_page_number_line(no)) << no;
  }
}

TEST(PdfText, NumberedItems) {
  for (const char* yes : {"一、总体要求", "十二、其他", "（一）完善机制", "(2)加强", "1.坚持", "2、推动", "１．统筹",
                          "第一条 为了", "第十二章 附则", "第3条", "一是加强领导", "①加强", "附件：名单", "  （三）保障"}) {
    EXPECT_TRUE(starts_numbered_item(yes)) << yes;
  }
  for (const char* no : {"各级人民政府", "2024年要", "2.5%的增长", "一些地方", "第一次会议", "（注）", "100万元"}) {
    EXPECT_FALSE(starts_numbered_item(no)) << no;
  }
}

TEST(PdfText, JoinRules) {
  // Full lines are 20 characters; short lines and lines ending a sentence stay.
  const std::vector<std::string> lines = {
      "国务院办公厅关于印发工作要点的通知",                   // short title
      "国办发〔2024〕8号",                                  // short
      "",                                                 // blank: paragraph end
      "各省、自治区、直辖市人民政府，国务院各部委、",         // full, ends with 、: join
      "各直属机构：",                                       // ends with ：
      "今年是实现十四五规划目标任务的关键一年，做好",           // full: join
      "全年工作意义重大。要坚持稳中求进工作总基调，完",         // full: join
      "整准确全面贯彻新发展理念",                             // short: stays (end of paragraph)
      "一、推动高质量发展取得新成效，着力扩大国内需求",         // full, next is numbered: stays
      "（一）加快建设现代化产业体系，推进新型工业化进",         // full: join
      "程，培育壮大新兴产业。",
  };
  EXPECT_EQ(join_pdf_lines(lines),
            "国务院办公厅关于印发工作要点的通知\n"
            "国办发〔2024〕8号\n"
            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
            "今年是实现十四五规划目标任务的关键一年，做好全年工作意义重大。要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念\n"
            "一、推动高质量发展取得新成效，着力扩大国内需求\n"
            "（一）加快建设现代化产业体系，推进新型工业化进程，培育壮大新兴产业。\n");
}

TEST(PdfText, LatinWordsGetASpaceWhenJoined) {
  EXPECT_EQ(join_pdf_lines({"The State Council report covers economic", "work and social development in detail",
                            "for the whole of the coming year; it was", "adopted.", "", "New paragraph."}),
            "The State Council report covers economic work and social development in detail for the whole of the "
            "coming year; it was adopted.\nNew paragraph.\n");
}

// ---------------------------------------------------------------- jsonl

TEST(ImportJsonl, RealCorpusSample) {
  const fs::path p = fs::path(WENYUAN_TEST_DATA) / "corpus_sample.jsonl";
  Collected c;
  ASSERT_TRUE(import_jsonl(p, kLimits, c.sink()).is_ok());
  EXPECT_TRUE(c.errors.empty()) << c.errors[0].message();
  ASSERT_EQ(c.docs.size(), 40u);
  std::ifstream in(p);
  std::string line;
  for (size_t i = 0; i < c.docs.size() && std::getline(in, line); ++i) {
    const nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(c.docs[i].title, j["title"].get<std::string>());
    EXPECT_EQ(c.docs[i].text, j["text"].get<std::string>());
    EXPECT_EQ(c.docs[i].source, j["source"].get<std::string>());
    EXPECT_EQ(c.docs[i].category, j.value("category", std::string()));
    EXPECT_EQ(c.docs[i].origin, p.string() + ":" + std::to_string(i + 1));
    EXPECT_EQ(c.docs[i].original, line);
    EXPECT_EQ(c.docs[i].format, "jsonl");
  }
}

TEST(ImportJsonl, GoodAndBadLinesWithLineNumbers) {
  TempDir dir;
  const fs::path p = dir.path() / "mixed.jsonl";
  write_file(p,
             "{\"id\": 17, \"title\": \"禁毒法\", \"text\": \"第一条 为了预防毒品违法犯罪。\", \"date\": \"2007-12-29\", "
             "\"source\": \"全国人大\", \"category\": \"行政法\", \"tags\": [\"禁毒\", \" 法律 \"], \"access\": \"paid\"}\n"
             "{这不是 JSON}\n"
             "{\"title\": \"缺正文\"}\n"
             "\n"
             "{\"text\": \"正文\", \"access\": \"vip\"}\r\n"
             "{\"id\": \"gov-2024\", \"text\": \"正文二\", \"tags\": \"政府工作报告，2024, 国务院、经济\", \"access\": \"free\"}\r\n"
             "{\"text\": 42}\n"
             "[\"text\", \"正文\"]\n"
             "{\"text\": \"正文\", \"tags\": [1, 2]}\n"
             "{\"text\": \"正文\", \"title\": [\"标题\"]}\n"
             "{\"text\": \"最后一行没有换行\", \"date\": null}");
  Collected c;
  ASSERT_TRUE(import_file(p, kLimits, c.sink()).is_ok());
  ASSERT_EQ(c.docs.size(), 3u);
  const RawDocument& a = c.docs[0];
  EXPECT_EQ(a.id, "17");
  EXPECT_EQ(a.title, "禁毒法");
  EXPECT_EQ(a.date, "2007-12-29");
  EXPECT_EQ(a.source, "全国人大");
  EXPECT_EQ(a.category, "行政法");
  EXPECT_EQ(a.tags, (std::vector<std::string>{"禁毒", "法律"}));
  ASSERT_TRUE(a.access.has_value());
  EXPECT_EQ(*a.access, Access::kPaid);
  EXPECT_EQ(a.origin, p.string() + ":1");
  const RawDocument& b = c.docs[1];
  EXPECT_EQ(b.id, "gov-2024");
  EXPECT_EQ(b.tags, (std::vector<std::string>{"政府工作报告", "2024", "国务院", "经济"}));
  EXPECT_EQ(*b.access, Access::kFree);
  EXPECT_EQ(b.origin, p.string() + ":6");
  EXPECT_EQ(b.original, "{\"id\": \"gov-2024\", \"text\": \"正文二\", \"tags\": \"政府工作报告，2024, 国务院、经济\", \"access\": \"free\"}");
  EXPECT_EQ(c.docs[2].text, "最后一行没有换行");
  EXPECT_FALSE(c.docs[2].access.has_value());
  EXPECT_EQ(c.docs[2].origin, p.string() + ":11");

  std::vector<std::string> msgs;
  for (const Status& s : c.errors) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    msgs.push_back(s.message());
  }
  ASSERT_EQ(msgs.size(), 7u);
  const std::string P = p.string();
  EXPECT_EQ(msgs[0].rfind(P + ":2: not JSON (", 0), 0u) << msgs[0];
  EXPECT_EQ(msgs[1], P + ":3: missing \"text\"");
  EXPECT_EQ(msgs[2], P + ":5: \"access\" must be \"free\" or \"paid\", not \"vip\"");
  EXPECT_EQ(msgs[3], P + ":7: \"text\" must be a string, not number");
  EXPECT_EQ(msgs[4], P + ":8: not a JSON object but array");
  EXPECT_EQ(msgs[5], P + ":9: \"tags\" must hold strings, not number");
  EXPECT_EQ(msgs[6], P + ":10: \"title\" must be a string, not array");
}

TEST(ImportJsonl, OverlongLineIsReportedAndReadingGoesOn) {
  ImportLimits limits;
  limits.max_file_bytes = 64;
  const std::string data = "{\"text\": \"短\"}\n{\"text\": \"" + std::string(200, 'x') + "\"}\n{\"text\": \"后\"}\n";
  Collected c;
  ASSERT_TRUE(import_bytes("upload.JSONL", data, limits, c.sink()).is_ok());
  ASSERT_EQ(c.docs.size(), 2u);
  EXPECT_EQ(c.docs[0].text, "短");
  EXPECT_EQ(c.docs[1].text, "后");
  EXPECT_EQ(c.docs[1].origin, "upload.JSONL:3");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].code(), StatusCode::kTooLarge);
  EXPECT_EQ(c.errors[0].message(), "upload.JSONL:2: line longer than 64 bytes");
}

// ---------------------------------------------------------------- dispatch

TEST(ImportFile, ErrorsNameThePath) {
  TempDir dir;
  Collected c;
  const fs::path missing = dir.path() / "不存在.txt";
  Status s = import_file(missing, kLimits, c.sink());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), missing.string() + ": No such file or directory");

  const fs::path png = dir.path() / "a.png";
  write_file(png, "\x89PNG");
  s = import_file(png, kLimits, c.sink());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), png.string() + ": unsupported file type '.png'; wenyuan imports " + importable_extensions());
  EXPECT_NE(importable_extensions().find(".txt .md .docx .html .htm .pdf .jsonl"), std::string::npos);

  const fs::path big = dir.path() / "big.txt";
  write_file(big, std::string(2048, 'a'));
  ImportLimits limits;
  limits.max_file_bytes = 1024;
  s = import_file(big, limits, c.sink());
  EXPECT_EQ(s.code(), StatusCode::kTooLarge);
  EXPECT_EQ(s.message(), big.string() + ": file is larger than the limit of 1 KiB");
  s = import_bytes("big.txt", std::string(2048, 'a'), limits, c.sink());
  EXPECT_EQ(s.code(), StatusCode::kTooLarge);

  const fs::path folder = dir.path() / "folder.txt";
  fs::create_directories(folder);
  s = import_file(folder, kLimits, c.sink());
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.message(), folder.string() + ": not a regular file");

  if (::geteuid() != 0) {  // root reads anything
    const fs::path locked = dir.path() / "locked.txt";
    write_file(locked, "内容");
    fs::permissions(locked, fs::perms::none);
    s = import_file(locked, kLimits, c.sink());
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(s.message(), locked.string() + ": Permission denied");
  }
  EXPECT_TRUE(c.docs.empty());
  EXPECT_TRUE(c.errors.empty());
}

TEST(ImportFile, DispatchByExtension) {
  TempDir dir;
  const fs::path html = dir.path() / "Page.HTM";
  write_file(html, "<title>通知</title><h1>会议纪要</h1><p>正文</p>");  // <title> lacks the <h1>: <title> wins
  Collected c;
  ASSERT_TRUE(import_file(html, kLimits, c.sink()).is_ok());
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].format, "html");
  EXPECT_EQ(c.docs[0].title, "通知");

  // A broken single-document file is an error of the call, not of the sink.
  Status s = import_bytes("x.docx", "not a zip", kLimits, c.sink());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.docs.size(), 1u);

  EXPECT_TRUE(is_importable("a.txt"));
  EXPECT_TRUE(is_importable("dir/报告.DOCX"));
  EXPECT_TRUE(is_importable("a.md"));
  EXPECT_TRUE(is_importable("a.html"));
  EXPECT_TRUE(is_importable("a.htm"));
  EXPECT_TRUE(is_importable("a.pdf"));
  EXPECT_TRUE(is_importable("a.jsonl"));
  // The formats offices have (issue 12; doc_formats_test.cc reads them).
  for (const char* f : {"a.doc", "a.WPS", "a.rtf", "a.odt", "a.xlsx", "a.et", "a.zip", "a.7z", "a.tar.gz",
                        "a.jsonl.xz", "a.txt.gz"}) {
    EXPECT_TRUE(is_importable(f)) << f;
  }
  EXPECT_FALSE(is_importable("a.txt.bak"));
  EXPECT_FALSE(is_importable("README"));
  EXPECT_FALSE(is_importable(".txt"));
  EXPECT_FALSE(is_importable("a.png"));
}

}  // namespace

// ---------------------------------------------------------------- the bundled sample library

namespace {

TEST(SampleLibrary, EveryFileImportsAsDescribed) {
  const fs::path dir = WENYUAN_SAMPLE_DIR;
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " is absent";
  std::map<std::string, std::vector<RawDocument>> by_file;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    // README.md describes the library and is no document of it.
    if (!is_importable(entry.path()) || entry.path().filename() == "README.md") continue;
    ++files;
    Collected c;
    const Status s = import_file(entry.path(), kLimits, c.sink());
    ASSERT_TRUE(s.is_ok()) << s.message();
    ASSERT_TRUE(c.errors.empty()) << c.errors[0].message();
    by_file[entry.path().filename().string()] = std::move(c.docs);
  }
  EXPECT_EQ(files, 11u);
  size_t docs = 0;
  for (const auto& [name, list] : by_file) {
    docs += list.size();
    for (const RawDocument& d : list) EXPECT_GT(d.text.size(), 1000u) << name;
  }
  EXPECT_EQ(docs, 13u);

  EXPECT_EQ(by_file["gwr_2024_state_council.txt"][0].encoding, "GB18030");
  EXPECT_EQ(by_file["law_food_waste_gb18030.txt"][0].encoding, "GB18030");
  EXPECT_EQ(by_file["gwr_2025_state_council.txt"][0].encoding, "UTF-8");
  EXPECT_EQ(by_file["gwr_2024_state_council.txt"][0].text.rfind("2024年中华人民共和国国务院政府工作报告\n", 0), 0u);

  const RawDocument& pipl = by_file["law_personal_information_protection.docx"][0];
  EXPECT_EQ(pipl.title, "中华人民共和国个人信息保护法");
  ASSERT_FALSE(pipl.headings.empty());
  EXPECT_EQ(pipl.headings[0].text, "第一章 总 则");  // spaced as the law is printed
  EXPECT_EQ(pipl.headings[0].level, 1);
  EXPECT_FALSE(by_file["gwr_2026_zhejiang.docx"][0].headings.empty());

  const RawDocument& labour = by_file["law_labour_contract_gb2312.html"][0];
  EXPECT_EQ(labour.encoding, "GB18030");
  EXPECT_EQ(labour.title, "中华人民共和国劳动合同法");
  EXPECT_EQ(labour.text.find("网站地图"), std::string::npos);  // footer dropped
  EXPECT_EQ(labour.text.find("互动交流"), std::string::npos);  // nav dropped
  EXPECT_NE(labour.text.find("第一条 为了完善劳动合同制度"), std::string::npos);
  const RawDocument& sichuan = by_file["gwr_2026_sichuan.html"][0];
  ASSERT_GE(sichuan.headings.size(), 3u);
  EXPECT_EQ(sichuan.headings[0].level, 1);  // the page's <h1>
  EXPECT_EQ(sichuan.headings[1].level, 2);

  const auto& laws = by_file["laws_3.jsonl"];
  ASSERT_EQ(laws.size(), 3u);
  EXPECT_EQ(laws[0].id, "sample-law-001");
  EXPECT_EQ(laws[1].tags, (std::vector<std::string>{"数据", "网络安全", "行政管理"}));
  for (const RawDocument& d : laws) {
    EXPECT_FALSE(d.date.empty());
    EXPECT_FALSE(d.category.empty());
    EXPECT_FALSE(d.source.empty());
  }
  // The seed sample is a verbatim copy of the test fixture.
  EXPECT_EQ(by_file["000_f507f32534401310.txt"][0].original,
            read_file(fs::path(WENYUAN_TEST_DATA) / "seed_sample.txt"));
}

}  // namespace
