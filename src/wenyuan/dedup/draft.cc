#include "wenyuan/dedup/draft.h"

#include <cctype>
#include <filesystem>

#include "wenyuan/doc/import.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

Result<std::string> draft_from_text(std::string text, uint32_t max_chars) {
  if (!text::is_valid_utf8(text)) text = text::make_valid_utf8(text);
  const size_t n = text::count_code_points(text);
  if (max_chars != 0 && n > max_chars)
    return Status::too_large("草稿过长：" + std::to_string(n) + " 字，查重一次最多 " + std::to_string(max_chars) +
                             " 字，请分段检查");
  bool any = false;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) { any = true; break; }
  if (!any) return Status::invalid_argument("草稿是空的：没有可检查的文字");
  return text;
}

Result<std::string> draft_text(const std::string& name, std::string bytes, uint32_t max_chars,
                               const doc::ImportLimits& limits) {
  const std::string ext = std::filesystem::path(name).extension().string();
  if (ext == ".jsonl")
    return Status::invalid_argument(name + "：.jsonl 是一批文档（导入用），查重请给一篇草稿（.txt .docx .html .pdf .md）");
  // .doc/.wps and archives would start LibreOffice (or unpack many files) on the
  // server's thread that checks the draft: 查重 takes the directly read formats.
  if (!doc::is_importable(name) || doc::may_convert(name))
    return Status::unsupported(name + "：不支持的文件格式「" + ext + "」，请用 .txt .docx .html .pdf 或 .md");
  std::string text;
  Status err;
  Status st = doc::import_bytes(name, std::move(bytes), limits, [&](Result<doc::RawDocument> r) {
    if (!r) err = r.status();
    else text = std::move(r->text);
  });
  if (!st) return Status::invalid_argument(name + "：无法读取（" + st.message() + "）");
  if (!err) return Status::invalid_argument(name + "：无法读取（" + err.message() + "）");
  auto out = draft_from_text(std::move(text), max_chars);
  if (!out) return out.status().with_context(name);
  return out;
}

}  // namespace wenyuan::dedup
