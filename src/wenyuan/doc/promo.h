// What one line says about promotion: the features clean() weighs when it
// decides on the block at the head or the tail of a document (clean.cc).
//
// The features name kinds, not examples: platform words (公众号, 网盘, 小程序…),
// selling words (会员, 完整版, 代笔, 课程…), calls to act (扫码, 回复, 添加, 点击…),
// editorial and legal boilerplate (侵删, 免责声明, 往期推荐…), contact ids and
// numbers however written (spaced, masked, Latin handles, URLs, e-mail), prices
// and discounts, decoration (symbol runs, emoji, rules), editorial credits
// (编辑：…, 审核 | …), and what marks the end of a 公文's body: a sentence
// ended the body's way, a 落款 date line, a numbered heading.
#pragma once

#include <string_view>

namespace wenyuan::doc {

struct LineSignals {
  int trade = 0;            // summed weights of the promotion words found (each counted once)
  int strong_words = 0;     // how many of them hardly ever occur in an official document
  int asks = 0;             // of `trade`, the weights of words that sell or ask (not those that only name
                            // a platform or shop, not those ordinary prose uses too)
  int contact = 0;          // ids, phone/QQ numbers (spaced or masked), URLs, e-mail addresses
  bool price = false;       // ￥, "9.9元" next to selling words, "5折"
  bool decoration = false;  // mostly symbols, emoji, ★ ▶ 👉 rows
  bool credit = false;      // 编辑：… 责编 | … （审核：…） 本报记者 …
  bool separator = false;   // "—— 完 ——", "- END -", "=====": where an article ends
  bool sentence_end = false;  // ends in 。！？；… (closing quotes/brackets allowed after)
  bool date_line = false;     // a bare date: "2023年12月20日", "二〇二四年三月五日", "2024-03-05"
  bool structural = false;    // a numbered heading or 目录 (is_structural_line)
  bool citation = false;      // a bibliography entry: "[3] …[EB/OL]. http://…"
  bool table_row = false;     // a row of a text table: "| 项目 | 金额 |"
  bool record_line = false;   // 附件：… 抄送：… 主送：… (the 版记 of a 公文)
  bool bracketed = false;     // starts with 【: a brand in lenticular brackets
  bool statement = false;     // a declarative sentence of prose naming a platform or shop without
                              // selling or asking ("对于网络店铺客服的行为店铺应当负责"): body
  size_t chars = 0;           // code points of the trimmed line
};

// `line` is one line of text, untrimmed.
LineSignals line_signals(std::u32string_view line);

// A line that must stay whatever follows it: the body of the document.
// Structural lines, date lines, statements, and sentences with few promotion words.
bool is_body_anchor(const LineSignals& s);

}  // namespace wenyuan::doc
