#include "wenyuan/library/library.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "wenyuan/dedup/sketch.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::library {

namespace fs = std::filesystem;

namespace {

// Catalog transactions group this many documents: a crash loses at most one
// uncommitted batch, never half a document.
constexpr size_t kBatchDocuments = 256;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Files inside a folder that describe the folder rather than hold material:
// hidden files (.DS_Store, editor swap files) and README/LICENSE notes.
bool is_folder_furniture(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.empty() || name[0] == '.') return true;
  std::string stem = p.stem().string();
  for (auto& c : stem) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return stem == "README" || stem == "LICENSE" || stem == "COPYING";
}

// Expands folders (recursively, importable files only, sorted) and keeps files
// as given. A path that does not exist is reported.
std::vector<fs::path> expand_paths(const std::vector<fs::path>& paths, const RejectFn& on_reject,
                                   uint64_t& rejected) {
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && doc::is_importable(it->path()) && !is_folder_furniture(it->path())) {
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
  size_t in_transaction = 0;
  OpenCounts open;  // in the open transaction
  Status fatal;     // catalog failure: stop importing, keep what is committed
};

// A document this process put, kept for the index until it is published.
struct Library::OwnChange {
  uint64_t seq = 0;
  index::IndexDoc doc;
};

namespace {

// How often a long import makes what it stored so far searchable (and frees
// the documents it kept for the index): near-real-time without a commit per batch.
constexpr int64_t kPublishIntervalMs = 1000;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool is_disk_full(const Status& st) {
  if (st.is_ok()) return false;
  // SQLite says SQLITE_FULL as "database or disk is full"; the index's own
  // writes carry strerror(ENOSPC).
  const std::string& m = st.message();
  return m.find("disk is full") != std::string::npos || m.find("No space left") != std::string::npos;
}

bool ImportReport::disk_full() const { return is_disk_full(fatal); }

Result<std::unique_ptr<Library>> Library::open(const fs::path& data_dir, const OpenOptions& options) {
  std::error_code ec;
  if (options.read_only) {
    if (!fs::is_directory(data_dir, ec)) return Status::not_found(data_dir.string() + ": no library here");
  } else {
    // index/ too: an Index opened read-only on a missing folder is an empty one in memory.
    fs::create_directories(data_dir / "index", ec);
    if (ec) return Status::io_error(data_dir.string() + ": cannot create the library folder: " + ec.message());
  }
  std::unique_ptr<Library> lib(new Library());
  lib->data_dir_ = data_dir;
  lib->options_ = options;
  auto catalog = store::Catalog::open(data_dir / "catalog.db");
  if (!catalog) return catalog.status();
  lib->catalog_ = std::move(catalog.value());
  index::IndexOptions io;
  io.read_only = true;  // until the lock is ours (try_become_writer)
  auto index = index::Index::open(data_dir / "index", io);
  if (!index) return index.status();
  lib->index_ = std::move(index.value());
  lib->engine_ = std::make_unique<search::Engine>(*lib->index_);
  if (!options.read_only) {
    auto writer = lib->try_become_writer();
    if (!writer) return writer.status();
  }
  if (options.catch_up) WENYUAN_RETURN_IF_ERROR(lib->sync_index());
  return lib;
}

Library::~Library() { close(); }

void Library::close() {
  // The hand-off: a process that changed the catalog while we held the lock
  // found it taken and left the indexing to us. Every such change committed
  // before its try-lock failed, so it is visible once the lock is free again:
  // look, and take the lock back for it if nobody else did.
  for (int round = 0; lock_ && round < 100; ++round) {
    (void)sync_index();
    own_.clear();
    index_->become_reader();  // without the lock this process must not write the index
    lock_.reset();
    if (!catalog_ || index_->catalog_seq() >= catalog_->last_seq()) break;
    auto again = try_become_writer();
    if (!again || !*again) break;  // the new holder indexes it
  }
  if (lock_) {
    index_->become_reader();
    lock_.reset();
  }
}

std::string Library::index_writer() const {
  if (lock_) return "";
  return index::WriterLock::holder(data_dir_ / "index");
}

Result<bool> Library::try_become_writer() {
  if (lock_) return true;
  if (options_.read_only) return false;
  auto lock = index::WriterLock::try_acquire(data_dir_ / "index", options_.holder);
  if (!lock) return lock.status();
  if (!lock->has_value()) return false;
  WENYUAN_RETURN_IF_ERROR(index_->become_writer());
  lock_ = std::make_unique<index::WriterLock>(std::move(**lock));
  return true;
}

Status Library::require_writer(const char* what) const {
  if (lock_) return Status::ok();
  if (options_.read_only) return Status::permission_denied(std::string(what) + ": the library was opened read-only");
  std::string who = index_writer();
  return Status::permission_denied(std::string(what) + ": another process writes this library's index (" +
                                   (who.empty() ? "unknown" : who) + "); stop it first");
}

store::Catalog& Library::catalog() { return *catalog_; }
index::Index& Library::index() { return *index_; }
const search::Engine& Library::engine() const { return *engine_; }

// ---- import: prepare on a worker, store on the caller's thread ----------------
//
// An import is a pipeline of two threads. The worker reads each file, parses it
// into RawDocuments and runs doc::prepare (cleaning, outline, hashes: most of the
// CPU) and encodes them for the catalog (JSON, compression); the calling thread, which owns the Catalog (one SQLite connection, used by
// one thread), takes the prepared documents in input order and does the catalog
// put and the index add. A bounded queue between them keeps memory flat.
//
// Why the worker never touches the Catalog: clean() asks it how often an edge
// line recurs in a source (site headers/footers), and the answer depends on every
// document put before this one, including those of this very import still in the
// open transaction. A second read-only connection would see neither those nor a
// deterministic moment, so results would depend on thread timing. Instead the
// worker prepares against RecordingEdgeStats, which answers "a large source where
// no line recurs" and writes down each line clean() asks about; the calling
// thread asks the catalog the same questions right before the put, in input
// order. When no line recurs (the usual case) the worker's document is exactly
// what prepare() with the catalog gives (clean.h: an answer only ever takes out
// the line it is about); otherwise the document is prepared again there, with the
// catalog itself. Either way the result does not depend on timing.

// One unit of the hand-off: a record of a file, or the end of a file.
struct PreparedItem {
  bool file_end = false;
  Status status;                          // record: read or prepare error; file end: the file's error
  std::optional<doc::Document> document;  // record, prepared without the catalog
  store::EncodedDocument encoded;         // store::encode(*document), also off the catalog's thread
  std::optional<doc::RawDocument> raw;    // record, without `original`: to prepare again
  std::vector<std::string> edges;         // doc::edge_lines of the text as imported
  std::vector<std::string> asked_lines;   // edge lines clean() asked about
  int64_t now = 0;
  uint64_t file_size = 0;  // file end; 0 when unknown
  fs::path path;           // file end
  size_t bytes() const { return raw ? raw->text.size() + (document ? document->text.size() : 0) : 64; }
};

namespace {

class RecordingEdgeStats final : public doc::EdgeLineStats {
 public:
  uint32_t documents_with_edge_line(std::string_view, std::string_view line) const override {
    lines_.emplace_back(line);
    return 0;
  }
  uint32_t documents_in_source(std::string_view) const override { return 1u << 30; }
  std::vector<std::string> take_lines() const { return std::exchange(lines_, {}); }

 private:
  mutable std::vector<std::string> lines_;  // one prepare() at a time, on the worker
};


// Bounded single-producer single-consumer queue; cancel() wakes and stops both sides.
class PreparedQueue {
 public:
  // False when cancelled (the item is dropped).
  bool push(PreparedItem item) {
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return cancelled_ || q_.empty() || (q_.size() < kMaxItems && bytes_ < kMaxBytes); });
    if (cancelled_) return false;
    bytes_ += item.bytes();
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  // Empty when closed and drained, or cancelled.
  std::optional<PreparedItem> pop() {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return cancelled_ || closed_ || !q_.empty(); });
    if (cancelled_ || q_.empty()) return std::nullopt;
    PreparedItem item = std::move(q_.front());
    q_.pop_front();
    bytes_ -= item.bytes();
    not_full_.notify_one();
    return item;
  }
  void close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  void cancel() {
    std::lock_guard<std::mutex> l(mu_);
    cancelled_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }
  bool cancelled() const {
    std::lock_guard<std::mutex> l(mu_);
    return cancelled_;
  }

 private:
  static constexpr size_t kMaxItems = 64;
  static constexpr size_t kMaxBytes = 16u << 20;
  mutable std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<PreparedItem> q_;
  size_t bytes_ = 0;
  bool closed_ = false, cancelled_ = false;
};

doc::PrepareOptions prepare_options(const ImportOptions& options, int64_t now) {
  doc::PrepareOptions prep;
  prep.clean = options.clean;
  prep.paid = options.paid;
  prep.preview_share = options.preview_share;
  prep.now = now;
  return prep;
}

// The worker: reads, parses and prepares every file, in order, into `queue`.
void prepare_files(const std::vector<fs::path>& files, const ImportOptions& options, PreparedQueue& queue) {
  RecordingEdgeStats recorder;
  for (const auto& path : files) {
    if (queue.cancelled()) return;
    doc::PrepareOptions prep = prepare_options(options, unix_now());
    prep.edge_stats = &recorder;
    auto sink = [&](Result<doc::RawDocument> raw) {
      PreparedItem item;
      item.now = prep.now;
      if (!raw) {
        item.status = raw.status();
        queue.push(std::move(item));
        return;
      }
      if (queue.cancelled()) return;
      if (raw->category.empty()) raw->category = options.category;
      item.edges = doc::edge_lines(raw->text);
      // A copy to prepare again should a line recur; `original` (often the
      // biggest field) is taken back from the prepared document instead.
      std::string original = std::move(raw->original);
      item.raw = *raw;
      raw->original = std::move(original);
      auto prepared = doc::prepare(std::move(raw.value()), prep);
      item.asked_lines = recorder.take_lines();
      if (!prepared) {
        item.status = prepared.status();
        item.raw.reset();  // more lines taken out cannot give back an id or text
      } else {
        item.document = std::move(prepared.value());
        item.encoded = store::encode(*item.document);
        if (options.detect_duplicates) item.encoded.dup = dedup::sketch(*item.document);
        if (item.asked_lines.empty()) item.raw.reset();
      }
      queue.push(std::move(item));
    };
    PreparedItem end;
    end.file_end = true;
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    end.file_size = ec ? 0 : size;
    end.path = path;
    end.status = doc::import_file_sandboxed(path, options.limits, options.sandbox, sink);
    if (!queue.push(std::move(end))) return;
  }
}

}  // namespace

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
    batch.progress.bytes_done += item.file_size;
    batch.report.bytes += item.file_size;
    if (*batch.on_progress) (*batch.on_progress)(batch.progress);
    return;
  }
  if (!batch.fatal.is_ok()) {
    if (item.status) ++batch.report.not_stored;  // read, but the import had stopped
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
      batch.fatal = outcome.status();
      return;
    }
    reject(document.origin + ": " + outcome.status().message());
    return;
  }
  ++batch.in_transaction;
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
  const std::vector<fs::path> files = expand_paths(paths, on_reject, batch.report.rejected);
  for (const auto& f : files) {
    std::error_code ec;
    batch.progress.bytes_total += fs::file_size(f, ec);
  }
  {
    PreparedQueue queue;
    // Cancels and joins on every way out of this block, so the worker never
    // outlives the queue or the files it reads.
    struct Worker {
      PreparedQueue& queue;
      std::thread thread;
      ~Worker() {
        queue.cancel();
        if (thread.joinable()) thread.join();
      }
    } worker{queue, std::thread([&] {
               prepare_files(files, options, queue);
               queue.close();
             })};
    while (auto item = queue.pop()) {
      store_prepared(*item, batch);
      // A catalog failure stops the import after the file it happened in is accounted for.
      if (!batch.fatal.is_ok() && item->file_end) break;
    }
  }
  commit_open_batch(batch);
  if (batch.fatal.is_ok()) batch.fatal = publish();
  if (batch.fatal.is_ok() && options_.merge_after_import && lock_) {
    auto merged = index_->maybe_merge();
    if (!merged) batch.fatal = merged.status();
  }
  if (!batch.fatal.is_ok()) {
    ++batch.report.rejected;
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
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
      if (f) std::fclose(f);
      ImportReport r;
      r.rejected = 1;
      if (on_reject) on_reject(name + ": cannot stage the upload");
      return r;
    }
    std::fclose(f);
  }
  ImportReport r = import_paths({tmp}, options, {}, on_reject);
  fs::remove(tmp, ec);
  return r;
}

Status Library::remove(const std::string& id) {
  WENYUAN_RETURN_IF_ERROR(catalog_->remove(id));
  own_.erase(id);
  return publish();
}

Status Library::publish() {
  last_publish_ms_ = steady_ms();
  auto writer = try_become_writer();
  if (!writer) return writer.status();
  if (!*writer) {
    // The holder indexes these changes (it tails the log, or catches up in close()).
    own_.clear();
    return Status::ok();
  }
  return sync_index();
}

Status Library::refresh() {
  if (!lock_ && !options_.read_only) {
    auto writer = try_become_writer();
    if (!writer) return writer.status();
  }
  if (!lock_) {
    auto moved = index_->reload();  // to the writer's newest commit
    if (!moved) return moved.status();
  }
  return sync_index();
}

Result<unsigned> Library::merge() {
  if (!lock_) return 0u;
  return index_->maybe_merge();
}

Status Library::sync_index() {
  const uint64_t from = index_->catalog_seq();
  auto changes = catalog_->changes_since(from);
  if (!changes) return changes.status();
  if (changes->empty()) {
    own_.clear();  // put and rolled back, or already indexed
    return Status::ok();
  }
  // The last change of each id decides; earlier ones are history.
  std::unordered_map<std::string, const store::Change*> last;
  for (const auto& c : *changes) last[c.id] = &c;
  index_->discard_pending();
  for (const auto& c : *changes) {
    if (last[c.id] != &c) continue;
    if (c.deleted) {
      auto st = index_->remove(c.id);
      if (!st && st.code() != StatusCode::kNotFound) return st;
      continue;
    }
    auto own = own_.find(c.id);
    if (own != own_.end() && own->second->seq == c.seq) {
      WENYUAN_RETURN_IF_ERROR(index_->add(std::move(own->second->doc)));
      continue;
    }
    auto d = catalog_->get(c.id);
    if (!d) {
      if (d.status().code() == StatusCode::kNotFound) continue;  // deleted by a change after this snapshot
      return d.status();
    }
    WENYUAN_RETURN_IF_ERROR(index_->add(*d));
  }
  own_.clear();
  Status st = index_->commit(changes->back().seq);
  if (!st) index_->discard_pending();
  return st;
}

Result<VerifyReport> Library::verify() {
  VerifyReport r;
  auto snap = index_->snapshot();
  r.index_seq = snap->catalog_seq();
  r.segments = snap->parts().size();
  auto changes = catalog_->changes_since(r.index_seq);
  if (!changes) return changes.status();
  r.pending_changes = changes->size();
  r.catalog_seq = changes->empty() ? r.index_seq : changes->back().seq;
  std::unordered_map<std::string, bool> changed_later;
  for (const auto& c : *changes) changed_later[c.id] = true;
  auto problem = [&](std::string what) {
    if (r.problems.size() < 1000) r.problems.push_back(std::move(what));
  };
  if (r.catalog_seq < r.index_seq)
    problem("the index claims catalog change " + std::to_string(r.index_seq) + " but the catalog's log ends at " +
            std::to_string(r.catalog_seq));
  // Every committed segment must read back whole (Segment::open checked the
  // footer and crc when the view was loaded; read the files again to catch
  // damage since).
  auto dir = index::open_fs_directory(data_dir_ / "index");
  if (!dir) return dir.status();
  for (const auto& part : snap->parts()) {
    const std::string& name = part.segment->name();
    if (name.rfind("mem-", 0) == 0) continue;
    auto data = (*dir)->read(name);
    if (!data) {
      problem(name + ": " + data.status().message());
      continue;
    }
    auto seg = index::Segment::open(std::move(data).value(), name);
    if (!seg) problem(name + ": " + seg.status().message());
  }
  std::unordered_map<std::string, int> seen;
  for (const auto& live : index::Index::live_docs(*snap)) {
    ++r.index_documents;
    if (++seen[live.id] == 2) problem("document " + live.id + " is indexed twice");
    if (seen[live.id] > 1 || changed_later.count(live.id)) continue;
    auto d = catalog_->get(live.id);
    if (!d) {
      if (d.status().code() == StatusCode::kNotFound) {
        problem("document " + live.id + " is in the index but not in the catalog");
        continue;
      }
      return d.status();
    }
    auto indexed = live.segment->load_doc(live.local);
    if (!indexed) {
      problem("document " + live.id + ": " + indexed.status().message());
      continue;
    }
    const index::IndexDoc want = index::to_index_doc(*d);
    std::string field;
    if (indexed->title != want.title) field = "title";
    else if (indexed->text != want.text) field = "text";
    else if (indexed->year != want.year) field = "year";
    else if (indexed->source != want.source) field = "source";
    else if (indexed->category != want.category) field = "category";
    else if (indexed->date != want.date) field = "date";
    if (!field.empty()) problem("document " + live.id + ": the index's " + field + " differs from the catalog's");
  }
  store::ListFilter all;
  auto docs = catalog_->list(all);
  if (!docs) return docs.status();
  r.catalog_documents = docs->size();
  for (const auto& summary : *docs) {
    if (!seen.count(summary.id) && !changed_later.count(summary.id))
      problem("document " + summary.id + " is in the catalog but not in the index");
  }
  return r;
}

Status Library::reindex() {
  WENYUAN_RETURN_IF_ERROR(require_writer("reindex"));
  own_.clear();
  index_->discard_pending();
  // Read the log position first: changes made while we read are applied after.
  const uint64_t seq = catalog_->last_seq();
  WENYUAN_RETURN_IF_ERROR(catalog_->for_each([&](const doc::Document& d) { return index_->add(d); }));
  WENYUAN_RETURN_IF_ERROR(index_->replace_all(seq));
  return sync_index();
}

Status Library::optimize() {
  WENYUAN_RETURN_IF_ERROR(require_writer("optimize"));
  return index_->optimize();
}

}  // namespace wenyuan::library
