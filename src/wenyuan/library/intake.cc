// Library::record_intake: the end of every import run, written to the intake
// log (store/intake_log.h). Kept out of library.cc so the import pipeline there
// knows only that a run is recorded, not how.
#include <chrono>

#include "wenyuan/library/library.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::library {

Result<store::IntakeLog*> Library::intake_log() {
  if (!intake_) {
    // Opened on the first run, not in open(): a Library opened only to read
    // (a CLI search) writes nothing.
    WENYUAN_ASSIGN_OR_RETURN(intake_, store::IntakeLog::open(data_dir_ / "intake.db", catalog_.get()));
  }
  return intake_.get();
}

void Library::record_intake(const std::vector<std::filesystem::path>& paths,
                            const std::vector<std::filesystem::path>& files, const ImportOptions& options,
                            ImportReport& report, std::vector<std::string> rejects, uint64_t rejects_dropped) {
  if (auto log = intake_log(); !log) {
    report.intake_error = log.status().message();
    return;
  }
  // Reject messages start with the path as the importer was given it; the
  // inputs tell where the path ends and the reason begins.
  std::vector<std::string> inputs;
  inputs.reserve(paths.size() + files.size());
  for (const auto& p : paths) inputs.push_back(p.string());
  for (const auto& f : files) inputs.push_back(f.string());

  store::IntakeRun run;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  run.started_at = now - static_cast<int64_t>(report.seconds);
  run.origin = options.intake_origin;
  run.imported = report.imported;
  run.updated = report.updated;
  run.unchanged = report.unchanged;
  run.rejected = report.rejected;
  run.bytes = report.bytes;
  run.seconds = report.seconds;
  run.rejects_dropped = rejects_dropped;
  run.rejects.reserve(rejects.size());
  for (const auto& m : rejects) run.rejects.push_back(store::split_reject(m, inputs));
  auto st = intake_->record(run, report.imported_ids);
  if (!st) report.intake_error = st.status().message();
}

}  // namespace wenyuan::library
