// make_sample_docx: writes a .docx from a UTF-8 text file with wenyuan's own
// exporter (doc::export_docx). Used once to make the .docx files of
// data/sample/ (see data/sample/README.md for the exact commands).
//
//   make_sample_docx INPUT.txt OUTPUT.docx "TITLE"
//
// Each non-empty line is a paragraph. Headings, by the 公文 numbering that
// opens the line: 第…章 / 一、 -> level 1; 第…节 / a short （一） line -> level 2.

#include <fstream>
#include <iostream>
#include <sstream>

#include "wenyuan/doc/export.h"
#include "wenyuan/text/utf8.h"

namespace {

using wenyuan::doc::ExportBlock;

bool is_cn_numeral(char32_t c) { return std::u32string_view(U"一二三四五六七八九十百零〇").find(c) != std::u32string_view::npos; }

int heading_level(const std::string& line) {
  const std::u32string u = wenyuan::text::decode_utf8(line);
  size_t i = 0;
  if (!u.empty() && u[0] == U'第') {
    i = 1;
    while (i < u.size() && is_cn_numeral(u[i])) ++i;
    if (i > 1 && i < u.size() && u[i] == U'章') return 1;
    if (i > 1 && i < u.size() && u[i] == U'节') return 2;
    return 0;
  }
  while (i < u.size() && is_cn_numeral(u[i])) ++i;
  if (i > 0 && i < u.size() && u[i] == U'、') return 1;
  const bool short_line = u.size() <= 30 && u.back() != U'。';
  if (u.size() > 2 && u[0] == U'（') {
    i = 1;
    while (i < u.size() && is_cn_numeral(u[i])) ++i;
    if (i > 1 && i < u.size() && u[i] == U'）' && short_line) return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_sample_docx INPUT.txt OUTPUT.docx TITLE\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << argv[1] << ": cannot open\n";
    return 1;
  }
  std::vector<ExportBlock> blocks;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const int level = heading_level(line);
    blocks.push_back({level > 0 ? ExportBlock::Kind::kHeading : ExportBlock::Kind::kParagraph, level, line});
  }
  auto docx = wenyuan::doc::export_docx(argv[3], blocks);
  if (!docx) {
    std::cerr << docx.status().message() << "\n";
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out.write(docx->data(), static_cast<std::streamsize>(docx->size()));
  if (!out) {
    std::cerr << argv[2] << ": cannot write\n";
    return 1;
  }
  return 0;
}
