// wenyuan: the command line. A thin shell over wenyuan::library::Library; every
// subcommand lives in its own cmd_*.cc and registers itself here.
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <map>
#include <string_view>

#include "cli/common.h"
#include "wenyuan/doc/sandbox.h"

int main(int argc, char** argv) {
  using namespace wenyuan::cli;
  // Buffers of 4 MiB and more get pages of their own, given back when freed.
  // glibc otherwise raises this threshold each time such a buffer is freed (up
  // to 32 MiB), after which a large document's many big strings come from the
  // heap and stay resident: importing a 30 MB record peaked at 650 MB instead of
  // 480 MB (docs/intake.md, memory). Set before any allocation of size.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  // spdlog's registry (a function-local static inside libspdlog.so) is made
  // here, before any thread starts. Made later by a command, after the server's
  // threads exist, its first use from one of them is safe in C++ but looks like
  // a data race to ThreadSanitizer, which cannot see the uninstrumented
  // library's initialization guard (scripts/sanitize tsan, cli_writers_test).
  spdlog::default_logger_raw();
  // The sandboxed parser's child (doc/sandbox.h): hidden, not a user command.
  if (argc >= 2 && std::string_view(argv[1]) == "__parse") return wenyuan::doc::sandbox_child_main(argc, argv);
  CLI::App app{
      "wenyuan (文渊): a self-hosted library of Chinese official documents (公文) with exact search.\n"
      "Data lives in --data DIR (default $WENYUAN_DATA, else ./wenyuan-data)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "wenyuan " WENYUAN_VERSION);

  std::map<std::string, Runner> runners;
  runners["import"] = register_import(app);
  runners["show"] = register_show(app);
  runners["list"] = register_list(app);
  runners["delete"] = register_delete(app);
  runners["stats"] = register_stats(app);
  runners["export"] = register_export(app);
  runners["search"] = register_search(app);
  runners["reindex"] = register_reindex(app);
  runners["optimize"] = register_optimize(app);
  runners["serve"] = register_serve(app);
  runners["user"] = register_user(app);
  runners["token"] = register_token(app);
  runners["invite"] = register_invite(app);
  runners["watch"] = register_watch(app);
  runners["rejected"] = register_rejected(app);
  runners["verify"] = register_verify(app);
  runners["check"] = register_check(app);
  runners["dups"] = register_dups(app);
  runners["backup"] = register_backup(app);
  runners["restore"] = register_restore(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitError;
  }
  for (auto* sub : app.get_subcommands()) {
    auto it = runners.find(sub->get_name());
    if (it != runners.end()) return it->second();
  }
  return kExitError;
}
