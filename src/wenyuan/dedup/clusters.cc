#include "wenyuan/dedup/clusters.h"

#include "wenyuan/text/normalize.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::dedup {

std::string title_family(const std::string& title) {
  std::u32string t = text::decode_utf8(text::Normalizer::instance().normalize_utf8(title));
  // NFKC made （） into ( ): drop one trailing (...) note.
  if (!t.empty() && t.back() == U')') {
    const auto open = t.rfind(U'(');
    if (open != std::u32string::npos && open > 0) t.resize(open);
  }
  return text::encode_utf8(t);
}

}  // namespace wenyuan::dedup
