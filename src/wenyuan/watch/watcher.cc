#include "wenyuan/watch/watcher.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "wenyuan/watch/file_filter.h"
#include "wenyuan/watch/inotify.h"
#include "wenyuan/watch/watch_state.h"

namespace wenyuan::watch {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Folders deeper than this are not descended into (untrusted trees are bounded).
constexpr int kMaxDepth = 64;
const char* const kNotImportable = "not an importable format";

struct FileStat {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStat&) const = default;
};

std::optional<FileStat> stat_file(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStat{static_cast<uint64_t>(st.st_size),
                  static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

fs::path normal_folder(const fs::path& p) {
  fs::path d = fs::absolute(p).lexically_normal();
  if (d.filename().empty() && d.has_parent_path() && d != d.root_path()) d = d.parent_path();
  return d;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// An importer's "ABS: reason" or "ABS:LINE: reason" as a reason without any
// absolute path (it is shown over HTTP): "reason" or "line LINE: reason".
std::string reason_of(std::string message, const std::string& abs, const std::string& root) {
  if (message.compare(0, abs.size(), abs) == 0 && message.size() > abs.size() && message[abs.size()] == ':') {
    message = message.substr(abs.size() + 1);
    if (!message.empty() && message[0] == ' ') {
      message.erase(0, 1);
    } else {
      message = "line " + message;
    }
  }
  replace_all(message, root + "/", "");
  replace_all(message, root, "");
  return message;
}

}  // namespace

struct Watcher::Impl {
  struct Root {
    fs::path dir;
    std::string key;  // dir as a string: WatchState's root column
    std::unordered_map<std::string, FileRecord> records;  // by path relative to dir
  };
  struct Pending {
    FileStat stat;
    Clock::time_point since;  // when `stat` was first seen
    bool ready = false;       // complete: import at the next batch
  };
  struct Job {
    size_t root;
    std::string rel;
    fs::path abs;
    FileStat stat;
  };

  WatchOptions options;
  Executor executor;
  std::unique_ptr<WatchState> state;
  mutable std::mutex state_mu;  // state: the watcher's thread saves, rejected() reads
  std::vector<Root> roots;
  std::unordered_map<std::string, int> id_refs;  // id -> watched files that produce it
  std::map<fs::path, Pending> pending;
  std::vector<std::pair<size_t, std::string>> gone;  // files whose rows are to go
  std::unique_ptr<Inotify> inotify;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  bool need_rescan = false;
  bool warned_watch_limit = false;
  std::vector<SkippedFile> skipped;  // the last rescan's

  mutable std::mutex counters_mu;
  WatchCounters counters;

  ~Impl() {
    if (wake_fd >= 0) ::close(wake_fd);
  }

  void ref(const std::vector<std::string>& ids, int delta, std::vector<std::string>* orphans) {
    for (const auto& id : ids) {
      int& n = id_refs[id];
      n += delta;
      if (n <= 0) {
        id_refs.erase(id);
        if (orphans) orphans->push_back(id);
      }
    }
  }

  std::optional<std::pair<size_t, std::string>> locate(const fs::path& abs) const {
    for (size_t i = 0; i < roots.size(); ++i) {
      const std::string& k = roots[i].key;
      const std::string s = abs.string();
      if (s.size() > k.size() + 1 && s.compare(0, k.size(), k) == 0 && s[k.size()] == '/') {
        return std::make_pair(i, s.substr(k.size() + 1));
      }
    }
    return std::nullopt;
  }

  // A watched folder inside another is listed on its own, as its own root.
  bool is_root_folder(const fs::path& dir) const {
    return std::any_of(roots.begin(), roots.end(), [&](const Root& r) { return r.dir == dir; });
  }

  std::string category_of(const std::string& rel) const {
    if (!options.folder_category) return {};
    return fs::path(rel).parent_path().generic_string();
  }

  // A candidate file seen by an event or a listing: unchanged against its row,
  // or pending (ready at once when the event says it is complete).
  void consider(size_t root, const fs::path& abs, const std::string& rel, bool ready) {
    auto st = stat_file(abs);
    if (!st) return;
    auto rec = roots[root].records.find(rel);
    if (rec != roots[root].records.end() && rec->second.size == st->size && rec->second.mtime_ns == st->mtime_ns) {
      pending.erase(abs);
      return;
    }
    auto [it, fresh] = pending.try_emplace(abs, Pending{*st, Clock::now(), ready});
    if (!fresh) {
      if (!(it->second.stat == *st)) {
        it->second.stat = *st;
        it->second.since = Clock::now();
      }
      it->second.ready = it->second.ready || ready;
    }
  }

  void watch_folder(const fs::path& dir) {
    if (!inotify) return;
    auto st = inotify->add(dir);
    if (!st && !warned_watch_limit) {
      warned_watch_limit = true;
      spdlog::warn("watch: {}", st.message());
    }
  }

  // Lists `dir` and below (watching each folder before listing it).
  void scan_tree(size_t root, const fs::path& dir, bool ready, std::unordered_set<std::string>* seen) {
    std::vector<std::pair<fs::path, int>> stack{{dir, 0}};
    while (!stack.empty()) {
      auto [d, depth] = stack.back();
      stack.pop_back();
      watch_folder(d);
      std::error_code ec;
      for (fs::directory_iterator it(d, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
           it.increment(ec)) {
        const fs::path p = it->path();
        std::error_code e2;
        const auto link = it->symlink_status(e2);
        if (fs::is_directory(link)) {
          if (!is_ignored_folder(p) && depth < kMaxDepth && !is_root_folder(p)) stack.emplace_back(p, depth + 1);
          continue;
        }
        if (!fs::is_regular_file(it->status(e2))) continue;
        auto loc = locate(p);
        if (!loc || loc->first != root) continue;
        switch (classify(p)) {
          case FileKind::kIgnored:
            break;
          case FileKind::kNotImportable:
            if (seen) skipped.push_back({loc->second, kNotImportable});
            break;
          case FileKind::kCandidate:
            if (seen) seen->insert(loc->second);
            consider(root, p, loc->second, ready);
            break;
        }
      }
      if (ec) spdlog::warn("watch: cannot list {}: {}", d.string(), ec.message());
    }
  }

  void rescan_all() {
    skipped.clear();
    for (size_t i = 0; i < roots.size(); ++i) {
      std::unordered_set<std::string> seen;
      scan_tree(i, roots[i].dir, false, &seen);
      for (const auto& [rel, rec] : roots[i].records) {
        if (!seen.count(rel) && !stat_file(roots[i].dir / rel)) gone.emplace_back(i, rel);
      }
    }
    // Pending files that vanished before becoming complete leave no trace.
    for (auto it = pending.begin(); it != pending.end();) {
      it = stat_file(it->first) ? std::next(it) : pending.erase(it);
    }
    std::lock_guard l(counters_mu);
    ++counters.rescans;
  }

  // A folder moved away or deleted: its files' rows go, its pending files too.
  void forget_tree(size_t root, const fs::path& abs, const std::string& rel) {
    if (inotify) inotify->remove_tree(abs);
    const std::string prefix = rel + "/";
    for (const auto& [r, rec] : roots[root].records) {
      if (r.compare(0, prefix.size(), prefix) == 0) gone.emplace_back(root, r);
    }
    const std::string abs_prefix = abs.string() + "/";
    for (auto it = pending.begin(); it != pending.end();) {
      it = it->first.string().compare(0, abs_prefix.size(), abs_prefix) == 0 ? pending.erase(it) : std::next(it);
    }
  }

  void handle(const std::vector<FolderEvent>& events) {
    for (const auto& e : events) {
      if (e.mask & IN_Q_OVERFLOW) {
        spdlog::warn("watch: inotify queue overflowed; rescanning");
        need_rescan = true;
        continue;
      }
      if (e.name.empty()) {
        if (e.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) need_rescan = true;
        continue;
      }
      const fs::path abs = e.folder / e.name;
      auto loc = locate(abs);
      if (!loc) continue;
      const auto [root, rel] = *loc;
      if (e.mask & IN_ISDIR) {
        if (is_ignored_folder(abs)) continue;
        if (e.mask & (IN_CREATE | IN_MOVED_TO)) {
          // mkdir: its files may be mid-write; a folder moved in is complete.
          scan_tree(root, abs, (e.mask & IN_MOVED_TO) != 0, nullptr);
        } else if (e.mask & (IN_MOVED_FROM | IN_DELETE)) {
          forget_tree(root, abs, rel);
        }
        continue;
      }
      if (classify(abs) != FileKind::kCandidate) continue;
      if (e.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
        consider(root, abs, rel, true);
      } else if (e.mask & IN_CREATE) {
        consider(root, abs, rel, false);
      } else if (e.mask & (IN_DELETE | IN_MOVED_FROM)) {
        pending.erase(abs);
        if (roots[root].records.count(rel)) gone.emplace_back(root, rel);
      }
    }
  }

  // Pending files whose size and mtime held for stable_seconds become ready.
  void check_pending() {
    const auto now = Clock::now();
    const auto stable = std::chrono::duration<double>(options.stable_seconds);
    for (auto it = pending.begin(); it != pending.end();) {
      Pending& p = it->second;
      if (p.ready) {
        ++it;
        continue;
      }
      auto st = stat_file(it->first);
      if (!st) {
        it = pending.erase(it);  // the delete event or the next rescan settles its row
        continue;
      }
      if (!(*st == p.stat)) {
        p.stat = *st;
        p.since = now;
      } else if (now - p.since >= stable) {
        p.ready = true;
      }
      ++it;
    }
  }

  bool has_ready() const {
    return std::any_of(pending.begin(), pending.end(), [](const auto& kv) { return kv.second.ready; });
  }

  // Takes up to batch_files ready files and every gone file, and settles them
  // with the library in one Executor call. False when there was nothing to do.
  bool process() {
    std::vector<Job> jobs;
    for (auto it = pending.begin(); it != pending.end() && jobs.size() < options.batch_files;) {
      if (!it->second.ready) {
        ++it;
        continue;
      }
      const fs::path abs = it->first;
      it = pending.erase(it);
      auto st = stat_file(abs);
      auto loc = locate(abs);
      if (!st || !loc) continue;
      auto rec = roots[loc->first].records.find(loc->second);
      if (rec != roots[loc->first].records.end() && rec->second.size == st->size &&
          rec->second.mtime_ns == st->mtime_ns) {
        continue;
      }
      jobs.push_back({loc->first, loc->second, abs, *st});
    }
    std::vector<std::pair<size_t, std::string>> gone_now;
    gone_now.swap(gone);
    if (jobs.empty() && gone_now.empty()) return false;

    std::vector<FileRecord> puts;
    std::vector<std::pair<size_t, std::string>> erases;
    WatchCounters delta;
    executor([&](library::Library& lib) {
      std::map<std::string, std::vector<size_t>> by_category;  // one import_paths per folder
      for (size_t j = 0; j < jobs.size(); ++j) by_category[category_of(jobs[j].rel)].push_back(j);
      std::unordered_map<std::string, library::FileOutcome> outcomes;
      for (const auto& [category, members] : by_category) {
        library::ImportOptions io = options.import;
        io.category = category;
        io.intake_origin = "watch";
        std::vector<fs::path> paths;
        for (size_t j : members) paths.push_back(jobs[j].abs);
        auto report = lib.import_paths(paths, io, {}, [](const std::string& m) {
          if (m.rfind("import stopped", 0) == 0) spdlog::error("watch: {}", m);
        });
        delta.imported += report.imported;
        delta.updated += report.updated;
        delta.unchanged += report.unchanged;
        // A catalog batch that did not commit stored none of its ids: leave the
        // folder's files without a row change, so the next rescan retries them.
        if (report.not_stored > 0) continue;
        for (auto& f : report.files) outcomes[f.path.string()] = std::move(f);
      }
      std::vector<std::string> orphans;
      const int64_t now = unix_now();
      for (const Job& job : jobs) {
        auto o = outcomes.find(job.abs.string());
        if (o == outcomes.end()) continue;  // the import stopped before it: the next rescan retries
        Root& root = roots[job.root];
        FileRecord r;
        r.root = root.key;
        r.path = job.rel;
        r.size = job.stat.size;
        r.mtime_ns = job.stat.mtime_ns;
        r.ids = o->second.ids;
        r.time = now;
        if (!o->second.error.empty()) r.reason = reason_of(o->second.error, job.abs.string(), root.key);
        if (r.ids.empty()) {
          r.state = FileState::kRejected;
          if (r.reason.empty()) r.reason = "no documents in the file";
          ++delta.rejected;
        }
        ref(r.ids, +1, nullptr);
        auto old = root.records.find(job.rel);
        if (old != root.records.end()) ref(old->second.ids, -1, &orphans);
        root.records[job.rel] = r;
        puts.push_back(std::move(r));
      }
      for (const auto& [ri, rel] : gone_now) {
        Root& root = roots[ri];
        auto rec = root.records.find(rel);
        if (rec == root.records.end() || stat_file(root.dir / rel)) continue;  // already settled, or back
        ref(rec->second.ids, -1, options.remove_on_delete ? &orphans : nullptr);
        root.records.erase(rec);
        erases.emplace_back(ri, rel);
      }
      for (const auto& id : orphans) {
        if (id_refs.count(id)) continue;  // another file produces it again
        auto st = lib.remove(id);
        if (st) {
          ++delta.removed;
        } else if (st.code() != StatusCode::kNotFound) {
          spdlog::warn("watch: cannot remove {}: {}", id, st.message());
        }
      }
    });
    save(puts, erases);
    spdlog::info("watch: {} file(s): imported {}, updated {}, unchanged {}, rejected {}; {} gone, {} document(s) removed",
                 jobs.size(), delta.imported, delta.updated, delta.unchanged, delta.rejected, erases.size(),
                 delta.removed);
    std::lock_guard l(counters_mu);
    counters.imported += delta.imported;
    counters.updated += delta.updated;
    counters.unchanged += delta.unchanged;
    counters.rejected += delta.rejected;
    counters.removed += delta.removed;
    ++counters.batches;
    return true;
  }

  void save(const std::vector<FileRecord>& puts, const std::vector<std::pair<size_t, std::string>>& erases) {
    std::lock_guard l(state_mu);
    Status st = state->begin();
    for (const auto& r : puts) {
      if (st) st = state->put(r);
    }
    for (const auto& [ri, rel] : erases) {
      if (st) st = state->erase(roots[ri].key, rel);
    }
    if (st) st = state->commit();
    // The library is right either way; a stale row only makes the next start re-import (unchanged) or remove again.
    if (!st) spdlog::error("watch: cannot save the watch state: {}", st.message());
  }

  int tick_ms() const { return std::clamp(static_cast<int>(options.stable_seconds * 1000 / 4), 10, 250); }

  void run() {
    rescan_all();
    auto next_rescan = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(options.rescan_seconds));
    pollfd fds[2] = {{wake_fd, POLLIN, 0}, {inotify->fd(), POLLIN, 0}};
    while (!stopping.load()) {
      int timeout = 1000;
      if (!gone.empty() || has_ready()) {
        timeout = 0;
      } else if (!pending.empty()) {
        timeout = tick_ms();
      }
      ::poll(fds, 2, timeout);
      if (fds[0].revents & POLLIN) {
        uint64_t v;
        [[maybe_unused]] auto n = ::read(wake_fd, &v, sizeof v);
      }
      if (stopping.load()) break;
      if (fds[1].revents & POLLIN) handle(inotify->read_events());
      if (options.rescan_seconds > 0 && Clock::now() >= next_rescan) {
        need_rescan = true;
        next_rescan = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(options.rescan_seconds));
      }
      if (need_rescan) {
        need_rescan = false;
        rescan_all();
      }
      check_pending();
      process();
    }
  }
};

Watcher::Watcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Watcher::~Watcher() { stop(); }

Result<std::unique_ptr<Watcher>> Watcher::create(const fs::path& state_file, WatchOptions options, Executor executor) {
  if (options.folders.empty()) return Status::invalid_argument("watch: no folder to watch");
  if (options.stable_seconds < 0) return Status::invalid_argument("watch: stable seconds must not be negative");
  if (options.rescan_seconds < 0) return Status::invalid_argument("watch: rescan seconds must not be negative");
  if (options.batch_files == 0) options.batch_files = 1;
  auto impl = std::make_unique<Impl>();
  for (const auto& f : options.folders) {
    std::error_code ec;
    if (!fs::is_directory(f, ec)) return Status::not_found("watch folder " + f.string() + ": no such folder");
    Impl::Root r;
    r.dir = normal_folder(f);
    r.key = r.dir.string();
    impl->roots.push_back(std::move(r));
  }
  // Nested folders: the deeper one must claim its files, so it is tried first.
  std::sort(impl->roots.begin(), impl->roots.end(),
            [](const Impl::Root& a, const Impl::Root& b) { return a.key.size() > b.key.size(); });
  WENYUAN_ASSIGN_OR_RETURN(auto state, WatchState::open(state_file));
  impl->state = std::move(state);
  for (auto& r : impl->roots) {
    auto rows = impl->state->load(r.key);
    if (!rows) return rows.status().with_context(state_file.string());
    for (auto& row : *rows) {
      impl->ref(row.ids, +1, nullptr);
      std::string rel = row.path;
      r.records.emplace(std::move(rel), std::move(row));
    }
  }
  impl->options = std::move(options);
  impl->executor = std::move(executor);
  return std::unique_ptr<Watcher>(new Watcher(std::move(impl)));
}

Status Watcher::start() {
  if (thread_.joinable()) return Status::ok();
  WENYUAN_ASSIGN_OR_RETURN(auto in, Inotify::open());
  impl_->inotify = std::move(in);
  impl_->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->wake_fd < 0) return Status::io_error("watch: eventfd failed");
  impl_->stopping = false;
  thread_ = std::thread([this] { impl_->run(); });
  return Status::ok();
}

void Watcher::stop() {
  if (!thread_.joinable()) return;
  impl_->stopping = true;
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(impl_->wake_fd, &one, sizeof one);
  thread_.join();
}

OnceReport Watcher::run_once() {
  Impl& w = *impl_;
  w.rescan_all();
  const auto give_up = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(w.options.stable_seconds * 10 + 5));
  for (;;) {
    w.check_pending();
    while (w.process()) {
    }
    if (w.pending.empty() || Clock::now() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(w.tick_ms()));
  }
  OnceReport out;
  out.counters = counters();
  out.skipped = w.skipped;
  for (const auto& [abs, p] : w.pending) {
    auto loc = w.locate(abs);
    out.unstable.push_back(loc ? loc->second : abs.filename().string());
  }
  w.pending.clear();
  return out;
}

WatchCounters Watcher::counters() const {
  std::lock_guard l(impl_->counters_mu);
  return impl_->counters;
}

Result<std::vector<FileRecord>> Watcher::rejected() const {
  std::lock_guard l(impl_->state_mu);
  return impl_->state->rejected();
}

}  // namespace wenyuan::watch
