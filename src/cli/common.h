// Shared pieces of the `wenyuan` subcommands: the --data/--json options every
// subcommand takes, opening the library, and printing errors the same way.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "wenyuan/core/status.h"
#include "wenyuan/library/library.h"

namespace wenyuan::cli {

// Exit codes: 0 ok, 1 some input rejected / not found, 2 usage or fatal error,
// 3 the disk (or the database) is full: the import stopped, what it reported is
// stored, the rest is not (a script can free space and run it again).
inline constexpr int kExitOk = 0;
inline constexpr int kExitPartial = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitDiskFull = 3;

struct CommonOptions {
  std::string data_dir;  // --data, default $WENYUAN_DATA, else ./wenyuan-data
  bool json = false;     // --json
};

// Adds --data and --json to `cmd`.
void add_common_options(CLI::App* cmd, CommonOptions& common);

// How a subcommand uses the library: kRead never writes anything (show, list,
// search, export, verify); kWrite may change the catalog and takes the index
// writer lock when it is free (import, delete, reindex, optimize).
enum class Access { kRead, kWrite };

// Opens the library or prints "wenyuan: <message>" and returns null. `holder`
// names this command in the writer lock ("wenyuan import").
std::unique_ptr<library::Library> open_library(const CommonOptions& common, Access access,
                                               const std::string& holder = "wenyuan", bool catch_up = true);

// Prints "wenyuan: <status message>" to stderr (or {"error": …} with --json to stdout).
void print_error(const CommonOptions& common, const Status& status);

// Pretty JSON to stdout, UTF-8 unescaped.
void print_json(const nlohmann::json& j);

bool stdout_is_terminal();
bool stderr_is_terminal();

// Each subcommand registers itself and returns the function that runs it.
using Runner = std::function<int()>;
Runner register_import(CLI::App& app);
Runner register_show(CLI::App& app);
Runner register_list(CLI::App& app);
Runner register_delete(CLI::App& app);
Runner register_stats(CLI::App& app);
Runner register_export(CLI::App& app);
Runner register_search(CLI::App& app);
Runner register_reindex(CLI::App& app);
Runner register_optimize(CLI::App& app);
Runner register_serve(CLI::App& app);
Runner register_user(CLI::App& app);
Runner register_token(CLI::App& app);
Runner register_invite(CLI::App& app);
Runner register_watch(CLI::App& app);
Runner register_rejected(CLI::App& app);
Runner register_verify(CLI::App& app);
Runner register_check(CLI::App& app);
Runner register_dups(CLI::App& app);
Runner register_backup(CLI::App& app);
Runner register_restore(CLI::App& app);

}  // namespace wenyuan::cli
