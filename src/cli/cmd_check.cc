// wenyuan check DRAFT : 查重 — which parts of a draft already stand in the library.
// The --json shape is a contract (docs/check.md, dedup/check_json.h). The shell
// is the library's operator, so the check reads paid regions too (a member's view).
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/common.h"
#include "wenyuan/dedup/check.h"
#include "wenyuan/dedup/check_json.h"
#include "wenyuan/dedup/check_report.h"
#include "wenyuan/dedup/draft.h"
#include "wenyuan/dedup/fingerprint_index.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::cli {

namespace {

struct CheckArgs {
  CommonOptions common;
  std::string draft;
  uint32_t min_chars = dedup::kGuaranteed;
  bool stats = false;
  std::string docx;
};

Result<std::string> read_draft(const std::string& path) {
  std::string bytes;
  if (path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return dedup::draft_text("stdin.txt", std::move(bytes), 0);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return dedup::draft_text(path, ss.str(), 0);
}

void print_report(const dedup::FingerprintIndex& index, const dedup::CheckReport& r, const std::string& draft) {
  std::printf("%.1f%% of the draft found in the library (%u of %u characters), %zu span(s), %u source(s)\n",
              r.share * 100, r.copied_chars, r.chars, r.spans.size(), r.source_total);
  if (!r.complete) std::printf("(incomplete: the work budget ran out)\n");
  for (const auto& s : r.spans) {
    std::string piece = text::substr_code_points(draft, s.start, s.end);
    for (char& c : piece)
      if (c == '\n') c = ' ';
    std::printf("\n[%u, %u) %s\n", s.start, s.end, piece.c_str());
    for (const auto& x : s.sources)
      std::printf("   = %s [%u, %u) %s\n", index.doc(x.doc).id.c_str(), x.start, x.end, index.doc(x.doc).title.c_str());
    if (s.source_count > s.sources.size()) std::printf("   … %zu more\n", s.source_count - s.sources.size());
  }
  if (!r.sources.empty()) std::printf("\nsources:\n");
  for (const auto& c : r.sources)
    std::printf("  %6u  %s  %s\n", c.copied_chars, index.doc(c.doc).id.c_str(), index.doc(c.doc).title.c_str());
}

}  // namespace

Runner register_check(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand(
      "check",
      "查重: find the parts of DRAFT (.txt in any encoding, .docx, .html, .pdf, .md, or - for stdin) that stand\n"
      "in the library: runs of at least --min-chars characters after normalization (width, case,\n"
      "traditional/simplified, whitespace and punctuation do not matter). See docs/check.md.");
  add_common_options(cmd, args->common);
  cmd->add_option("draft", args->draft, "The draft file, or - for stdin")->required();
  cmd->add_option("--min-chars", args->min_chars,
                  "Shortest run that counts, in characters (default 13; at least 8; below 13 recall is not guaranteed)")
      ->check(CLI::Range(dedup::kMinMinChars, 100000u));
  cmd->add_option("--docx", args->docx, "Also write the report a reviewer files to FILE (.docx)");
  cmd->add_flag("--stats", args->stats, "Also print the fingerprint index's size and timings (stderr)");

  return [args]() {
    auto draft = read_draft(args->draft);
    if (!draft) {
      print_error(args->common, draft.status());
      return kExitError;
    }
    auto lib = open_library(args->common, Access::kRead);
    if (!lib) return kExitError;
    const auto t0 = std::chrono::steady_clock::now();
    dedup::FingerprintIndex index;
    if (auto st = index.build(lib->catalog()); !st) {
      print_error(args->common, st);
      return kExitError;
    }
    const auto t1 = std::chrono::steady_clock::now();
    dedup::CheckOptions o;
    o.min_chars = args->min_chars;
    o.paid_visible = true;
    const dedup::CheckReport r = dedup::check(index, *draft, o);
    const auto t2 = std::chrono::steady_clock::now();
    const auto us = [](auto a, auto b) { return std::chrono::duration_cast<std::chrono::microseconds>(b - a).count(); };
    if (args->stats) {
      const auto s = index.stats();
      std::fprintf(stderr,
                   "index: %llu documents, %llu characters, %llu fingerprints, %.1f MB (%.2f MB per million characters), "
                   "built in %.2f s; check %.3f ms\n",
                   static_cast<unsigned long long>(s.documents), static_cast<unsigned long long>(s.characters),
                   static_cast<unsigned long long>(s.fingerprints), s.memory_bytes / 1e6,
                   s.characters ? s.memory_bytes / static_cast<double>(s.characters) : 0.0, us(t0, t1) / 1e6,
                   us(t1, t2) / 1e3);
    }
    if (!args->docx.empty()) {
      auto bytes = dedup::report_docx(index, r, *draft, true);
      std::ofstream out(args->docx, std::ios::binary);
      if (!bytes || !(out << *bytes) || !out.flush()) {
        print_error(args->common, bytes ? Status::io_error(args->docx + ": cannot write") : bytes.status());
        return kExitError;
      }
    }
    if (args->common.json) {
      nlohmann::json j = dedup::report_json(index, r, true);
      j["took_us"] = us(t1, t2);
      print_json(j);
    } else {
      print_report(index, r, *draft);
    }
    return kExitOk;
  };
}

}  // namespace wenyuan::cli
