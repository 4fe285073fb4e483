// A draft to check (查重), from whatever the writer has: a file of any
// importable format (.txt in any encoding, .docx, .html, .pdf, .md) or text.
// The draft is read, never cleaned: offsets in a report are code points of
// exactly the text this returns.
#pragma once

#include <cstdint>
#include <string>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::dedup {

// The size the web API accepts (code points): a long report, not a library.
inline constexpr uint32_t kMaxDraftChars = 200'000;

// The text of the file `name` (its extension chooses the importer) with
// `bytes`. Errors say what was wrong in Chinese, for the web UI and the shell
// alike: an unreadable or empty file, a .jsonl (a library, not a draft), a
// draft over `max_chars` (0: no limit).
Result<std::string> draft_text(const std::string& name, std::string bytes, uint32_t max_chars,
                               const doc::ImportLimits& limits = {});

// The same check of size and emptiness for text given directly (UTF-8, made valid).
Result<std::string> draft_from_text(std::string text, uint32_t max_chars);

}  // namespace wenyuan::dedup
