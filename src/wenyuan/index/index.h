// Index: the exact positional n-gram index of the library (精准搜索).
//
// A document matches a term iff normalize(term) is a substring of
// normalize(title) or of normalize(text). The index is a set of immutable
// segments (segment.h) plus one manifest (manifest.h). Writers add/remove
// documents into a pending batch and make it visible with commit(); readers
// take a Snapshot (a shared_ptr to an immutable view) and never wait for a
// commit or a merge. One writer at a time: add/remove/commit/optimize
// serialize on an internal mutex.
//
// Crash safety: commit() writes and syncs new segment files, syncs the
// directory, then writes MANIFEST.tmp, syncs it, renames it over MANIFEST and
// syncs the directory. A crash at any point leaves either the previous or the
// new commit; a writer's open() deletes files the manifest does not name.
//
// Many processes, one writer (docs/living-library.md): only the holder of the
// library's WriterLock opens an Index for writing. Everyone else opens it
// read_only: it never creates, changes or deletes a file; its commit() builds
// the pending documents into segments held in memory (an overlay on the
// committed manifest, used by a CLI search to see catalog changes the writer
// has not indexed yet), and reload() moves it to the writer's newest manifest.
// A writer never rewrites a file in place (Directory::create replaces the
// name) and never reuses a segment number (the manifest carries the next one),
// so a reader in another process that has mapped a segment keeps valid bytes;
// a reader that finds a named segment already gone (dropped by a merge after
// it read the manifest) reads the manifest again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "wenyuan/core/status.h"
#include "wenyuan/doc/document.h"
#include "wenyuan/index/directory.h"
#include "wenyuan/index/manifest.h"
#include "wenyuan/index/merge_policy.h"
#include "wenyuan/index/segment.h"

namespace wenyuan::index {

struct IndexOptions {
  size_t segment_chars = 8'000'000;  // a commit cuts its batch into segments of about this many bytes of text
  unsigned build_threads = 2;
  bool read_only = false;            // see the header comment: writes nothing, commits in memory
  // `wenyuan reindex` only: segments of another format version (format.h) are
  // left out of the view instead of refusing the index, so the rebuild can
  // replace them (its manifest drops them; the writer then removes the files).
  bool skip_other_formats = false;
  MergePolicyOptions merge;          // for maybe_merge()
};

struct IndexStats {
  uint64_t docs = 0;          // live documents
  uint64_t deleted_docs = 0;  // tombstoned, still on disk until a merge
  uint64_t segments = 0;
  uint64_t bytes = 0;         // segment files + manifest
  uint64_t catalog_seq = 0;
};

// An immutable view of the committed index.
class Snapshot {
 public:
  struct Part {
    std::shared_ptr<const Segment> segment;
    std::shared_ptr<const ManifestSegment> tombstones;
    bool is_deleted(uint32_t d) const { return tombstones->is_deleted(d); }
  };
  const std::vector<Part>& parts() const { return parts_; }
  uint64_t catalog_seq() const { return catalog_seq_; }
  uint64_t doc_count() const { return live_docs_; }  // live documents
  double avg_title_len() const { return avg_title_len_; }
  double avg_body_len() const { return avg_body_len_; }

 private:
  friend class Index;
  std::vector<Part> parts_;
  uint64_t catalog_seq_ = 0;
  uint64_t live_docs_ = 0;
  double avg_title_len_ = 1, avg_body_len_ = 1;
};

class Index {
 public:
  static Result<std::unique_ptr<Index>> open(const std::filesystem::path& dir, const IndexOptions& options = {});
  static Result<std::unique_ptr<Index>> open(std::shared_ptr<Directory> dir, const IndexOptions& options = {});

  Status add(const doc::Document& d);  // add or replace by id; visible after commit
  Status add(IndexDoc d);
  Status remove(const std::string& id);  // NotFound if absent (committed or pending)
  Status commit(uint64_t catalog_seq);
  // Like commit(), but the new manifest names only the pending documents'
  // segments: everything committed before is dropped (reindex). The old
  // segments stay until the new manifest is durable, so a failure (a full
  // disk) leaves the old index whole.
  Status replace_all(uint64_t catalog_seq);
  // Drops every pending add and remove.
  void discard_pending();
  uint64_t catalog_seq() const;
  // Merges all segments into one, dropping tombstoned documents (a commit).
  Status optimize();
  // Runs the merges the policy (merge_policy.h) asks for, one after another.
  // The documents are read and the new segment built without holding the
  // writer's mutex, so commits go on meanwhile; documents deleted or replaced
  // during the build are tombstoned in the merged segment when it is installed.
  // Returns the number of merges done.
  Result<unsigned> maybe_merge();
  std::shared_ptr<const Snapshot> snapshot() const;
  IndexStats stats() const;

  bool read_only() const;
  // Read-only: moves to the newest committed manifest on disk, dropping the
  // in-memory overlay and anything pending. True if the view changed (a new
  // manifest, or an overlay was dropped). A writer: no-op, false.
  Result<bool> reload();
  // A read-only index becomes the writer (the caller now holds the
  // WriterLock): it reloads the newest manifest and deletes what no manifest
  // names (left by a writer that crashed).
  Status become_writer();
  // The writer lets go of the lock: from now on it writes nothing (commits
  // stay in memory) until become_writer() again. Waits for a running merge.
  void become_reader();
  // The generation of the newest manifest on disk (0 if none); a cheap check for readers.
  Result<uint64_t> disk_generation() const;

  // Every live document of a snapshot, with where it lives, for verification.
  struct LiveDoc {
    std::string id;
    const Segment* segment;
    uint32_t local;
  };
  static std::vector<LiveDoc> live_docs(const Snapshot& snap);

 private:
  struct Live {
    std::shared_ptr<const Segment> segment;
    ManifestSegment meta;
  };
  Index(std::shared_ptr<Directory> dir, IndexOptions options) : dir_(std::move(dir)), options_(options) {}
  // Reads the manifest on disk and opens its segments (reusing those already
  // open); a writer also deletes what the manifest does not name.
  Status load_locked();
  Result<Manifest> read_manifest() const;
  // Builds segments from `docs`, writes them and a manifest whose segment list is
  // `kept` + the new ones; on success installs the new state.
  Status write_commit(const std::vector<const IndexDoc*>& docs, std::vector<Live> kept, uint64_t catalog_seq);
  // Writes prebuilt segment images (or keeps them in memory when read-only)
  // and the manifest naming `kept` + them; installs the new state.
  Status install_images(std::vector<std::string> images, std::vector<Live> kept, uint64_t catalog_seq,
                        std::vector<ManifestSegment>* new_meta = nullptr);
  // Writes the bytes of one segment file into an open file, front to back.
  using SegmentWriter = std::function<Status(WritableFile&)>;
  // The same for segments written by `writers` (a streamed merge: no image in
  // memory): each to a new file, synced, then the manifest (writer only).
  Status install_segments(std::vector<SegmentWriter> writers, std::vector<Live> kept, uint64_t catalog_seq,
                          std::vector<ManifestSegment>* new_meta = nullptr);
  // Makes the `written` files durable (sync_dir), writes and installs the
  // manifest naming `live`; on failure removes the `written` files.
  Status publish(std::vector<Live> live, std::vector<std::string> written, uint64_t catalog_seq);
  Result<std::string> write_file(const std::string& name, std::string_view bytes);
  Result<std::string> write_file(const std::string& name, const SegmentWriter& writer);
  void install(std::vector<Live> live, uint64_t catalog_seq);

  std::shared_ptr<Directory> dir_;
  IndexOptions options_;

  mutable std::mutex write_mu_;  // one writer; guards everything below but current_
  std::mutex merge_mu_;          // one maybe_merge()/optimize() at a time
  bool read_only_ = false;
  std::vector<Live> live_;
  uint64_t generation_ = 0, next_segment_ = 1, catalog_seq_ = 0;

  std::unordered_map<std::string, std::pair<uint64_t, uint32_t>> ids_;  // id -> (segment number, local doc)
  std::map<std::string, IndexDoc> pending_;
  std::set<std::string> pending_removes_;

  mutable std::mutex snap_mu_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace wenyuan::index
