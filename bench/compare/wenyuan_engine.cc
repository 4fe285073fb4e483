// wenyuan itself (index::Index + search::Engine in process). Not wired yet.
#include "compare/engine.h"

namespace wenyuan::bench {
std::unique_ptr<Engine> make_wenyuan_engine(const std::string&) { return nullptr; }
}  // namespace wenyuan::bench
