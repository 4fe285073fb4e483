// Library: the one object the CLI and the server hold. It ties the stages
// together the way docs/architecture.md draws them: import -> prepare -> catalog
// (the truth) -> index (a derived view), and search over the index.
//
// Invariants (docs/living-library.md):
//  - The catalog is written first; the index reaches it only through the
//    catalog's change log (store::Catalog::changes_since), whoever made the
//    change: this process, another CLI, the server. So no index commit drops a
//    document it did not delete, and a crash between the two only leaves the
//    index behind until the writer catches up.
//  - One index writer per library: the process holding index/LOCK
//    (index::WriterLock). A Library opened for writing takes it if it can;
//    if another process holds it, this Library still changes the catalog and
//    the holder indexes the change (the server tails the log; a CLI writer
//    catches up before it lets go of the lock, see close()).
//  - A Library opened read_only writes nothing at all; its searches see the
//    writer's last commit plus, in memory, the catalog changes after it.
//  - Reported means durable: an import counts a document only once the
//    catalog transaction that holds it has committed (synchronous=FULL).
// A Library is used by one thread at a time for writes and refresh(); searches
// through engine() may run on many threads concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"
#include "wenyuan/doc/sandbox.h"
#include "wenyuan/index/writer_lock.h"

namespace wenyuan::store { class Catalog; class IntakeLog; }
namespace wenyuan::index { class Index; }
namespace wenyuan::search { class Engine; }

namespace wenyuan::library {

struct PreparedItem;  // the import pipeline's hand-off (prepare_pipeline.h)

struct ImportOptions {
  bool clean = true;           // false: keep text exactly as given (--no-clean)
  bool paid = false;           // documents without markers or "access" become paid (--paid)
  double preview_share = 0.3;  // share of the body free in a paid document without markers (doc::PrepareOptions)
  std::string category;        // given to documents that carry none of their own (watched folders)
  doc::ImportLimits limits;
  // Set (helper = the wenyuan binary): every file is parsed in a child process
  // with CPU, memory and wall-time limits (doc/sandbox.h). The server does this
  // for uploads and watched files; the CLI parses in-process.
  doc::SandboxOptions sandbox;
  // Where the run came from, as the intake log (store/intake_log.h) records it:
  // "cli", "upload" or "watch".
  std::string intake_origin = "cli";
  // Sketch each document for duplicate clusters (store/clusters.h), on the
  // prepare workers; false only to measure what it costs (bench/import_dedup).
  bool detect_duplicates = true;
  // Threads that prepare records (clean, outline, normalize, metadata, sketches;
  // prepare_pipeline.h) beside the reader and the thread that stores them; 0:
  // one per hardware thread. The result does not depend on it.
  unsigned prepare_workers = 0;
};

struct ImportProgress {
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  uint64_t documents = 0;      // seen so far (imported + updated + unchanged + rejected)
};

// What one input file gave: the ids of the documents stored from it (imported,
// updated or unchanged) and its first error, if any ("PATH: reason").
struct FileOutcome {
  std::filesystem::path path;
  std::vector<std::string> ids;
  std::string error;
};

// A file a folder import left out (or an archive member), and why:
// "unsupported type '.png'", "hidden file", "folder note (README, LICENSE, COPYING)".
struct SkippedFile {
  std::string path;
  std::string reason;
};

struct ImportReport {
  uint64_t imported = 0;       // new documents (all counts: durably stored)
  uint64_t updated = 0;        // same id, new content
  uint64_t unchanged = 0;      // same id, same content: nothing written
  uint64_t rejected = 0;       // files or records that could not be imported
  uint64_t not_stored = 0;     // prepared, but lost with a batch that failed to commit
  // The input files not (wholly) stored when the import stopped early: those
  // with a document not stored, and those it never reached. In input order.
  std::vector<std::filesystem::path> not_stored_files;
  uint64_t bytes = 0;          // input bytes read
  uint64_t characters = 0;     // characters of text stored (imported + updated)
  std::vector<std::string> imported_ids;
  std::vector<FileOutcome> files;  // one per input file, in input order
  std::vector<SkippedFile> skipped;  // files of folders and archive members not imported (doc::skip_reason)
  std::vector<std::string> warnings;  // "ORIGIN: what was wrong" for documents stored anyway (doc::Document::warnings)
  double seconds = 0;
  Status fatal;                // why the import stopped early (ok if it did not)
  bool disk_full() const;      // fatal is the disk (or the database) being full
  // Empty unless the run could not be written to the intake log (the import
  // itself is not affected: the catalog has the documents either way).
  std::string intake_error;
};

// True if `st` says the disk (or the database) is full.
bool is_disk_full(const Status& st);

struct OpenOptions {
  bool read_only = false;          // writes nothing: no lock, no catalog or index change
  bool catch_up = true;            // bring the view up to the catalog at open (verify wants the raw commit)
  std::string holder = "wenyuan";  // who this process is, for the writer lock's messages
  // The writer runs the merge policy at the end of each import (a CLI import
  // publishes about once a second, so it leaves many small segments). The
  // server turns it off: its tailer merges off the upload's path.
  bool merge_after_import = true;
  // `wenyuan reindex`: open an index written in an older segment format (its
  // segments are left out until reindex() replaces them), the upgrade path.
  bool rebuild_index = false;
};

// What `wenyuan verify` found (Library::verify).
struct VerifyReport {
  uint64_t catalog_documents = 0;
  uint64_t index_documents = 0;     // live in the committed index
  uint64_t segments = 0;
  uint64_t index_seq = 0;           // the catalog change the index reflects
  uint64_t catalog_seq = 0;
  uint64_t pending_changes = 0;     // catalog changes after index_seq (not yet indexed: not an error)
  std::vector<std::string> problems;  // each difference, in words
  bool ok() const { return problems.empty(); }
};

using ProgressFn = std::function<void(const ImportProgress&)>;
// Receives "PATH: reason" for each rejected file or record, as it happens.
using RejectFn = std::function<void(const std::string&)>;

class Library {
 public:
  // Opens (creating if needed, unless read_only) the library in `data_dir`:
  // catalog.db and index/. Takes the writer lock if it can (not read_only) and
  // brings the index, or the read view, up to the catalog (catch_up).
  static Result<std::unique_ptr<Library>> open(const std::filesystem::path& data_dir, const OpenOptions& options = {});
  ~Library();  // close()

  // Lets go of the writer lock after indexing every change it can see, and
  // again for changes another process made while it held the lock (that
  // process found the lock taken and left the indexing to the holder).
  void close();

  // True if this process holds the index writer lock.
  bool is_index_writer() const { return lock_ != nullptr; }
  // Who does, when another process does ("pid 1234: wenyuan serve"), else "".
  std::string index_writer() const;

  // Brings the searchable view up to the catalog's last change: the writer
  // indexes and commits; a reader moves to the writer's newest commit and
  // indexes the rest in memory. A Library opened for writing that is not the
  // writer tries to become it first. Cheap when nothing changed (the server
  // calls it a few times a second).
  Status refresh();
  // Runs the background merges the merge policy asks for (writer only).
  Result<unsigned> merge();
  // Compares the committed index with the catalog (docs/living-library.md).
  Result<VerifyReport> verify();

  // Imports files and folders (recursively; inside folders only importable
  // extensions, in path order, skipping hidden files and README/LICENSE notes). Never stops at a bad file: it is reported to
  // `on_reject` and counted. Commits the catalog in batches and the index at the end.
  // Every run is recorded in the intake log (DATA/intake.db) with `options.intake_origin`.
  ImportReport import_paths(const std::vector<std::filesystem::path>& paths, const ImportOptions& options,
                            const ProgressFn& on_progress = {}, const RejectFn& on_reject = {});

  // Imports one uploaded file (any importable format, .jsonl included).
  ImportReport import_bytes(const std::string& name, std::string bytes, const ImportOptions& options,
                            const RejectFn& on_reject = {});

  // Deletes a document from the catalog (and so from the index). NotFound if absent.
  Status remove(const std::string& id);

  // Brings the index up to the catalog's last change (refresh() without the lock attempt).
  Status sync_index();
  // Rebuilds the index from the catalog beside the old one: the old segments
  // stay searchable (and on disk) until the new manifest replaces them. Needs the writer lock.
  Status reindex();
  // Merges the index's segments into one. Needs the writer lock.
  Status optimize();

  store::Catalog& catalog();
  // DATA/intake.db through this Library's connection, opened on first use
  // (intake.cc); a server whose files admit one connection each reads it here.
  Result<store::IntakeLog*> intake_log();
  index::Index& index();
  const search::Engine& engine() const;
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  Library() = default;
  struct Batch;
  struct OwnChange;
  // Stores one prepared record (or accounts for the end of a file) on the
  // thread that owns the catalog; see import.cc for the pipeline.
  void store_prepared(PreparedItem& item, Batch& batch);
  // Commits the open catalog batch; counts its documents as stored only then.
  void commit_open_batch(Batch& batch);
  // After catalog changes: index them if this process is (or can become) the writer.
  Status publish();
  // Takes the writer lock if free; true if this process is the writer now.
  Result<bool> try_become_writer();
  Status require_writer(const char* what) const;
  // Writes one run to DATA/intake.db (opened on first use; intake.cc).
  void record_intake(const std::vector<std::filesystem::path>& paths, const std::vector<std::filesystem::path>& files,
                     const ImportOptions& options, ImportReport& report, std::vector<std::string> rejects,
                     uint64_t rejects_dropped);

  std::filesystem::path data_dir_;
  OpenOptions options_;
  std::unique_ptr<store::Catalog> catalog_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<search::Engine> engine_;
  std::unique_ptr<index::WriterLock> lock_;
  // Documents this process put and has not indexed yet, by id, with the seq of
  // their change: sync_index() uses them instead of reading them back.
  std::unordered_map<std::string, std::unique_ptr<OwnChange>> own_;
  int64_t last_publish_ms_ = 0;
  std::unique_ptr<store::IntakeLog> intake_;  // null until the first import run
};

}  // namespace wenyuan::library
