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
// new commit; open() deletes files the manifest does not name.
#pragma once

#include <cstdint>
#include <filesystem>
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
#include "wenyuan/index/segment.h"

namespace wenyuan::index {

struct IndexOptions {
  size_t segment_chars = 8'000'000;  // a commit cuts its batch into segments of about this many bytes of text
  unsigned build_threads = 2;
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
  uint64_t catalog_seq() const;
  // Merges all segments into one, dropping tombstoned documents (a commit).
  Status optimize();
  std::shared_ptr<const Snapshot> snapshot() const;
  IndexStats stats() const;

 private:
  struct Live {
    std::shared_ptr<const Segment> segment;
    ManifestSegment meta;
  };
  Index(std::shared_ptr<Directory> dir, IndexOptions options) : dir_(std::move(dir)), options_(options) {}
  Status load();
  // Builds segments from `docs`, writes them and a manifest whose segment list is
  // `kept` + the new ones; on success installs the new state.
  Status write_commit(const std::vector<const IndexDoc*>& docs, std::vector<Live> kept, uint64_t catalog_seq);
  Result<std::string> write_file(const std::string& name, std::string_view bytes);
  void install(std::vector<Live> live, uint64_t catalog_seq);

  std::shared_ptr<Directory> dir_;
  IndexOptions options_;

  mutable std::mutex write_mu_;  // one writer; guards everything below but current_
  std::vector<Live> live_;
  uint64_t generation_ = 0, next_segment_ = 1, catalog_seq_ = 0;
  std::unordered_map<std::string, std::pair<uint64_t, uint32_t>> ids_;  // id -> (segment number, local doc)
  std::map<std::string, IndexDoc> pending_;
  std::set<std::string> pending_removes_;

  mutable std::mutex snap_mu_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace wenyuan::index
