// wenyuan serve: the HTTP server (JSON API, downloads, feeds, the web UI) over
// the library in --data, until SIGTERM/SIGINT (then it finishes requests in
// flight and exits).
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/common.h"
#include "wenyuan/server/server.h"

namespace wenyuan::cli {

namespace {
struct ServeArgs {
  CommonOptions common;
  std::string listen;
  std::string config;
  std::string web;
  unsigned threads = 0;
  std::vector<std::string> watch;
};
}  // namespace

Runner register_serve(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP server: JSON API, downloads, feeds and the web UI");
  add_common_options(cmd, args->common);
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  cmd->add_option("--config", args->config, "TOML configuration file (limits, tiers, quotas, rate limits, registration, public_url, metrics_listen; see README)");
  cmd->add_option("--web", args->web, "Folder of the web UI (default: the built-in web/)");
  cmd->add_option("--threads", args->threads, "Worker threads (default 2..4 by CPU count)");
  cmd->add_option("--watch", args->watch,
                  "Watch this folder (repeatable): new, changed, renamed-in and deleted files are imported or "
                  "removed (docs/watch.md; settings in the config's [watch])")
      ->check(CLI::ExistingDirectory);
  return [args]() {
    server::ServerConfig config;
    config.web_dir = server::default_web_dir();
    if (!args->config.empty()) {
      auto c = server::load_config(args->config, config);
      if (!c) {
        print_error(args->common, c.status());
        return kExitError;
      }
      config = std::move(c.value());
      for (const auto& w : config.warnings) spdlog::warn("{}", w);
    }
    if (!args->listen.empty()) config.listen = args->listen;
    if (!args->web.empty()) config.web_dir = args->web;
    if (args->threads > 0) config.threads = args->threads;
    config.watch.folders.insert(config.watch.folders.end(), args->watch.begin(), args->watch.end());
    // Uploads and watched files are parsed by this binary's hidden `__parse`
    // in a child with limits (doc/sandbox.h).
    std::error_code exe_ec;
    config.sandbox.helper = std::filesystem::read_symlink("/proc/self/exe", exe_ec);
    if (exe_ec) spdlog::warn("cannot find this program's path ({}); files are parsed without a sandbox", exe_ec.message());
    server::ServeOptions options;
    options.data_dir = args->common.data_dir;
    options.config = config;
    options.handle_signals = true;
    auto s = server::Server::start(options);
    if (!s) {
      print_error(args->common, s.status());
      return kExitError;
    }
    spdlog::info("wenyuan serving {} on http://{} ({} threads, web UI from {})", args->common.data_dir, config.listen,
                 server::worker_threads(config.threads), config.web_dir.string());
    for (const auto& f : config.watch.folders) spdlog::info("watching {}", f.string());
    if (config.listen.rfind(":0") == config.listen.size() - 2) {
      std::cout << "listening on port " << (*s)->port() << std::endl;
    }
    (*s)->wait();
    spdlog::info("wenyuan stopped");
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
