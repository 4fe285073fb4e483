// Index: pending batch, commit protocol, snapshots, merges, read-only views. See index.h.
#include "wenyuan/index/index.h"

#include "wenyuan/index/segment_merger.h"

#include <cstring>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace wenyuan::index {

namespace {

// A reader retries this often when a segment its manifest named is gone.
constexpr int kLoadAttempts = 50;

}  // namespace

Result<std::unique_ptr<Index>> Index::open(const std::filesystem::path& dir, const IndexOptions& options) {
  if (options.read_only) {
    // A reader never creates the folder either: an absent index is an empty one.
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      std::shared_ptr<Directory> empty = std::make_shared<MemDirectory>();
      return open(std::move(empty), options);
    }
  }
  WENYUAN_ASSIGN_OR_RETURN(auto d, open_fs_directory(dir));
  return open(std::move(d), options);
}

Result<std::unique_ptr<Index>> Index::open(std::shared_ptr<Directory> dir, const IndexOptions& options) {
  std::unique_ptr<Index> idx(new Index(std::move(dir), options));
  idx->read_only_ = options.read_only;
  std::lock_guard<std::mutex> l(idx->write_mu_);
  Status s = idx->load_locked();
  if (!s) return s;
  return idx;
}

Result<Manifest> Index::read_manifest() const {
  if (!dir_->exists(kManifestName)) return Manifest{};
  auto bytes = dir_->read(kManifestName);
  if (!bytes) {
    if (bytes.status().code() == StatusCode::kNotFound) return Manifest{};
    return bytes.status();
  }
  auto dm = decode_manifest((*bytes)->view());
  if (!dm) return dm.status().with_context(dir_->describe());
  return dm;
}

Result<uint64_t> Index::disk_generation() const {
  WENYUAN_ASSIGN_OR_RETURN(auto m, read_manifest());
  return m.generation;
}

Status Index::load_locked() {
  Manifest m;
  std::vector<Live> live;
  for (int attempt = 0;; ++attempt) {
    WENYUAN_ASSIGN_OR_RETURN(auto rm, read_manifest());
    m = std::move(rm);
    live.clear();
    Status missing;
    for (const auto& ms : m.segments) {
      // A segment this process has open already is the same immutable file.
      auto open_one = std::find_if(live_.begin(), live_.end(), [&](const Live& lv) {
        return lv.meta.number == ms.number && lv.segment->name() == segment_file_name(ms.number);
      });
      if (open_one != live_.end()) {
        live.push_back({open_one->segment, ms});
        continue;
      }
      const std::string name = segment_file_name(ms.number);
      auto data = dir_->read(name);
      if (!data) {
        if (data.status().code() == StatusCode::kNotFound) {
          missing = data.status();
          break;
        }
        return data.status().with_context(dir_->describe());
      }
      if (options_.skip_other_formats && (*data)->size() >= sizeof(kSegmentMagic) &&
          std::memcmp((*data)->data(), kSegmentMagic, kSegmentMagicPrefix) == 0 &&
          (*data)->data()[kSegmentMagicPrefix] != kSegmentMagic[kSegmentMagicPrefix]) {
        continue;  // another format: the reindex that asked for this replaces it
      }
      auto seg = Segment::open(std::move(data).value(), name);
      if (!seg) return seg.status().with_context(dir_->describe());
      if ((*seg)->doc_count() != ms.n_docs)
        return Status::corruption(dir_->describe() + "/" + name + ": doc count differs from manifest");
      live.push_back({std::move(seg).value(), ms});
    }
    if (missing.is_ok()) break;
    // Dropped by the writer after we read its manifest: a newer one names what replaced it.
    if (read_only_ && attempt + 1 < kLoadAttempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2 + attempt));
      continue;
    }
    return missing.with_context(dir_->describe() + ": manifest names a missing segment");
  }
  if (!read_only_) {
    // Whatever the manifest does not name is left over from an interrupted
    // commit or a finished merge; only the lock holder may judge that.
    WENYUAN_ASSIGN_OR_RETURN(auto names, dir_->list());
    for (const auto& name : names) {
      uint64_t number = 0;
      bool ours = name == kManifestTmpName;
      if (parse_segment_file_name(name, &number)) {
        ours = std::none_of(m.segments.begin(), m.segments.end(),
                            [&](const ManifestSegment& s) { return s.number == number; });
      }
      if (ours) WENYUAN_RETURN_IF_ERROR(dir_->remove(name));
    }
  }
  generation_ = m.generation;
  next_segment_ = m.next_segment;
  pending_.clear();
  pending_removes_.clear();
  install(std::move(live), m.catalog_seq);
  return Status::ok();
}

bool Index::read_only() const {
  std::lock_guard<std::mutex> l(write_mu_);
  return read_only_;
}

Result<bool> Index::reload() {
  std::lock_guard<std::mutex> l(write_mu_);
  if (!read_only_) return false;
  WENYUAN_ASSIGN_OR_RETURN(auto g, disk_generation());
  if (g == generation_) return false;  // an overlay on it stays: it holds what came after
  WENYUAN_RETURN_IF_ERROR(load_locked());
  return true;
}

Status Index::become_writer() {
  std::lock_guard<std::mutex> l(write_mu_);
  if (!read_only_) return Status::ok();
  read_only_ = false;
  Status s = load_locked();
  if (!s) read_only_ = true;
  return s;
}

void Index::become_reader() {
  // maybe_merge writes its file outside the writer's mutex, under a number it
  // took: it finishes (or fails) before the lock is let go, so no file is
  // written without the lock and no number is reused after a reload.
  std::lock_guard<std::mutex> merging(merge_mu_);
  std::lock_guard<std::mutex> l(write_mu_);
  read_only_ = true;
}

void Index::install(std::vector<Live> live, uint64_t catalog_seq) {
  live_ = std::move(live);
  catalog_seq_ = catalog_seq;
  ids_.clear();
  auto snap = std::make_shared<Snapshot>();
  snap->catalog_seq_ = catalog_seq;
  uint64_t title_sum = 0, body_sum = 0;
  for (const auto& lv : live_) {
    const Segment& seg = *lv.segment;
    for (uint32_t d = 0; d < seg.doc_count(); ++d) {
      if (lv.meta.is_deleted(d)) continue;
      DocMeta m = seg.doc(d);
      ids_[std::string(m.id)] = {lv.meta.number, d};
      title_sum += m.title_len;
      body_sum += m.body_len();
      ++snap->live_docs_;
    }
    snap->parts_.push_back({lv.segment, std::make_shared<const ManifestSegment>(lv.meta)});
  }
  if (snap->live_docs_ > 0) {
    snap->avg_title_len_ = std::max(1.0, static_cast<double>(title_sum) / static_cast<double>(snap->live_docs_));
    snap->avg_body_len_ = std::max(1.0, static_cast<double>(body_sum) / static_cast<double>(snap->live_docs_));
  }
  std::lock_guard<std::mutex> l(snap_mu_);
  current_ = std::move(snap);
}

Status Index::add(const doc::Document& d) { return add(to_index_doc(d)); }

Status Index::add(IndexDoc d) {
  if (d.id.empty()) return Status::invalid_argument("index: document without id");
  std::lock_guard<std::mutex> l(write_mu_);
  std::string id = d.id;
  pending_removes_.erase(id);  // the add replaces whatever is committed under this id
  pending_.insert_or_assign(std::move(id), std::move(d));
  return Status::ok();
}

Status Index::remove(const std::string& id) {
  std::lock_guard<std::mutex> l(write_mu_);
  bool was_pending = pending_.erase(id) != 0;
  bool committed = ids_.count(id) != 0 && pending_removes_.count(id) == 0;
  if (committed) pending_removes_.insert(id);
  if (!was_pending && !committed) return Status::not_found("index: no document with id \"" + id + "\"");
  return Status::ok();
}

void Index::discard_pending() {
  std::lock_guard<std::mutex> l(write_mu_);
  pending_.clear();
  pending_removes_.clear();
}

Status Index::commit(uint64_t catalog_seq) {
  std::lock_guard<std::mutex> l(write_mu_);
  std::vector<Live> kept = live_;
  auto tombstone = [&](const std::string& id) {
    auto it = ids_.find(id);
    if (it == ids_.end()) return;
    for (auto& lv : kept)
      if (lv.meta.number == it->second.first) lv.meta.set_deleted(it->second.second);
  };
  std::vector<const IndexDoc*> docs;
  docs.reserve(pending_.size());
  for (const auto& [id, d] : pending_) {
    tombstone(id);
    docs.push_back(&d);
  }
  for (const auto& id : pending_removes_) tombstone(id);
  WENYUAN_RETURN_IF_ERROR(write_commit(docs, std::move(kept), catalog_seq));
  pending_.clear();
  pending_removes_.clear();
  return Status::ok();
}

Status Index::replace_all(uint64_t catalog_seq) {
  std::lock_guard<std::mutex> l(write_mu_);
  std::vector<const IndexDoc*> docs;
  docs.reserve(pending_.size());
  for (const auto& [id, d] : pending_) docs.push_back(&d);
  WENYUAN_RETURN_IF_ERROR(write_commit(docs, {}, catalog_seq));
  pending_.clear();
  pending_removes_.clear();
  return Status::ok();
}

uint64_t Index::catalog_seq() const { return snapshot()->catalog_seq(); }

Result<std::string> Index::write_file(const std::string& name, std::string_view bytes) {
  return write_file(name, [bytes](WritableFile& f) -> Status {
    constexpr size_t kChunk = 1 << 20;
    for (size_t at = 0; at < bytes.size(); at += kChunk) WENYUAN_RETURN_IF_ERROR(f.append(bytes.substr(at, kChunk)));
    return Status::ok();
  });
}

Result<std::string> Index::write_file(const std::string& name, const SegmentWriter& writer) {
  WENYUAN_ASSIGN_OR_RETURN(auto f, dir_->create(name));
  WENYUAN_RETURN_IF_ERROR(writer(*f));
  WENYUAN_RETURN_IF_ERROR(f->sync());
  WENYUAN_RETURN_IF_ERROR(f->close());
  return name;
}

namespace {

// Builds each batch into a segment image on up to `threads` threads.
std::vector<Result<std::string>> build_images(const std::vector<std::vector<const IndexDoc*>>& batches,
                                              unsigned threads) {
  std::vector<Result<std::string>> built(batches.size(), Status::internal("not built"));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < batches.size();) built[i] = build_segment(batches[i]);
  };
  unsigned n_threads = static_cast<unsigned>(std::min<size_t>(std::max(1u, threads), batches.size()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n_threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return built;
}

}  // namespace

Status Index::write_commit(const std::vector<const IndexDoc*>& docs, std::vector<Live> kept, uint64_t catalog_seq) {
  // Cut the batch into segments of about segment_chars bytes of text.
  std::vector<std::vector<const IndexDoc*>> batches;
  size_t chars = options_.segment_chars;
  for (const IndexDoc* d : docs) {
    if (batches.empty() || chars >= options_.segment_chars) {
      batches.emplace_back();
      chars = 0;
    }
    batches.back().push_back(d);
    chars += d->text.size() + d->title.size();
  }
  std::vector<Result<std::string>> built = build_images(batches, options_.build_threads);
  std::vector<std::string> images;
  for (auto& b : built) {
    if (!b) return b.status();
    images.push_back(std::move(b).value());
  }
  return install_images(std::move(images), std::move(kept), catalog_seq);
}

namespace {

// The manifest entry of a new segment; a merge's carries its tombstones over.
ManifestSegment new_segment_meta(uint64_t number, uint32_t n_docs, std::vector<ManifestSegment>* new_meta) {
  ManifestSegment ms;
  ms.number = number;
  ms.n_docs = n_docs;
  ms.deleted.assign((ms.n_docs + 7) / 8, 0);
  if (new_meta && !new_meta->empty()) {
    ms.deleted = std::move(new_meta->front().deleted);
    new_meta->erase(new_meta->begin());
  }
  return ms;
}

}  // namespace

Status Index::install_images(std::vector<std::string> images, std::vector<Live> kept, uint64_t catalog_seq,
                             std::vector<ManifestSegment>* new_meta) {
  if (read_only_) {
    // A view of this process only: the segments live in memory, no manifest.
    std::vector<Live> live = std::move(kept);
    for (auto& image : images) {
      const uint64_t number = next_segment_++;
      WENYUAN_ASSIGN_OR_RETURN(
          auto seg, Segment::open(std::make_shared<MemFile>(std::move(image)), "mem-" + std::to_string(number)));
      live.push_back({seg, new_segment_meta(number, seg->doc_count(), new_meta)});
    }
    install(std::move(live), catalog_seq);
    return Status::ok();
  }
  std::vector<SegmentWriter> writers;
  for (auto& image : images)
    writers.push_back([&image](WritableFile& f) -> Status {
      constexpr size_t kChunk = 1 << 20;
      const std::string_view bytes = image;
      for (size_t at = 0; at < bytes.size(); at += kChunk) WENYUAN_RETURN_IF_ERROR(f.append(bytes.substr(at, kChunk)));
      std::string().swap(image);  // written: free the image before the next one
      return Status::ok();
    });
  return install_segments(std::move(writers), std::move(kept), catalog_seq, new_meta);
}

Status Index::install_segments(std::vector<SegmentWriter> writers, std::vector<Live> kept, uint64_t catalog_seq,
                               std::vector<ManifestSegment>* new_meta) {
  if (read_only_) return Status::permission_denied("index: writing segments needs the writer lock");
  std::vector<Live> live = std::move(kept);
  std::vector<std::string> written;
  auto fail = [&](Status s) {
    // Files of a commit that did not happen are garbage; a writer's open() would remove them too.
    for (const auto& n : written) (void)dir_->remove(n);
    return s;
  };
  for (const auto& writer : writers) {
    const uint64_t number = next_segment_++;
    const std::string name = segment_file_name(number);
    written.push_back(name);
    auto w = write_file(name, writer);
    if (!w) return fail(w.status());
    auto data = dir_->read(name);
    if (!data) return fail(data.status());
    auto seg = Segment::open(std::move(data).value(), name);
    if (!seg) return fail(seg.status());
    live.push_back({*seg, new_segment_meta(number, (*seg)->doc_count(), new_meta)});
  }
  return publish(std::move(live), std::move(written), catalog_seq);
}

Status Index::publish(std::vector<Live> live, std::vector<std::string> written, uint64_t catalog_seq) {
  bool renamed = false;
  auto fail = [&](Status s) {
    if (!renamed)
      for (const auto& n : written) (void)dir_->remove(n);
    return s;
  };
  if (!written.empty()) {
    Status s = dir_->sync_dir();
    if (!s) return fail(s);
  }
  Manifest m;
  m.generation = generation_ + 1;
  m.catalog_seq = catalog_seq;
  m.next_segment = next_segment_;
  for (const auto& lv : live) m.segments.push_back(lv.meta);
  {
    auto w = write_file(kManifestTmpName, encode_manifest(m));
    if (!w) return fail(w.status());
    Status s = dir_->rename(kManifestTmpName, kManifestName);
    if (!s) return fail(s);
    renamed = true;
    s = dir_->sync_dir();
    if (!s) return fail(s);
  }
  generation_ = m.generation;
  std::vector<std::string> dropped;
  for (const auto& old : live_)
    if (std::none_of(live.begin(), live.end(), [&](const Live& lv) { return lv.meta.number == old.meta.number; }))
      dropped.push_back(old.segment->name());
  install(std::move(live), catalog_seq);
  // Snapshots that still use a dropped segment keep its bytes mapped, in this
  // process and in others; a reader in another process that read the old
  // manifest but has not mapped this file yet finds it gone and reads the
  // manifest again (load_locked), so it never sees a half state.
  for (const auto& n : dropped) (void)dir_->remove(n);
  return Status::ok();
}

Status Index::optimize() {
  std::lock_guard<std::mutex> merging(merge_mu_);
  std::lock_guard<std::mutex> l(write_mu_);
  if (read_only_) return Status::permission_denied("index: optimize needs the writer lock");
  bool any_deleted = false;
  for (const auto& lv : live_) any_deleted |= lv.meta.deleted_count() != 0;
  if (live_.size() <= 1 && !any_deleted) return Status::ok();
  // One segment, streamed to its file by copying the sources' parts
  // (segment_merger.h): no text decoded, no image in memory.
  std::vector<MergeSource> sources;
  for (const auto& lv : live_) sources.push_back({lv.segment.get(), &lv.meta});
  if (live_doc_count(sources) == 0) return install_segments({}, {}, catalog_seq_);
  SegmentWriter merge = [&sources](WritableFile& f) {
    return merge_segments(sources, [&f](std::string_view bytes) { return f.append(bytes); });
  };
  std::vector<SegmentWriter> writers;
  writers.push_back(std::move(merge));
  return install_segments(std::move(writers), {}, catalog_seq_);
}

Result<unsigned> Index::maybe_merge() {
  std::lock_guard<std::mutex> merging(merge_mu_);
  unsigned merges = 0;
  for (;;) {
    // 1. Choose, under the writer's mutex, and take the segments' current state.
    std::vector<Live> sources;
    uint64_t number = 0;
    {
      std::lock_guard<std::mutex> l(write_mu_);
      if (read_only_) return merges;
      std::vector<SegmentInfo> infos;
      for (const auto& lv : live_)
        infos.push_back({lv.meta.number, lv.segment->byte_size(), lv.meta.n_docs, lv.meta.deleted_count()});
      const std::vector<uint64_t> chosen = choose_merge(infos, options_.merge);
      if (chosen.empty()) return merges;
      number = next_segment_++;
      for (const auto& lv : live_)
        if (std::find(chosen.begin(), chosen.end(), lv.meta.number) != chosen.end()) sources.push_back(lv);
    }
    // 2. Merge without it: searches never wait, and neither do commits. The
    // sources' parts are copied (segment_merger.h) straight into the new file,
    // under a number taken in step 1.
    std::vector<std::pair<uint64_t, uint32_t>> origin;  // merged local -> (source segment, local)
    std::vector<MergeSource> merge_sources;
    for (const auto& lv : sources) {
      merge_sources.push_back({lv.segment.get(), &lv.meta});
      for (uint32_t d = 0; d < lv.segment->doc_count(); ++d)
        if (!lv.meta.is_deleted(d)) origin.emplace_back(lv.meta.number, d);
    }
    const std::string name = segment_file_name(number);
    std::shared_ptr<const Segment> merged_segment;
    if (!origin.empty()) {
      // A file no manifest names yet: a crash leaves garbage the next writer removes.
      auto write_and_open = [&]() -> Result<std::shared_ptr<const Segment>> {
        WENYUAN_RETURN_IF_ERROR(write_file(name, [&merge_sources](WritableFile& f) {
                                  return merge_segments(merge_sources,
                                                        [&f](std::string_view bytes) { return f.append(bytes); });
                                }).status());
        WENYUAN_ASSIGN_OR_RETURN(auto data, dir_->read(name));
        return Segment::open(std::move(data), name);
      };
      auto seg = write_and_open();
      if (!seg) {
        (void)dir_->remove(name);
        return seg.status();
      }
      merged_segment = std::move(seg).value();
    }
    // 3. Install: what a commit deleted meanwhile stays deleted in the merged segment.
    std::lock_guard<std::mutex> l(write_mu_);
    if (read_only_) {
      if (merged_segment) (void)dir_->remove(name);
      return merges;
    }
    std::vector<Live> kept;
    std::vector<ManifestSegment> carried(1);
    carried[0].deleted.assign((origin.size() + 7) / 8, 0);
    for (const auto& lv : live_) {
      const bool merged = std::any_of(sources.begin(), sources.end(),
                                      [&](const Live& s) { return s.meta.number == lv.meta.number; });
      if (!merged) {
        kept.push_back(lv);
        continue;
      }
      for (uint32_t i = 0; i < origin.size(); ++i)
        if (origin[i].first == lv.meta.number && lv.meta.is_deleted(origin[i].second))
          carried[0].deleted[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    }
    // Pending adds and removes name ids, not places: they still apply after the swap.
    std::vector<std::string> written;
    if (merged_segment) {
      ManifestSegment ms;
      ms.number = number;
      ms.n_docs = merged_segment->doc_count();
      ms.deleted = std::move(carried[0].deleted);
      kept.push_back({std::move(merged_segment), std::move(ms)});
      written.push_back(name);
    }
    WENYUAN_RETURN_IF_ERROR(publish(std::move(kept), std::move(written), catalog_seq_));
    ++merges;
  }
}

std::shared_ptr<const Snapshot> Index::snapshot() const {
  std::lock_guard<std::mutex> l(snap_mu_);
  return current_;
}

IndexStats Index::stats() const {
  std::lock_guard<std::mutex> l(write_mu_);
  IndexStats st;
  auto snap = snapshot();
  st.docs = snap->doc_count();
  st.catalog_seq = snap->catalog_seq();
  st.segments = live_.size();
  for (const auto& lv : live_) {
    st.deleted_docs += lv.meta.deleted_count();
    st.bytes += lv.segment->byte_size();
  }
  st.bytes += dir_->size_of(kManifestName);
  return st;
}

std::vector<Index::LiveDoc> Index::live_docs(const Snapshot& snap) {
  std::vector<LiveDoc> out;
  for (const auto& part : snap.parts()) {
    for (uint32_t d = 0; d < part.segment->doc_count(); ++d) {
      if (part.is_deleted(d)) continue;
      out.push_back({std::string(part.segment->doc(d).id), part.segment.get(), d});
    }
  }
  return out;
}

}  // namespace wenyuan::index
