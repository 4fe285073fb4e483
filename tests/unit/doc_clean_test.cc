// Cleaning: paywall markers -> regions, promotional trailers/headers, recurring
// site headers/footers, blank-line noise. Real text: the seed sample (an
// advertising trailer) and 40 real official documents (nothing to remove).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/files.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/promo.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {
namespace {

using ::wenyuan::testing::read_file;

std::string seed() { return read_file(std::string(WENYUAN_TEST_DATA) + "/seed_sample.txt"); }

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

// Puts every removed piece back where it stood: must give the input again.
std::string reconstruct(const CleanResult& r) {
  const std::vector<uint32_t> offs = text::code_point_byte_offsets(r.text);
  std::string out;
  uint32_t at = 0;
  for (const Removed& piece : r.removed) {
    EXPECT_LE(at, piece.position);
    out += r.text.substr(offs[at], offs[piece.position] - offs[at]);
    out += piece.text;
    at = piece.position;
  }
  out += r.text.substr(offs[at]);
  return out;
}

void expect_regions_tile(const CleanResult& r) {
  if (r.regions.empty()) return;
  uint32_t at = 0;
  for (const Region& g : r.regions) {
    EXPECT_EQ(g.start, at);
    EXPECT_LT(g.start, g.end);
    at = g.end;
  }
  EXPECT_EQ(at, text::count_code_points(r.text));
}

size_t count_reason(const CleanResult& r, const std::string& reason) {
  size_t n = 0;
  for (const Removed& p : r.removed) n += p.reason == reason;
  return n;
}

TEST(Clean, SeedSampleKeepsEveryBodyParagraphExactly) {
  const std::string raw = seed();
  const std::vector<std::string> in = lines_of(raw);
  ASSERT_GE(in.size(), 14u);
  const CleanResult r = clean(raw, {});
  const std::vector<std::string> out = lines_of(r.text);
  ASSERT_EQ(out.size(), 7u) << r.text;
  for (size_t i = 0; i < 7; ++i) {
    std::string expected = in[i];
    const size_t m = expected.find("##paidbegin##");
    if (m != std::string::npos) expected.erase(m, 13);
    EXPECT_EQ(out[i], expected) << "line " << i + 1;
  }
  EXPECT_EQ(r.text.back(), in[6].back());  // no trailing newline or blank line
  EXPECT_EQ(reconstruct(r), raw);
}

TEST(Clean, SeedSampleTrailerGoesWhole) {
  const std::string raw = seed();
  const std::vector<std::string> in = lines_of(raw);
  const CleanResult r = clean(raw, {});
  std::string promo;
  for (const Removed& p : r.removed) {
    if (p.reason == "promo_line") promo += p.text;
  }
  for (size_t i = 7; i < 14; ++i) EXPECT_NE(promo.find(in[i]), std::string::npos) << "line " << i + 1 << " stays";
  EXPECT_EQ(r.text.find("公众号"), std::string::npos);
  EXPECT_EQ(r.text.find("客服"), std::string::npos);
  EXPECT_EQ(r.text.find("##"), std::string::npos);
}

TEST(Clean, SeedSampleRegionsFromMarkers) {
  const std::string raw = seed();
  const CleanResult r = clean(raw, {});
  EXPECT_TRUE(r.had_paywall_markers);
  ASSERT_EQ(r.regions.size(), 2u);
  const uint32_t begin_at = static_cast<uint32_t>(text::count_code_points(raw.substr(0, raw.find("##paidbegin##"))));
  EXPECT_EQ(r.regions[0].kind, RegionKind::kPreview);
  EXPECT_EQ(r.regions[0].end, begin_at);
  EXPECT_EQ(r.regions[1].kind, RegionKind::kPaid);
  EXPECT_EQ(r.regions[1].end, text::count_code_points(r.text));
  expect_regions_tile(r);
  EXPECT_EQ(count_reason(r, "paywall_marker"), 2u);
}

// Trailers in styles other than the seed's, each appended to a short notice.
TEST(Clean, InventedTrailersOfOtherStylesAreRemoved) {
  const std::string body =
      "关于开展2024年度安全生产检查的通知\n各科室：\n为切实做好安全生产工作，现就有关事项通知如下。\n"
      "一、检查时间。2024年3月1日至3月15日。\n二、检查内容。重点检查消防设施、用电安全等情况。";
  const std::vector<std::string> trailers = {
      "更多精彩内容请关注微信公众号“XX笔杆子”",
      "本文来源于网络，如有侵权请联系删除",
      "需要word版请添加微信：abc123",
      "———— 完 ————\n扫码加入VIP会员群，海量范文免费下载",
      "\n\n（长按识别二维码，关注“公文素材库”）\n点击下方“阅读原文”获取完整版",
      "未经授权，严禁转载。\n版权归原作者所有，如有侵权请联系小编删除。",
      "全文下载请联系QQ：123456789",
      "- END -\n来源：某某笔杆子\n编辑：小王\n欢迎关注我们！",
      "XX素材库会员专享，9.9元下载全年范文，联系电话：138 0013 8000",
  };
  for (const std::string& t : trailers) {
    const std::string raw = body + "\n" + t + "\n";
    const CleanResult r = clean(raw, {});
    EXPECT_EQ(r.text, body) << "trailer: " << t;
    EXPECT_GE(count_reason(r, "promo_line"), 1u) << t;
    EXPECT_EQ(reconstruct(r), raw);
    EXPECT_TRUE(r.regions.empty());
  }
}

TEST(Clean, PromotionalHeaderBlockIsRemoved) {
  const std::string body =
      "关于开展2024年度安全生产检查的通知\n各科室：\n为切实做好安全生产工作，现就有关事项通知如下。";
  const std::string raw = "【公众号：公文素材库】每日更新海量范文\n扫码关注，免费领取word版\n\n" + body;
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, body);
  EXPECT_EQ(reconstruct(r), raw);
}

// laws.jsonl.xz record 2460 (a 最高人民法院 consumer-protection case) opens with
// its holding, a statement that names a shop's customer service: body, not a
// header. A seller saying much the same to the reader is a header.
TEST(Clean, CaseHoldingThatNamesAShopIsBody) {
  const std::string raw =
      "对于网络店铺客服的行为店铺应当负责\n\n消费者权益保护典型案例\n\n最高人民法院发布\n\n2022-03-15\n\n"
      "李某诉某书店信息网络买卖合同纠纷案\n\n基本案情\n\n"
      "李某在M书店经营的网络店铺付款22172元购买书籍，经与店铺客服沟通后，李某通过平台付款10172元。\n\n"
      "裁判结果\n\n"
      "李某有理由相信赵某的行为是代表M书店与其进行交易磋商，赵某的行为对M书店应发生效力。"
      "李某与M书店之间就购买书籍建立了网络购物合同关系。";
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, raw);
  EXPECT_TRUE(r.removed.empty());

  EXPECT_TRUE(line_signals(U"对于网络店铺客服的行为店铺应当负责").statement);
  EXPECT_TRUE(line_signals(U"经营者通过微信公众号发布虚假广告的，应当依法承担法律责任。").statement);
  // Asking, selling, speaking to the reader, ids and hours: not statements.
  EXPECT_FALSE(line_signals(U"本店铺客服在线时间为每天九点至晚上十点欢迎咨询").statement);
  EXPECT_FALSE(line_signals(U"我们的淘宝店铺是全网唯一正版渠道").statement);
  EXPECT_FALSE(line_signals(U"店铺客服的微信号是gwbd2024").statement);
  EXPECT_FALSE(line_signals(U"添加客服微信即可领取全部范文").statement);
  EXPECT_FALSE(line_signals(U"网络店铺客服").statement);  // a name, no predicate
  const std::string seller = "本店铺客服在线时间为每天九点至晚上十点欢迎咨询\n\n" + raw;
  EXPECT_EQ(clean(seller, {}).text, raw);
}

TEST(Clean, StrongPromoLineInsideIsRemovedButBodyMentionsStay) {
  const std::string a = "第一条 为了规范旅游市场秩序，制定本条例。";
  const std::string b =
      "第八十五条 未取得旅行社业务经营许可的，不得以户外俱乐部、微信公众号、QQ群等名义从事经营性旅游业务。";
  const std::string c = "游客服务中心应当公布联系电话，及时受理游客咨询。";
  const std::string ad = "需要完整版word请添加客服微信：abc123，扫码进会员群";
  const std::string raw = a + "\n" + ad + "\n" + b + "\n" + c;
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, a + "\n" + b + "\n" + c);
  EXPECT_EQ(count_reason(r, "promo_line"), 1u);
}

TEST(Clean, OfficialEndingsAreNotTrailers) {
  // A short final line of a real notice, and a signature block.
  const std::string raw =
      "关于做好2024年元旦春节期间有关工作的通知\n各单位要加强值班值守，确保信息畅通。\n联系人：张三，联系电话：010-"
      "12345678。\n"
      "XX市人民政府办公室\n2023年12月20日";
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, raw);
  EXPECT_TRUE(r.removed.empty());
}

TEST(Clean, NothingRemovedFromRealDocuments) {
  std::ifstream f(std::string(WENYUAN_TEST_DATA) + "/corpus_sample.jsonl");
  ASSERT_TRUE(f) << "tests/data/corpus_sample.jsonl missing";
  size_t docs = 0;
  for (std::string line; std::getline(f, line);) {
    const auto j = nlohmann::json::parse(line);
    const std::string raw = j.at("text").get<std::string>();
    const CleanResult r = clean(raw, {});
    ++docs;
    for (const Removed& p : r.removed) {
      EXPECT_EQ(p.reason, "noise") << j.at("title").get<std::string>() << ": removed " << p.text;
      EXPECT_EQ(p.text.find_first_not_of(" \t\r\n\xE3\x80\x80"), std::string::npos) << p.text;
    }
    EXPECT_FALSE(r.had_paywall_markers);
    EXPECT_EQ(reconstruct(r), raw);
  }
  EXPECT_EQ(docs, 40u);
}

// The tail block is decided as a whole: the lines of an official ending above
// a trailer stay (附件 lists, a table, a contact line set off by a blank line),
// the trailer goes with its credits and end marks.
TEST(Clean, TailBlockStopsAtTheOfficialEnding) {
  const std::string body =
      "关于开展2024年度项目申报工作的通知\n各区县科技局：\n现将有关事项通知如下，请认真组织申报。\n"
      "| 项目 | 金额 |\n| 设备 | 40元 |\n| 合计 | 480元 |\n附件：1.申报书\n2.汇总表\n联系电话：0591-87654321";
  const std::string trailer = "- END -\n编辑：小王\n后台回复“申报”领取50篇范文，加vx：demo_123";
  const std::string raw = body + "\n\n" + trailer;
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, body);
  EXPECT_EQ(reconstruct(r), raw);
}

TEST(Clean, ContactDetailsAloneAreNoPromotion) {
  for (const std::string tail : {"联系人：王伟，联系电话：0871-63612345", "咨询邮箱：rsc@xx.gov.cn",
                                 "详见XX市人民政府网站（http://www.xx.gov.cn）。", "监督电话：12345"}) {
    const std::string raw = "特此通知。\n" + tail;
    EXPECT_EQ(clean(raw, {}).text, raw) << tail;
  }
}

TEST(Clean, CreditsOnlyTailGoesAsCredits) {
  const std::string body = "支部全体党员参加了此次活动，大家纷纷表示受益匪浅。";
  const std::string raw = body + "\n文字：张三\n图片丨李四\n责编 | 王五\n（审核：赵六）";
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, body);
  EXPECT_EQ(count_reason(r, "credits"), 1u);
  EXPECT_EQ(count_reason(r, "promo_line"), 0u);
}

TEST(Clean, MaskedNamesAndPolicyWordsAreBody) {
  // A judgment's signature block masks names with ×; policy text names 公众号 and 二维码.
  const std::string raw =
      "本判决为终审判决。\n审判长×××\n审判员×××\n二〇二三年五月十日\n"
      "推行政务服务“掌上办”，依托政务微信公众号、小程序等移动端渠道，推动高频事项“指尖办理”，到2025年底实现80%以上事项移动可办。";
  EXPECT_EQ(clean(raw, {}).text, raw);
}

TEST(Clean, UnbalancedMarkers) {
  {  // begin without end: paid to the end
    const CleanResult r = clean("甲段。\n乙段##paidbegin##丙段。\n丁段。", {});
    EXPECT_EQ(r.text, "甲段。\n乙段丙段。\n丁段。");
    ASSERT_EQ(r.regions.size(), 2u);
    EXPECT_EQ(r.regions[0].end, 6u);
    EXPECT_EQ(r.regions[1].kind, RegionKind::kPaid);
    EXPECT_EQ(r.regions[1].end, 13u);
  }
  {  // stray end: ignored, removed
    const CleanResult r = clean("甲段。##paidend##\n乙段。", {});
    EXPECT_EQ(r.text, "甲段。\n乙段。");
    ASSERT_EQ(r.regions.size(), 1u);
    EXPECT_EQ(r.regions[0].kind, RegionKind::kPreview);
    EXPECT_TRUE(r.had_paywall_markers);
    EXPECT_EQ(count_reason(r, "paywall_marker"), 1u);
  }
  {  // end mid-text: preview again after it
    const CleanResult r = clean("##paidbegin##\n甲段。\n##paidend##\n乙段。", {});
    EXPECT_EQ(r.text, "甲段。\n乙段。");
    ASSERT_EQ(r.regions.size(), 2u);
    EXPECT_EQ(r.regions[0].kind, RegionKind::kPaid);
    EXPECT_EQ(r.regions[0].start, 0u);
    EXPECT_EQ(r.regions[0].end, 4u);
    EXPECT_EQ(r.regions[1].kind, RegionKind::kPreview);
    expect_regions_tile(r);
  }
  {  // no markers: no regions
    const CleanResult r = clean("甲段。", {});
    EXPECT_FALSE(r.had_paywall_markers);
    EXPECT_TRUE(r.regions.empty());
  }
}

TEST(Clean, BlankLineRuns) {
  const std::string raw = "\n\n甲。\n\n乙。\n\n\n\n丙。\n\n\n";
  const CleanResult r = clean(raw, {});
  EXPECT_EQ(r.text, "甲。\n\n乙。\n\n丙。");
  EXPECT_EQ(reconstruct(r), raw);
  for (const Removed& p : r.removed) EXPECT_EQ(p.reason, "noise");
}

TEST(Clean, PromotionsKeptWhenNotAsked) {
  CleanOptions o;
  o.remove_promotions = false;
  const CleanResult r = clean(seed(), o);
  EXPECT_NE(r.text.find("【公众号：哒哒君】"), std::string::npos);
  EXPECT_EQ(count_reason(r, "promo_line"), 0u);
}

class FakeEdgeStats : public EdgeLineStats {
 public:
  uint32_t documents_with_edge_line(std::string_view source, std::string_view line) const override {
    if (source != source_) return 0;
    auto it = counts.find(std::string(line));
    return it == counts.end() ? 0 : it->second;
  }
  uint32_t documents_in_source(std::string_view source) const override { return source == source_ ? docs : 0; }
  std::map<std::string, uint32_t> counts;
  uint32_t docs = 10;
  std::string source_ = "gov.example";
};

TEST(Clean, RecurringSiteHeaderAndFooter) {
  FakeEdgeStats stats;
  stats.counts = {{"首页 > 政务公开 > 通知公告", 6},
                  {"主办：XX市人民政府办公室 备案号：京ICP备000000号", 9},
                  {"第一章 总则", 10},
                  {"XX市物业管理办法", 8},
                  {"相关链接", 2}};
  const std::string raw =
      "首页 > 政务公开 > 通知公告\nXX市物业管理办法\n第一章 总则\n第一条 为了规范物业管理活动，制定本办法。\n"
      "相关链接\n主办：XX市人民政府办公室 备案号：京ICP备000000号";
  CleanOptions o;
  o.edge_stats = &stats;
  o.source = "gov.example";
  o.title = "XX市物业管理办法";
  const CleanResult r = clean(raw, o);
  EXPECT_EQ(r.text, "XX市物业管理办法\n第一章 总则\n第一条 为了规范物业管理活动，制定本办法。\n相关链接");
  EXPECT_EQ(count_reason(r, "recurring_header"), 1u);
  EXPECT_EQ(count_reason(r, "recurring_footer"), 1u);
  EXPECT_EQ(reconstruct(r), raw);

  stats.docs = 4;  // too few documents to tell
  EXPECT_EQ(clean(raw, o).text, raw);
  stats.docs = 10;
  o.source = "other.example";
  EXPECT_EQ(clean(raw, o).text, raw);
  stats.docs = 31;  // 9 of 31 < 30%
  o.source = "gov.example";
  const CleanResult r2 = clean(raw, o);
  EXPECT_EQ(count_reason(r2, "recurring_footer"), 0u);
}

TEST(Clean, EdgeLines) {
  const std::vector<std::string> e = edge_lines("  甲\n\n乙##paidbegin##\n丙\n丁\n戊\n己\n\n");
  EXPECT_EQ(e, (std::vector<std::string>{"甲", "乙", "丙", "丁", "戊", "己"}));
  EXPECT_EQ(edge_lines("甲\n乙"), (std::vector<std::string>{"甲", "乙"}));
}

TEST(Clean, PromoScoreSeparatesAdsFromOfficialProse) {
  EXPECT_GE(promo_score("【公众号：哒哒君】，最新最全党建资料库"), kPromoStrong);
  EXPECT_LT(promo_score("加强游客服务中心建设，关注群众需求，密切联系群众。"), kPromoWeak);
  EXPECT_LT(promo_score("2001年国内生产总值达到95933亿元，比上年增长7.3%。"), kPromoWeak);
  EXPECT_EQ(promo_score(""), 0);
}

}  // namespace
}  // namespace wenyuan::doc
