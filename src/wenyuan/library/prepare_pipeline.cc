// The reader and the prepare workers of an import; see prepare_pipeline.h.
#include "wenyuan/library/prepare_pipeline.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

#include "wenyuan/dedup/sketch.h"
#include "wenyuan/doc/clean.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/prepare.h"

namespace wenyuan::library {

namespace fs = std::filesystem;

namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Answers every question the same way (so a worker's result does not depend on
// the catalog, nor on other documents) and writes down the lines asked about.
class RecordingEdgeStats final : public doc::EdgeLineStats {
 public:
  uint32_t documents_with_edge_line(std::string_view, std::string_view line) const override {
    lines_.emplace_back(line);
    return 0;
  }
  uint32_t documents_in_source(std::string_view) const override { return 1u << 30; }
  std::vector<std::string> take_lines() const { return std::exchange(lines_, {}); }

 private:
  mutable std::vector<std::string> lines_;  // one per worker, one prepare() at a time
};

// Everything of a record that does not need the catalog.
PreparedItem prepare_record(doc::RawDocument raw, int64_t now, const ImportOptions& options,
                            RecordingEdgeStats& recorder) {
  PreparedItem item;
  item.now = now;
  doc::PrepareOptions prep = prepare_options(options, now);
  prep.edge_stats = &recorder;
  item.edges = doc::edge_lines(raw.text);
  // A copy to prepare again should a line recur; `original` (often the
  // biggest field) is taken back from the prepared document instead.
  std::string original = std::move(raw.original);
  item.raw = raw;
  raw.original = std::move(original);
  auto prepared = doc::prepare(std::move(raw), prep);
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
  return item;
}

}  // namespace

unsigned prepare_workers(unsigned requested) {
  unsigned n = requested != 0 ? requested : std::thread::hardware_concurrency();
  return std::clamp(n, 1u, kMaxPrepareWorkers);
}

doc::PrepareOptions prepare_options(const ImportOptions& options, int64_t now) {
  doc::PrepareOptions prep;
  prep.clean = options.clean;
  prep.paid = options.paid;
  prep.preview_share = options.preview_share;
  prep.now = now;
  return prep;
}

PreparePipeline::PreparePipeline(const ImportOptions& options, unsigned workers) : options_(options) {
  workers = std::max(workers, 1u);
  workers_.reserve(workers);
  try {
    for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
  } catch (...) {  // a thread that cannot start: stop those that did
    cancel();
    for (auto& t : workers_) t.join();
    throw;
  }
}

PreparePipeline::~PreparePipeline() {
  cancel();
  for (auto& t : workers_) t.join();
}

bool PreparePipeline::admit(Slot slot) {
  std::unique_lock<std::mutex> l(mu_);
  space_.wait(l, [&] { return cancelled_ || window_.empty() || (window_.size() < kMaxItems && bytes_ < kMaxBytes); });
  if (cancelled_) return false;
  bytes_ += slot.bytes;
  const bool to_prepare = slot.raw.has_value();
  window_.push_back(std::move(slot));
  if (to_prepare) {
    todo_.push_back(base_ + window_.size() - 1);
    work_.notify_one();
  } else if (window_.size() == 1) {
    front_ready_.notify_one();
  }
  return true;
}

bool PreparePipeline::push_record(doc::RawDocument raw, int64_t now) {
  Slot slot;
  slot.bytes = raw.text.size() + raw.original.size() + 64;
  slot.now = now;
  slot.raw = std::move(raw);
  return admit(std::move(slot));
}

bool PreparePipeline::push_ready(PreparedItem item) {
  Slot slot;
  slot.bytes = 64;
  slot.ready = true;
  slot.item = std::move(item);
  return admit(std::move(slot));
}

void PreparePipeline::close() {
  std::lock_guard<std::mutex> l(mu_);
  closed_ = true;
  work_.notify_all();
  front_ready_.notify_all();
}

void PreparePipeline::cancel() {
  std::lock_guard<std::mutex> l(mu_);
  cancelled_ = true;
  space_.notify_all();
  work_.notify_all();
  front_ready_.notify_all();
}

bool PreparePipeline::cancelled() const {
  std::lock_guard<std::mutex> l(mu_);
  return cancelled_;
}

std::optional<PreparedItem> PreparePipeline::pop() {
  std::unique_lock<std::mutex> l(mu_);
  front_ready_.wait(l, [&] { return cancelled_ || (!window_.empty() && window_.front().ready) || (closed_ && window_.empty()); });
  if (cancelled_ || window_.empty()) return std::nullopt;
  PreparedItem item = std::move(window_.front().item);
  bytes_ -= window_.front().bytes;
  window_.pop_front();
  ++base_;
  space_.notify_one();
  return item;
}

void PreparePipeline::work() {
  RecordingEdgeStats recorder;
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    work_.wait(l, [&] { return cancelled_ || closed_ || !todo_.empty(); });
    if (cancelled_ || todo_.empty()) return;  // cancelled, or closed with nothing left
    const uint64_t seq = todo_.front();
    todo_.pop_front();
    // A slot not ready is never popped, and a deque's push_back keeps
    // references, but the index is taken again after the unlock anyway.
    Slot& taken = window_[seq - base_];
    doc::RawDocument raw = std::move(*taken.raw);
    taken.raw.reset();
    const int64_t now = taken.now;
    l.unlock();
    PreparedItem item;
    try {
      item = prepare_record(std::move(raw), now, options_, recorder);
    } catch (const std::exception& e) {
      // Out of memory in one document, a codec failure: that record is
      // rejected, in its place; an exception leaving this thread would end the
      // process.
      item = PreparedItem();
      item.now = now;
      item.status = Status::internal(std::string("preparing a record: ") + e.what());
      (void)recorder.take_lines();
    }
    l.lock();
    if (cancelled_) return;
    Slot& slot = window_[seq - base_];
    slot.item = std::move(item);
    slot.ready = true;
    if (seq == base_) front_ready_.notify_one();
  }
}

void read_files(const std::vector<fs::path>& files, const ImportOptions& options, PreparePipeline& pipeline,
                std::vector<SkippedFile>& skipped) {
  // In-process, a folder's .doc/.wps files share LibreOffice runs; a sandboxed
  // child sees one file at a time.
  const doc::OfficeBatchScope office_batch(options.sandbox.enabled() ? std::vector<fs::path>{} : files,
                                           options.limits);
  for (const auto& path : files) {
    if (pipeline.cancelled()) return;
    const int64_t now = unix_now();
    auto sink = [&](Result<doc::RawDocument> raw) {
      if (!raw) {
        PreparedItem item;
        item.now = now;
        item.status = raw.status();
        pipeline.push_ready(std::move(item));
        return;
      }
      if (raw->category.empty()) raw->category = options.category;
      pipeline.push_record(std::move(raw.value()), now);
    };
    PreparedItem end;
    end.file_end = true;
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    end.file_size = ec ? 0 : size;
    end.path = path;
    end.status = doc::import_file_sandboxed(path, options.limits, options.sandbox, sink,
                                            [&](const std::string& member, const std::string& reason) {
                                              skipped.push_back({member, reason});
                                            });
    if (!pipeline.push_ready(std::move(end))) return;
  }
}

}  // namespace wenyuan::library
