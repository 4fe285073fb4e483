// libFuzzer target: 查重 of an arbitrary draft (dedup::draft_from_text, then
// dedup::check) against a small library that shares text with the seeds, so
// hits, extensions and spans are exercised; every span and source offset must
// lie inside its text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wenyuan/dedup/check.h"
#include "wenyuan/dedup/draft.h"
#include "wenyuan/text/utf8.h"

namespace {

const wenyuan::dedup::FingerprintIndex& library() {
  static const wenyuan::dedup::FingerprintIndex* index = [] {
    auto* ix = new wenyuan::dedup::FingerprintIndex();
    const char* texts[] = {
        "各地区各部门要坚持以人民为中心的发展思想，扎实推进共同富裕，着力解决群众急难愁盼问题。",
        "加快构建新发展格局，着力推动高质量发展，全面深化改革开放，增强发展内生动力和活力。",
        "第一条 为了规范管理，保障权益，根据宪法，制定本法。第二条 本法适用于中华人民共和国境内。"};
    for (int i = 0; i < 3; ++i) {
      wenyuan::doc::Document d;
      d.id = "d" + std::to_string(i);
      d.text = texts[i];
      d.text_chars = static_cast<uint32_t>(wenyuan::text::count_code_points(d.text));
      const uint32_t cut = i == 2 ? d.text_chars / 2 : d.text_chars;
      d.regions = {{wenyuan::doc::RegionKind::kPreview, 0, cut}};
      if (cut < d.text_chars) d.regions.push_back({wenyuan::doc::RegionKind::kPaid, cut, d.text_chars});
      ix->add(d);
    }
    return ix;
  }();
  return *index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto draft = wenyuan::dedup::draft_from_text(std::string(reinterpret_cast<const char*>(data), size),
                                               wenyuan::dedup::kMaxDraftChars);
  if (!draft) return 0;
  wenyuan::dedup::CheckOptions o;
  o.paid_visible = size > 0 && (data[0] & 1);
  o.min_chars = 8 + (size > 1 ? data[1] % 10 : 0);
  const auto r = wenyuan::dedup::check(library(), *draft, o);
  for (const auto& s : r.spans) {
    if (s.start >= s.end || s.end > r.code_points) std::abort();
    for (const auto& x : s.sources)
      if (x.start >= x.end || x.end > library().doc(x.doc).text_chars) std::abort();
  }
  if (r.copied_chars > r.chars) std::abort();
  return 0;
}
