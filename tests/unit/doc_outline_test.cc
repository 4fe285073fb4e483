// 公文 understanding: outline (第一章/第一条, 一、/（一）/1./（1）, 一是…),
// title, year, issuer, paragraphs, sentences — on the seed sample, real laws
// and government work reports from tests/data, and edge cases.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/article_lines.h"
#include "support/files.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/metadata.h"
#include "wenyuan/doc/outline.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

using ::wenyuan::testing::read_file;

struct Sample {
  std::string title, text, category;
};

std::vector<Sample> corpus_sample() {
  std::vector<Sample> out;
  std::ifstream f(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  for (std::string line; std::getline(f, line);) {
    const auto j = nlohmann::json::parse(line);
    out.push_back({j.at("title").get<std::string>(), j.at("text").get<std::string>(), j.value("category", "")});
  }
  return out;
}

const Sample& find_sample(const std::vector<Sample>& all, const std::string& title) {
  for (const Sample& s : all) {
    if (s.title == title) return s;
  }
  ADD_FAILURE() << "no sample " << title;
  static const Sample empty;
  return empty;
}

std::string at(const std::string& text, Span s) { return text::substr_code_points(text, s.start, s.end); }

// Structural invariants: children inside parents, siblings ordered without
// overlap, heading inside its node, levels = depth, heading text starts with the marker.
void check_tree(const std::string& text, const std::vector<OutlineNode>& nodes, uint32_t lo, uint32_t hi, int level) {
  uint32_t prev_end = lo;
  for (const OutlineNode& n : nodes) {
    EXPECT_EQ(n.level, level) << n.marker << n.title;
    EXPECT_LE(prev_end, n.start);
    EXPECT_LE(n.start, n.end);
    EXPECT_LE(n.end, hi);
    EXPECT_EQ(n.heading.start, n.start);
    EXPECT_LE(n.heading.end, n.end);
    const std::string h = at(text, n.heading);
    EXPECT_EQ(h.rfind(n.marker, 0), 0u) << h;
    EXPECT_NE(h.find(n.title), std::string::npos) << h << " / " << n.title;
    prev_end = n.end;
    check_tree(text, n.children, n.start, n.end, level + 1);
  }
}

size_t count_kind(const std::vector<OutlineNode>& nodes, OutlineKind kind) {
  size_t c = 0;
  for (const OutlineNode& n : nodes) c += (n.kind == kind) + count_kind(n.children, kind);
  return c;
}

using testing_support::count_article_lines;

TEST(Outline, SeedSampleFourHeadingsWithTheirEnumerations) {
  const std::string cleaned = clean(read_file(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt"), {}).text;
  const Analysis a = analyze(cleaned, {}, "");
  ASSERT_EQ(a.outline.size(), 4u);
  const char* titles[] = {"聚焦思想过硬，持续强化理论武装", "聚焦政治过硬，持续加强政治机关建设",
                          "聚焦组织过硬，持续建强基层战斗堡垒", "聚焦作风过硬，持续强化党风廉政建设"};
  const char* markers[] = {"一、", "二、", "三、", "四、"};
  const std::vector<std::string> lines = [&] {
    std::vector<std::string> v;
    std::stringstream ss(cleaned);
    for (std::string l; std::getline(ss, l);) v.push_back(l);
    return v;
  }();
  for (size_t i = 0; i < 4; ++i) {
    const OutlineNode& h = a.outline[i];
    EXPECT_EQ(h.kind, OutlineKind::kCnNum);
    EXPECT_EQ(h.marker, markers[i]);
    EXPECT_EQ(h.title, titles[i]);
    // Enumerations: as many as the paragraph has 一是/二是/… items, in order.
    const std::string& para = lines[2 + i];
    size_t expected = 0;
    for (const char* m : {"一是", "二是", "三是", "四是", "五是"}) expected += para.find(m) != std::string::npos;
    ASSERT_EQ(h.children.size(), expected) << titles[i];
    for (size_t k = 0; k < h.children.size(); ++k) {
      const OutlineNode& e = h.children[k];
      EXPECT_EQ(e.kind, OutlineKind::kEnum);
      EXPECT_EQ(e.level, 2);
      EXPECT_EQ(at(cleaned, {e.start, e.start + 2}), e.marker);
      EXPECT_EQ(e.title.find("。"), std::string::npos);
      EXPECT_FALSE(e.title.empty());
    }
  }
  EXPECT_EQ(a.outline[0].children.size(), 3u);  // the fixture: 3, 2, 3, 4 items
  EXPECT_EQ(a.outline[1].children.size(), 2u);
  EXPECT_EQ(a.outline[2].children.size(), 3u);
  EXPECT_EQ(a.outline[3].children.size(), 4u);
  EXPECT_EQ(a.outline[0].children[0].title, "扎实开展习近平新时代中国特色社会主义思想主题教育");
  check_tree(cleaned, a.outline, 0, static_cast<uint32_t>(text::count_code_points(cleaned)), 1);
  EXPECT_EQ(a.title, "2023年度党建工作情况总结");
  EXPECT_EQ(a.year, 2023);
  EXPECT_EQ(a.paragraphs.size(), 7u);
}

TEST(Outline, LawsChaptersAndArticles) {
  const std::vector<Sample> all = corpus_sample();
  size_t laws = 0;
  for (const Sample& s : all) {
    if (s.category.empty() || s.category == "案例") continue;
    ++laws;
    const Analysis a = analyze(s.text, {}, s.title);
    EXPECT_EQ(count_kind(a.outline, OutlineKind::kArticle), count_article_lines(s.text)) << s.title;
    check_tree(s.text, a.outline, 0, static_cast<uint32_t>(text::count_code_points(s.text)), 1);
  }
  EXPECT_GE(laws, 25u);

  const Sample& tm = find_sample(all, "商标法");
  const Analysis a = analyze(tm.text, {}, tm.title);
  ASSERT_EQ(a.outline.size(), 8u);
  EXPECT_EQ(a.outline[0].kind, OutlineKind::kChapter);
  EXPECT_EQ(a.outline[0].marker, "第一章");
  EXPECT_EQ(a.outline[0].title, "总 则");
  EXPECT_EQ(a.outline[7].marker, "第八章");
  const OutlineNode& first = a.outline[0].children.at(0);
  EXPECT_EQ(first.kind, OutlineKind::kArticle);
  EXPECT_EQ(first.marker, "第一条");
  EXPECT_EQ(first.level, 2);
  EXPECT_EQ(count_kind(a.outline, OutlineKind::kArticle), 73u);
  EXPECT_EQ(a.outline[7].children.back().marker, "第七十三条");
}

TEST(Outline, DecisionWithCnNumAndParenCn) {
  const std::vector<Sample> all = corpus_sample();
  const Sample& s = find_sample(all, "北京市人民代表大会常务委员会关于加强市级预算审查监督的决定");
  const Analysis a = analyze(s.text, {}, s.title);
  ASSERT_EQ(a.outline.size(), 14u);
  EXPECT_EQ(a.outline[0].title, "加强全口径审查和全过程监管");
  EXPECT_EQ(a.outline[13].marker, "十四、");
  ASSERT_GE(a.outline[0].children.size(), 4u);
  EXPECT_EQ(a.outline[0].children[0].kind, OutlineKind::kParenCn);
  EXPECT_EQ(a.outline[0].children[0].title, "加强财政政策审查监督");
  EXPECT_EQ(a.issuer, "北京市人民代表大会常务委员会");
  EXPECT_EQ(a.year, 2021);
}

TEST(Outline, GovernmentWorkReport) {
  const std::vector<Sample> all = corpus_sample();
  const Sample& s = find_sample(all, "2015年中华人民共和国国务院政府工作报告");
  const Analysis a = analyze(s.text, {}, s.title);
  ASSERT_EQ(a.outline.size(), 6u);
  for (size_t i = 0; i < a.outline.size(); ++i) EXPECT_EQ(a.outline[i].kind, OutlineKind::kCnNum);
  EXPECT_EQ(a.outline[0].title, "2014年工作回顾");
  EXPECT_EQ(a.outline[5].title, "切实加强政府自身建设");
  EXPECT_EQ(a.year, 2015);
  check_tree(s.text, a.outline, 0, static_cast<uint32_t>(text::count_code_points(s.text)), 1);
}

TEST(Outline, OnlyLineStartsInSequenceAreHeadings) {
  const std::string t =
      "一、总体要求\n依照本法第十条的规定办理。\n3.这一行不是标题，因为前面没有1.和2.。\n"
      "1.5亿元用于补贴。\n二、主要任务\n（一）稳增长。一是扩大投资；二是促进消费。\n（二）调结构\n"
      "1.发展先进制造业\n（1）培育龙头企业\n（2）壮大集群\n2.发展服务业\n三、保障措施\n统一是原则，唯一是底线。";
  const Analysis a = analyze(t, {}, "");
  ASSERT_EQ(a.outline.size(), 3u);
  EXPECT_TRUE(a.outline[0].children.empty());
  const OutlineNode& two = a.outline[1];
  ASSERT_EQ(two.children.size(), 2u);
  EXPECT_EQ(two.children[0].marker, "（一）");
  EXPECT_EQ(two.children[0].title, "稳增长");
  ASSERT_EQ(two.children[0].children.size(), 2u);
  EXPECT_EQ(two.children[0].children[0].kind, OutlineKind::kEnum);
  EXPECT_EQ(two.children[0].children[0].title, "扩大投资");
  EXPECT_EQ(two.children[0].children[1].title, "促进消费");
  const OutlineNode& tiao = two.children[1];
  ASSERT_EQ(tiao.children.size(), 2u);
  EXPECT_EQ(tiao.children[0].kind, OutlineKind::kArabic);
  EXPECT_EQ(tiao.children[0].level, 3);
  ASSERT_EQ(tiao.children[0].children.size(), 2u);
  EXPECT_EQ(tiao.children[0].children[1].marker, "（2）");
  EXPECT_EQ(tiao.children[0].children[1].level, 4);
  EXPECT_TRUE(a.outline[2].children.empty());  // 统一是/唯一是 are no enumeration
  EXPECT_EQ(a.title, "");                      // the first line is a heading, not a title
  check_tree(t, a.outline, 0, static_cast<uint32_t>(text::count_code_points(t)), 1);
}

TEST(Outline, PartsRestartChaptersButArticlesRunOn) {
  const std::string t =
      "中华人民共和国某法典\n第一编 总则\n第一章 基本规定\n第一条 为了……制定本法。\n第二条 本法适用于……。\n"
      "第二章 自然人\n第三条 自然人……。\n第三条之一 新增条款。\n第二编 物权\n第一章 通则\n第四条 物权……。\n"
      "第十条修改为：……\n第二条 重复的条号不是标题。";
  const Analysis a = analyze(t, {}, "");
  ASSERT_EQ(a.outline.size(), 2u);
  EXPECT_EQ(a.outline[0].kind, OutlineKind::kPart);
  EXPECT_EQ(a.outline[0].children.size(), 2u);
  EXPECT_EQ(a.outline[1].children.size(), 1u);
  EXPECT_EQ(a.outline[1].children[0].marker, "第一章");
  EXPECT_EQ(count_kind(a.outline, OutlineKind::kArticle), 5u);
  EXPECT_EQ(a.outline[0].children[1].children[1].marker, "第三条之一");
  EXPECT_EQ(a.title, "中华人民共和国某法典");
}

TEST(Outline, ArticleWithBracketTitle) {
  const Analysis a =
      analyze("第一条（立法目的）为了保护环境，制定本条例。\n第二条（适用范围）本条例适用于本市。", {}, "");
  ASSERT_EQ(a.outline.size(), 2u);
  EXPECT_EQ(a.outline[0].title, "立法目的");
  EXPECT_EQ(a.outline[1].title, "适用范围");
}

TEST(Outline, HeadingHintsFromTheFormat) {
  const std::string t = "总体要求\n坚持稳中求进。\n重点任务\n扩大内需\n一、投资\n二、消费";
  const std::vector<HeadingHint> hints = {{"总体要求", 1}, {"重点任务", 1}, {" 扩大内需 ", 2}};
  const Analysis a = analyze(t, hints, "");
  ASSERT_EQ(a.outline.size(), 2u);
  EXPECT_EQ(a.outline[0].kind, OutlineKind::kHeading);
  EXPECT_EQ(a.outline[0].title, "总体要求");
  ASSERT_EQ(a.outline[1].children.size(), 1u);
  EXPECT_EQ(a.outline[1].children[0].title, "扩大内需");
  EXPECT_EQ(a.outline[1].children[0].children.size(), 2u);
}

TEST(Outline, TitleYearIssuer) {
  EXPECT_EQ(
      analyze("国务院关于印发某某方案的通知\n各省、自治区、直辖市人民政府：\n现将方案印发给你们。", {}, "").issuer,
      "国务院");
  EXPECT_EQ(analyze("正文。", {}, "中共某某市委员会关于加强党建工作的意见").issuer, "中共某某市委员会");
  EXPECT_EQ(analyze("正文。", {}, "中共中央 国务院关于全面推进乡村振兴的意见").issuer, "中共中央 国务院");
  EXPECT_EQ(analyze("正文。", {}, "我局关于某事的报告").issuer, "");
  const Analysis sig =
      analyze("关于召开年度工作会议的通知\n各科室：\n定于下周召开会议。\n\nXX县自然资源局\n2023年12月5日", {}, "");
  EXPECT_EQ(sig.issuer, "XX县自然资源局");
  EXPECT_EQ(sig.year, 2023);
  EXPECT_EQ(sig.title, "关于召开年度工作会议的通知");

  EXPECT_EQ(year_in_title("2023年度党建工作情况总结"), 2023);
  EXPECT_EQ(year_in_title("关于某事的报告（2021年）"), 2021);
  EXPECT_EQ(year_in_title("某局二〇二二年工作总结"), 2022);
  EXPECT_EQ(year_in_title("２０１９年政府工作报告"), 2019);
  EXPECT_EQ(year_in_title("1900年的报告"), std::nullopt);
  EXPECT_EQ(year_in_title("3000年规划"), std::nullopt);
  EXPECT_EQ(year_in_title("十年规划"), std::nullopt);
  EXPECT_EQ(analyze("会议于2019年3月5日召开。后于2020年1月1日结束。", {}, "").year, 2019);
  EXPECT_EQ(analyze("这是一个句子，不是标题。\n第二行", {}, "").title, "");
}

TEST(Outline, ParagraphsAndSentences) {
  const std::string t = "　　他说：“要抓落实！”大家同意。\n\n　　\n第二段没有句号\n问：可以吗？答：可以；好。";
  const Analysis a = analyze(t, {}, "");
  ASSERT_EQ(a.paragraphs.size(), 3u);
  EXPECT_EQ(at(t, a.paragraphs[0]), "　　他说：“要抓落实！”大家同意。");
  EXPECT_EQ(at(t, a.paragraphs[1]), "第二段没有句号");
  std::vector<std::string> s;
  for (const Span& sp : a.sentences) s.push_back(at(t, sp));
  EXPECT_EQ(s, (std::vector<std::string>{"他说：“要抓落实！”", "大家同意。", "第二段没有句号", "问：可以吗？",
                                         "答：可以；", "好。"}));
}

TEST(Outline, StructuralLines) {
  EXPECT_TRUE(is_structural_line("第一章 总则"));
  EXPECT_TRUE(is_structural_line("　一、总体要求"));
  EXPECT_TRUE(is_structural_line("第十二条 本办法自公布之日起施行。"));
  EXPECT_TRUE(is_structural_line("目录"));
  EXPECT_FALSE(is_structural_line("依照本法第十条执行。"));
  EXPECT_FALSE(is_structural_line("主办：XX市人民政府办公室"));
}

}  // namespace
}  // namespace wenyuan::doc

namespace wenyuan::doc {
namespace {

TEST(Outline, EnumerationItemsInOneSentence) {
  const std::string t = "一、工作任务\n重点抓好三件事：一是稳就业、二是保民生、三是促发展。其他工作照常推进。";
  const Analysis a = analyze(t, {}, "");
  ASSERT_EQ(a.outline.size(), 1u);
  ASSERT_EQ(a.outline[0].children.size(), 3u);
  EXPECT_EQ(a.outline[0].children[0].title, "稳就业");
  EXPECT_EQ(a.outline[0].children[1].title, "保民生");
  EXPECT_EQ(a.outline[0].children[2].title, "促发展");
  check_tree(t, a.outline, 0, static_cast<uint32_t>(text::count_code_points(t)), 1);
}

}  // namespace
}  // namespace wenyuan::doc
