// Peer (c): Sphinx 2.2 (not wired yet: needs a MySQL client library for SphinxQL).
#include "compare/engine.h"

namespace wenyuan::bench {
std::unique_ptr<Engine> make_sphinx_engine(const std::string&) { return nullptr; }
}  // namespace wenyuan::bench
