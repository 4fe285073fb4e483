#include "wenyuan/library/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "wenyuan/index/directory.h"
#include "wenyuan/index/index.h"
#include "wenyuan/index/manifest.h"
#include "wenyuan/index/writer_lock.h"
#include "wenyuan/store/sqlite_backup.h"
#include "wenyuan/store/sqlite_db.h"

namespace wenyuan::library {

namespace fs = std::filesystem;

namespace {

constexpr int kBackupFormat = 1;
// A merge unlinks segments; each retry reads a newer manifest, and merges are
// seconds apart, so a few attempts always find a quiet moment.
constexpr int kSnapshotAttempts = 20;

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_inside(const fs::path& path, const fs::path& folder) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  const fs::path f = fs::weakly_canonical(folder, ec);
  auto [fi, pi] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  return fi == f.end() || (std::next(fi) == f.end() && fi->empty());  // "a/b/" ends in an empty element
}

bool is_empty_or_missing(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

// The SQLite files of a library folder: top-level *.db, catalog.db first (it
// is what the index is checked against), then by name.
std::vector<std::string> database_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec) && e.path().extension() == ".db") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    if ((a == "catalog.db") != (b == "catalog.db")) return a == "catalog.db";
    return a < b;
  });
  return names;
}

Result<uint64_t> query_count(const fs::path& db_file, const std::string& sql) {
  auto db = store::sqlite::Db::open(db_file.string());
  if (!db) return db.status().with_context(db_file.string());
  auto v = db->query_int(sql);
  if (!v) return v.status().with_context(db_file.string());
  return static_cast<uint64_t>(*v);
}

// The index at one generation: the manifest's bytes and every segment it
// names, mapped, so that none can vanish while it is copied.
struct IndexSnapshot {
  std::string manifest_bytes;  // empty: the library has no index yet
  index::Manifest manifest;
  std::vector<std::shared_ptr<const index::FileData>> segments;  // in manifest order
};

Result<IndexSnapshot> snapshot_index(index::Directory& dir) {
  for (int attempt = 0; attempt < kSnapshotAttempts; ++attempt) {
    IndexSnapshot snap;
    auto bytes = dir.read(index::kManifestName);
    if (!bytes) {
      if (bytes.status().code() == StatusCode::kNotFound) return snap;  // nothing committed yet
      return bytes.status();
    }
    snap.manifest_bytes = std::string((*bytes)->view());
    auto m = index::decode_manifest(snap.manifest_bytes);
    if (!m) return m.status().with_context(dir.describe() + "/" + index::kManifestName);
    snap.manifest = std::move(m.value());
    bool all = true;
    for (const auto& seg : snap.manifest.segments) {
      auto data = dir.read(index::segment_file_name(seg.number));
      if (!data) {
        if (data.status().code() != StatusCode::kNotFound) return data.status();
        all = false;  // a merge dropped it after we read the manifest: read the newer one
        break;
      }
      snap.segments.push_back(std::move(data.value()));
    }
    if (all) return snap;
  }
  return Status::io_error(dir.describe() + ": the index changed under every attempt to snapshot it; try again");
}

Status write_file(index::Directory& dir, const std::string& name, std::string_view bytes) {
  auto f = dir.create(name);
  if (!f) return f.status();
  WENYUAN_RETURN_IF_ERROR((*f)->append(bytes));
  WENYUAN_RETURN_IF_ERROR((*f)->sync());
  return (*f)->close();
}

// A segment into `to_dir`: a hard link of `from` when possible (same file
// system, and the name still there), else the mapped bytes written and synced.
Result<bool> link_or_copy(const fs::path& from, const index::FileData& bytes, index::Directory& to_dir,
                          const fs::path& to_path) {
  if (::link(from.c_str(), to_path.c_str()) == 0) return true;
  const int err = errno;
  if (err != EXDEV && err != EPERM && err != ENOENT && err != EMLINK && err != ENOTSUP && err != EACCES) {
    return Status::io_error(to_path.string() + ": link from " + from.string() + ": " + std::strerror(err));
  }
  WENYUAN_RETURN_IF_ERROR(write_file(to_dir, to_path.filename().string(), bytes.view()));
  return false;
}

// The manifest goes in last and the way a commit writes it (tmp, sync,
// rename, sync the folder): until then the copied segments are unnamed.
Status install_manifest(index::Directory& dir, std::string_view bytes) {
  WENYUAN_RETURN_IF_ERROR(write_file(dir, index::kManifestTmpName, bytes));
  WENYUAN_RETURN_IF_ERROR(dir.rename(index::kManifestTmpName, index::kManifestName));
  return dir.sync_dir();
}

// Copies the index of `from_index` (a library's or a backup's index folder)
// into `to_index`, counting into `report`.
Status copy_index(const fs::path& from_index, const fs::path& to_index, BackupReport& report) {
  std::error_code ec;
  if (!fs::exists(from_index / index::kManifestName, ec)) return Status::ok();
  // open_fs_directory creates a missing folder; from_index exists (it holds a manifest).
  auto from = index::open_fs_directory(from_index);
  if (!from) return from.status();
  auto to = index::open_fs_directory(to_index);
  if (!to) return to.status();
  auto snap = snapshot_index(**from);
  if (!snap) return snap.status();
  if (snap->manifest_bytes.empty()) return Status::ok();
  report.index_generation = snap->manifest.generation;
  report.index_seq = snap->manifest.catalog_seq;
  report.segments = snap->segments.size();
  for (size_t i = 0; i < snap->segments.size(); ++i) {
    const std::string name = index::segment_file_name(snap->manifest.segments[i].number);
    auto linked = link_or_copy(from_index / name, *snap->segments[i], **to, to_index / name);
    if (!linked) return linked.status();
    ++(*linked ? report.linked : report.copied);
    report.bytes += snap->segments[i]->size();
  }
  WENYUAN_RETURN_IF_ERROR((*to)->sync_dir());
  report.bytes += snap->manifest_bytes.size();
  return install_manifest(**to, snap->manifest_bytes);
}

nlohmann::json marker_json(const BackupReport& r, const fs::path& dest) {
  nlohmann::json files = nlohmann::json::array();
  std::error_code ec;
  auto add = [&](const std::string& rel) {
    files.push_back({{"name", rel}, {"bytes", fs::file_size(dest / rel, ec)}});
  };
  for (const auto& db : r.databases) add(db);
  if (fs::exists(dest / "index" / index::kManifestName, ec)) {
    add(std::string("index/") + index::kManifestName);
    for (const auto& e : fs::directory_iterator(dest / "index", ec)) {
      uint64_t n = 0;
      if (index::parse_segment_file_name(e.path().filename().string(), &n)) add("index/" + e.path().filename().string());
    }
  }
  return {{"format", kBackupFormat},
          {"wenyuan", WENYUAN_VERSION},
          {"created_at", unix_seconds()},
          {"index_generation", r.index_generation},
          {"index_seq", r.index_seq},
          {"catalog_seq", r.catalog_seq},
          {"documents", r.documents},
          {"segments", r.segments},
          {"databases", r.databases},
          {"files", files}};
}

Status write_marker(const fs::path& dest, const nlohmann::json& j) {
  auto dir = index::open_fs_directory(dest);
  if (!dir) return dir.status();
  const std::string tmp = std::string(kBackupMarker) + ".tmp";
  WENYUAN_RETURN_IF_ERROR(write_file(**dir, tmp, j.dump(2) + "\n"));
  WENYUAN_RETURN_IF_ERROR((*dir)->rename(tmp, kBackupMarker));
  return (*dir)->sync_dir();
}

Status backup_into(const fs::path& data_dir, const fs::path& dest, BackupReport& r) {
  std::error_code ec;
  fs::create_directories(dest / "index", ec);
  if (ec) return Status::io_error(dest.string() + ": cannot create the backup folder: " + ec.message());
  // The index first, the catalog after: see the header (the catalog's log
  // then covers every change after the manifest).
  WENYUAN_RETURN_IF_ERROR(copy_index(data_dir / "index", dest / "index", r));
  r.databases = database_names(data_dir);
  for (const auto& name : r.databases) {
    WENYUAN_RETURN_IF_ERROR(store::copy_database(data_dir / name, dest / name));
    r.bytes += fs::file_size(dest / name, ec);
  }
  auto seq = query_count(dest / "catalog.db", "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)");
  if (!seq) return seq.status();
  r.catalog_seq = *seq;
  auto docs = query_count(dest / "catalog.db", "SELECT COUNT(*) FROM documents");
  if (!docs) return docs.status();
  r.documents = *docs;
  if (r.catalog_seq < r.index_seq) {
    // Cannot happen when the catalog is copied after the manifest; a backup
    // that says otherwise would restore an index ahead of its catalog.
    return Status::internal(dest.string() + ": the catalog copy ends at change " + std::to_string(r.catalog_seq) +
                            " but the index copy claims " + std::to_string(r.index_seq));
  }
  return write_marker(dest, marker_json(r, dest));
}

Result<nlohmann::json> read_marker(const fs::path& src) {
  std::ifstream in(src / kBackupMarker);
  if (!in) {
    return Status::not_found(src.string() + ": not a complete wenyuan backup (no " + kBackupMarker +
                             " file: the backup did not finish, or this is not a backup)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format") || !j.contains("files")) {
    return Status::corruption((src / kBackupMarker).string() + ": not a wenyuan backup description");
  }
  if (j["format"] != kBackupFormat) {
    return Status::unsupported((src / kBackupMarker).string() + ": backup format " + j["format"].dump() +
                               ", this build reads " + std::to_string(kBackupFormat));
  }
  return j;
}

Status check_files(const fs::path& src, const nlohmann::json& marker) {
  std::error_code ec;
  for (const auto& f : marker["files"]) {
    const std::string name = f.value("name", "");
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
      return Status::corruption((src / kBackupMarker).string() + ": bad file name \"" + name + "\"");
    }
    const uint64_t want = f.value("bytes", uint64_t{0});
    const uint64_t got = fs::file_size(src / name, ec);
    if (ec) return Status::corruption((src / name).string() + ": listed in the backup but missing");
    if (got != want) {
      return Status::corruption((src / name).string() + ": " + std::to_string(got) + " bytes, the backup recorded " +
                                std::to_string(want));
    }
  }
  return Status::ok();
}

// Empties a library folder for --force, keeping index/LOCK: it is the file
// this process holds the lock on, and a new LOCK file would be a second lock.
Status clear_library(const fs::path& data_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(data_dir, ec)) {
    if (e.path().filename() == "index") continue;
    fs::remove_all(e.path(), ec);
    if (ec) return Status::io_error(e.path().string() + ": cannot remove: " + ec.message());
  }
  for (const auto& e : fs::directory_iterator(data_dir / "index", ec)) {
    if (e.path().filename() == index::kLockName) continue;
    fs::remove_all(e.path(), ec);
    if (ec) return Status::io_error(e.path().string() + ": cannot remove: " + ec.message());
  }
  return Status::ok();
}

BackupReport report_from_marker(const nlohmann::json& j) {
  BackupReport r;
  r.index_generation = j.value("index_generation", uint64_t{0});
  r.index_seq = j.value("index_seq", uint64_t{0});
  r.catalog_seq = j.value("catalog_seq", uint64_t{0});
  r.documents = j.value("documents", uint64_t{0});
  r.segments = j.value("segments", uint64_t{0});
  if (j.contains("databases") && j["databases"].is_array()) r.databases = j["databases"].get<std::vector<std::string>>();
  return r;
}

// The copies, under the writer lock.
Status restore_files(const fs::path& src, const fs::path& data_dir, RestoreReport& out) {
  BackupReport copied;
  WENYUAN_RETURN_IF_ERROR(copy_index(src / "index", data_dir / "index", copied));
  for (const auto& name : out.backup.databases) {
    if (name.find('/') != std::string::npos || name.find("..") != std::string::npos) {
      return Status::corruption((src / kBackupMarker).string() + ": bad database name \"" + name + "\"");
    }
    WENYUAN_RETURN_IF_ERROR(store::copy_database(src / name, data_dir / name));
  }
  out.backup.linked = copied.linked;
  out.backup.copied = copied.copied;
  out.backup.bytes = copied.bytes;
  return Status::ok();
}

// Brings the restored index up to the restored catalog (the changes after the
// manifest), as the writer does after a crash.
Status catch_up(const fs::path& data_dir, RestoreReport& out) {
  OpenOptions options;
  options.holder = "wenyuan restore";
  options.catch_up = false;
  options.merge_after_import = false;
  auto lib = Library::open(data_dir, options);
  if (!lib) return lib.status();
  if (!(*lib)->is_index_writer()) {
    return Status::permission_denied(data_dir.string() + ": another process took the index writer lock during the restore (" +
                                     (*lib)->index_writer() + ")");
  }
  const uint64_t before = (*lib)->index().catalog_seq();
  Status st = (*lib)->sync_index();
  if (!st && st.code() == StatusCode::kNotFound) {
    // The catalog's log no longer reaches back to the manifest (trimmed):
    // the catalog is the truth, so rebuild the index from it.
    st = (*lib)->reindex();
    out.reindexed = st.is_ok();
  }
  WENYUAN_RETURN_IF_ERROR(st);
  const uint64_t after = (*lib)->index().catalog_seq();
  out.caught_up = after > before ? after - before : 0;
  return Status::ok();
}

}  // namespace

Result<BackupReport> backup_library(const fs::path& data_dir, const fs::path& dest) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::exists(data_dir / "catalog.db", ec)) return Status::not_found(data_dir.string() + ": no library here (no catalog.db)");
  if (is_inside(dest, data_dir)) {
    return Status::invalid_argument(dest.string() + ": a backup cannot go inside the library folder " + data_dir.string());
  }
  if (!is_empty_or_missing(dest)) {
    return Status::already_exists(dest.string() + ": exists and is not empty; give a new folder for the backup");
  }
  BackupReport r;
  Status st = backup_into(data_dir, dest, r);
  if (!st) {
    // Never leave a half backup that looks like a library: it has no BACKUP
    // file, but a user might still try to open it.
    fs::remove_all(dest, ec);
    return st;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

Result<RestoreReport> restore_library(const fs::path& src, const fs::path& data_dir, const RestoreOptions& options) {
  auto marker = read_marker(src);
  if (!marker) return marker.status();
  WENYUAN_RETURN_IF_ERROR(check_files(src, *marker));
  if (is_inside(data_dir, src) || is_inside(src, data_dir)) {
    return Status::invalid_argument(data_dir.string() + ": restore into a folder apart from the backup " + src.string());
  }
  RestoreReport out;
  out.backup = report_from_marker(*marker);
  if (!is_empty_or_missing(data_dir) && !options.force) {
    return Status::already_exists(data_dir.string() +
                                  ": not empty; restore replaces everything in it only with --force (stop the server first)");
  }
  std::error_code ec;
  fs::create_directories(data_dir / "index", ec);
  if (ec) return Status::io_error(data_dir.string() + ": cannot create the library folder: " + ec.message());
  {
    // Held while the files are replaced: no writer can commit into a
    // half-restored folder. A server that holds it must be stopped first.
    auto lock = index::WriterLock::try_acquire(data_dir / "index", "wenyuan restore");
    if (!lock) return lock.status();
    if (!lock->has_value()) {
      const std::string who = index::WriterLock::holder(data_dir / "index");
      return Status::permission_denied(data_dir.string() + ": another process writes this library (" +
                                       (who.empty() ? "unknown" : who) + "); stop it first");
    }
    WENYUAN_RETURN_IF_ERROR(clear_library(data_dir));
    WENYUAN_RETURN_IF_ERROR(restore_files(src, data_dir, out));
  }
  WENYUAN_RETURN_IF_ERROR(catch_up(data_dir, out));
  OpenOptions ro;
  ro.read_only = true;
  ro.catch_up = false;  // verify checks the committed index itself
  auto lib = Library::open(data_dir, ro);
  if (!lib) return lib.status();
  auto v = (*lib)->verify();
  if (!v) return v.status();
  out.verify = std::move(v.value());
  return out;
}

}  // namespace wenyuan::library
