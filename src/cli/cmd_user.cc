// wenyuan user add|set-tier|disable, wenyuan token create and wenyuan invite
// create: account administration from the shell (the first admin is made here).
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/common.h"
#include "wenyuan/access/accounts.h"

namespace wenyuan::cli {

namespace {

struct UserArgs {
  CommonOptions common;
  std::string name;
  std::string tier = "free";
  std::string password;
  std::string until;
  bool enable = false;
  int count = 1;
  int days = 14;
};

Result<std::unique_ptr<access::Accounts>> open_accounts(const CommonOptions& common) {
  std::error_code ec;
  std::filesystem::create_directories(common.data_dir, ec);
  if (ec) return Status::io_error(common.data_dir + ": " + ec.message());
  return access::Accounts::open(std::filesystem::path(common.data_dir) / "accounts.db");
}

// A line from the terminal with echo off.
std::string read_hidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return line;
}

// --password, else prompted twice on a terminal, else the first line of stdin.
Result<std::string> obtain_password(const std::string& given) {
  if (!given.empty()) return given;
  if (::isatty(STDIN_FILENO) == 1) {
    std::string a = read_hidden("password: ");
    std::string b = read_hidden("again: ");
    if (a != b) return Status::invalid_argument("the passwords differ");
    return a;
  }
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int report(const CommonOptions& common, const Result<access::User>& u) {
  if (!u) {
    print_error(common, u.status());
    return u.status().code() == StatusCode::kNotFound ? kExitPartial : kExitError;
  }
  const bool expired = access::effective_tier(*u, access::Accounts::today()) != u->tier;
  if (common.json) {
    print_json({{"name", u->name},
                {"tier", access::to_string(u->tier)},
                {"until", u->tier_until.empty() ? nlohmann::json(nullptr) : nlohmann::json(u->tier_until)},
                {"expired", expired},
                {"disabled", u->disabled}});
  } else {
    const std::string until = u->tier_until.empty() ? "" : " until " + u->tier_until + (expired ? " (expired: free)" : "");
    std::printf("%s: tier %s%s%s\n", u->name.c_str(), access::to_string(u->tier), until.c_str(),
                u->disabled ? " (disabled)" : "");
  }
  return kExitOk;
}

}  // namespace

Runner register_user(CLI::App& app) {
  auto args = std::make_shared<UserArgs>();
  auto* cmd = app.add_subcommand("user", "Manage accounts (stored in DATA/accounts.db)");
  cmd->require_subcommand(1);
  const std::vector<std::string> tiers = {"free", "vip", "svip", "admin"};

  auto* add = cmd->add_subcommand("add", "Create an account (password from --password, a prompt, or stdin)");
  add_common_options(add, args->common);
  add->add_option("name", args->name, "User name")->required();
  add->add_option("--tier", args->tier, "free (default), vip, svip or admin")->check(CLI::IsMember(tiers));
  add->add_option("--password", args->password, "The password (visible in the process list; prefer the prompt)");

  auto* set_tier = cmd->add_subcommand("set-tier", "Change an account's tier");
  add_common_options(set_tier, args->common);
  set_tier->add_option("name", args->name, "User name")->required();
  set_tier->add_option("tier", args->tier, "free, vip, svip or admin")->required()->check(CLI::IsMember(tiers));
  set_tier->add_option("--until", args->until,
                       "Last day of the tier, YYYY-MM-DD (UTC); the day after, the user is free. Omitted: no expiry");

  auto* disable = cmd->add_subcommand("disable", "Disable an account (logs it out everywhere); --enable undoes it");
  add_common_options(disable, args->common);
  disable->add_option("name", args->name, "User name")->required();
  disable->add_flag("--enable", args->enable, "Enable the account again");

  return [args, add, set_tier, disable]() {
    auto accounts = open_accounts(args->common);
    if (!accounts) {
      print_error(args->common, accounts.status());
      return kExitError;
    }
    auto& a = **accounts;
    const auto tier = access::tier_from_string(args->tier).value_or(access::Tier::kFree);
    if (add->parsed()) {
      auto pw = obtain_password(args->password);
      if (!pw) {
        print_error(args->common, pw.status());
        return kExitError;
      }
      return report(args->common, a.add_user(args->name, *pw, tier));
    }
    if (set_tier->parsed()) return report(args->common, a.set_tier(args->name, tier, args->until));
    if (disable->parsed()) return report(args->common, a.set_disabled(args->name, !args->enable));
    return kExitError;
  };
}

Runner register_token(CLI::App& app) {
  auto args = std::make_shared<UserArgs>();
  auto* cmd = app.add_subcommand("token", "API tokens (Authorization: Bearer TOKEN)");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand("create", "Create an API token for a user; it is printed once");
  add_common_options(create, args->common);
  create->add_option("--user", args->name, "User name")->required();
  return [args]() {
    auto accounts = open_accounts(args->common);
    if (!accounts) {
      print_error(args->common, accounts.status());
      return kExitError;
    }
    auto token = (*accounts)->create_api_token(args->name);
    if (!token) {
      print_error(args->common, token.status());
      return token.status().code() == StatusCode::kNotFound ? kExitPartial : kExitError;
    }
    if (args->common.json) print_json({{"user", args->name}, {"token", *token}}); else std::printf("%s\n", token->c_str());
    return kExitOk;
  };
}

Runner register_invite(CLI::App& app) {
  auto args = std::make_shared<UserArgs>();
  auto* cmd = app.add_subcommand("invite", "Invitation codes for registration = \"invite\"");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand("create", "Create invitation codes; each is printed once and registers one user");
  add_common_options(create, args->common);
  create->add_option("--count", args->count, "How many codes (default 1)")->check(CLI::Range(1, 1000));
  create->add_option("--days", args->days, "Days a code stays valid (default 14)")->check(CLI::Range(1, 3650));
  return [args]() {
    auto accounts = open_accounts(args->common);
    if (!accounts) {
      print_error(args->common, accounts.status());
      return kExitError;
    }
    auto codes = (*accounts)->create_invites(args->count, int64_t{args->days} * 86400);
    if (!codes) {
      print_error(args->common, codes.status());
      return kExitError;
    }
    if (args->common.json) {
      print_json({{"codes", *codes}, {"days", args->days}});
    } else {
      for (const auto& c : *codes) std::printf("%s\n", c.c_str());
    }
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
