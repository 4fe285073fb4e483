#include "cli/common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace wenyuan::cli {

namespace {
std::string default_data_dir() {
  const char* env = std::getenv("WENYUAN_DATA");
  return (env != nullptr && *env != '\0') ? env : "wenyuan-data";
}
}  // namespace

void add_common_options(CLI::App* cmd, CommonOptions& common) {
  common.data_dir = default_data_dir();
  cmd->add_option("--data", common.data_dir, "Library folder (default $WENYUAN_DATA, else ./wenyuan-data)");
  cmd->add_flag("--json", common.json, "Machine-readable JSON output");
}

std::unique_ptr<library::Library> open_library(const CommonOptions& common, Access access, const std::string& holder,
                                               bool catch_up) {
  library::OpenOptions options;
  options.read_only = access == Access::kRead;
  options.holder = holder;
  options.catch_up = catch_up;
  auto lib = library::Library::open(common.data_dir, options);
  if (!lib) {
    print_error(common, lib.status());
    return nullptr;
  }
  return std::move(lib.value());
}

void print_error(const CommonOptions& common, const Status& status) {
  if (common.json) {
    print_json({{"error", {{"message", status.message()}}}});
  }
  std::cerr << "wenyuan: " << status.message() << "\n";
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace wenyuan::cli
