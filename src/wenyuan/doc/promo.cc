#include "wenyuan/doc/promo.h"

#include <algorithm>
#include <bitset>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "wenyuan/doc/outline.h"
#include "wenyuan/text/chars.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {

namespace {

using text::is_blank;
using text::trim_blank;
using U32View = std::u32string_view;

// Matching runs on a folded copy: full-width ASCII to ASCII, ASCII lowercase, so
// that ＶＩＰ, VIP and vip are one word and ＱＱ：１２３ a number after a colon.
std::u32string fold(U32View t) {
  std::u32string out(t);
  for (char32_t& c : out) {
    if (c >= 0xFF01 && c <= 0xFF5E && c != 0xFF1A && c != 0xFF08 && c != 0xFF09) c = c - 0xFF01 + 0x21;
    if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
  }
  return out;
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_alpha(char32_t c) { return c >= U'a' && c <= U'z'; }
bool is_colon(char32_t c) { return c == U'：' || c == U':'; }

// What a word does in a line: names a platform, shop or channel (公众号, 淘宝,
// 客服, 店铺), sells (会员, 下载, 课程), asks the reader to act (扫码, 回复,
// 添加微信), or is the boilerplate of a reposted article (侵删, 往期推荐).
// Promotion sells or asks; prose may name a platform and still be prose.
enum Said { kNames, kSells, kAsks, kBoilerplate };

struct Keyword {
  U32View word;  // folded (lowercase ASCII)
  int weight;    // 3: hardly ever in an official document; 2: common in trailers; 1: ordinary prose too
  Said said;
};

// By kind; each line of the table is one kind. Words that official prose uses
// (关注 群众, 加入 世贸组织, 联系 群众, 下载 表格, 税收优惠) weigh 1 and only add up.
// 客服 counts only in contact forms (游客服务 must not hit it).
constexpr Keyword kKeywords[] = {
    // platforms and channels
    {U"公众号", 3, kNames}, {U"视频号", 3, kNames}, {U"抖音", 3, kNames}, {U"快手号", 3, kNames}, {U"小红书", 3, kNames}, {U"知乎", 3, kNames}, {U"b站", 3, kNames},
    {U"哔哩", 3, kNames}, {U"网盘", 3, kNames}, {U"百度云", 3, kNames}, {U"淘宝", 3, kNames}, {U"闲鱼", 3, kNames}, {U"拼多多", 3, kNames}, {U"小程序", 3, kNames},
    {U"微信号", 3, kNames}, {U"加微信", 3, kAsks}, {U"添加微信", 3, kAsks}, {U"vx", 3, kAsks}, {U"wx", 3, kAsks}, {U"薇信", 3, kAsks}, {U"威信", 3, kAsks},
    {U"v信", 3, kAsks}, {U"加v", 3, kAsks}, {U"+v", 3, kAsks}, {U"qq群", 3, kNames}, {U"微信群", 3, kNames}, {U"交流群", 3, kNames}, {U"进群", 3, kAsks},
    {U"入群", 3, kAsks}, {U"群号", 3, kAsks}, {U"会员群", 3, kSells}, {U"客户端", 2, kNames}, {U"应用市场", 3, kNames}, {U"app", 2, kNames}, {U"微信", 2, kNames},
    {U"qq", 2, kNames}, {U"微博", 2, kNames}, {U"客服", 3, kNames}, {U"添加客服", 3, kAsks}, {U"联系客服", 3, kAsks},
    {U"客服微信", 3, kAsks}, {U"店铺", 2, kNames}, {U"京东", 3, kNames}, {U"当当", 2, kNames}, {U"账号", 2, kNames}, {U"互关", 3, kAsks}, {U"直播", 2, kNames}, {U"评论区", 3, kAsks}, {U"官网", 1, kNames}, {U"平台", 1, kNames}, {U"网站", 1, kNames}, {U"链接", 1, kNames},
    // selling: material, memberships, services, courses
    {U"素材库", 3, kSells}, {U"资料库", 3, kSells}, {U"文库", 2, kSells}, {U"范文", 2, kSells}, {U"素材", 2, kSells}, {U"模板", 2, kSells}, {U"资料包", 3, kSells},
    {U"合集", 2, kSells}, {U"大全", 2, kSells}, {U"word版", 3, kSells}, {U"完整版", 2, kSells}, {U"可编辑", 3, kSells}, {U"源文件", 3, kSells},
    {U"下载完整", 4, kSells}, {U"全文下载", 4, kSells}, {U"免费下载", 3, kSells}, {U"获取完整", 4, kSells}, {U"下载", 1, kSells}, {U"会员", 2, kSells},
    {U"vip", 3, kSells}, {U"年卡", 3, kSells}, {U"月卡", 3, kSells}, {U"终身", 2, kSells}, {U"代笔", 4, kSells}, {U"代写", 4, kSells}, {U"交稿", 3, kSells}, {U"承接", 2, kSells}, {U"私聊", 3, kSells}, {U"打包", 2, kSells}, {U"整套", 2, kSells}, {U"全套", 2, kSells}, {U"下单", 3, kSells}, {U"即送", 2, kSells}, {U"专享", 3, kSells}, {U"开通", 2, kSells}, {U"试用", 2, kSells}, {U"原文档", 2, kSells}, {U"价格", 1, kSells}, {U"润笔", 3, kSells},
    {U"润色", 3, kSells}, {U"接单", 3, kSells}, {U"定制", 2, kSells}, {U"写作服务", 3, kSells}, {U"训练营", 3, kSells}, {U"网课", 3, kSells}, {U"课程", 1, kSells},
    {U"笔杆子", 3, kSells}, {U"订阅", 2, kSells}, {U"付费", 2, kSells}, {U"购买", 1, kSells}, {U"解锁", 3, kSells}, {U"领取", 2, kSells}, {U"免费", 1, kSells},
    {U"福利", 1, kSells}, {U"优惠", 1, kSells}, {U"特价", 3, kSells}, {U"限时", 2, kSells}, {U"原价", 3, kSells}, {U"现价", 3, kSells}, {U"仅需", 3, kSells},
    {U"包年", 3, kSells}, {U"海量", 2, kSells}, {U"一键", 2, kSells}, {U"好评", 3, kSells}, {U"谨防假冒", 3, kSells}, {U"唯一平台", 3, kSells},
    {U"原创", 1, kSells}, {U"每日更新", 3, kSells}, {U"持续更新", 3, kSells}, {U"更新", 1, kSells},
    // calls to act
    {U"扫码", 3, kAsks}, {U"扫一扫", 3, kAsks}, {U"长按", 3, kAsks}, {U"识别二维码", 3, kAsks}, {U"二维码", 2, kAsks}, {U"回复", 2, kAsks},
    {U"后台回复", 3, kAsks}, {U"私信", 3, kAsks}, {U"留言", 2, kAsks}, {U"点击", 2, kAsks}, {U"戳", 2, kAsks}, {U"关注", 1, kAsks}, {U"欢迎关注", 3, kAsks},
    {U"关注我们", 3, kAsks}, {U"欢迎加入", 3, kAsks}, {U"加入", 1, kAsks}, {U"添加", 1, kAsks}, {U"联系", 1, kAsks}, {U"请联系", 2, kAsks},
    {U"咨询", 1, kAsks}, {U"转发", 1, kAsks}, {U"分享", 1, kAsks}, {U"收藏", 1, kAsks}, {U"点赞", 3, kAsks}, {U"在看", 2, kAsks}, {U"打赏", 4, kAsks},
    {U"星标", 3, kAsks}, {U"置顶", 2, kAsks}, {U"阅读原文", 3, kAsks}, {U"小伙伴", 3, kAsks}, {U"粉丝", 2, kAsks}, {U"小编", 4, kAsks},
    // editorial and legal boilerplate, sign-offs, recommendations
    {U"如有侵权", 3, kBoilerplate}, {U"侵删", 4, kBoilerplate}, {U"欢迎转发", 3, kBoilerplate}, {U"敬请关注", 3, kBoilerplate}, {U"下期见", 3, kBoilerplate}, {U"回复“", 3, kAsks}, {U"回复\"", 3, kAsks}, {U"回复关键", 3, kAsks}, {U"侵权", 1, kBoilerplate}, {U"联系删除", 3, kBoilerplate}, {U"删除", 1, kBoilerplate}, {U"转载请注明", 4, kBoilerplate}, {U"禁止转载", 4, kBoilerplate},
    {U"严禁转载", 4, kBoilerplate}, {U"转载", 1, kBoilerplate}, {U"版权归", 3, kBoilerplate}, {U"版权所有", 2, kBoilerplate}, {U"版权声明", 3, kBoilerplate}, {U"免责声明", 3, kBoilerplate},
    {U"声明", 1, kBoilerplate}, {U"来源于网络", 3, kBoilerplate}, {U"来源网络", 3, kBoilerplate}, {U"仅供参考", 2, kBoilerplate}, {U"学习交流", 2, kBoilerplate}, {U"仅供学习", 3, kBoilerplate},
    {U"本站", 2, kBoilerplate}, {U"本平台", 2, kBoilerplate}, {U"本号", 3, kBoilerplate}, {U"往期推荐", 3, kBoilerplate}, {U"往期回顾", 3, kBoilerplate}, {U"推荐阅读", 3, kBoilerplate},
    {U"精彩回顾", 3, kBoilerplate}, {U"猜你喜欢", 3, kBoilerplate}, {U"延伸阅读", 2, kBoilerplate}, {U"相关阅读", 2, kBoilerplate}, {U"热门推荐", 3, kBoilerplate}, {U"recommend", 3, kBoilerplate},
    {U"更多精彩", 3, kBoilerplate}, {U"精彩内容", 2, kBoilerplate}, {U"感谢阅读", 3, kBoilerplate}, {U"感谢您的阅读", 3, kBoilerplate}, {U"谢谢阅读", 3, kBoilerplate},
    {U"谢谢观看", 3, kBoilerplate}, {U"明天见", 3, kBoilerplate}, {U"下期", 2, kBoilerplate}, {U"end", 1, kBoilerplate},
};

// kKeywords by first character, so that one pass over a line finds them all
// (scoring runs on nearly every line of every document).
struct KeywordIndex {
  static constexpr size_t kCount = std::size(kKeywords);
  std::bitset<0x10000> is_first;                      // BMP first characters
  std::vector<std::pair<char32_t, uint16_t>> by_first;  // (first character, keyword), sorted
};

const KeywordIndex& keyword_index() {
  static const KeywordIndex index = [] {  // immutable after initialisation
    static_assert(KeywordIndex::kCount <= 256);
    KeywordIndex x;
    for (size_t k = 0; k < KeywordIndex::kCount; ++k) {
      const char32_t f = kKeywords[k].word.front();
      if (f < 0x10000) x.is_first.set(f);
      x.by_first.emplace_back(f, static_cast<uint16_t>(k));
    }
    std::sort(x.by_first.begin(), x.by_first.end());
    return x;
  }();
  return index;
}

void score_keywords(U32View t, LineSignals& s) {
  const KeywordIndex& index = keyword_index();
  std::bitset<256> found;
  for (size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    if (c >= 0x10000 || !index.is_first.test(c)) continue;
    auto it = std::lower_bound(index.by_first.begin(), index.by_first.end(), std::make_pair(c, uint16_t{0}));
    for (; it != index.by_first.end() && it->first == c; ++it) {
      const U32View w = kKeywords[it->second].word;
      if (t.substr(i, w.size()) != w) continue;
      if (w == U"客服" && i + 2 < t.size() && t[i + 2] == U'务') continue;  // 游客服务 is 游客 + 服务
      // Latin words only as words: "wx" not inside "wxyz", "app" not inside "apply".
      if (is_alpha(w.front()) && i > 0 && is_alpha(t[i - 1])) continue;
      if (is_alpha(w.back()) && i + w.size() < t.size() && is_alpha(t[i + w.size()])) continue;
      found.set(it->second);
    }
  }
  for (size_t k = 0; k < KeywordIndex::kCount; ++k) {
    if (!found.test(k)) continue;
    s.trade += kKeywords[k].weight;
    if (kKeywords[k].weight >= 3) ++s.strong_words;
    // Weight-1 words are ordinary prose (购买 价格 联系 关注): they neither sell nor ask.
    if (kKeywords[k].said != kNames && kKeywords[k].weight >= 2) s.asks += kKeywords[k].weight;
  }
}

bool has_unit_after(U32View s, size_t i) {
  if (i >= s.size()) return false;
  static constexpr U32View kUnits =
      U"亿万元千百%％年月日个人家项吨亩公里米台次件条座所户名套平方度倍辆艘只头天小时分秒号届期批.．";
  return kUnits.find(s[i]) != U32View::npos;
}

size_t url_end(U32View s, size_t i) {
  while (i < s.size() && s[i] < 0x80 && !is_blank(s[i])) ++i;
  return i;
}

bool url_at(U32View s, size_t i) {
  if (s.substr(i, 4) == U"http" || s.substr(i, 4) == U"www.") return true;
  // A bare domain: an ASCII word, a dot, a top-level domain ("demo.cn", "x-y.com").
  if (i > 0 && (is_alpha(s[i - 1]) || is_digit(s[i - 1]) || s[i - 1] == U'.' || s[i - 1] == U'-')) return false;
  size_t j = i;
  while (j < s.size() && (is_alpha(s[j]) || is_digit(s[j]) || s[j] == U'-' || s[j] == U'_')) ++j;
  if (j == i || j >= s.size() || s[j] != U'.' || !is_alpha(s[i])) return false;
  for (U32View tld : {U32View(U"com"), U32View(U"cn"), U32View(U"net"), U32View(U"org"), U32View(U"top")}) {
    const size_t e = j + 1 + tld.size();
    if (s.substr(j + 1, tld.size()) == tld && (e == s.size() || !is_alpha(s[e]))) return true;
  }
  return false;
}

// Contact details: a digit run (phone, QQ) with spaces, dashes or masks (*, x)
// inside that is not a quantity; a Latin handle right after a colon
// ("客服：cwk", "v：abc_123"); a URL; an e-mail address.
int contact_score(U32View s) {
  int score = 0;
  bool url = false, mail = false;
  for (size_t i = 0; i < s.size();) {
    if (url_at(s, i)) {  // digits inside a URL are no phone number
      url = true;
      i = url_end(s, i);
      continue;
    }
    if (!is_digit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i, digits = 0, masks = 0;
    auto joins = [&](size_t k) {
      return (s[k] == U' ' || s[k] == U'-') && k + 1 < s.size() && (is_digit(s[k + 1]) || s[k + 1] == U'*');
    };
    while (j < s.size() && (is_digit(s[j]) || s[j] == U'*' || (s[j] == U'x' && digits > 0) || joins(j))) {
      if (is_digit(s[j])) ++digits;
      if (s[j] == U'*' || s[j] == U'x') ++masks;
      ++j;
    }
    const bool after_colon = i > 0 && is_colon(s[i - 1]);
    if (digits >= 4 && masks >= 3) score += 3;  // 138****8000
    else if (digits >= 5 && !has_unit_after(s, j) && (after_colon || digits >= 7)) score += 3;
    i = j;
  }
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (is_colon(s[i]) && i + 3 < s.size() && is_alpha(s[i + 1])) {
      size_t j = i + 1;
      while (j < s.size() && (is_alpha(s[j]) || is_digit(s[j]) || s[j] == U'_' || s[j] == U'-')) ++j;
      if (j - i - 1 >= 3) score += 2;
    }
    if (s[i] == U'@' && i > 0 && (is_alpha(s[i - 1]) || is_digit(s[i - 1])) && is_alpha(s[i + 1])) mail = true;
  }
  if (url) score += 2;
  if (mail) score += 2;
  return score;
}

bool has_price(U32View t, const LineSignals& s) {
  if (t.find(U'￥') != U32View::npos || t.find(U'¥') != U32View::npos) return true;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (!is_digit(t[i])) continue;
    const char32_t n = t[i + 1];
    if (n == U'折') return true;                     // 5折
    if (n == U'元' && s.trade >= 2) return true;     // 9.9元 beside selling words
  }
  return t.find(U"打折") != U32View::npos || t.find(U"折扣") != U32View::npos;
}

bool is_symbol(char32_t c) {
  if (is_blank(c)) return false;
  if (c == U'×' || c == U'○') return false;  // masks of names and dates in templates: 审判员×××, ××××年××月××日
  if (c >= 0x4E00 && c <= 0x9FFF) return false;
  if (is_alpha(c) || is_digit(c)) return false;
  if (c >= 0x3400 && c <= 0x4DBF) return false;
  return true;
}

bool is_decoration_char(char32_t c) {
  return (c >= 0x2190 && c <= 0x21FF) ||  // arrows
         (c >= 0x2500 && c <= 0x27BF) ||  // box drawing, shapes, dingbats (★ ▶ ✅ ❤)
         (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x1F300 && c <= 0x1FAFF) || c == 0xFE0F;  // emoji
}

bool decoration(U32View t) {
  size_t sym = 0, deco = 0;
  for (char32_t c : t) {
    sym += is_symbol(c);
    deco += is_decoration_char(c);
  }
  return deco >= 1 || (sym >= 3 && sym * 3 >= t.size() * 2);  // "审判员×××" is a name masked, not decoration
}

// "编辑：小王", "责编 | 某某", "（审核：王菲）", "本报记者 苏雁": who made the web article.
bool credit_line(U32View t) {
  if (!t.empty() && (t.front() == U'（' || t.front() == U'(')) t.remove_prefix(1);
  if (t.size() > 40) return false;
  static constexpr U32View kLabels[] = {
      U"来源", U"出处", U"原标题", U"作者", U"文字", U"文图", U"图文", U"图片", U"摄影", U"视频", U"撰稿", U"供稿",
      U"投稿", U"编辑", U"文字编辑", U"新媒体编辑", U"责编", U"责任编辑", U"主编", U"美编", U"编审", U"初审",
      U"复审", U"终审", U"审核", U"审核发布", U"审校", U"校对", U"排版", U"策划", U"统筹", U"监制", U"出品",
      U"本报记者", U"记者", U"阅读量", U"阅读", U"浏览量", U"浏览次数", U"点击量", U"发布时间", U"发布日期", U"更新时间", U"通讯员", U"本报通讯员", U"实习生", U"素材"};
  // A label ends the line's first few characters and a colon or bar follows:
  // "编辑：", "图文来源：", "文章来源 |", "责编丨"; or a byline label and a name
  // after spaces ("本报记者   苏雁").
  for (size_t k = 1; k < t.size() && k <= 10; ++k) {
    const char32_t c = t[k];
    const bool bar = is_colon(c) || c == U'|' || c == U'｜' || c == U'丨' || c == U'/' || c == U'／';
    const bool space = is_blank(c);
    if (!bar && !space) continue;
    const U32View head = t.substr(0, k);
    for (U32View label : kLabels) {
      if (head.size() < label.size() || head.substr(head.size() - label.size()) != label) continue;
      size_t j = k;
      while (j < t.size() && is_blank(t[j])) ++j;
      if (j >= t.size()) return false;
      if (bar || is_colon(t[j]) || t[j] == U'|' || t[j] == U'｜' || t[j] == U'丨') return true;
      if (label.size() >= 2 && head.size() == label.size()) return true;  // "本报记者   苏雁"
    }
    break;
  }
  return false;
}

// "———— 完 ————", "- END -", "（完）", "********", "=====".
bool separator(U32View t) {
  if (t.empty() || t.size() > 24) return false;
  auto rule_char = [](char32_t c) {
    return c == U'—' || c == U'-' || c == U'─' || c == U'━' || c == U'=' || c == U'＝' || c == U'*' || c == U'_' ||
           c == U'~' || c == U'～' || c == U'·' || c == U'（' || c == U'）' || c == U'(' || c == U')' || c == U'【' ||
           c == U'】' || c == U'…' || c == U'#' || c == U'+' || c == U'.' || c == U'。' || c == U'<' || c == U'>' ||
           c == U'/' || is_blank(c);
  };
  std::u32string core;
  for (char32_t c : t)
    if (!rule_char(c)) core.push_back(c);
  if (core.empty()) return t.size() >= 3;
  return core == U"完" || core == U"end" || core == U"全文完" || core == U"theend" || core == U"结束" ||
         core == U"本文完" || core == U"正文完";
}

bool sentence_end(U32View t) {
  size_t e = t.size();
  auto closer = [](char32_t c) { return c == U'”' || c == U'’' || c == U'」' || c == U'）' || c == U')' || c == U'"'; };
  while (e > 0 && closer(t[e - 1])) --e;
  if (e == 0) return false;
  const char32_t c = t[e - 1];
  return c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'…' || c == U'!' || c == U'?';
}

bool cn_digit(char32_t c) { return U32View(U"〇零一二三四五六七八九十").find(c) != U32View::npos; }

// "2023年12月20日", "二〇二三年十二月二十日", "（2024年3月5日）", "2024-03-05", "2024.3.5".
bool date_line(U32View t) {
  if (!t.empty() && (t.front() == U'（' || t.front() == U'(')) t.remove_prefix(1);
  if (!t.empty() && (t.back() == U'）' || t.back() == U')')) t.remove_suffix(1);
  if (t.size() < 6 || t.size() > 16) return false;
  size_t i = 0, groups = 0;
  while (i < t.size()) {
    size_t j = i;
    while (j < t.size() && (is_digit(t[j]) || cn_digit(t[j]))) ++j;
    if (j == i) return false;
    ++groups;
    if (j == t.size()) break;
    const char32_t sep = t[j];
    if (sep == U'日') return j + 1 == t.size() && groups == 3;
    if (sep != U'年' && sep != U'月' && sep != U'-' && sep != U'.' && sep != U'/') return false;
    i = j + 1;
    if (i == t.size()) return sep == U'月' && groups == 2;  // 2023年12月
  }
  return groups == 3 && t.find(U'年') == U32View::npos;
}

bool is_han(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

// What a clause of prose may hold besides Han characters: its inner punctuation
// (a statement ends in 。 or in nothing, never in ！: that is a call). On the
// folded line, where ，； are ASCII.
bool is_prose_mark(char32_t c) {
  return U32View(U",;、：“”‘’《》（）—。").find(c) != U32View::npos;
}

// A modal or copula standing between words: what makes a clause a statement
// about something (X 应当 Y, X 属于 Y, X 是 Y) rather than a name, a slogan or
// an offer. Chinese has few of them; they are the grammar, not examples.
bool has_predicate(U32View t) {
  static constexpr U32View kPredicates[] = {
      U"应当", U"应该", U"不应", U"可以", U"不得", U"必须", U"无须", U"属于", U"构成", U"视为", U"认定",
      U"承担", U"负责", U"负有", U"具有", U"有权", U"无权", U"不能", U"不予", U"予以", U"适用", U"是", U"为"};
  for (U32View p : kPredicates) {
    const size_t i = t.find(p);
    if (i != U32View::npos && i > 0 && i + p.size() < t.size()) return true;
  }
  return false;
}

// Words of address: a seller speaking (我们, 本店) to the reader (您, 亲) or
// bidding (请, 欢迎). A statement of prose speaks of a third party.
bool addresses_reader(U32View t) {
  for (U32View w : {U32View(U"您"), U32View(U"你"), U32View(U"我"), U32View(U"咱"), U32View(U"亲"), U32View(U"请"),
                    U32View(U"欢迎"), U32View(U"本店"), U32View(U"快来"), U32View(U"赶紧")}) {
    if (t.find(w) != U32View::npos) return true;
  }
  return false;
}

// A declarative sentence of prose that names a platform, a shop or a channel
// without selling or asking ("对于网络店铺客服的行为店铺应当负责", the holding
// of a court case standing above its text): Han characters and the inner marks
// of prose only (no digit, no Latin letter: ids, numbers and hours are how a
// trailer tells the reader where to go), long enough to be a clause, with a
// predicate, in the third person, and none of the contact, price, decoration
// or bracket marks.
bool statement(U32View t, const LineSignals& s) {
  if (s.trade == 0 || s.asks > 0 || s.contact > 0 || s.price || s.decoration || s.bracketed || s.credit ||
      s.separator || t.size() < 10 || addresses_reader(t))
    return false;
  size_t han = 0;
  for (char32_t c : t) {
    if (is_han(c)) ++han;
    else if (!is_prose_mark(c)) return false;
  }
  return han * 10 >= t.size() * 9 && has_predicate(t);
}

}  // namespace

LineSignals line_signals(std::u32string_view line) {
  LineSignals s;
  const U32View raw = trim_blank(line);
  s.chars = raw.size();
  if (raw.empty()) return s;
  const std::u32string f = fold(raw);
  const U32View t = f;
  score_keywords(t, s);
  s.contact = contact_score(t);
  // An id next to a platform word ("微信：abc123", "QQ：1 2 3…") is a contact for sales.
  if (s.contact > 0 && (t.find(U"微信") != U32View::npos || t.find(U"qq") != U32View::npos ||
                        t.find(U"v：") != U32View::npos || t.find(U"客服") != U32View::npos))
    ++s.strong_words;
  s.price = has_price(t, s);
  s.separator = separator(t);
  s.decoration = !s.separator && decoration(t);
  s.credit = credit_line(t);
  s.sentence_end = sentence_end(t);
  s.date_line = date_line(t);
  s.bracketed = t.front() == U'【';
  s.table_row = std::count(t.begin(), t.end(), U'|') >= 3;
  // The 版记 of a 公文 (GB/T 9704): 附件, 抄送, 主送 lines.
  for (U32View label : {U32View(U"附件"), U32View(U"抄送"), U32View(U"主送")}) {
    if (t.substr(0, label.size()) == label && label.size() < t.size() &&
        (is_colon(t[label.size()]) || is_digit(t[label.size()]) || is_blank(t[label.size()])))
      s.record_line = true;
  }
  s.structural = is_structural_line(text::encode_utf8(raw));
  s.statement = statement(t, s);
  // "[1] 新华网. …[EB/OL]. http://…": a bibliography entry cites, it does not advertise.
  s.citation = t.front() == U'[' || t.find(U"[eb/ol]") != U32View::npos || t.find(U"[j]") != U32View::npos ||
               t.find(U"[n]") != U32View::npos || t.find(U"[m]") != U32View::npos;
  return s;
}

bool is_body_anchor(const LineSignals& s) {
  if (s.chars == 0 || s.separator || s.credit) return false;
  if (s.structural || s.date_line || s.statement) return true;
  if (s.citation || s.table_row || s.record_line) return true;
  if (s.sentence_end && s.chars >= 4 && s.trade < 3 && s.contact == 0 && !s.decoration) return true;
  // A long sentence of official prose may name a platform, an e-mail or a phone
  // (政务微信公众号, 报送至邮箱：…): what tells it from an advertisement is how
  // thinly such words lie in it.
  if (s.sentence_end && s.chars >= 40 && !s.price && !s.decoration && !s.bracketed &&
      static_cast<size_t>(s.trade + s.contact) * 6 <= s.chars)
    return true;
  return s.chars >= 50 && s.trade < 3 && s.contact == 0 && !s.price;
}

}  // namespace wenyuan::doc
