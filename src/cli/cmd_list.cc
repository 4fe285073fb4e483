// wenyuan list | delete | stats : browsing and housekeeping of the catalog.
#include <iostream>

#include "cli/common.h"
#include "wenyuan/search/query.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::cli {

namespace {

// "2023" or "2019..2023" (search::parse_year_range, either end may be left
// out) -> [from, to]; error text on bad input.
Status parse_year_range(const std::string& s, std::optional<int>& from, std::optional<int>& to) {
  int a = 0, b = 0;
  if (!search::parse_year_range(s, true, a, b) || a > b) {
    return Status::invalid_argument("--year: expected YEAR or FROM..TO (1..9999), got \"" + s + "\"");
  }
  // An open end filters nothing, as before.
  if (s.rfind("..", 0) != 0) from = a;
  if (s.size() < 2 || s.compare(s.size() - 2, 2, "..") != 0) to = b;
  return Status::ok();
}

nlohmann::json summary_json(const store::DocumentSummary& s) {
  return {{"id", s.id},
          {"title", s.title},
          {"year", s.year ? nlohmann::json(*s.year) : nlohmann::json(nullptr)},
          {"date", s.date},
          {"source", s.source},
          {"source_name", s.source_name},
          {"type", s.type},
          {"category", s.category},
          {"access", doc::to_string(s.access)},
          {"characters", s.text_chars},
          {"imported_at", s.imported_at}};
}

}  // namespace

Runner register_list(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::string year, source, category;
    size_t limit = 0, offset = 0;
    bool newest = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("list", "List documents (filter by year, source, category)");
  add_common_options(cmd, args->common);
  cmd->add_option("--year", args->year, "A year (2023) or a range (2019..2023)");
  cmd->add_option("--source", args->source, "Only this source");
  cmd->add_option("--category", args->category, "Only this category");
  cmd->add_option("--limit", args->limit, "At most N documents (0: all)");
  cmd->add_option("--offset", args->offset, "Skip the first N");
  cmd->add_flag("--newest", args->newest, "Newest imports first (default: by id)");

  return [args]() {
    store::ListFilter filter;
    if (!args->year.empty()) {
      auto st = parse_year_range(args->year, filter.year_from, filter.year_to);
      if (!st) {
        print_error(args->common, st);
        return kExitError;
      }
    }
    filter.source = args->source;
    filter.category = args->category;
    filter.limit = args->limit;
    filter.offset = args->offset;
    filter.newest_first = args->newest;
    auto lib = open_library(args->common, Access::kRead);
    if (!lib) return kExitError;
    auto rows = lib->catalog().list(filter);
    if (!rows) {
      print_error(args->common, rows.status());
      return kExitError;
    }
    if (args->common.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& s : *rows) out.push_back(summary_json(s));
      print_json(out);
      return kExitOk;
    }
    for (const auto& s : *rows) {
      const std::string& source = s.source_name.empty() ? s.source : s.source_name;
      std::printf("%-18s %-6s %-8s %-12s %s\n", s.id.c_str(), s.year ? std::to_string(*s.year).c_str() : "-",
                  s.type.empty() ? "-" : s.type.c_str(), source.empty() ? "-" : source.c_str(), s.title.c_str());
    }
    std::printf("%zu document(s)\n", rows->size());
    return kExitOk;
  };
}

Runner register_delete(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::vector<std::string> ids;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("delete", "Delete documents by id (exit code 1 if any was not found)");
  add_common_options(cmd, args->common);
  cmd->add_option("ids", args->ids, "Document ids")->required();
  return [args]() {
    auto lib = open_library(args->common, Access::kWrite, "wenyuan delete");
    if (!lib) return kExitError;
    int rc = kExitOk;
    nlohmann::json deleted = nlohmann::json::array(), missing = nlohmann::json::array();
    for (const auto& id : args->ids) {
      auto st = lib->remove(id);
      if (st) {
        deleted.push_back(id);
        if (!args->common.json) std::printf("deleted %s\n", id.c_str());
      } else {
        missing.push_back(id);
        if (!args->common.json) std::cerr << "wenyuan: " << st.message() << "\n";
        rc = kExitPartial;
      }
    }
    if (args->common.json) print_json({{"deleted", deleted}, {"not_deleted", missing}});
    return rc;
  };
}

Runner register_stats(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand("stats", "Documents and characters in the library, by source and year");
  add_common_options(cmd, *common);
  return [common]() {
    auto lib = open_library(*common, Access::kRead);
    if (!lib) return kExitError;
    auto st = lib->catalog().stats();
    if (!st) {
      print_error(*common, st.status());
      return kExitError;
    }
    if (common->json) {
      nlohmann::json by_source = nlohmann::json::object(), by_year = nlohmann::json::object();
      for (const auto& [s, n] : st->by_source) by_source[s.empty() ? "(none)" : s] = n;
      for (const auto& [y, n] : st->by_year) by_year[y == 0 ? "(none)" : std::to_string(y)] = n;
      print_json({{"documents", st->documents}, {"characters", st->characters}, {"by_source", by_source},
                  {"by_year", by_year}});
      return kExitOk;
    }
    std::printf("%llu documents, %llu characters\n", static_cast<unsigned long long>(st->documents),
                static_cast<unsigned long long>(st->characters));
    std::printf("\nby source\n");
    for (const auto& [s, n] : st->by_source)
      std::printf("  %8llu  %s\n", static_cast<unsigned long long>(n), s.empty() ? "(none)" : s.c_str());
    std::printf("\nby year\n");
    for (const auto& [y, n] : st->by_year)
      std::printf("  %8llu  %s\n", static_cast<unsigned long long>(n), y == 0 ? "(none)" : std::to_string(y).c_str());
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
