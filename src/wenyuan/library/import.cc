// Library::import_paths and import_bytes: reading, preparing and storing a
// run of files (the two-thread pipeline described below).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cctype>
#include <chrono>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "wenyuan/dedup/sketch.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/index/index.h"
#include "wenyuan/library/library_internal.h"
#include "wenyuan/library/prepare_pipeline.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::library {

namespace fs = std::filesystem;
using internal::kPublishIntervalMs;
using internal::steady_ms;

namespace {

// Catalog transactions group this many documents: a crash loses at most one
// uncommitted batch, never half a document.
constexpr size_t kBatchDocuments = 256;

// Expands folders (recursively, importable files only, sorted) and keeps files
// as given. A path that does not exist is reported; every file of a folder left
// out goes to `skipped` with its reason (doc::skip_reason; a hidden folder once).
std::vector<fs::path> expand_paths(const std::vector<fs::path>& paths, const RejectFn& on_reject,
                                   uint64_t& rejected, std::vector<SkippedFile>& skipped) {
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->is_directory(ec)) {
          if (!name.empty() && name[0] == '.') {  // .git, .svn: never material
            skipped.push_back({it->path().string() + "/", "hidden folder"});
            it.disable_recursion_pending();
          }
          continue;
        }
        if (!it->is_regular_file(ec)) continue;
        if (std::string why = doc::skip_reason(name); !why.empty()) {
          skipped.push_back({it->path().string(), std::move(why)});
        } else {
          found.push_back(it->path());
        }
      }
      if (ec) {
        ++rejected;
        if (on_reject) on_reject(p.string() + ": " + ec.message());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      ++rejected;
      if (on_reject) on_reject(p.string() + ": no such file or folder");
    }
  }
  return files;
}

}  // namespace

// Documents a catalog batch holds until it commits: only then are they stored.
struct OpenCounts {
  uint64_t imported = 0, updated = 0, unchanged = 0, characters = 0;
  std::vector<std::string> ids;
  std::set<size_t> files;  // input files (by position) with a document in it
  uint64_t documents() const { return imported + updated + unchanged; }
};

// What one import run accumulates.
struct Library::Batch {
  const ImportOptions* options = nullptr;
  const ProgressFn* on_progress = nullptr;
  const RejectFn* on_reject = nullptr;
  ImportReport report;
  ImportProgress progress;
  FileOutcome file;  // the file being stored, moved into report.files at its end
  size_t file_index = 0;           // its position in the input files
  std::set<size_t> lost_files;     // positions of files with a document not stored
  size_t in_transaction = 0;
  OpenCounts open;  // in the open transaction
  Status fatal;     // catalog failure: stop importing, keep what is committed
};

// ---- import: prepare on workers, store on the caller's thread ----------------
//
// A reader thread reads and parses the files and N workers prepare the records
// (cleaning, outline, hashes, encoding for the catalog: most of the CPU;
// prepare_pipeline.h); the calling thread, which owns the Catalog (one SQLite
// connection, used by one thread), takes the prepared documents in input order
// and does the catalog put and the index add. A bounded window between them
// keeps memory flat.
//
// Why the workers never touch the Catalog: clean() asks it how often an edge
// line recurs in a source (site headers/footers), and the answer depends on every
// document put before this one, including those of this very import still in the
// open transaction. A second read-only connection would see neither those nor a
// deterministic moment, so results would depend on thread timing. Instead a
// worker prepares against a RecordingEdgeStats, which answers "a large source where
// no line recurs" and writes down each line clean() asks about; the calling
// thread asks the catalog the same questions right before the put, in input
// order. When no line recurs (the usual case) the worker's document is exactly
// what prepare() with the catalog gives (clean.h: an answer only ever takes out
// the line it is about); otherwise the document is prepared again here, with the
// catalog itself. Either way the result depends neither on timing nor on N.

void Library::store_prepared(PreparedItem& item, Batch& batch) {
  auto reject = [&](const std::string& msg) {
    ++batch.report.rejected;
    if (batch.file.error.empty()) batch.file.error = msg;
    if (*batch.on_reject) (*batch.on_reject)(msg);
  };
  if (item.file_end) {
    if (!item.status) reject(item.status.message());
    batch.file.path = item.path;
    batch.report.files.push_back(std::exchange(batch.file, {}));
    ++batch.file_index;
    batch.progress.bytes_done += item.file_size;
    batch.report.bytes += item.file_size;
    if (*batch.on_progress) (*batch.on_progress)(batch.progress);
    return;
  }
  if (!batch.fatal.is_ok()) {
    if (item.status) {  // read, but the import had stopped
      ++batch.report.not_stored;
      batch.lost_files.insert(batch.file_index);
    }
    return;
  }
  ++batch.progress.documents;
  if (!item.status) {
    reject(item.status.message());
    return;
  }
  doc::Document& document = *item.document;
  if (!item.asked_lines.empty()) {
    const std::string& source = item.raw->source;
    const uint32_t docs = catalog_->documents_in_source(source);
    const bool recurs = docs >= doc::kRecurringMinDocuments &&
                        std::any_of(item.asked_lines.begin(), item.asked_lines.end(), [&](const std::string& line) {
                          return doc::is_recurring_edge_line(catalog_->documents_with_edge_line(source, line), docs);
                        });
    if (recurs) {
      doc::PrepareOptions prep = prepare_options(*batch.options, item.now);
      prep.edge_stats = catalog_.get();
      item.raw->original = std::move(document.original);
      auto again = doc::prepare(std::move(*item.raw), prep);
      if (!again) {
        reject(again.status().message());
        return;
      }
      document = std::move(again.value());
      item.encoded = store::encode(document);
      if (batch.options->detect_duplicates) item.encoded.dup = dedup::sketch(document);
    }
  }
  if (batch.in_transaction == 0) {
    auto st = catalog_->begin_batch();
    if (!st) {
      batch.fatal = st;
      return;
    }
  }
  for (const std::string& w : document.warnings) batch.report.warnings.push_back(w);
  auto outcome = catalog_->put(document, item.encoded, item.edges);
  if (!outcome) {
    if (is_disk_full(outcome.status())) {
      // Every later document would fail the same way: stop, and say how far it got.
      ++batch.report.not_stored;
      batch.lost_files.insert(batch.file_index);
      batch.fatal = outcome.status();
      return;
    }
    reject(document.origin + ": " + outcome.status().message());
    return;
  }
  ++batch.in_transaction;
  batch.open.files.insert(batch.file_index);
  batch.file.ids.push_back(document.id);
  switch (*outcome) {
    case store::PutOutcome::kUnchanged:
      ++batch.open.unchanged;
      break;
    case store::PutOutcome::kInserted:
    case store::PutOutcome::kUpdated: {
      if (*outcome == store::PutOutcome::kInserted) ++batch.open.imported; else ++batch.open.updated;
      batch.open.characters += document.text_chars;
      batch.open.ids.push_back(document.id);
      // Kept for the index (sync_index) so it need not read the document back.
      auto own = std::make_unique<OwnChange>();
      own->seq = catalog_->last_change_seq();
      own->doc = index::to_index_doc(document);
      own_[document.id] = std::move(own);
      break;
    }
  }
  if (batch.in_transaction >= kBatchDocuments) commit_open_batch(batch);
}

void Library::commit_open_batch(Batch& batch) {
  if (batch.in_transaction == 0) return;
  auto st = catalog_->commit_batch();
  batch.in_transaction = 0;
  OpenCounts open = std::exchange(batch.open, {});
  if (!st) {
    // Rolled back: none of these documents is stored, so none is reported.
    batch.report.not_stored += open.documents();
    batch.lost_files.insert(open.files.begin(), open.files.end());
    if (batch.fatal.is_ok()) batch.fatal = st;
    for (const auto& id : open.ids) own_.erase(id);
    return;
  }
  batch.report.imported += open.imported;
  batch.report.updated += open.updated;
  batch.report.unchanged += open.unchanged;
  batch.report.characters += open.characters;
  batch.report.imported_ids.insert(batch.report.imported_ids.end(), open.ids.begin(), open.ids.end());
  if (steady_ms() - last_publish_ms_ >= kPublishIntervalMs) {
    auto pst = publish();
    if (!pst && batch.fatal.is_ok()) batch.fatal = pst;
  }
}

ImportReport Library::import_paths(const std::vector<fs::path>& paths, const ImportOptions& options,
                                   const ProgressFn& on_progress, const RejectFn& caller_on_reject) {
  // Every reject also goes to the intake log (record_intake, at the end).
  std::vector<std::string> intake_rejects;
  uint64_t intake_rejects_dropped = 0;
  const RejectFn on_reject = [&](const std::string& m) {
    if (intake_rejects.size() < store::IntakeLog::kMaxRejectsPerRun) intake_rejects.push_back(m); else ++intake_rejects_dropped;
    if (caller_on_reject) caller_on_reject(m);
  };
  const auto started = std::chrono::steady_clock::now();
  Batch batch;
  batch.options = &options;
  batch.on_progress = &on_progress;
  batch.on_reject = &on_reject;
  const std::vector<fs::path> files = expand_paths(paths, on_reject, batch.report.rejected, batch.report.skipped);
  std::vector<SkippedFile> members_skipped;  // the worker's; read after it is joined
  for (const auto& f : files) {
    std::error_code ec;
    batch.progress.bytes_total += fs::file_size(f, ec);
  }
  {
    PreparePipeline pipeline(options, prepare_workers(options.prepare_workers));
    // Cancels and joins on every way out of this block, so the reader never
    // outlives the pipeline or the files it reads (the pipeline's destructor
    // then joins the workers).
    struct Reader {
      PreparePipeline& pipeline;
      std::thread thread;
      ~Reader() {
        pipeline.cancel();
        if (thread.joinable()) thread.join();
      }
    } reader{pipeline, std::thread([&] {
               read_files(files, options, pipeline, members_skipped);
               pipeline.close();
             })};
    while (auto item = pipeline.pop()) {
      store_prepared(*item, batch);
      // A catalog failure stops the import after the file it happened in is accounted for.
      if (!batch.fatal.is_ok() && item->file_end) break;
    }
  }
  batch.report.skipped.insert(batch.report.skipped.end(), members_skipped.begin(), members_skipped.end());
  commit_open_batch(batch);
  if (batch.fatal.is_ok()) batch.fatal = publish();
  if (batch.fatal.is_ok() && options_.merge_after_import && lock_) {
    auto merged = index_->maybe_merge();
    if (!merged) batch.fatal = merged.status();
  }
  if (!batch.fatal.is_ok()) {
    ++batch.report.rejected;
    // Files it never reached are not stored either (their documents were
    // never read, so they are not in the count).
    for (size_t i = batch.file_index; i < files.size(); ++i) batch.lost_files.insert(i);
    for (size_t i : batch.lost_files) batch.report.not_stored_files.push_back(files[i]);
    std::string msg = "import stopped: " + batch.fatal.message() + ": " +
                      std::to_string(batch.report.imported + batch.report.updated + batch.report.unchanged) +
                      " documents stored, " + std::to_string(batch.report.not_stored) + " not";
    if (on_reject) on_reject(msg);
  }
  batch.report.fatal = batch.fatal;
  batch.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record_intake(paths, files, options, batch.report, std::move(intake_rejects), intake_rejects_dropped);
  return batch.report;
}

ImportReport Library::import_bytes(const std::string& name, std::string bytes, const ImportOptions& options,
                                   const RejectFn& on_reject) {
  // Uploads go through a temporary file so every format (and .jsonl streaming) takes one path.
  const fs::path tmp_dir = data_dir_ / "tmp";
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  const fs::path tmp = tmp_dir / fs::path(name).filename();
  {
    FILE* f = std::fopen(tmp.c_str(), "wb");
    bool written = f != nullptr && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    int err = errno;
    if (f != nullptr && std::fclose(f) != 0 && written) {  // the buffered tail can meet a full disk here
      written = false;
      err = errno;
    }
    if (!written) {
      fs::remove(tmp, ec);
      ImportReport r;
      r.rejected = 1;
      if (err == ENOSPC) {
        // Nothing of it is stored: the same verdict as a full disk met later.
        r.fatal = Status::io_error(name + ": cannot stage the upload: " + std::strerror(err));
        r.not_stored_files.push_back(name);
      }
      if (on_reject) on_reject(name + ": cannot stage the upload" + (err == ENOSPC ? ": disk full" : ""));
      return r;
    }
  }
  ImportReport r = import_paths({tmp}, options, {}, on_reject);
  fs::remove(tmp, ec);
  return r;
}

}  // namespace wenyuan::library
