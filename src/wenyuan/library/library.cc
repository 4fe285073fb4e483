#include "wenyuan/library/library.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <system_error>

#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"
#include "wenyuan/index/index.h"
#include "wenyuan/search/engine.h"
#include "wenyuan/store/catalog.h"

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

// What one import run accumulates.
struct Library::Batch {
  const ImportOptions* options = nullptr;
  const ProgressFn* on_progress = nullptr;
  const RejectFn* on_reject = nullptr;
  ImportReport report;
  ImportProgress progress;
  size_t in_transaction = 0;
  bool index_dirty = false;
  Status fatal;  // catalog failure: stop importing, keep what is committed
};

Result<std::unique_ptr<Library>> Library::open(const fs::path& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Status::io_error(data_dir.string() + ": cannot create the library folder: " + ec.message());
  std::unique_ptr<Library> lib(new Library());
  lib->data_dir_ = data_dir;
  auto catalog = store::Catalog::open(data_dir / "catalog.db");
  if (!catalog) return catalog.status();
  lib->catalog_ = std::move(catalog.value());
  auto index = index::Index::open(data_dir / "index");
  if (!index) return index.status();
  lib->index_ = std::move(index.value());
  lib->engine_ = std::make_unique<search::Engine>(*lib->index_);
  WENYUAN_RETURN_IF_ERROR(lib->sync_index());
  return lib;
}

Library::~Library() = default;

store::Catalog& Library::catalog() { return *catalog_; }
index::Index& Library::index() { return *index_; }
const search::Engine& Library::engine() const { return *engine_; }

void Library::import_one_file(const fs::path& path, const ImportOptions& options, Batch& batch) {
  doc::PrepareOptions prep;
  prep.clean = options.clean;
  prep.paid = options.paid;
  prep.preview_share = options.preview_share;
  prep.edge_stats = catalog_.get();
  prep.now = unix_now();

  auto reject = [&](const std::string& msg) {
    ++batch.report.rejected;
    if (*batch.on_reject) (*batch.on_reject)(msg);
  };

  auto sink = [&](Result<doc::RawDocument> raw) {
    if (!batch.fatal.is_ok()) return;
    ++batch.progress.documents;
    if (!raw) {
      reject(raw.status().message());
      return;
    }
    std::vector<std::string> edges = doc::edge_lines(raw->text);
    auto prepared = doc::prepare(std::move(raw.value()), prep);
    if (!prepared) {
      reject(prepared.status().message());
      return;
    }
    if (batch.in_transaction == 0) {
      auto st = catalog_->begin_batch();
      if (!st) {
        batch.fatal = st;
        return;
      }
    }
    auto outcome = catalog_->put(*prepared, edges);
    if (!outcome) {
      reject(prepared->origin + ": " + outcome.status().message());
      return;
    }
    ++batch.in_transaction;
    switch (*outcome) {
      case store::PutOutcome::kUnchanged:
        ++batch.report.unchanged;
        break;
      case store::PutOutcome::kInserted:
      case store::PutOutcome::kUpdated: {
        if (*outcome == store::PutOutcome::kInserted) ++batch.report.imported; else ++batch.report.updated;
        batch.report.characters += prepared->text_chars;
        batch.report.imported_ids.push_back(prepared->id);
        auto st = index_->add(*prepared);
        if (!st) batch.fatal = st;
        batch.index_dirty = true;
        break;
      }
    }
    if (batch.in_transaction >= kBatchDocuments) {
      auto st = catalog_->commit_batch();
      if (!st) batch.fatal = st;
      batch.in_transaction = 0;
    }
  };

  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  auto st = doc::import_file(path, options.limits, sink);
  if (!st) reject(st.message());
  if (!ec) {
    batch.progress.bytes_done += size;
    batch.report.bytes += size;
  }
  if (*batch.on_progress) (*batch.on_progress)(batch.progress);
}

ImportReport Library::import_paths(const std::vector<fs::path>& paths, const ImportOptions& options,
                                   const ProgressFn& on_progress, const RejectFn& on_reject) {
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
  for (const auto& f : files) {
    import_one_file(f, options, batch);
    if (!batch.fatal.is_ok()) break;
  }
  if (batch.in_transaction > 0) {
    auto st = catalog_->commit_batch();
    if (!st && batch.fatal.is_ok()) batch.fatal = st;
  }
  if (batch.fatal.is_ok() && batch.index_dirty) batch.fatal = index_->commit(catalog_->last_seq());
  if (!batch.fatal.is_ok()) {
    ++batch.report.rejected;
    if (on_reject) on_reject("import stopped: " + batch.fatal.message());
  }
  batch.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
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
  auto st = index_->remove(id);
  if (!st && st.code() != StatusCode::kNotFound) return st;
  return index_->commit(catalog_->last_seq());
}

Status Library::sync_index() {
  const uint64_t from = index_->catalog_seq();
  if (from >= catalog_->last_seq()) return Status::ok();
  auto changes = catalog_->changes_since(from);
  if (!changes) return changes.status();
  for (const auto& c : *changes) {
    if (c.deleted) {
      auto st = index_->remove(c.id);
      if (!st && st.code() != StatusCode::kNotFound) return st;
      continue;
    }
    auto d = catalog_->get(c.id);
    if (!d) {
      if (d.status().code() == StatusCode::kNotFound) continue;  // deleted by a later change
      return d.status();
    }
    WENYUAN_RETURN_IF_ERROR(index_->add(*d));
  }
  return index_->commit(catalog_->last_seq());
}

Status Library::reindex() {
  engine_.reset();
  index_.reset();
  std::error_code ec;
  const fs::path dir = data_dir_ / "index";
  fs::remove_all(dir, ec);
  if (ec) return Status::io_error(dir.string() + ": cannot remove the old index: " + ec.message());
  auto index = index::Index::open(dir);
  if (!index) return index.status();
  index_ = std::move(index.value());
  engine_ = std::make_unique<search::Engine>(*index_);
  WENYUAN_RETURN_IF_ERROR(catalog_->for_each([&](const doc::Document& d) { return index_->add(d); }));
  return index_->commit(catalog_->last_seq());
}

Status Library::optimize() { return index_->optimize(); }

}  // namespace wenyuan::library
