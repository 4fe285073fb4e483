// wenyuan watch DIR... : keep the library in step with watched folders (the
// 网盘 folder a sync client fills) without the server; and wenyuan rejected:
// the watched files that could not be imported, with the reason.
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "wenyuan/watch/watch_state.h"
#include "wenyuan/watch/watcher.h"

namespace wenyuan::cli {

Runner register_watch(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::vector<std::string> folders;
    double stable_seconds = 2;
    double rescan_seconds = 60;
    std::string on_delete = "remove";
    bool no_folder_category = false;
    bool once = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "watch",
      "Watch folders (recursively): files added, changed, renamed in or deleted are imported, re-imported or\n"
      "removed. A file is imported once complete (renamed into place, closed after writing, or unchanged for\n"
      "--stable-seconds); temporary files of sync clients are ignored. Runs until Ctrl-C, or with --once\n"
      "rescans, imports and exits (exit code 1 if a file was rejected). See docs/watch.md.");
  add_common_options(cmd, args->common);
  cmd->add_option("folders", args->folders, "Folders to watch")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--stable-seconds", args->stable_seconds,
                  "A file unchanged (size, mtime) this long is complete (default 2)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--rescan-seconds", args->rescan_seconds, "Full rescan every S seconds as a safety net (default 60)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--on-delete", args->on_delete, "A deleted file's documents: remove (default) or keep")
      ->check(CLI::IsMember({"remove", "keep"}));
  cmd->add_flag("--no-folder-category", args->no_folder_category,
                "Do not give documents their folder (relative to the watched folder) as category");
  cmd->add_flag("--once", args->once, "Rescan, import what is complete, remove what is gone, and exit");

  return [args]() {
    // The watcher's log goes to stderr (stdout is for the report and --json);
    // with --once the report says what the per-batch lines would.
    spdlog::set_default_logger(spdlog::stderr_logger_mt("watch"));
    if (args->once) spdlog::set_level(spdlog::level::warn);
    auto lib = open_library(args->common, Access::kWrite, "wenyuan watch");
    if (!lib) return kExitError;
    watch::WatchOptions options;
    options.folders.assign(args->folders.begin(), args->folders.end());
    options.stable_seconds = args->stable_seconds;
    options.rescan_seconds = args->rescan_seconds;
    options.remove_on_delete = args->on_delete == "remove";
    options.folder_category = !args->no_folder_category;
    library::Library* library = lib.get();
    auto watcher = watch::Watcher::create(
        lib->data_dir() / "watch.db", options,
        [library](const std::function<void(library::Library&)>& work) { work(*library); });
    if (!watcher) {
      print_error(args->common, watcher.status());
      return kExitError;
    }
    if (!args->once) {
      // Block the signals before the thread starts (it inherits the mask), then wait for one.
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGINT);
      sigaddset(&set, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &set, nullptr);
      auto st = (*watcher)->start();
      if (!st) {
        print_error(args->common, st);
        return kExitError;
      }
      std::fprintf(stderr, "watching %zu folder(s); Ctrl-C stops\n", args->folders.size());
      int sig = 0;
      sigwait(&set, &sig);
      (*watcher)->stop();
      return kExitOk;
    }
    const auto r = (*watcher)->run_once();
    const auto& c = r.counters;
    if (args->common.json) {
      nlohmann::json skipped = nlohmann::json::array();
      for (const auto& s : r.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
      print_json({{"imported", c.imported},
                  {"updated", c.updated},
                  {"unchanged", c.unchanged},
                  {"rejected", c.rejected},
                  {"removed", c.removed},
                  {"skipped", skipped},
                  {"unstable", r.unstable}});
    } else {
      for (const auto& s : r.skipped) std::cerr << s.path << ": skipped, " << s.reason << "\n";
      for (const auto& u : r.unstable) std::cerr << u << ": still being written, left for the next run\n";
      std::printf("imported %llu, updated %llu, unchanged %llu, rejected %llu, removed %llu, skipped %zu\n",
                  static_cast<unsigned long long>(c.imported), static_cast<unsigned long long>(c.updated),
                  static_cast<unsigned long long>(c.unchanged), static_cast<unsigned long long>(c.rejected),
                  static_cast<unsigned long long>(c.removed), r.skipped.size());
      if (c.rejected > 0) std::printf("see `wenyuan rejected` for the reasons\n");
    }
    return c.rejected > 0 ? kExitPartial : kExitOk;
  };
}

Runner register_rejected(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand(
      "rejected", "Watched-folder files that could not be imported, with the reason (retried when they change)");
  add_common_options(cmd, *common);
  return [common]() {
    auto files = watch::read_rejected(std::filesystem::path(common->data_dir) / "watch.db");
    if (!files) {
      print_error(*common, files.status());
      return kExitError;
    }
    if (common->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& f : *files) out.push_back({{"path", f.path}, {"reason", f.reason}, {"time", f.time}});
      print_json({{"files", out}});
    } else {
      for (const auto& f : *files) std::printf("%s: %s\n", f.path.c_str(), f.reason.c_str());
      if (files->empty()) std::printf("no rejected files\n");
    }
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
