// Exporters: text a reader may see -> a file to download (.txt, .docx).
//
// The exporter writes exactly what it is given. Which parts of a document a user
// may see is decided by access::Policy; callers cut the text first and pass only
// the visible part.
//
// The .docx is a minimal OOXML package that Word and LibreOffice open:
// [Content_Types].xml, _rels/.rels, word/document.xml, word/_rels/document.xml.rels,
// word/styles.xml (Normal, Title, Heading1..Heading6 with built-in names
// "heading N" and a CJK font set through w:eastAsia), docProps/core.xml (title).
// import_docx reads it back to the same paragraphs and heading levels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

struct ExportBlock {
  enum class Kind { kParagraph, kHeading };
  Kind kind = Kind::kParagraph;
  int level = 0;       // 1..6 for headings (deeper levels are written as 6)
  std::string text;    // UTF-8; a '\n' inside becomes a line break within the paragraph
};

// "title\n\ntext\n": the title line is left out when empty or when `text`
// already begins with it (the 公文 title is usually the first line).
std::string export_txt(std::string_view title, std::string_view text);

// A .docx holding `blocks` in order. The title goes into docProps/core.xml and,
// unless the first block already says it, into a Title-styled first paragraph.
Result<std::string> export_docx(std::string_view title, const std::vector<ExportBlock>& blocks);

// The blocks of a whole prepared Document: each line of `doc.text` is a
// paragraph, or a heading when an outline node (of any kind but "enum") has its
// heading span starting at that line; its level is the node's outline level.
std::vector<ExportBlock> export_blocks(const Document& doc);

}  // namespace wenyuan::doc
