#include "wenyuan/doc/metadata.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>
#include <vector>

#include "wenyuan/doc/outline.h"
#include "wenyuan/text/chars.h"
#include "wenyuan/text/cn_number.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {

namespace {

using U32View = std::u32string_view;

bool contains(U32View s, U32View w) { return s.find(w) != U32View::npos; }
bool ends_with(U32View s, U32View w) { return s.size() >= w.size() && s.substr(s.size() - w.size()) == w; }

// The title without a trailing bracketed remark ("（2023年）", "(十二大)", "（试行）"
// stays part of a law's name, but brackets never carry the 文种).
U32View title_core(U32View t) {
  while (!t.empty() && (t.back() == U' ' || t.back() == U'\u3000')) t.remove_suffix(1);
  if (!t.empty() && (t.back() == U'）' || t.back() == U')')) {
    const size_t open = t.find_last_of(U"（(");
    if (open != U32View::npos && open > 0) t = t.substr(0, open);
  }
  while (!t.empty() && (t.back() == U' ' || t.back() == U'\u3000')) t.remove_suffix(1);
  return t;
}

int cn_value(U32View s) {
  static constexpr U32View kDigits = U"零一二三四五六七八九";
  int total = 0, digit = 0;
  bool any = false;
  for (char32_t c : s) {
    const size_t d = kDigits.find(c);
    if (d != U32View::npos) {
      digit = static_cast<int>(d);
      any = true;
    } else if (c == U'十') {
      total += (digit == 0 ? 1 : digit) * 10;
      digit = 0;
      any = true;
    } else {
      return -1;
    }
  }
  return any ? total + digit : -1;
}

// The Chinese number ending just before `pos` (at most 4 characters).
int cn_number_before(U32View s, size_t pos, size_t* start) {
  size_t b = pos;
  while (b > 0 && pos - b < 4 && cn_value(s.substr(b - 1, 1)) >= 0) --b;
  if (b == pos) return -1;
  *start = b;
  return cn_value(s.substr(b, pos - b));
}

// Years of the CPC national congresses 1..20 and of the first session of the
// NPC's terms 1..14: fixed facts of the calendar.
constexpr std::array<int, 21> kCongressYear = {0,    1921, 1922, 1923, 1925, 1927, 1928, 1945, 1956, 1969, 1973,
                                               1977, 1982, 1987, 1992, 1997, 2002, 2007, 2012, 2017, 2022};
constexpr std::array<int, 15> kNpcFirstYear = {0,    1954, 1959, 1964, 1975, 1978, 1983, 1988,
                                               1993, 1998, 2003, 2008, 2013, 2018, 2023};

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

}  // namespace

std::optional<int> session_year(std::string_view title_utf8) {
  const std::u32string u = text::decode_utf8(title_utf8);
  const U32View t = u;
  // 第N届全国人民代表大会第K次会议
  for (size_t p = t.find(U"届全国人民代表大会第"); p != U32View::npos; p = t.find(U"届全国人民代表大会第", p + 1)) {
    size_t b = 0;
    const int term = cn_number_before(t, p, &b);
    const size_t k0 = p + 10;
    size_t k1 = k0;
    while (k1 < t.size() && cn_value(t.substr(k1, 1)) >= 0) ++k1;
    const int session = cn_value(t.substr(k0, k1 - k0));
    if (term >= 1 && term < static_cast<int>(kNpcFirstYear.size()) && session >= 1 && session <= 5 &&
        k1 < t.size() && t[k1] == U'次')
      return kNpcFirstYear[term] + session - 1;
  }
  // 中国共产党第N次全国代表大会, "(十二大)"
  for (size_t p = t.find(U"次全国代表大会"); p != U32View::npos; p = t.find(U"次全国代表大会", p + 1)) {
    size_t b = 0;
    const int n = cn_number_before(t, p, &b);
    if (b >= 6 && t.substr(b - 6, 6) == U"中国共产党第" && n >= 1 && n < static_cast<int>(kCongressYear.size()))
      return kCongressYear[n];
  }
  for (size_t p = t.find(U"大)"); p != U32View::npos; p = t.find(U"大)", p + 1)) {
    size_t b = 0;
    const int n = cn_number_before(t, p, &b);
    if (b > 0 && (t[b - 1] == U'(' || t[b - 1] == U'（') && n >= 1 && n < static_cast<int>(kCongressYear.size()))
      return kCongressYear[n];
  }
  for (size_t p = t.find(U"大）"); p != U32View::npos; p = t.find(U"大）", p + 1)) {
    size_t b = 0;
    const int n = cn_number_before(t, p, &b);
    if (b > 0 && (t[b - 1] == U'(' || t[b - 1] == U'（') && n >= 1 && n < static_cast<int>(kCongressYear.size()))
      return kCongressYear[n];
  }
  return std::nullopt;
}

std::optional<int> year_of_record_date(std::string_view date, bool* unparseable) {
  if (unparseable) *unparseable = false;
  size_t b = 0, e = date.size();
  while (b < e && (date[b] == ' ' || date[b] == '\t')) ++b;
  while (e > b && (date[e - 1] == ' ' || date[e - 1] == '\t')) --e;
  const std::string_view d = date.substr(b, e - b);
  if (d.empty()) return std::nullopt;
  bool ok = d.size() >= 4;
  int y = 0;
  for (size_t i = 0; ok && i < 4; ++i) {
    ok = d[i] >= '0' && d[i] <= '9';
    y = y * 10 + (d[i] - '0');
  }
  // After the year: nothing, a separator and more date ("-03-05", "/3/5", ".3"), or 年.
  if (ok && d.size() > 4) {
    const std::string_view rest = d.substr(4);
    ok = rest[0] == '-' || rest[0] == '/' || rest[0] == '.' || rest.substr(0, 3) == "\xE5\xB9\xB4" /* 年 */ ||
         rest[0] == 'T' || rest[0] == ' ';
  }
  if (!ok || y < 1900 || y > 2200) {
    if (unparseable) *unparseable = true;
    return std::nullopt;
  }
  return y;
}

namespace {

// The year of a full date (2017年10月18日, 二〇一七年十月十八日) at the start of
// `line` after "（" or "——"; `*end` is set past the 日.
std::optional<int> date_start_year(U32View line, size_t* end) {
  size_t i = 0;
  while (i < line.size() && (line[i] == U'（' || line[i] == U'(' || line[i] == U'—' || line[i] == U'-')) ++i;
  static constexpr U32View kCn = U"〇一二三四五六七八九";
  int y = 0;
  size_t k = i;
  for (; k < line.size() && k < i + 4; ++k) {
    if (is_digit(line[k])) y = y * 10 + static_cast<int>(line[k] - U'0');
    else if (line[k] == U'零') y = y * 10;
    else if (kCn.find(line[k]) != U32View::npos) y = y * 10 + static_cast<int>(kCn.find(line[k]));
    else break;
  }
  if (k != i + 4 || k >= line.size() || line[k] != U'年') return std::nullopt;
  const size_t m = line.find(U'月', k);
  const size_t d = line.find(U'日', k);
  if (m == U32View::npos || d == U32View::npos || m > k + 4 || d > m + 4 || d < m) return std::nullopt;
  if (y < 1900 || y > 2200) return std::nullopt;
  *end = d + 1;
  return y;
}

// Non-blank lines of `t`, trimmed, the first `first` and the last `last` of them.
std::vector<U32View> edge_lines_of(U32View t, size_t first, size_t last) {
  std::vector<U32View> all;
  size_t start = 0;
  while (start <= t.size()) {
    size_t end = t.find(U'\n', start);
    if (end == U32View::npos) end = t.size();
    U32View line = t.substr(start, end - start);
    while (!line.empty() && (line.front() == U' ' || line.front() == U'\u3000' || line.front() == U'\t' ||
                             line.front() == 0x200B || line.front() == 0xFEFF))
      line.remove_prefix(1);
    while (!line.empty() && (line.back() == U' ' || line.back() == U'\u3000' || line.back() == U'\t' ||
                             line.back() == U'\r'))
      line.remove_suffix(1);
    if (!line.empty()) all.push_back(line);
    start = end + 1;
  }
  std::vector<U32View> out;
  for (size_t i = 0; i < all.size(); ++i)
    if (i < first || i + last >= all.size()) out.push_back(all[i]);
  return out;
}

}  // namespace

std::optional<int> head_date_year(std::string_view text_utf8) {
  const std::u32string u = text::decode_utf8(text_utf8.substr(0, std::min<size_t>(text_utf8.size(), 4000)));
  // A law's head lists its history, one date a line (通过, 修订, 修正): this
  // version is the latest of them.
  std::optional<int> latest;
  bool in_run = false;
  for (U32View line : edge_lines_of(u, 10, 0)) {
    size_t end = 0;
    // A date line dates; a sentence that starts with a date ("1949年10月1日，…。") tells history.
    const bool sentence = line.find(U'。') != U32View::npos || line.find(U'，') != U32View::npos;
    const auto y = line.size() <= 80 && !sentence ? date_start_year(line, &end) : std::nullopt;
    if (y) {
      latest = latest ? std::max(*latest, *y) : *y;
      in_run = true;
    } else if (in_run) {
      break;
    }
  }
  return latest;
}

std::optional<int> signature_year(std::string_view text_utf8) {
  const size_t from = text_utf8.size() > 4000 ? text_utf8.size() - 4000 : 0;
  const std::u32string u = text::decode_utf8(text_utf8.substr(from));
  const std::vector<U32View> tail = edge_lines_of(u, 0, 3);
  for (auto it = tail.rbegin(); it != tail.rend(); ++it) {
    size_t end = 0;
    const auto y = date_start_year(*it, &end);
    // The date is the line, but for a closing bracket or 印发/通过.
    if (y && it->size() <= end + 4) return y;
  }
  return std::nullopt;
}

std::string document_type(std::string_view title_utf8, std::string_view text_utf8, bool had_credits) {
  const std::u32string tu = text::decode_utf8(title_utf8);
  const U32View full = tu;
  const U32View t = title_core(full);
  // Kinds circulating material adds, before the general kinds they contain.
  if (contains(t, U"党课")) return "党课讲稿";
  if (contains(t, U"述职") || contains(t, U"述责述廉")) return "述职报告";
  if (contains(t, U"心得") || contains(t, U"体会") || contains(t, U"感想") || contains(t, U"感悟") ||
      contains(t, U"观后感") || contains(t, U"读后感"))
    return "心得体会";
  if (contains(t, U"调研报告") || contains(t, U"调查报告") || contains(t, U"调研")) return "调研报告";
  // Judicial interpretations take the forms 解释, 规定, 批复, 决定 (最高人民法院关于
  // 司法解释工作的规定, Art. 6), and 安排 for the arrangements with Hong Kong and Macao.
  if (t.substr(0, 6) == U"最高人民法院" || t.substr(0, 7) == U"最高人民检察院") {
    for (U32View w : {U32View(U"解释"), U32View(U"规定"), U32View(U"批复"), U32View(U"决定"), U32View(U"安排")})
      if (ends_with(t, w)) return "司法解释";
  }
  // A case: "某某诉某某…纠纷案" (guiding and typical cases).
  if (contains(t, U"诉") && (ends_with(t, U"案") || ends_with(t, U"一案"))) return "案例";
  // Official 文种: the title's last word.
  struct Ending {
    U32View word;
    const char* type;
  };
  static constexpr Ending kEndings[] = {
      {U"的解释", "司法解释"},   {U"的批复", "批复"},     {U"决议", "决议"},         {U"决定", "决定"},
      {U"意见", "意见"},         {U"通知", "通知"},       {U"通报", "通报"},         {U"公告", "公告"},
      {U"通告", "公告"},         {U"的函", "函"},         {U"复函", "函"},           {U"实施方案", "实施方案"},
      {U"工作方案", "实施方案"}, {U"方案", "实施方案"},   {U"工作计划", "工作计划"}, {U"工作要点", "工作计划"},
      {U"计划", "工作计划"},     {U"工作总结", "工作总结"}, {U"总结", "工作总结"},
  };
  for (const Ending& e : kEndings)
    if (ends_with(t, e.word)) return e.type;
  if (contains(t, U"策划") && (ends_with(t, U"策划") || ends_with(t, U"策划书") || ends_with(t, U"策划案")))
    return "实施方案";
  if (contains(t, U"讲话") || contains(t, U"讲稿") || contains(t, U"致辞") || contains(t, U"发言") || contains(t, U"演讲")) return "讲话稿";
  if (contains(t, U"报告")) return "报告";
  static constexpr U32View kLaw[] = {U"修正案", U"法",   U"条例", U"规定", U"办法", U"细则", U"规则",
                                     U"规程", U"章程", U"准则", U"守则", U"纲要", U"标准"};
  for (U32View w : kLaw)
    if (ends_with(t, w)) return "法律法规";
  if (ends_with(t, U"解释")) return "司法解释";
  if (contains(t, U"指导案例") || contains(t, U"指导性案例")) return "法律法规";
  // The title says nothing: structure.
  const std::u32string body = text::decode_utf8(text_utf8.substr(0, std::min<size_t>(text_utf8.size(), 20000)));
  const U32View b = body;
  // The line under a speech's or report's title: "——在…上的报告", "——在…上的讲话".
  for (size_t p = b.find(U"——在"); p != U32View::npos && p < 400; p = b.find(U"——在", p + 1)) {
    const size_t e = b.find(U'\n', p);
    const U32View line = b.substr(p, e == U32View::npos ? U32View::npos : e - p);
    if (ends_with(line, U"上的报告") || ends_with(line, U"报告")) return "报告";
    if (ends_with(line, U"讲话") || ends_with(line, U"上的讲话")) return "讲话稿";
  }
  if (contains(b, U"\n第一条") || b.substr(0, 3) == U"第一条" || contains(b, U"第一条　") || contains(b, U"第一条 "))
    return "法律法规";
  if (contains(b.substr(0, 40), U"同志们")) return contains(b.substr(0, 200), U"报告") ? "报告" : "讲话稿";
  for (U32View w : {U32View(U"特此通知"), U32View(U"现将有关事项通知如下")})
    if (contains(b, w)) return "通知";
  // Web articles: a column name before a bar in the title ("党建专栏｜…", "暑期实践｜…").
  for (char32_t bar : {U'｜', U'丨', U'|'}) {
    const size_t p = t.find(bar);
    if (p != U32View::npos && p > 0 && p <= 8) return "新闻稿";
  }
  for (U32View w : {U32View(U"编辑："), U32View(U"编辑 |"), U32View(U"编辑丨"), U32View(U"责编"), U32View(U"记者"),
                    U32View(U"审核："), U32View(U"供稿"), U32View(U"通讯员")})
    if (contains(b, w)) return "新闻稿";
  if (had_credits) return "新闻稿";
  return "其他";
}

std::string source_display_name(std::string_view source) {
  size_t b = 0;
  while (b < source.size() && source[b] == ' ') ++b;
  std::string_view s = source.substr(b);
  if (s.empty()) return {};
  std::string_view rest = s;
  for (std::string_view scheme : {"https://", "http://"})
    if (rest.substr(0, scheme.size()) == scheme) rest.remove_prefix(scheme.size());
  const bool url = rest.size() != s.size() || rest.substr(0, 4) == "www." || rest.substr(0, 11) == "github.com/";
  if (!url) return std::string(s);
  const size_t slash = rest.find('/');
  std::string host(rest.substr(0, slash));
  const size_t colon = host.find(':');
  if (colon != std::string::npos) host.resize(colon);
  for (char& c : host) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (host.substr(0, 4) == "www.") host.erase(0, 4);
  if (host == "github.com" && slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    const size_t s1 = path.find('/');
    const size_t s2 = s1 == std::string_view::npos ? std::string_view::npos : path.find_first_of("/ ", s1 + 1);
    return "GitHub " + std::string(path.substr(0, s2));
  }
  static const std::pair<const char*, const char*> kSites[] = {
      {"gov.cn", "中国政府网"},       {"zh.wikisource.org", "维基文库"}, {"npc.gov.cn", "中国人大网"},
      {"people.com.cn", "人民网"},    {"xinhuanet.com", "新华网"},       {"news.cn", "新华网"},
      {"12371.cn", "共产党员网"},     {"qstheory.cn", "求是网"},         {"court.gov.cn", "最高人民法院"},
      {"spp.gov.cn", "最高人民检察院"}, {"fjlib.net", "福建省图书馆"},      {"cnr.cn", "央广网"},
      {"gmw.cn", "光明网"},           {"thepaper.cn", "澎湃新闻"},       {"mp.weixin.qq.com", "微信公众号"},
  };
  // Provincial portals: <code>.gov.cn.
  static const std::pair<const char*, const char*> kProvinces[] = {
      {"beijing", "北京市人民政府"},   {"tj", "天津市人民政府"},       {"hebei", "河北省人民政府"},
      {"shanxi", "山西省人民政府"},    {"nmg", "内蒙古自治区人民政府"}, {"ln", "辽宁省人民政府"},
      {"jl", "吉林省人民政府"},        {"hlj", "黑龙江省人民政府"},     {"shanghai", "上海市人民政府"},
      {"jiangsu", "江苏省人民政府"},   {"zj", "浙江省人民政府"},        {"ah", "安徽省人民政府"},
      {"fujian", "福建省人民政府"},    {"jiangxi", "江西省人民政府"},   {"shandong", "山东省人民政府"},
      {"henan", "河南省人民政府"},     {"hubei", "湖北省人民政府"},     {"hunan", "湖南省人民政府"},
      {"gd", "广东省人民政府"},        {"gxzf", "广西壮族自治区人民政府"}, {"hainan", "海南省人民政府"},
      {"cq", "重庆市人民政府"},        {"sc", "四川省人民政府"},        {"guizhou", "贵州省人民政府"},
      {"yn", "云南省人民政府"},        {"xizang", "西藏自治区人民政府"}, {"shaanxi", "陕西省人民政府"},
      {"gansu", "甘肃省人民政府"},     {"qinghai", "青海省人民政府"},   {"nx", "宁夏回族自治区人民政府"},
      {"xinjiang", "新疆维吾尔自治区人民政府"},
  };
  auto under = [&](std::string_view domain) {
    return host == domain ||
           (host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
            host[host.size() - domain.size() - 1] == '.');
  };
  for (const auto& [code, name] : kProvinces)
    if (host == std::string(code) + ".gov.cn") return name;
  for (const auto& [domain, name] : kSites)
    if (std::string_view(domain) != "gov.cn" && under(domain)) return name;
  if (host == "gov.cn") return "中国政府网";
  if (under("gov.cn")) return host;  // another government site: its host
  return host;
}

// ---- title, year and issuer as analyze() (outline.h) finds them

namespace {

using text::ar_digit;
using text::cn_digit;
using text::is_cn_numeral;

// Calendar arithmetic on the clock (UTC), not gmtime_r: glibc's time zone
// code runs under a lock ThreadSanitizer cannot see, and libzip enters it on
// the reading thread while prepare workers ask this (a reported race in the
// import pipeline's TSan test).
int current_year() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day{today}.year());
}

bool plausible_year(int y) { return y >= 1949 && y <= current_year() + 1; }

// A year ending just before `pos` (exclusive), written in 4 digits or 二〇二三.
std::optional<int> year_before(U32View s, size_t pos) {
  if (pos < 4) return std::nullopt;
  int v = 0;
  for (size_t k = pos - 4; k < pos; ++k) {
    int d = ar_digit(s[k]);
    if (d < 0) d = (s[k] == U'〇' || s[k] == U'零') ? 0 : (s[k] == U'十' ? -1 : cn_digit(s[k]));
    if (d < 0) return std::nullopt;
    v = v * 10 + d;
  }
  // not part of a longer number
  if (pos >= 5 && (ar_digit(s[pos - 5]) >= 0)) return std::nullopt;
  return v;
}

// A date 2023年3月5日 (or 二〇二三年三月五日) starting at the year: returns the year
// and sets `len` to the date's length.
std::optional<int> date_at(U32View s, size_t i, size_t* len) {
  if (i + 4 >= s.size() || s[i + 4] != U'年') return std::nullopt;
  const auto y = year_before(s, i + 4);
  if (!y || !plausible_year(*y)) return std::nullopt;
  if (i > 0 && ar_digit(s[i - 1]) >= 0) return std::nullopt;
  size_t j = i + 5;
  auto numeral = [&](size_t k) { return k < s.size() && (ar_digit(s[k]) >= 0 || is_cn_numeral(s[k])); };
  const size_t m0 = j;
  while (numeral(j) && j - m0 < 3) ++j;
  if (j == m0 || j >= s.size() || s[j] != U'月') return std::nullopt;
  ++j;
  const size_t d0 = j;
  while (numeral(j) && j - d0 < 3) ++j;
  if (j == d0 || j >= s.size() || s[j] != U'日') return std::nullopt;
  *len = j + 1 - i;
  return y;
}

bool is_date_line(U32View line) {
  const U32View t = text::trim_heading_space(line);
  size_t len = 0;
  return !t.empty() && date_at(t, 0, &len) && len == t.size();
}

bool is_organization_name(U32View s) {
  static const U32View kSuffixes[] = {U"委员会", U"人民政府", U"政府",   U"办公厅", U"办公室", U"国务院", U"中共中央",
                                      U"党委",   U"党组",     U"党支部", U"总支",   U"支部",   U"局",     U"部",
                                      U"厅",     U"院",       U"委",     U"署",     U"会",     U"中心",   U"法院",
                                      U"检察院", U"学校",     U"大学",   U"公司",   U"集团",   U"协会",   U"联合会",
                                      U"研究所", U"处",       U"科"};
  if (s.size() < 2 || s.size() > 40) return false;
  for (char32_t c : s) {
    if (c == U'。' || c == U'，' || c == U'：' || c == U'；' || c == U'！' || c == U'？' || c == U'、' ||
        ar_digit(c) >= 0) {
      // 、 separates joint issuers only in titles; a signature line has none of these.
      if (c != U'、') return false;
    }
  }
  for (U32View suf : kSuffixes) {
    if (ends_with(s, suf)) return true;
  }
  return false;
}

}  // namespace

std::optional<int> year_in_title(std::u32string_view t) {
  for (size_t i = 0; i < t.size(); ++i) {
    std::optional<int> y;
    if (t[i] == U'年')
      y = year_before(t, i);
    else if ((t[i] == U'）' || t[i] == U')') && i >= 5 && (t[i - 5] == U'（' || t[i - 5] == U'('))
      y = year_before(t, i);
    if (y && plausible_year(*y)) return y;
  }
  return std::nullopt;
}

std::string issuer_from_title(std::u32string_view title) {
  const size_t k = title.find(U"关于");
  if (k == U32View::npos || k < 2) return {};
  U32View prefix = text::trim_heading_space(title.substr(0, k));
  if (prefix.size() > 40) return {};
  // 我局/本委: the writer speaking of itself does not name the issuer.
  if (prefix.front() == U'我' || prefix.front() == U'本') return {};
  // 中共中央 国务院 / 中共中央办公厅、国务院办公厅: each part must be an organization.
  size_t b = 0;
  for (size_t i = 0; i <= prefix.size(); ++i) {
    if (i == prefix.size() || prefix[i] == U'、' || text::is_heading_space(prefix[i])) {
      const U32View part = prefix.substr(b, i - b);
      if (!part.empty() && !is_organization_name(part)) return {};
      b = i + 1;
    }
  }
  return text::encode_utf8(prefix);
}

// A signature block near the end: an organization line followed by a date line.
std::string issuer_from_signature(std::u32string_view text, const std::vector<Span>& lines) {
  std::vector<U32View> tail;
  for (auto it = lines.rbegin(); it != lines.rend() && tail.size() < 8; ++it) {
    const U32View t = text::trim_heading_space(text.substr(it->start, it->end - it->start));
    if (!t.empty()) tail.push_back(t);
  }
  std::reverse(tail.begin(), tail.end());
  for (size_t i = 0; i + 1 < tail.size(); ++i) {
    if (is_date_line(tail[i + 1]) && is_organization_name(tail[i])) return text::encode_utf8(tail[i]);
  }
  return {};
}

std::optional<int> year_from_text(std::u32string_view text, const std::vector<Span>& lines) {
  // A signature date at the very end (the 成文日期) is the document's own date.
  int seen = 0;
  for (auto it = lines.rbegin(); it != lines.rend() && seen < 3; ++it) {
    const U32View t = text::trim_heading_space(text.substr(it->start, it->end - it->start));
    if (t.empty()) continue;
    ++seen;
    size_t len = 0;
    if (is_date_line(t)) return date_at(t, 0, &len);
  }
  for (size_t i = 0; i + 4 < text.size(); ++i) {
    size_t len = 0;
    if (text[i + 4] == U'年') {
      if (auto y = date_at(text, i, &len)) return y;
    }
  }
  return std::nullopt;
}

bool looks_like_title(std::u32string_view line) {
  const U32View t = text::trim_heading_space(line);
  if (t.empty() || t.size() > 60) return false;
  const char32_t last = t.back();
  if (last == U'。' || last == U'，' || last == U'：' || last == U'；' || last == U'！' || last == U'？' ||
      last == U':' || last == U',') {
    return false;
  }
  if (t.find(U'。') != U32View::npos) return false;
  size_t len = 0;
  if (date_at(t, 0, &len)) return false;  // "1982年8月23日 第五届全国人大常委会通过" dates, it does not name
  return !begins_with_heading(t);
}

std::optional<int> year_in_title(std::string_view title) { return year_in_title(text::decode_utf8(title)); }

}  // namespace wenyuan::doc
