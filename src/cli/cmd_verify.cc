// wenyuan verify : the consistency check of docs/living-library.md, for users and tests.
#include <cstdio>

#include "cli/common.h"

namespace wenyuan::cli {

Runner register_verify(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand(
      "verify",
      "Check that the index holds exactly the catalog's documents, each with the catalog's text, and that the\n"
      "manifest and every segment pass their checksums. Changes the writer has not indexed yet are counted,\n"
      "not errors. Writes nothing. Exit code 0 if consistent, 1 with what differs.");
  add_common_options(cmd, *common);
  return [common]() {
    // catch_up = false: the committed index itself is what is checked.
    auto lib = open_library(*common, Access::kRead, "wenyuan verify", false);
    if (!lib) return kExitError;
    auto r = lib->verify();
    if (!r) {
      print_error(*common, r.status());
      return kExitError;
    }
    if (common->json) {
      print_json({{"ok", r->ok()},
                  {"catalog_documents", r->catalog_documents},
                  {"index_documents", r->index_documents},
                  {"segments", r->segments},
                  {"index_seq", r->index_seq},
                  {"catalog_seq", r->catalog_seq},
                  {"pending_changes", r->pending_changes},
                  {"problems", r->problems}});
    } else {
      for (const auto& p : r->problems) std::printf("%s\n", p.c_str());
      std::printf("%s: %llu documents in the catalog, %llu in the index (%llu segments); index at change %llu of %llu",
                  r->ok() ? "consistent" : "INCONSISTENT", static_cast<unsigned long long>(r->catalog_documents),
                  static_cast<unsigned long long>(r->index_documents), static_cast<unsigned long long>(r->segments),
                  static_cast<unsigned long long>(r->index_seq), static_cast<unsigned long long>(r->catalog_seq));
      if (r->pending_changes > 0)
        std::printf(", %llu change(s) not indexed yet", static_cast<unsigned long long>(r->pending_changes));
      std::printf("\n");
    }
    return r->ok() ? kExitOk : kExitPartial;
  };
}

}  // namespace wenyuan::cli
