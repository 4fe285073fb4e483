#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

const char* to_string(Access a) { return a == Access::kPaid ? "paid" : "free"; }
const char* to_string(RegionKind k) { return k == RegionKind::kPaid ? "paid" : "preview"; }

namespace {
constexpr std::pair<OutlineKind, const char*> kOutlineKindNames[] = {
    {OutlineKind::kPart, "part"},         {OutlineKind::kChapter, "chapter"},
    {OutlineKind::kSection, "section"},   {OutlineKind::kArticle, "article"},
    {OutlineKind::kCnNum, "cn_num"},      {OutlineKind::kParenCn, "paren_cn"},
    {OutlineKind::kArabic, "arabic"},     {OutlineKind::kParenArabic, "paren_arabic"},
    {OutlineKind::kEnum, "enum"},         {OutlineKind::kHeading, "heading"},
    {OutlineKind::kPlain, "plain"},
};
}  // namespace

const char* to_string(OutlineKind k) {
  for (const auto& [kind, name] : kOutlineKindNames)
    if (kind == k) return name;
  return "heading";  // unreachable: the table names every kind
}

std::optional<OutlineKind> outline_kind_from_string(std::string_view s) {
  for (const auto& [kind, name] : kOutlineKindNames)
    if (s == name) return kind;
  return std::nullopt;
}

}  // namespace wenyuan::doc
