#include "wenyuan/dedup/check_text.h"

#include <unicode/uchar.h>

#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

bool is_ignored(char32_t c) {
  // ASCII fast path: the bulk of non-汉字 characters in 公文 are digits,
  // Latin letters and ASCII punctuation (NFKC turns full-width forms into ASCII).
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  if (c >= 0x4E00 && c <= 0x9FFF) return false;  // CJK Unified Ideographs
  const int32_t mask = U_GET_GC_MASK(static_cast<UChar32>(c));
  return (mask & (U_GC_P_MASK | U_GC_S_MASK)) != 0;
}

CheckText to_check_text(std::string_view utf8) {
  CheckText out;
  std::u32string norm;
  std::vector<uint32_t> origin;
  text::Normalizer::instance().normalize(utf8, norm, &origin);
  out.chars.reserve(norm.size());
  out.origin.reserve(norm.size());
  for (size_t i = 0; i < norm.size(); ++i) {
    if (is_ignored(norm[i])) continue;
    out.chars.push_back(norm[i]);
    out.origin.push_back(origin[i]);
  }
  out.code_points = static_cast<uint32_t>(text::count_code_points(utf8));
  return out;
}

}  // namespace wenyuan::dedup
