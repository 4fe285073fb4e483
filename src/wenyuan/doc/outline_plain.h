// Unnumbered headings (outline kind "plain"): the section titles of older
// reports ("过去五年的回顾", "结束语"), of laws whose 第X章 numbers a source left
// out ("法律责任"), of web articles ("初识惊鸿，相遇珞珈"). Used by analyze()
// (outline.cc); measured on a labelled corpus sample,
// tests/data/outline_eval/plain_headings.tsv.
//
// A line is one when it reads as a title and stands as one:
//  - short (3..40 code points), mostly Han (digits allowed), no sentence-final or inner stop
//    (。！？；：), no space inside (signatures: "市长 龚正"), no 《》 (the
//    fragments of a link-split title), balanced quotes and brackets, ending in
//    a Han character or ）, not in a sentence-final particle (吧 呢 吗);
//  - not numbered (numbered headings have their own kinds), not the first line
//    (the title), not a caption (供图, 摄, 图为), not opening with a discourse
//    word (下面, 最后, 首先: a sentence that talks about the text);
//  - between paragraphs: the line above ends a sentence (a bare label such as
//    来源： does not: what follows it is its value) or is a short numbered
//    heading; the line below starts a paragraph (no closing mark, no 和/与/的 a
//    sentence would go on with) and is body text (a sentence, at least twice
//    as long), or is a salutation (各位代表！) above body text;
//  - in a document whose paragraphs are indented, the line is not indented
//    (an indented line is a paragraph that lacks its full stop).
// Never a sentence of the body: any line with a stop inside or at its end is
// kept out by the first rule.
#pragma once

#include <string_view>
#include <vector>

namespace wenyuan::doc {

// `lines`: the text's lines without '\n', untrimmed. `numbered[i]`: line i
// begins a numbered heading. Returns whether each line is an unnumbered heading.
std::vector<bool> plain_heading_lines(const std::vector<std::u32string_view>& lines, const std::vector<bool>& numbered);

}  // namespace wenyuan::doc
