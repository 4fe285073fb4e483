// Encoding detection and conversion of text files to UTF-8.
//
// Order of evidence:
//   1. a BOM (UTF-8, UTF-16LE/BE) is decisive;
//   2. bytes with a NUL are BOM-less UTF-16 when the high bytes clearly say so,
//      else not text (checked before UTF-8 because ASCII in UTF-16 is valid UTF-8);
//   3. valid UTF-8 is UTF-8, except short GBK text that is valid UTF-8 by accident
//      (no 3-byte sequence, plausible GB2312 pairs; see encoding.cc);
//   4. GB18030 (a superset of GBK and GB2312) when it decodes cleanly, unless it
//      looks unlike GBK Chinese (Big5, Shift_JIS) and uchardet names an encoding
//      that also converts cleanly;
//   5. uchardet is consulted for the rest; its guess is used only if iconv
//      converts the whole input with it.
// Chinese mis-detected as something else is a bug.
// Invariants of a result: valid UTF-8, no U+0000, no '\r', the BOM removed.
#pragma once

#include <string>
#include <string_view>

#include "wenyuan/core/status.h"

namespace wenyuan::text {

struct DecodedText {
  std::string utf8;      // valid UTF-8, BOM removed, CRLF/CR turned into '\n'
  std::string encoding;  // "UTF-8", "UTF-8-BOM", "UTF-16LE", "UTF-16BE", "GB18030", or uchardet's name
};

// Decodes bytes of a text file. `origin` (a path) names the input in errors,
// e.g. "notes.txt: not text in any supported encoding (byte 0x81 at offset 1234)".
Result<DecodedText> decode_text(std::string_view bytes, std::string_view origin);

// Converts UTF-8 to another encoding with iconv ("GB18030", "UTF-16LE", ...).
// Used by tests and fixtures to make real files in those encodings.
Result<std::string> encode_text(std::string_view utf8, const char* to_encoding);

}  // namespace wenyuan::text
