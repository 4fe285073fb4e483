// Library: the one object the CLI and the server hold. It ties the stages
// together the way docs/architecture.md draws them: import -> prepare -> catalog
// (the truth) -> index (a derived view), and search over the index.
//
// Invariants: the catalog is written first; the index then catches up from the
// catalog's change log (store::Catalog::changes_since), so a crash between the
// two never loses a document, it only leaves the index behind until the next
// open (which syncs) or `wenyuan reindex` (which rebuilds from scratch).
// A Library is used by one thread at a time for writes; searches through
// engine() may run on many threads concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/raw_document.h"

namespace wenyuan::store { class Catalog; }
namespace wenyuan::index { class Index; }
namespace wenyuan::search { class Engine; }

namespace wenyuan::library {

struct PreparedItem;  // the import pipeline's hand-off (library.cc)

struct ImportOptions {
  bool clean = true;           // false: keep text exactly as given (--no-clean)
  bool paid = false;           // documents without markers or "access" become paid (--paid)
  double preview_share = 0.3;  // share of paragraphs free in a paid document without markers
  std::string category;        // given to documents that carry none of their own (watched folders)
  doc::ImportLimits limits;
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

struct ImportReport {
  uint64_t imported = 0;       // new documents
  uint64_t updated = 0;        // same id, new content
  uint64_t unchanged = 0;      // same id, same content: nothing written
  uint64_t rejected = 0;       // files or records that could not be imported
  uint64_t bytes = 0;          // input bytes read
  uint64_t characters = 0;     // characters of text stored (imported + updated)
  std::vector<std::string> imported_ids;
  std::vector<FileOutcome> files;  // one per input file, in input order
  double seconds = 0;
};

using ProgressFn = std::function<void(const ImportProgress&)>;
// Receives "PATH: reason" for each rejected file or record, as it happens.
using RejectFn = std::function<void(const std::string&)>;

class Library {
 public:
  // Opens (creating if needed) the library in `data_dir`: catalog.db and index/.
  // Brings the index up to date with the catalog.
  static Result<std::unique_ptr<Library>> open(const std::filesystem::path& data_dir);
  ~Library();

  // Imports files and folders (recursively; inside folders only importable
  // extensions, in path order, skipping hidden files and README/LICENSE notes). Never stops at a bad file: it is reported to
  // `on_reject` and counted. Commits the catalog in batches and the index at the end.
  ImportReport import_paths(const std::vector<std::filesystem::path>& paths, const ImportOptions& options,
                            const ProgressFn& on_progress = {}, const RejectFn& on_reject = {});

  // Imports one uploaded file (any importable format, .jsonl included).
  ImportReport import_bytes(const std::string& name, std::string bytes, const ImportOptions& options,
                            const RejectFn& on_reject = {});

  // Deletes a document from the catalog and the index. NotFound if absent.
  Status remove(const std::string& id);

  // Brings the index up to the catalog's last change.
  Status sync_index();
  // Throws the index away and rebuilds it from the catalog.
  Status reindex();
  // Merges the index's segments into one.
  Status optimize();

  store::Catalog& catalog();
  index::Index& index();
  const search::Engine& engine() const;
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  Library() = default;
  struct Batch;
  // Stores one prepared record (or accounts for the end of a file) on the
  // thread that owns the catalog; see library.cc for the pipeline.
  void store_prepared(PreparedItem& item, Batch& batch);

  std::filesystem::path data_dir_;
  std::unique_ptr<store::Catalog> catalog_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<search::Engine> engine_;
};

}  // namespace wenyuan::library
