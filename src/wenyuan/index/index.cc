// Index: pending batch, commit protocol, snapshots, merges. See index.h.
#include "wenyuan/index/index.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace wenyuan::index {

Result<std::unique_ptr<Index>> Index::open(const std::filesystem::path& dir, const IndexOptions& options) {
  auto d = open_fs_directory(dir);
  if (!d) return d.status();
  return open(std::move(d).value(), options);
}

Result<std::unique_ptr<Index>> Index::open(std::shared_ptr<Directory> dir, const IndexOptions& options) {
  std::unique_ptr<Index> idx(new Index(std::move(dir), options));
  Status s = idx->load();
  if (!s) return s;
  return idx;
}

Status Index::load() {
  std::lock_guard<std::mutex> l(write_mu_);
  Manifest m;
  if (dir_->exists(kManifestName)) {
    auto bytes = dir_->read(kManifestName);
    if (!bytes) return bytes.status();
    auto dm = decode_manifest((*bytes)->view());
    if (!dm) return dm.status().with_context(dir_->describe());
    m = std::move(dm).value();
  }
  std::vector<Live> live;
  for (const auto& ms : m.segments) {
    const std::string name = segment_file_name(ms.number);
    auto data = dir_->read(name);
    if (!data) return data.status().with_context(dir_->describe() + ": manifest names a missing segment");
    auto seg = Segment::open(std::move(data).value(), name);
    if (!seg) return seg.status().with_context(dir_->describe());
    if ((*seg)->doc_count() != ms.n_docs) return Status::corruption(dir_->describe() + "/" + name + ": doc count differs from manifest");
    live.push_back({std::move(seg).value(), ms});
  }
  // Whatever the manifest does not name is left over from an interrupted commit or a finished merge.
  auto names = dir_->list();
  if (!names) return names.status();
  for (const auto& name : *names) {
    uint64_t number = 0;
    bool ours = name == kManifestTmpName;
    if (parse_segment_file_name(name, &number)) {
      ours = std::none_of(m.segments.begin(), m.segments.end(), [&](const ManifestSegment& s) { return s.number == number; });
    }
    if (ours) WENYUAN_RETURN_IF_ERROR(dir_->remove(name));
  }
  generation_ = m.generation;
  next_segment_ = m.next_segment;
  install(std::move(live), m.catalog_seq);
  return Status::ok();
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

uint64_t Index::catalog_seq() const { return snapshot()->catalog_seq(); }

Result<std::string> Index::write_file(const std::string& name, std::string_view bytes) {
  auto f = dir_->create(name);
  if (!f) return f.status();
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < bytes.size(); at += kChunk)
    WENYUAN_RETURN_IF_ERROR((*f)->append(bytes.substr(at, kChunk)));
  WENYUAN_RETURN_IF_ERROR((*f)->sync());
  WENYUAN_RETURN_IF_ERROR((*f)->close());
  return name;
}

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
  // Build on up to build_threads threads; each batch is independent.
  std::vector<Result<std::string>> built(batches.size(), Status::internal("not built"));
  {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < batches.size();) built[i] = build_segment(batches[i]);
    };
    unsigned n_threads = static_cast<unsigned>(std::min<size_t>(std::max(1u, options_.build_threads), batches.size()));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n_threads; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
  }
  std::vector<std::string> written;
  bool renamed = false;
  auto fail = [&](Status s) {
    // Files of a commit that did not happen are garbage; open() would remove them too.
    if (!renamed)
      for (const auto& n : written) (void)dir_->remove(n);
    return s;
  };
  std::vector<Live> live = std::move(kept);
  for (size_t i = 0; i < batches.size(); ++i) {
    if (!built[i]) return fail(built[i].status());
    const uint64_t number = next_segment_++;
    const std::string name = segment_file_name(number);
    written.push_back(name);
    auto w = write_file(name, *built[i]);
    if (!w) return fail(w.status());
    built[i] = Status::internal("written");  // free the image
    auto data = dir_->read(name);
    if (!data) return fail(data.status());
    auto seg = Segment::open(std::move(data).value(), name);
    if (!seg) return fail(seg.status());
    ManifestSegment ms;
    ms.number = number;
    ms.n_docs = (*seg)->doc_count();
    ms.deleted.assign((ms.n_docs + 7) / 8, 0);
    live.push_back({std::move(seg).value(), std::move(ms)});
  }
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
  // Snapshots that still use a dropped segment keep its bytes mapped.
  for (const auto& n : dropped) (void)dir_->remove(n);
  return Status::ok();
}

Status Index::optimize() {
  std::lock_guard<std::mutex> l(write_mu_);
  bool any_deleted = false;
  for (const auto& lv : live_) any_deleted |= lv.meta.deleted_count() != 0;
  if (live_.size() <= 1 && !any_deleted) return Status::ok();
  std::vector<IndexDoc> docs;
  for (const auto& lv : live_) {
    for (uint32_t d = 0; d < lv.segment->doc_count(); ++d) {
      if (lv.meta.is_deleted(d)) continue;
      auto x = lv.segment->load_doc(d);
      if (!x) return x.status();
      docs.push_back(std::move(x).value());
    }
  }
  std::vector<const IndexDoc*> ptrs;
  for (const auto& d : docs) ptrs.push_back(&d);
  // One segment regardless of segment_chars: that is what optimize means.
  IndexOptions saved = options_;
  options_.segment_chars = SIZE_MAX;
  Status s = write_commit(ptrs, {}, catalog_seq_);
  options_ = saved;
  return s;
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

}  // namespace wenyuan::index
