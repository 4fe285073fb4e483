// wenyuan import PATH... : files, folders (recursive) and .jsonl into the library.
#include <iostream>

#include "cli/common.h"
#include "cli/progress.h"

namespace wenyuan::cli {
namespace {

struct SkippedLine {
  std::string path;
  std::string reason;
};

// Every file the run did not import, with its reason: files of folders (and
// archive members) left out by type, and files rejected as a whole ("rejected:
// why"). Records of a .jsonl that failed are errors of their file, not skips.
std::vector<SkippedLine> skipped_files(const library::ImportReport& report) {
  std::vector<SkippedLine> out;
  for (const auto& s : report.skipped) out.push_back({s.path, s.reason});
  for (const auto& f : report.files) {
    if (f.error.empty() || !f.ids.empty()) continue;
    const std::string path = f.path.string();
    std::string why = f.error;
    if (why.compare(0, path.size() + 2, path + ": ") == 0) why.erase(0, path.size() + 2);
    if (why.compare(0, 10, "rejected: ") != 0) why = "rejected: " + why;
    out.push_back({path, std::move(why)});
  }
  return out;
}

nlohmann::json skipped_json(const std::vector<SkippedLine>& skipped) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : skipped) a.push_back({{"path", s.path}, {"reason", s.reason}});
  return a;
}

void print_skipped(const std::vector<SkippedLine>& skipped) {
  if (skipped.empty()) return;
  std::printf("skipped %zu file%s:\n", skipped.size(), skipped.size() == 1 ? "" : "s");
  for (const auto& s : skipped) std::printf("  %s: %s\n", s.path.c_str(), s.reason.c_str());
}

}  // namespace

Runner register_import(CLI::App& app) {
  struct Args {
    CommonOptions common;
    std::vector<std::string> paths;
    bool no_clean = false;
    bool paid = false;
    double preview_share = 0.3;
    bool quiet = false;
    unsigned jobs = 0;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import files and folders. Formats: .txt (UTF-8/GB18030/UTF-16) .md .docx .html .pdf (text layer;\n"
      "scanned PDFs are rejected) .jsonl, .xlsx (cells row by row); through LibreOffice (scripts/setup\n"
      "installs it; about 1-3 s a file, a folder's files 16 to a run): .doc .wps .rtf .odt .et .xls .ods;\n"
      "archives, each member imported like a file of a folder: .zip .7z .tar .tgz, and compressed files\n"
      ".gz .xz (.jsonl.xz, .txt.gz).\n"
      "Archive limits: 10,000 members, 512 MiB inflated in all, 3 levels of nesting; any file 256 MiB.\n"
      "At the end, every file left out is listed with its reason (\"skipped N files:\"; --json: \"skipped\").\n"
      "Re-importing the same content changes nothing. Exit code 1 if any file or record was rejected; 3 if the disk\n"
      "filled: the import stops, says how many documents are stored and lists the files not (wholly) stored.");
  add_common_options(cmd, args->common);
  cmd->add_option("paths", args->paths, "Files or folders to import")->required();
  cmd->add_flag("--no-clean", args->no_clean, "Keep the text exactly as given (no ad or marker removal)");
  cmd->add_flag("--paid", args->paid,
                "Documents without paywall markers or an \"access\" field become paid (preview + paid part)");
  cmd->add_option("--preview-share", args->preview_share,
                  "Share of the body free in a paid document without markers (default 0.3; at least 200 characters, at most half, cut at a sentence end)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("-q,--quiet", args->quiet, "No progress display");
  cmd->add_option("-j,--jobs", args->jobs,
                  "Threads preparing documents (cleaning, outline, metadata) beside the one storing them; "
                  "default: one per hardware thread. The result does not depend on it")
      ->check(CLI::Range(0u, 64u));

  return [args]() {
    auto lib = open_library(args->common, Access::kWrite, "wenyuan import");
    if (!lib) return kExitError;
    library::ImportOptions options;
    options.clean = !args->no_clean;
    options.paid = args->paid;
    options.preview_share = args->preview_share;
    options.prepare_workers = args->jobs;
    std::vector<std::filesystem::path> paths(args->paths.begin(), args->paths.end());

    ProgressReporter progress(stderr_is_terminal());
    library::ProgressFn on_progress;
    if (!args->quiet) on_progress = [&](const library::ImportProgress& p) { progress.update(p); };
    std::vector<std::string> rejects;
    const auto report = lib->import_paths(paths, options, on_progress, [&](const std::string& msg) {
      progress.finish();
      if (!args->common.json) std::cerr << msg << "\n";
      rejects.push_back(msg);
    });
    progress.finish();
    const std::vector<SkippedLine> skipped = skipped_files(report);
    // The documents are in the catalog either way; only the day's record is missing.
    for (const std::string& w : report.warnings) std::cerr << "warning: " << w << "\n";
    if (!report.intake_error.empty()) std::cerr << "warning: not recorded in the intake log: " << report.intake_error << "\n";

    std::vector<std::string> not_stored_files;
    for (const auto& f : report.not_stored_files) not_stored_files.push_back(f.string());
    if (args->common.json) {
      print_json({{"imported", report.imported},
                  {"updated", report.updated},
                  {"unchanged", report.unchanged},
                  {"rejected", report.rejected},
                  {"errors", rejects},
                  {"skipped", skipped_json(skipped)},
                  {"bytes", report.bytes},
                  {"characters", report.characters},
                  {"seconds", report.seconds},
                  {"ids", report.imported_ids},
                  {"not_stored", report.not_stored},
                  {"not_stored_files", not_stored_files},
                  {"disk_full", report.disk_full()},
                  {"indexed_by", lib->is_index_writer() ? "" : lib->index_writer()}});
    } else {
      const double mb = static_cast<double>(report.bytes) / 1e6;
      std::printf("imported %llu, updated %llu, unchanged %llu, rejected %llu  (%.1f MB in %.2f s, %.1f MB/s)\n",
                  static_cast<unsigned long long>(report.imported), static_cast<unsigned long long>(report.updated),
                  static_cast<unsigned long long>(report.unchanged), static_cast<unsigned long long>(report.rejected),
                  mb, report.seconds, report.seconds > 0 ? mb / report.seconds : 0.0);
      print_skipped(skipped);
      if (!lib->is_index_writer()) {
        const std::string who = lib->index_writer();
        std::printf("the index is written by another process (%s): it makes these documents searchable\n",
                    who.empty() ? "unknown" : who.c_str());
      }
    }
    if (report.disk_full()) {
      // Every reported document is stored (acknowledged means durable); the
      // files listed are the ones to import again once there is space.
      std::fprintf(stderr, "wenyuan: disk full: %llu documents stored, %llu not; free space and import again\n",
                   static_cast<unsigned long long>(report.imported + report.updated + report.unchanged),
                   static_cast<unsigned long long>(report.not_stored));
      // One line a file, grep-able: "wenyuan: not stored: PATH" (wholly or in part).
      for (const auto& f : not_stored_files) std::fprintf(stderr, "wenyuan: not stored: %s\n", f.c_str());
      return kExitDiskFull;
    }
    return report.rejected > 0 ? kExitPartial : kExitOk;
  };
}

}  // namespace wenyuan::cli
