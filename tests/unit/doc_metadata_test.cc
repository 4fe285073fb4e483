// Metadata from the title, the text and the record: 文种, years, source names.
// Real text: the corpus fixture's reports and laws (tests/data/corpus_sample.jsonl).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/prepare.h"

namespace wenyuan::doc {
namespace {

TEST(Metadata, DocumentTypeFromTheTitle) {
  EXPECT_EQ(document_type("关于开展2024年度安全生产检查的通知", ""), "通知");
  EXPECT_EQ(document_type("2023年度党建工作情况总结", ""), "工作总结");
  EXPECT_EQ(document_type("XX局2024年工作要点", ""), "工作计划");
  EXPECT_EQ(document_type("在全市经济工作会议上的讲话", ""), "讲话稿");
  EXPECT_EQ(document_type("七一专题党课讲稿：坚定理想信念", ""), "党课讲稿");  // before 讲话稿
  EXPECT_EQ(document_type("2023年个人述职报告", ""), "述职报告");              // before 报告
  EXPECT_EQ(document_type("主题教育学习心得体会", ""), "心得体会");
  EXPECT_EQ(document_type("关于农村养老服务的调研报告", ""), "调研报告");
  EXPECT_EQ(document_type("XX县乡村振兴实施方案（2024—2026年）", ""), "实施方案");
  EXPECT_EQ(document_type("关于加强基层治理的实施意见", ""), "意见");
  EXPECT_EQ(document_type("关于表彰先进集体的决定", ""), "决定");
  EXPECT_EQ(document_type("2025年中华人民共和国国务院政府工作报告", ""), "报告");
  EXPECT_EQ(document_type("中华人民共和国疫苗管理法", ""), "法律法规");
  EXPECT_EQ(document_type("上海市轨道交通管理条例", ""), "法律法规");
  EXPECT_EQ(document_type("最高人民法院关于审理非法集资刑事案件具体应用法律若干问题的解释", ""), "司法解释");
  EXPECT_EQ(document_type("最高人民法院关于人民法院网络司法拍卖若干问题的规定", ""), "司法解释");
  EXPECT_EQ(document_type("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", ""), "决议");
}

TEST(Metadata, DocumentTypeFromStructureWhenTheTitleSaysNothing) {
  EXPECT_EQ(document_type("某某事项", "第一条 为了规范管理，制定本规定。\n第二条 本规定适用于全市。"), "法律法规");
  EXPECT_EQ(document_type("全面开创新局面 (十二大)", "同志们：\n现在，我代表中央委员会，向大会作报告。"), "报告");
  EXPECT_EQ(document_type("奋力谱写新篇章", "奋力谱写新篇章\n——在全市干部大会上的讲话\n同志们："), "讲话稿");
  EXPECT_EQ(document_type("党建专栏｜迎新一线党旗红", "为保障迎新工作顺利进行……"), "新闻稿");
  EXPECT_EQ(document_type("迎新一线党旗红", "为保障迎新工作顺利进行。", /*had_credits=*/true), "新闻稿");
  EXPECT_EQ(document_type("迎新一线党旗红", "为保障迎新工作顺利进行。"), "其他");
}

TEST(Metadata, SessionYears) {
  EXPECT_EQ(session_year("全面开创社会主义现代化建设的新局面 (十二大)"), 1982);
  EXPECT_EQ(session_year("在中国共产党第九次全国代表大会上的报告"), 1969);
  EXPECT_EQ(session_year("第十四届全国人民代表大会第三次会议关于政府工作报告的决议"), 2025);
  EXPECT_EQ(session_year("第一届全国人民代表大会第四次会议"), 1957);
  EXPECT_FALSE(session_year("关于召开全市代表大会的通知").has_value());
}

TEST(Metadata, RecordDates) {
  bool bad = true;
  EXPECT_EQ(year_of_record_date("2024-03-05", &bad), 2024);
  EXPECT_FALSE(bad);
  EXPECT_EQ(year_of_record_date("2024", &bad), 2024);
  EXPECT_FALSE(year_of_record_date("", &bad).has_value());
  EXPECT_FALSE(bad);
  EXPECT_FALSE(year_of_record_date("congress-12", &bad).has_value());
  EXPECT_TRUE(bad);
  EXPECT_FALSE(year_of_record_date("20245", &bad).has_value());
  EXPECT_TRUE(bad);
}

TEST(Metadata, DateLinesAndSignatures) {
  EXPECT_EQ(head_date_year("决胜全面建成小康社会\n——在中国共产党第十九次全国代表大会上的报告\n（2017年10月18日）\n同志们："),
            2017);
  EXPECT_EQ(head_date_year("某某条例\n1995年6月14日 通过\n2010年9月29日 修正\n2015年7月24日 修正\n第一条 为了……"),
            2015);  // this version: the latest of the history
  EXPECT_EQ(head_date_year("同志们：\n1949年10月1日，中华人民共和国成立。"), std::nullopt);  // history, not a date line
  EXPECT_EQ(signature_year("特此通知。\nXX市人民政府办公室\n二〇二三年十二月二十日"), 2023);
  EXPECT_EQ(signature_year("1949年10月1日，新中国成立。\n我们要继续奋斗。"), std::nullopt);
}

TEST(Metadata, PrepareYearOrderAndWarning) {
  RawDocument raw;
  raw.origin = "cpc.jsonl:13";
  raw.title = "坚定不移沿着中国特色社会主义道路前进 (十八大)";
  raw.text = "同志们：\n现在，我代表第十七届中央委员会向大会作报告。\n1949年10月1日，中华人民共和国成立，中国人民从此站起来了。\n我们要继续奋斗。";
  raw.date = "congress-18";
  raw.source = "https://zh.wikisource.org/wiki/x";
  Result<Document> d = prepare(raw, {});
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->year, 2012);  // the congress, not 1949 from its history
  ASSERT_EQ(d->warnings.size(), 1u);
  EXPECT_NE(d->warnings[0].find("cpc.jsonl:13"), std::string::npos);
  EXPECT_NE(d->warnings[0].find("congress-18"), std::string::npos);
  EXPECT_EQ(d->type, "报告");
  EXPECT_EQ(d->source_name, "维基文库");
  raw.date = "2013-01-01";  // a record date that is a date: no warning, the title's session still first
  d = prepare(raw, {});
  EXPECT_TRUE(d->warnings.empty());
  EXPECT_EQ(d->year, 2012);
}

TEST(Metadata, SourceDisplayNames) {
  EXPECT_EQ(source_display_name("https://zh.wikisource.org/wiki/%E5%8C%97"), "维基文库");
  EXPECT_EQ(source_display_name("https://www.gov.cn/zhengce/content/2024.htm"), "中国政府网");
  EXPECT_EQ(source_display_name("https://www.yn.gov.cn/ywdt/ynyw/202602/t20260203_323801.html"), "云南省人民政府");
  EXPECT_EQ(source_display_name("https://s.fjlib.net:6443/interlibSSO/goto/385/x"), "福建省图书馆");
  EXPECT_EQ(source_display_name("github.com/LawRefBook/Laws DLC/上海地方法规/x.md"), "GitHub LawRefBook/Laws");
  EXPECT_EQ(source_display_name("国务院办公厅"), "国务院办公厅");
  EXPECT_EQ(source_display_name("http://www.example.org/a"), "example.org");
  EXPECT_EQ(source_display_name(""), "");
}

// Every document of the fixture gets a year and a type; the reports their own year.
TEST(Metadata, CorpusSampleYearsAndTypes) {
  std::ifstream f(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  size_t n = 0, typed = 0, reports_right = 0, reports = 0;
  for (std::string line; std::getline(f, line);) {
    const auto j = nlohmann::json::parse(line);
    RawDocument raw;
    raw.title = j.value("title", "");
    raw.text = j.value("text", "");
    raw.origin = raw.title;
    Result<Document> d = prepare(raw, {});  // the record's date withheld
    ASSERT_TRUE(d.is_ok());
    ++n;
    typed += d->type != "其他";
    bool bad = false;
    const auto want = year_of_record_date(j.value("date", ""), &bad);
    if (want && raw.title.find("政府工作报告") != std::string::npos) {
      ++reports;
      reports_right += d->year == want;
    }
  }
  EXPECT_EQ(n, 40u);
  EXPECT_GE(typed, 38u);
  EXPECT_GT(reports, 0u);
  EXPECT_EQ(reports_right, reports);
}

}  // namespace
}  // namespace wenyuan::doc
