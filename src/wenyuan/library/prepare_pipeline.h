// The import's front half: reading files and preparing their records on worker
// threads, handed to the one thread that owns the catalog in input order.
//
//   reader thread ──records──▶ window (bounded) ◀──── N prepare workers
//                                   │  in input order
//                                   ▼
//                       caller's thread: catalog put, index add, commit
//
// One reader thread reads the files one after the other (decompression,
// parsing: doc::import_file_sandboxed) and gives every record a place in the
// window, in input order; N workers take records in that order and prepare them
// (doc::prepare: cleaning, outline, normalization, metadata; store::encode;
// dedup::sketch), each into its own place; the caller's thread takes the places
// from the front only once they are ready. So the catalog sees exactly the
// sequence a single thread would give it, whatever the workers' timing: ids,
// dedup decisions, messages and their order do not depend on N.
//
// Why a worker's result does not depend on which worker or when: doc::prepare
// is a function of the record, the options and the answers of its
// EdgeLineStats, and every worker asks a RecordingEdgeStats that always answers
// "a large source where no line recurs" (and writes down what was asked). The
// real answers depend on the documents stored before this one, so only the
// catalog's thread asks them, in input order (Library::store_prepared), and
// prepares the document again there if a line recurs (clean.h: an answer only
// ever takes out the line it is about). Nothing else in prepare reads state
// shared between documents.
//
// Memory: the window holds at most kMaxItems records or kMaxBytes of record
// text (counted when the record enters, the raw text and `original`), raw,
// being prepared or prepared, whichever comes first; a record bigger than that
// enters only an empty window, so it is prepared alone and the memory bound of
// one document (docs/intake.md, "Memory of an import") holds as with one worker.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wenyuan/doc/document.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/library/library.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::library {

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
  std::filesystem::path path;  // file end
};

// The prepare workers a run uses: `requested`, or the hardware threads when 0
// (at least 1, at most kMaxPrepareWorkers).
inline constexpr unsigned kMaxPrepareWorkers = 64;
unsigned prepare_workers(unsigned requested);

doc::PrepareOptions prepare_options(const ImportOptions& options, int64_t now);

class PreparePipeline {
 public:
  static constexpr size_t kMaxItems = 64;
  static constexpr size_t kMaxBytes = 16u << 20;

  // Starts `workers` (>= 1) prepare threads. `options` must outlive the pipeline.
  PreparePipeline(const ImportOptions& options, unsigned workers);
  // Cancels and joins the workers.
  ~PreparePipeline();
  PreparePipeline(const PreparePipeline&) = delete;
  PreparePipeline& operator=(const PreparePipeline&) = delete;

  // Reader side. A record to prepare (imported at `now`); false when cancelled.
  bool push_record(doc::RawDocument raw, int64_t now);
  // An item that needs no preparing (a read error, a file's end); false when cancelled.
  bool push_ready(PreparedItem item);
  // No more pushes: pop() ends once the window is drained.
  void close();

  // The caller's side: the next item in input order; empty when closed and
  // drained, or cancelled.
  std::optional<PreparedItem> pop();
  // Wakes and stops every side; later pushes are dropped.
  void cancel();
  bool cancelled() const;

 private:
  struct Slot {
    std::optional<doc::RawDocument> raw;  // until a worker takes it
    int64_t now = 0;
    bool ready = false;
    size_t bytes = 0;
    PreparedItem item;
  };
  bool admit(Slot slot);
  void work();

  const ImportOptions& options_;
  mutable std::mutex mu_;
  std::condition_variable space_, work_, front_ready_;
  std::deque<Slot> window_;     // window_[i] is the item of sequence number base_ + i
  std::deque<uint64_t> todo_;   // sequence numbers of records no worker has taken yet, in order
  uint64_t base_ = 0;
  size_t bytes_ = 0;
  bool closed_ = false, cancelled_ = false;
  std::vector<std::thread> workers_;
};

// The reader: reads and parses every file, in order, into `pipeline` (a record
// for each document, a file end after each file). Members an archive left out
// go to `skipped`.
void read_files(const std::vector<std::filesystem::path>& files, const ImportOptions& options,
                PreparePipeline& pipeline, std::vector<SkippedFile>& skipped);

}  // namespace wenyuan::library
