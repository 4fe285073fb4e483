// 公文 understanding: outline (第一章/第一条, 一、/（一）/1./（1）, 一是…, unnumbered headings),
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

// (kind, title) of the nodes but enumerations, depth first, indented by depth.
std::vector<std::string> tree_of(const std::vector<OutlineNode>& nodes, int depth = 0) {
  std::vector<std::string> out;
  for (const OutlineNode& n : nodes) {
    if (n.kind == OutlineKind::kEnum) continue;
    out.push_back(std::string(depth * 2, ' ') + to_string(n.kind) + " " + n.marker + n.title);
    for (std::string& c : tree_of(n.children, depth + 1)) out.push_back(std::move(c));
  }
  return out;
}

const Sample& sample_titled(const std::string& prefix) {
  static const std::vector<Sample> all = corpus_sample();
  for (const Sample& s : all) {
    if (s.title.rfind(prefix, 0) == 0) return s;
  }
  ADD_FAILURE() << "no sample titled " << prefix;
  return all.front();
}

// Real reports: the unnumbered part titles of a provincial report hold its
// numbered sections; the 结束语 of State Council reports closes them.
TEST(Outline, UnnumberedHeadingsOfRealReports) {
  const Sample& nm = sample_titled("2026年内蒙古");
  const Analysis a = analyze(nm.text, {}, nm.title);
  const std::vector<std::string> tree = tree_of(a.outline);
  ASSERT_GE(tree.size(), 4u);
  EXPECT_EQ(tree[0], "plain “十四五”时期发展成就和2025年工作回顾");
  EXPECT_EQ(tree[1], "plain “十五五”时期主要目标和2026年重点工作");
  EXPECT_EQ(tree[2], "  cn_num 一、把铸牢中华民族共同体意识作为民族地区各项工作的主线");
  EXPECT_EQ(tree[3], "    paren_cn （一）加强中华民族共有精神家园建设");

  for (const char* report : {"2002年", "1992年"}) {
    const Sample& r = sample_titled(report);
    const Analysis b = analyze(r.text, {}, r.title);
    ASSERT_FALSE(b.outline.empty()) << report;
    EXPECT_EQ(b.outline.back().kind, OutlineKind::kPlain) << report;
    EXPECT_EQ(b.outline.back().title, "结束语") << report;
    EXPECT_EQ(b.outline.front().kind, OutlineKind::kCnNum) << report;
    EXPECT_EQ(b.outline[b.outline.size() - 2].kind, OutlineKind::kCnNum) << report;  // 一、… stay top level, in sequence
  }
  // A court case's sections.
  const Sample& c = sample_titled("齐某某诉罗某某");
  std::vector<std::string> titles;
  for (const OutlineNode& n : analyze(c.text, {}, c.title).outline) titles.push_back(to_string(n.kind) + std::string(" ") + n.title);
  EXPECT_EQ(titles, (std::vector<std::string>{"plain 裁判结果", "plain 典型意义"}));
}

TEST(Outline, UnnumberedHeadingsUnderChaptersAndAroundNumbering) {
  // A law whose 第X节 numbers the source dropped: the section title sits under
  // its chapter, the articles under it, the next chapter beside the first.
  const std::string law =
      "某市城乡规划条例\n第一章 总则\n第一条 为了加强城乡规划管理，制定本条例。\n第二章 城乡规划的实施\n"
      "一般规定\n第二条 城乡规划主管部门可以制定城乡规划管理实施技术规定，报本级人民政府批准后实施。\n"
      "第三条 城乡规划经批准后应当公布。\n第三章 附则\n第四条 本条例自公布之日起施行。";
  EXPECT_EQ(tree_of(analyze(law, {}, "").outline),
            (std::vector<std::string>{"chapter 第一章总则", "  article 第一条", "chapter 第二章城乡规划的实施",
                                      "  plain 一般规定", "    article 第二条", "    article 第三条",
                                      "chapter 第三章附则", "  article 第四条"}));
  // Inside a numbered section, above its subsections; numbering goes on after it.
  const std::string report =
      "关于2024年工作的报告\n一、主要工作\n今年以来，我们做了以下工作。\n经济运行\n全年经济运行总体平稳，"
      "主要指标好于预期。\n（一）稳增长。多措并举扩大有效需求。\n（二）促转型。加快培育新兴产业。\n"
      "二、下一步打算\n明年将继续巩固向好态势。";
  EXPECT_EQ(tree_of(analyze(report, {}, "").outline),
            (std::vector<std::string>{"cn_num 一、主要工作", "  plain 经济运行", "    paren_cn （一）稳增长",
                                      "    paren_cn （二）促转型", "cn_num 二、下一步打算"}));
}

// Lines that look short and bare but are no headings: the pieces of a
// sentence split around a linked title (wikisource), a signature, a caption,
// a sentence without its full stop in an indented text, the title line, a
// line not followed by body text, a line of the body cut before 和…, the value
// of a bare label (a web page's caption under "分享:", the one miss of the
// first detector on tests/data/outline_eval/plain_headings.tsv).
TEST(Outline, UnnumberedHeadingsNeverTakeBodyLines) {
  const std::string text =
      "2002年政府工作报告\n各位代表：\n上海市市长 龚正\n现在，我代表国务院向大会作政府工作报告，请予审议。\n"
      "我国第一部《\n国防法\n》开始实施。各级政府支持人民军队贯彻新时期军事战略方针。\n"
      "图为省长作政府工作报告\n这是一段很长的正文，说明过去一年的工作情况和取得的成效。\n"
      "市场监督管理主管部门负责对物业服务区域内企业\n和个体工商户的经营活动进行监督管理，依法查处违法行为。\n"
      "下面讲一下今年的任务\n今年的任务是保持经济平稳运行，推动高质量发展。\n"
      "分享:\n省长赵刚作政府工作报告\n各位代表：\n现在，我代表省人民政府向大会报告工作，请予审议。\n"
      "坚持稳中求进\n推动高质量发展\n";
  const Analysis a = analyze(text, {}, "");
  EXPECT_EQ(tree_of(a.outline), std::vector<std::string>{});

  const std::string indented =
      "　　周总理在报告中首先指出，我国各族人民在过去几年里取得了很大的成就，国民经济全面好转。\n\n"
      "　　这几年取得的巨大成就是坚决执行自力更生方针的结果\n\n"
      "　　周总理着重指出，我们这几年所取得的巨大成就，是坚决执行自力更生方针的结果，人民生活有所改善。\n";
  EXPECT_EQ(tree_of(analyze(indented, {}, "").outline), std::vector<std::string>{});
}

// "一、 聚焦" with any space a source puts there (ASCII, ideographic, en space,
// no-break): the title shown is "聚焦…", the marker "一、".
TEST(Outline, NoStraySpaceAfterTheNumeral) {
  for (const char* space : {" ", "　", "\u2002", "\u00a0", "\u2003\u200b"}) {
    const Analysis a = analyze(std::string("一、") + space + "聚焦思想过硬\n学习贯彻。\n（一）" + space + "抓实学习\n正文。",
                               {}, "");
    ASSERT_EQ(a.outline.size(), 1u);
    EXPECT_EQ(a.outline[0].marker + a.outline[0].title, "一、聚焦思想过硬");
    ASSERT_EQ(a.outline[0].children.size(), 1u);
    EXPECT_EQ(a.outline[0].children[0].marker + a.outline[0].children[0].title, "（一）抓实学习");
  }
}

// A Word file marks 一、 and （一） with heading styles; the body paragraphs
// that open with （二）… are run-in headings in the same sequence.
TEST(Outline, MarkedNumberedHeadingKeepsItsSequence) {
  const std::string t =
      "一、总体要求\n（一）指导思想。坚持稳中求进工作总基调。\n（二）基本原则。坚持系统观念。\n二、重点任务\n正文。";
  const Analysis a = analyze(t, {{"一、总体要求", 1}, {"二、重点任务", 1}}, "");
  EXPECT_EQ(tree_of(a.outline), (std::vector<std::string>{"cn_num 一、总体要求", "  paren_cn （一）指导思想",
                                                          "  paren_cn （二）基本原则", "cn_num 二、重点任务"}));
}

}  // namespace
}  // namespace wenyuan::doc
