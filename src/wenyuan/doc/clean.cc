#include "wenyuan/doc/clean.h"

#include <algorithm>
#include <bitset>
#include <iterator>
#include <optional>
#include <utility>

#include "wenyuan/doc/outline.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::doc {

namespace {

using U32View = std::u32string_view;

constexpr std::string_view kPaidBegin = "##paidbegin##";
constexpr std::string_view kPaidEnd = "##paidend##";

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\r' || c == 0x3000 || c == 0xA0 || c == 0xFEFF || c == 0x200B ||
         c == 0x200C || c == 0x200D || c == 0x2060;
}

U32View trim(U32View s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string_view trim_utf8(std::string_view s) {
  // Trims ASCII whitespace and the UTF-8 forms of U+3000, U+00A0, U+FEFF, U+200B.
  auto starts = [](std::string_view v, std::string_view p) { return v.substr(0, p.size()) == p; };
  auto ends = [](std::string_view v, std::string_view p) {
    return v.size() >= p.size() && v.substr(v.size() - p.size()) == p;
  };
  static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0",     "\xEF\xBB\xBF", "\xE2\x80\x8B",
                                               "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0"};
  for (bool changed = true; changed;) {
    changed = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
      s.remove_prefix(1), changed = true;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1), changed = true;
    for (std::string_view w : kWide) {
      if (starts(s, w)) s.remove_prefix(w.size()), changed = true;
      if (ends(s, w)) s.remove_suffix(w.size()), changed = true;
    }
  }
  return s;
}

bool is_ascii_digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= 0xFF10 && c <= 0xFF19); }
bool is_ascii_alpha(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }

struct Keyword {
  U32View word;
  int weight;
};

// Words of the circulating-material trade. Weight 3: hardly ever in an official
// document's body; weight 2: common in trailers but also in ordinary prose, so
// they only add up. Compound forms are listed so that 游客服务 does not hit 客服
// by accident (客服 only counts next to a contact word, see below).
constexpr Keyword kKeywords[] = {
    {U"公众号", 3},   {U"素材库", 3},     {U"代笔", 3},       {U"网盘", 3},       {U"扫码", 3},     {U"扫一扫", 3},
    {U"二维码", 2},   {U"长按识别", 3},   {U"长按二维码", 3}, {U"下载完整版", 4}, {U"全文下载", 4}, {U"获取完整版", 4},
    {U"完整版", 2},   {U"阅读原文", 3},   {U"会员群", 3},     {U"会员", 2},       {U"VIP", 3},      {U"vip", 3},
    {U"Vip", 3},      {U"微信号", 3},     {U"加微信", 3},     {U"添加微信", 3},   {U"微信", 2},     {U"如有侵权", 3},
    {U"侵删", 4},     {U"联系删除", 3},   {U"转载请注明", 4}, {U"未经授权", 2},   {U"禁止转载", 4}, {U"严禁转载", 4},
    {U"转载", 1},     {U"版权归", 3},     {U"资料库", 2},     {U"笔杆子", 3},     {U"关注我们", 3}, {U"欢迎加入", 3},
    {U"欢迎关注", 3}, {U"私信", 3},       {U"打赏", 3},       {U"点赞", 3},       {U"在看", 1},     {U"小编", 3},
    {U"粉丝", 2},     {U"群号", 3},       {U"QQ", 2},         {U"qq", 2},         {U"淘宝", 3},     {U"免费下载", 3},
    {U"下载", 1},     {U"来源于网络", 3}, {U"来源网络", 3},   {U"word版", 3},     {U"Word版", 3},   {U"WORD版", 3},
    {U"范文", 2},     {U"文库", 2},       {U"更多精彩", 3},   {U"精彩内容", 2},   {U"谨防假冒", 3}, {U"唯一平台", 3},
    {U"一键", 1},     {U"海量", 1},       {U"持续接单", 4},   {U"接单", 2},       {U"好评如潮", 3}, {U"原创", 1},
    {U"付费", 1},     {U"购买", 1},       {U"订阅", 2},       {U"点击", 2},       {U"关注", 1},     {U"加入", 1},
    {U"添加", 1},     {U"联系", 1},       {U"客服：", 3},     {U"客服:", 3},      {U"添加客服", 3}, {U"联系客服", 3},
    {U"请联系", 2},   {U"小伙伴", 2},
};

bool has_unit_after(U32View s, size_t i) {
  if (i >= s.size()) return false;
  static constexpr U32View kUnits =
      U"亿万元千百%％年月日个人家项吨亩公里米台次件条座所户名套平方度倍辆艘只头天小时分秒号届期批.．";
  return kUnits.find(s[i]) != U32View::npos;
}

// Contact details: a long digit run (phone, QQ; spaces inside allowed) that is
// not a quantity, an ASCII handle right after a colon ("客服：cwk"), a URL.
size_t url_end(U32View s, size_t i) {
  while (i < s.size() && s[i] < 0x80 && !is_space(s[i])) ++i;
  return i;
}

bool url_at(U32View s, size_t i) { return s.substr(i, 4) == U"http" || s.substr(i, 4) == U"www."; }

int contact_score(U32View s) {
  int score = 0;
  bool url = false;
  for (size_t i = 0; i < s.size();) {
    if (url_at(s, i)) {  // digits inside a URL are no phone number
      url = true;
      i = url_end(s, i);
      continue;
    }
    if (!is_ascii_digit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i, digits = 0;
    while (j < s.size() &&
           (is_ascii_digit(s[j]) || ((s[j] == U' ' || s[j] == U'-') && j + 1 < s.size() && is_ascii_digit(s[j + 1])))) {
      if (is_ascii_digit(s[j])) ++digits;
      ++j;
    }
    const bool after_colon = i > 0 && (s[i - 1] == U'：' || s[i - 1] == U':');
    if (digits >= 5 && !has_unit_after(s, j) && (after_colon || digits >= 7)) score += 3;
    i = j;
  }
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if ((s[i] == U'：' || s[i] == U':') && i + 3 < s.size() && is_ascii_alpha(s[i + 1])) {
      size_t j = i + 1;
      while (j < s.size() && (is_ascii_alpha(s[j]) || is_ascii_digit(s[j]) || s[j] == U'_' || s[j] == U'-')) ++j;
      if (j - i - 1 >= 3) score += 2;
    }
  }
  if (url) score += 2;
  return score;
}

// "编辑：小王", "来源：XX", "责编 | 某某": the credits of a web article.
bool is_credit_line(U32View t) {
  static constexpr U32View kLabels[] = {U"来源", U"编辑", U"责编", U"责任编辑", U"作者", U"审核", U"排版",
                                        U"校对", U"图片", U"供稿", U"审核发布", U"出品", U"投稿"};
  if (t.size() > 30) return false;
  for (U32View label : kLabels) {
    if (t.substr(0, label.size()) != label) continue;
    const size_t k = t.find_first_not_of(U" \u3000", label.size());
    if (k < t.size() && (t[k] == U'：' || t[k] == U':' || t[k] == U'|' || t[k] == U'｜')) return true;
  }
  return false;
}

// kKeywords by first character, so that one pass over a line finds them all
// (promotion scoring runs on nearly every line of every document; a find() per
// keyword made it a scan per keyword).
struct KeywordIndex {
  static constexpr size_t kCount = std::size(kKeywords);
  std::bitset<0x10000> is_first;                      // BMP first characters
  std::vector<std::pair<char32_t, uint8_t>> by_first;  // (first character, keyword), sorted
};

const KeywordIndex& keyword_index() {
  static const KeywordIndex index = [] {  // immutable after initialisation
    static_assert(KeywordIndex::kCount <= 128);
    KeywordIndex x;
    for (size_t k = 0; k < KeywordIndex::kCount; ++k) {
      const char32_t f = kKeywords[k].word.front();
      if (f < 0x10000) x.is_first.set(f);
      x.by_first.emplace_back(f, static_cast<uint8_t>(k));
    }
    std::sort(x.by_first.begin(), x.by_first.end());
    return x;
  }();
  return index;
}

// The sum of the weights of the keywords found in `t`, each counted once.
int keyword_score(U32View t) {
  const KeywordIndex& index = keyword_index();
  std::bitset<128> found;
  for (size_t i = 0; i < t.size(); ++i) {
    const char32_t c = t[i];
    if (c >= 0x10000 || !index.is_first.test(c)) continue;
    auto it = std::lower_bound(index.by_first.begin(), index.by_first.end(), std::make_pair(c, uint8_t{0}));
    for (; it != index.by_first.end() && it->first == c; ++it) {
      const U32View w = kKeywords[it->second].word;
      if (t.substr(i, w.size()) == w) found.set(it->second);
    }
  }
  int score = 0;
  for (size_t k = 0; k < KeywordIndex::kCount; ++k)
    if (found.test(k)) score += kKeywords[k].weight;
  return score;
}

int promo_score_u32(U32View s) {
  const U32View t = trim(s);
  if (t.empty()) return 0;
  int score = keyword_score(t);
  if (t.front() == U'【') score += 2;  // 【公众号：…】 【XX素材库】: a brand in lenticular brackets
  if (is_credit_line(t)) score += 1;   // 来源：… 编辑：… belong to a trailer, though not by themselves
  score += contact_score(t);
  return score;
}

bool is_sentence_end(char32_t c) { return c == U'。' || c == U'；' || c == U'：'; }

// A line that reads as the body of an official document: a numbered heading,
// or a full sentence of some length without contact details.
bool looks_like_body(U32View s) {
  const U32View t = trim(s);
  if (t.empty()) return false;
  if (is_structural_line(text::encode_utf8(t))) return true;
  // A bibliography entry ("[1] 新华网. …[EB/OL]. http://…") cites, it does not advertise.
  if (t.front() == U'[' || t.find(U"[EB/OL]") != U32View::npos || t.find(U"[J]") != U32View::npos) return true;
  return t.size() >= 40 && is_sentence_end(t.back()) && contact_score(t) == 0;
}

// "———— 完 ————", "- END -", "（完）", "********": markers of where an article ends.
bool is_separator(U32View s) {
  const U32View t = trim(s);
  if (t.empty() || t.size() > 20) return false;
  size_t letters = 0;
  for (char32_t c : t) {
    if (c == U'—' || c == U'-' || c == U'─' || c == U'=' || c == U'*' || c == U'_' || c == U'~' || c == U'·' ||
        c == U'（' || c == U'）' || c == U'(' || c == U')' || c == U'【' || c == U'】' || c == U'…' || is_space(c)) {
      continue;
    }
    ++letters;
  }
  std::u32string core;
  for (char32_t c : t) {
    if (c != U'—' && c != U'-' && c != U'─' && c != U'=' && c != U'*' && c != U'_' && c != U'~' && c != U'·' &&
        c != U'（' && c != U'）' && c != U'(' && c != U')' && c != U'【' && c != U'】' && c != U'…' && !is_space(c)) {
      core.push_back(c);
    }
  }
  if (core.empty()) return t.size() >= 3;
  return core == U"完" || core == U"END" || core == U"end" || core == U"End" || core == U"全文完" ||
         core == U"THEEND" || core == U"结束";
}

// One input line: its text split around paywall markers.
struct Piece {
  std::string text;
  bool marker = false;
  bool begin = false;  // ##paidbegin## (else ##paidend##)
};

enum class Verdict { kKeep, kPromo, kHeader, kFooter, kNoise, kMarkerLine };

struct LineRec {
  std::vector<Piece> pieces;
  std::string content;   // the line without markers
  bool newline = false;  // the line ended with '\n'
  bool has_marker = false;
  bool blank = false;  // whitespace only (after taking out markers)
  Verdict verdict = Verdict::kKeep;
  std::u32string u32;
};

// `scanned` counts the bytes the marker search examined.
std::vector<LineRec> split(std::string_view text, uint64_t& scanned) {
  std::vector<LineRec> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    LineRec rec;
    rec.newline = nl != std::string_view::npos;
    const std::string_view line = text.substr(start, end - start);
    // The next begin and end marker at or after `at`, each searched for again
    // only once the cut has passed it: the line is scanned once per marker kind,
    // not once per marker (20,000 markers on one line would be quadratic).
    auto find = [&](std::string_view marker, size_t from) {
      const size_t p = line.find(marker, from);
      scanned += (p == std::string_view::npos ? line.size() : p + marker.size()) - from;
      return p;
    };
    size_t at = 0;
    size_t b = find(kPaidBegin, 0);
    size_t e = find(kPaidEnd, 0);
    while (at < line.size()) {
      if (b != std::string_view::npos && b < at) b = find(kPaidBegin, at);
      if (e != std::string_view::npos && e < at) e = find(kPaidEnd, at);
      const size_t m = std::min(b, e);
      if (m == std::string_view::npos) {
        rec.pieces.push_back({std::string(line.substr(at)), false, false});
        break;
      }
      if (m > at) rec.pieces.push_back({std::string(line.substr(at, m - at)), false, false});
      const std::string_view marker = m == b ? kPaidBegin : kPaidEnd;
      rec.pieces.push_back({std::string(marker), true, m == b});
      rec.has_marker = true;
      at = m + marker.size();
    }
    for (const Piece& p : rec.pieces) {
      if (!p.marker) rec.content += p.text;
    }
    rec.u32 = text::decode_utf8(rec.content);
    rec.blank = trim(rec.u32).empty();
    if (rec.blank && rec.has_marker) rec.verdict = Verdict::kMarkerLine;
    lines.push_back(std::move(rec));
    start = end + 1;
  }
  return lines;
}

bool neutral(const LineRec& l) { return l.blank || l.verdict == Verdict::kMarkerLine || is_separator(l.u32); }

// A promotional block at one edge of the document: lines (walked from the edge
// inward) that are promotional, blank or separators, with at most two short
// weakly scored lines (credits like 编辑：小王) between promotional ones; it
// needs one clearly promotional line and more promotional lines than gaps.
void mark_edge_block(std::vector<LineRec>& lines, bool from_end) {
  const int n = static_cast<int>(lines.size());
  auto at = [&](int k) -> LineRec& { return lines[from_end ? n - 1 - k : k]; };
  int committed = 0;  // lines [0, committed) of the walk belong to the block
  int promo = 0, gaps = 0, pending_gaps = 0;
  bool anchor = false;
  for (int k = 0; k < n; ++k) {
    LineRec& l = at(k);
    if (l.verdict != Verdict::kKeep && l.verdict != Verdict::kMarkerLine) break;
    if (neutral(l)) continue;
    const int score = promo_score_u32(l.u32);
    if (score >= kPromoWeak && !looks_like_body(l.u32)) {
      ++promo;
      gaps += pending_gaps;
      pending_gaps = 0;
      anchor = anchor || score >= kPromoStrong;
      committed = k + 1;
      continue;
    }
    const U32View t = trim(l.u32);
    if (pending_gaps < 2 && promo > 0 && t.size() <= 30 && score > 0 && !looks_like_body(l.u32)) {
      ++pending_gaps;
      continue;
    }
    break;
  }
  if (!anchor || promo <= gaps) return;
  // Blank lines and separators between the block and the body go with the block.
  int end = committed;
  while (end < n && neutral(at(end)) && at(end).verdict == Verdict::kKeep) ++end;
  for (int k = 0; k < end; ++k) {
    LineRec& l = at(k);
    if (l.verdict == Verdict::kKeep) l.verdict = Verdict::kPromo;
  }
}

void mark_promotions(std::vector<LineRec>& lines) {
  mark_edge_block(lines, /*from_end=*/true);
  mark_edge_block(lines, /*from_end=*/false);
  for (LineRec& l : lines) {
    if (l.verdict != Verdict::kKeep || l.blank) continue;
    if (trim(l.u32).size() > 150) continue;
    if (promo_score_u32(l.u32) >= kPromoSingle && !looks_like_body(l.u32)) l.verdict = Verdict::kPromo;
  }
}

// clean() asks edge_stats about a line only to take it out when the answer says
// it recurs, and nothing before this step depends on the answers: callers that
// prepare away from the catalog (library::Library) rely on that to record the
// questions and ask them later (EdgeLineStats in clean.h).
void mark_recurring(std::vector<LineRec>& lines, const CleanOptions& o) {
  if (o.edge_stats == nullptr) return;
  const uint32_t docs = o.edge_stats->documents_in_source(o.source);
  if (docs < kRecurringMinDocuments) return;
  std::vector<int> non_blank;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    if (!lines[k].blank) non_blank.push_back(k);
  }
  const std::string_view title = trim_utf8(o.title);
  auto check = [&](int k, Verdict v) {
    LineRec& l = lines[k];
    if (l.verdict != Verdict::kKeep) return;
    const std::string_view t = trim_utf8(l.content);
    if (is_structural_line(t) || (!title.empty() && t == title)) return;
    if (is_recurring_edge_line(o.edge_stats->documents_with_edge_line(o.source, t), docs)) l.verdict = v;
  };
  const size_t m = non_blank.size();
  for (size_t i = 0; i < std::min<size_t>(3, m); ++i) check(non_blank[i], Verdict::kHeader);
  for (size_t i = m > 3 ? m - 3 : 0; i < m; ++i) check(non_blank[i], Verdict::kFooter);
}

// Blank lines: none at the start or the end, and no more than one where 3+ stand together.
void mark_noise(std::vector<LineRec>& lines) {
  int first = -1, last = -1;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    if (lines[k].verdict == Verdict::kKeep && !lines[k].blank) {
      if (first < 0) first = k;
      last = k;
    }
  }
  int run_start = -1, run_len = 0;
  auto close_run = [&]() {
    if (run_len >= 3) {
      int kept = 0;
      for (int k = run_start; kept < run_len; ++k) {
        if (lines[k].verdict != Verdict::kKeep) continue;
        if (kept++ > 0) lines[k].verdict = Verdict::kNoise;
      }
    }
    run_len = 0;
  };
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    LineRec& l = lines[k];
    if (l.verdict != Verdict::kKeep) continue;  // removed lines do not break a run of blanks
    if (!l.blank) {
      close_run();
      continue;
    }
    if (k < first || k > last || first < 0) {
      l.verdict = Verdict::kNoise;
      continue;
    }
    if (run_len == 0) run_start = k;
    ++run_len;
  }
  close_run();
}

const char* reason_of(Verdict v) {
  switch (v) {
    case Verdict::kPromo: return "promo_line";
    case Verdict::kHeader: return "recurring_header";
    case Verdict::kFooter: return "recurring_footer";
    case Verdict::kMarkerLine: return "paywall_marker";
    default: return "noise";
  }
}

// Builds the cleaned text, the removed pieces and the regions.
class Assembler {
 public:
  void keep(const std::string& s) {
    out_.text += s;
    chars_ += static_cast<uint32_t>(text::count_code_points(s));
  }
  void drop(const char* reason, const std::string& s) {
    if (s.empty()) return;
    if (!out_.removed.empty() && out_.removed.back().position == chars_ && out_.removed.back().reason == reason) {
      out_.removed.back().text += s;  // one removed piece per contiguous run of one reason
      return;
    }
    out_.removed.push_back({reason, s, chars_});
  }
  void marker(bool begin) {
    out_.had_paywall_markers = true;
    drop("paywall_marker", std::string(begin ? kPaidBegin : kPaidEnd));
    markers_.emplace_back(begin, chars_);
  }

  CleanResult finish() {
    // ##paidbegin## opens a paid region, ##paidend## closes it; a begin without
    // an end runs to the end; an end without a begin is ignored.
    if (!markers_.empty()) {
      RegionKind state = RegionKind::kPreview;
      uint32_t from = 0;
      auto close = [&](uint32_t to) {
        if (to > from) out_.regions.push_back({state, from, to});
        from = to;
      };
      for (const auto& [begin, pos] : markers_) {
        if (begin && state == RegionKind::kPreview) {
          close(pos);
          state = RegionKind::kPaid;
        } else if (!begin && state == RegionKind::kPaid) {
          close(pos);
          state = RegionKind::kPreview;
        }
      }
      close(chars_);
      // Adjacent regions of one kind (from empty regions dropped between them) merge.
      std::vector<Region> merged;
      for (const Region& r : out_.regions) {
        if (!merged.empty() && merged.back().kind == r.kind && merged.back().end == r.start)
          merged.back().end = r.end;
        else
          merged.push_back(r);
      }
      out_.regions = std::move(merged);
    }
    return std::move(out_);
  }

 private:
  CleanResult out_;
  uint32_t chars_ = 0;
  std::vector<std::pair<bool, uint32_t>> markers_;
};

}  // namespace

int promo_score(std::string_view line) { return promo_score_u32(text::decode_utf8(line)); }

std::vector<std::string> edge_lines(std::string_view text) {
  std::vector<std::string> non_blank;
  uint64_t scanned = 0;
  for (const LineRec& l : split(text, scanned)) {
    if (!l.blank) non_blank.emplace_back(trim_utf8(l.content));
  }
  std::vector<std::string> out;
  const size_t m = non_blank.size();
  for (size_t i = 0; i < m; ++i) {
    if (i < 3 || i + 3 >= m) out.push_back(non_blank[i]);
  }
  return out;
}

CleanResult clean(std::string_view text, const CleanOptions& options) {
  uint64_t scanned = 0;
  std::vector<LineRec> lines = split(text, scanned);
  if (options.remove_promotions) mark_promotions(lines);
  mark_recurring(lines, options);
  mark_noise(lines);

  // The last kept line gives up its '\n' (the text does not end in a newline).
  int last_kept = -1;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    if (lines[k].verdict == Verdict::kKeep) last_kept = k;
  }
  Assembler out;
  for (int k = 0; k < static_cast<int>(lines.size()); ++k) {
    const LineRec& l = lines[k];
    const bool kept = l.verdict == Verdict::kKeep;
    const char* reason = reason_of(l.verdict);
    for (const Piece& p : l.pieces) {
      if (p.marker)
        out.marker(p.begin);
      else if (kept)
        out.keep(p.text);
      else
        out.drop(reason, p.text);
    }
    if (!l.newline) continue;
    if (kept && k != last_kept)
      out.keep("\n");
    else
      out.drop(kept ? "noise" : reason, "\n");
  }
  CleanResult result = out.finish();
  result.marker_search_bytes = scanned;
  return result;
}

}  // namespace wenyuan::doc
