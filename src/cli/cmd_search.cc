// wenyuan search QUERY | --batch FILE : precise search (精准搜索) from the shell.
// The JSON shapes here are a contract scripts and benchmarks rely on (README).
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "wenyuan/search/collapse.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/search/query.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::cli {

namespace {

struct SearchArgs {
  CommonOptions common;
  std::string query;
  std::string batch;
  size_t limit = 10;
  size_t offset = 0;
  std::string sort = "relevance";
  std::string unit = "document";
  bool no_collapse = false;
};

nlohmann::json hit_json(const search::Hit& h) {
  nlohmann::json snippets = nlohmann::json::array();
  for (const auto& s : h.snippets) {
    nlohmann::json hl = nlohmann::json::array();
    for (const auto& [a, b] : s.highlights) hl.push_back({a, b});
    snippets.push_back({{"text", s.text}, {"start", s.start}, {"end", s.end}, {"highlights", hl}});
  }
  nlohmann::json j = {{"id", h.id},
                      {"title", h.title},
                      {"year", h.year ? nlohmann::json(*h.year) : nlohmann::json(nullptr)},
                      {"source", h.source},
                      {"score", h.score},
                      {"snippets", snippets}};
  if (h.paragraph) j["paragraph"] = {{"start", h.paragraph->start}, {"end", h.paragraph->end}};
  return j;
}

// The snippet with its highlights marked: bold on a terminal, ⟦…⟧ elsewhere.
std::string mark_highlights(const search::Snippet& s, bool terminal) {
  const char* open = terminal ? "\033[1;31m" : "⟦";
  const char* close = terminal ? "\033[0m" : "⟧";
  const std::u32string cps = text::decode_utf8(s.text);
  std::string out;
  size_t k = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    while (k < s.highlights.size() && s.highlights[k].second <= i) ++k;
    if (k < s.highlights.size() && s.highlights[k].first == i) out += open;
    if (cps[i] != U'\n') text::append_utf8(out, cps[i]); else out += ' ';
    if (k < s.highlights.size() && s.highlights[k].second == i + 1) out += close;
  }
  return out;
}

int run_batch(const SearchArgs& a, const search::Engine& engine) {
  std::ifstream in(a.batch);
  if (!in) {
    print_error(a.common, Status::io_error(a.batch + ": cannot open"));
    return kExitError;
  }
  std::string line;
  int rc = kExitOk;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    search::SearchRequest req;
    req.query = line;
    req.limit = a.limit == 0 ? SIZE_MAX : a.limit;
    // Ids only: no snippets, no match ranges and no other fields, so no hit's
    // text is read (every matching id comes from postings and doc records alone).
    req.ids_only = true;
    auto r = engine.search(req);
    nlohmann::json out = {{"query", line}};
    if (!r) {
      out["error"] = r.status().message();
      rc = kExitPartial;
    } else {
      nlohmann::json ids = nlohmann::json::array();
      for (size_t i = 0; i < r->ids.size(); ++i) ids.push_back(r->ids.id(i));
      out["total"] = r->total;
      out["ids"] = std::move(ids);
      out["took_us"] = r->took_us;
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return rc;
}

// The search, folded unless `fold` is false (search/collapse.h).
Result<search::FoldedResult> search_maybe_folded(library::Library& lib, const search::SearchRequest& req, bool fold) {
  auto q = search::parse_query(req.query);
  if (!q) return q.status();
  if (!fold) {
    auto r = lib.engine().search(*q, req);
    if (!r) return r.status();
    search::FoldedResult f;
    f.result = std::move(*r);
    f.folded.resize(f.result.hits.size());
    return f;
  }
  const store::Catalog& catalog = lib.catalog();
  return search::search_folded(lib.engine(), *q, req, [&](const std::string& id) -> std::optional<uint64_t> {
    auto c = catalog.dup_cluster_of(id);
    return c && *c ? std::optional<uint64_t>(static_cast<uint64_t>(**c)) : std::nullopt;
  });
}

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

}  // namespace

Runner register_search(CLI::App& app) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand(
      "search",
      "Precise search: a term matches exactly where its characters occur (after normalizing width, case,\n"
      "traditional/simplified and whitespace). Terms are ANDed; \"…\" quotes a phrase with spaces; A | B or\n"
      "A OR B; -term excludes; ( ) group; fields title: heading: year:2023 year:2019..2023 source: category: type: (文种)");
  add_common_options(cmd, args->common);
  cmd->add_option("query", args->query, "The query");
  cmd->add_option("--batch", args->batch,
                  "Run one query per line of FILE; print one JSON object per line {query,total,ids,took_us}");
  cmd->add_option("--limit", args->limit, "Hits to return (default 10; with --batch, 0 = every matching id)");
  cmd->add_option("--offset", args->offset, "Skip the first N hits");
  cmd->add_option("--sort", args->sort, "relevance (default) or date")->check(CLI::IsMember({"relevance", "date"}));
  cmd->add_option("--unit", args->unit, "document (default) or paragraph (金句: matching paragraphs)")
      ->check(CLI::IsMember({"document", "paragraph"}));
  cmd->add_flag("--no-collapse", args->no_collapse,
                "Show every document: do not fold a duplicate cluster (`wenyuan dups`) into one hit with\n"
                "\"N similar\" (the total counts every matching document either way; --batch never folds)");

  return [args]() {
    if (args->query.empty() == args->batch.empty()) {
      print_error(args->common, Status::invalid_argument("search: give a QUERY or --batch FILE (one of them)"));
      return kExitError;
    }
    auto lib = open_library(args->common, Access::kRead);
    if (!lib) return kExitError;
    const auto& engine = lib->engine();
    if (!args->batch.empty()) return run_batch(*args, engine);

    search::SearchRequest req;
    req.query = args->query;
    req.limit = args->limit;
    req.offset = args->offset;
    req.sort = args->sort == "date" ? search::SearchRequest::Sort::kDate : search::SearchRequest::Sort::kRelevance;
    req.unit = args->unit == "paragraph" ? search::SearchRequest::Unit::kParagraph
                                         : search::SearchRequest::Unit::kDocument;
    auto folded = search_maybe_folded(*lib, req, !args->no_collapse);
    if (!folded) {
      print_error(args->common, folded.status().with_context("query \"" + args->query + "\""));
      return kExitError;
    }
    const search::SearchResult* r = &folded->result;
    if (args->common.json) {
      nlohmann::json hits = nlohmann::json::array();
      for (size_t i = 0; i < r->hits.size(); ++i) {
        hits.push_back(hit_json(r->hits[i]));
        hits.back()["similar"] = {{"count", folded->folded[i].size()}, {"ids", folded->folded[i]}};
      }
      print_json({{"query", args->query}, {"total", r->total}, {"took_us", r->took_us},
                  {"collapsed", !args->no_collapse}, {"hits", hits}});
      return kExitOk;
    }
    const bool tty = stdout_is_terminal();
    std::printf("%llu %s (%.3f ms)\n", static_cast<unsigned long long>(r->total),
                req.unit == search::SearchRequest::Unit::kParagraph ? "paragraph(s)" : "document(s)",
                static_cast<double>(r->took_us) / 1000.0);
    size_t rank = args->offset;
    for (size_t i = 0; i < r->hits.size(); ++i) {
      const auto& h = r->hits[i];
      std::printf("\n%zu. %s%s%s  [%s · %s · %s]\n", ++rank, tty ? "\033[1m" : "", h.title.c_str(), tty ? "\033[0m" : "",
                  h.id.c_str(), h.year ? std::to_string(*h.year).c_str() : "-", h.source.empty() ? "-" : h.source.c_str());
      if (!folded->folded[i].empty()) std::printf("   (%zu similar: %s)\n", folded->folded[i].size(), join(folded->folded[i]).c_str());
      for (const auto& s : h.snippets) std::printf("   %s\n", mark_highlights(s, tty).c_str());
    }
    return kExitOk;
  };
}

Runner register_reindex(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand("reindex", "Rebuild the search index from the catalog (the catalog is the truth)");
  add_common_options(cmd, *common);
  return [common]() {
    // rebuild_index: an index of an older segment format is the reason to run
    // reindex (the refusal message says so), so it must open anyway.
    library::OpenOptions options;
    options.holder = "wenyuan reindex";
    options.catch_up = false;
    options.rebuild_index = true;
    auto opened = library::Library::open(common->data_dir, options);
    if (!opened) {
      print_error(*common, opened.status());
      return kExitError;
    }
    auto lib = std::move(opened.value());
    auto st = lib->reindex();
    if (!st) {
      print_error(*common, st);
      return kExitError;
    }
    if (common->json) print_json({{"reindexed", true}}); else std::printf("index rebuilt from the catalog\n");
    return kExitOk;
  };
}

Runner register_optimize(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand("optimize", "Merge the index's segments into one");
  add_common_options(cmd, *common);
  return [common]() {
    auto lib = open_library(*common, Access::kWrite, "wenyuan optimize");
    if (!lib) return kExitError;
    auto st = lib->optimize();
    if (!st) {
      print_error(*common, st);
      return kExitError;
    }
    if (common->json) print_json({{"optimized", true}}); else std::printf("index optimized\n");
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
