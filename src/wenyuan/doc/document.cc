#include "wenyuan/doc/document.h"

namespace wenyuan::doc {

const char* to_string(Access a) { return a == Access::kPaid ? "paid" : "free"; }
const char* to_string(RegionKind k) { return k == RegionKind::kPaid ? "paid" : "preview"; }

}  // namespace wenyuan::doc
