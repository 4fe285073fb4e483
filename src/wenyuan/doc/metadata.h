// Metadata of a 公文 that the text and the record tell together: the document
// type (文种), the year, the display name of a source.
//
// 文种 (document_type): recognised from the title first — the 文种 is the
// title's last word by the rules of GB/T 9704 (…的通知, …实施方案, …工作总结),
// with the kinds circulating material adds (党课讲稿, 心得体会, 述职报告) checked
// before the general ones they contain (党课讲稿 before 讲话稿, 述职报告 before
// 报告) — then from structure when the title says nothing: numbered articles
// (第一条) make 法律法规, a speech's salutation (同志们) a 讲话稿, the line
// "——在…上的报告" a 报告, a column name in the title or editorial credits a 新闻稿. The measured accuracy on a labelled sample is in
// bench/metadata_eval.cc (tests/data/metadata_eval/types.tsv).
//
// Years (prepare.cc applies them in this order): a year written in the title;
// the year of a session named in the title (中国共产党第十二次全国代表大会,
// 第十四届全国人民代表大会第三次会议: a fixed calendar); the record's own date;
// the 落款 date at the end; the date line under the title ("（2017年10月18日）",
// "——2024年3月5日在…"); only then the first full date in the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

// One of: 法律法规 司法解释 案例 决议 决定 意见 通知 通报 公告 批复 函 党课讲稿 讲话稿 述职报告
// 心得体会 调研报告 实施方案 工作计划 工作总结 报告 新闻稿 其他.
// `had_credits`: cleaning took editorial credits off the text (a web article's).
std::string document_type(std::string_view title, std::string_view text, bool had_credits = false);

// The year of a CPC national congress or an NPC session the title names, if any.
std::optional<int> session_year(std::string_view title);

// The year of a record's `date` ("2024", "2024-03-05", "2024年3月5日"); nullopt
// when it names none in 1900..2200. `*unparseable` is set when the date is
// neither empty nor such a date ("congress-12"), so the importer can warn.
std::optional<int> year_of_record_date(std::string_view date, bool* unparseable);

// The 落款 date: one of the last 3 non-blank lines is a full date (with at most a
// closing bracket or 印发 after it). nullopt if none.
std::optional<int> signature_year(std::string_view text);

// The date line under the title: within the first 8 non-blank lines, a line
// that starts with a full date (after "（" or "——") and is short. nullopt if none.
std::optional<int> head_date_year(std::string_view text);

// A year written in a title: "2023年度…", "…（2023年）", "2023年…", also
// full-width digits and 二〇二三年. Only years in 1949..current+1.
std::optional<int> year_in_title(std::string_view title);
std::optional<int> year_in_title(std::u32string_view title);

// What analyze() (outline.h) takes for the title, year and issuer, over the
// decoded text and its non-blank lines (code point spans):
// - looks_like_title: a first line short, not ending like a sentence, neither a
//   date nor a numbered heading;
// - year_from_text: the 成文日期 on one of the last 3 lines, else the first full
//   date in the text (years in 1949..current+1);
// - issuer_from_title: the organizations before 关于 ("国务院办公厅关于…");
// - issuer_from_signature: an organization line followed by a date line among
//   the last 8 lines.
bool looks_like_title(std::u32string_view line);
std::optional<int> year_from_text(std::u32string_view text, const std::vector<Span>& lines);
std::string issuer_from_title(std::u32string_view title);
std::string issuer_from_signature(std::u32string_view text, const std::vector<Span>& lines);

// A name to show for a source in lists, filters and facets: the site or body a
// URL belongs to (zh.wikisource.org -> 维基文库, www.gov.cn -> 中国政府网,
// www.yn.gov.cn -> 云南省人民政府), "GitHub owner/repo" for a repository path,
// the source itself when it is already a name. Empty for an empty source.
std::string source_display_name(std::string_view source);

}  // namespace wenyuan::doc
