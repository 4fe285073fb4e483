// wenyuan backup DEST : a consistent copy of the library while it is in use;
// wenyuan restore SRC DATA : that copy back into a library folder
// (library/backup.h says what a backup holds and why it is one state).
#include <cstdio>

#include "cli/common.h"
#include "wenyuan/library/backup.h"

namespace wenyuan::cli {

Runner register_backup(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::string dest;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "backup",
      "Copy the library into DEST (a new or empty folder) while it is in use: the server may serve and an import\n"
      "may run. Every SQLite file with SQLite's online backup, and the index at one commit (segments hard-linked\n"
      "where DEST is on the same file system, copied otherwise). Writes nothing in the library. Everything\n"
      "acknowledged before the backup started is in it. Restore with `wenyuan restore DEST DATA`.");
  add_common_options(cmd, args->common);
  cmd->add_option("dest", args->dest, "Folder for the backup (must not exist, or be empty)")->required();
  return [args]() {
    auto r = library::backup_library(args->common.data_dir, args->dest);
    if (!r) {
      print_error(args->common, r.status());
      return kExitError;
    }
    if (args->common.json) {
      print_json({{"backup", args->dest},
                  {"documents", r->documents},
                  {"catalog_seq", r->catalog_seq},
                  {"index_generation", r->index_generation},
                  {"index_seq", r->index_seq},
                  {"segments", r->segments},
                  {"linked", r->linked},
                  {"copied", r->copied},
                  {"bytes", r->bytes},
                  {"databases", r->databases},
                  {"seconds", r->seconds}});
    } else {
      std::printf("backed up %llu documents into %s: catalog at change %llu, index generation %llu at change %llu "
                  "(%llu segments: %llu linked, %llu copied), %zu databases, %.1f MB in %.2f s\n",
                  static_cast<unsigned long long>(r->documents), args->dest.c_str(),
                  static_cast<unsigned long long>(r->catalog_seq), static_cast<unsigned long long>(r->index_generation),
                  static_cast<unsigned long long>(r->index_seq), static_cast<unsigned long long>(r->segments),
                  static_cast<unsigned long long>(r->linked), static_cast<unsigned long long>(r->copied),
                  r->databases.size(), static_cast<double>(r->bytes) / 1e6, r->seconds);
    }
    return kExitOk;
  };
}

Runner register_restore(CLI::App& app) {
  struct Args {
    bool json = false;
    bool force = false;
    std::string src;
    std::string data;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "restore",
      "Restore the backup SRC (made by `wenyuan backup`) into the library folder DATA, then bring the index up to\n"
      "the catalog and run `wenyuan verify` on the result. Refuses a non-empty DATA unless --force (which replaces\n"
      "everything in it), and refuses while another process (a server) writes DATA's index: stop it first.\n"
      "Exit code 0 if the restored library verifies, 1 if verify finds a difference, 2 if refused or failed.");
  cmd->add_option("src", args->src, "The backup folder")->required();
  cmd->add_option("data", args->data, "The library folder to restore into")->required();
  cmd->add_flag("--force", args->force, "Replace the library (or anything else) in DATA");
  cmd->add_flag("--json", args->json, "Machine-readable JSON output");
  return [args]() {
    CommonOptions common;
    common.json = args->json;
    library::RestoreOptions options;
    options.force = args->force;
    auto r = library::restore_library(args->src, args->data, options);
    if (!r) {
      print_error(common, r.status());
      return kExitError;
    }
    if (args->json) {
      print_json({{"restored", args->data},
                  {"documents", r->backup.documents},
                  {"catalog_seq", r->backup.catalog_seq},
                  {"index_seq", r->backup.index_seq},
                  {"caught_up", r->caught_up},
                  {"reindexed", r->reindexed},
                  {"databases", r->backup.databases},
                  {"verify", {{"ok", r->verify.ok()},
                              {"catalog_documents", r->verify.catalog_documents},
                              {"index_documents", r->verify.index_documents},
                              {"pending_changes", r->verify.pending_changes},
                              {"problems", r->verify.problems}}}});
    } else {
      std::printf("restored %llu documents into %s (%zu databases; index from change %llu, %llu change(s) indexed%s)\n",
                  static_cast<unsigned long long>(r->backup.documents), args->data.c_str(), r->backup.databases.size(),
                  static_cast<unsigned long long>(r->backup.index_seq), static_cast<unsigned long long>(r->caught_up),
                  r->reindexed ? ", index rebuilt from the catalog" : "");
      for (const auto& p : r->verify.problems) std::printf("%s\n", p.c_str());
      std::printf("verify: %s: %llu documents in the catalog, %llu in the index\n",
                  r->verify.ok() ? "consistent" : "INCONSISTENT",
                  static_cast<unsigned long long>(r->verify.catalog_documents),
                  static_cast<unsigned long long>(r->verify.index_documents));
    }
    return r->verify.ok() ? kExitOk : kExitPartial;
  };
}

}  // namespace wenyuan::cli
