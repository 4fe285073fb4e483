// Office formats read through LibreOffice: .doc (Word 97–2003), .wps (WPS
// Office), .rtf and .odt are converted to .docx, .et (WPS spreadsheets), .xls
// and .ods to .xlsx, and the result goes through import_docx / import_xlsx.
// No library of Debian reads .doc and .wps well enough; LibreOffice does, and
// is one package (libreoffice-writer-nogui, -calc-nogui; scripts/setup).
//
// The converter is a child process (`soffice --headless --convert-to docx`):
//   - in a private profile (-env:UserInstallation in a fresh temporary folder),
//     so conversions never share or damage a user's profile, and two at once
//     never hand their work to each other's running instance;
//   - in its own process group, killed whole (soffice starts oosplash, which
//     starts soffice.bin) after ImportLimits::convert_seconds, and once more
//     after it exits, so no straggler outlives the import;
//   - with stdin from /dev/null and its chatter (javaldx warnings) in a file of
//     the temporary folder: it never reaches the terminal; a failure quotes its
//     last line.
// Uploads and watched files already run this in the sandboxed parse child
// (sandbox.cc), which waits here, off the server's threads; its rlimits (CPU,
// address space, files) are inherited by the converter.
//
// `WENYUAN_SOFFICE` names the converter program instead of the `soffice` found
// on PATH (an empty value: none is installed). Tests use it.
//
// Cost: one LibreOffice start per file, about 1–3 s (docs/intake.md has figures);
// a folder import converts its office files 16 to a run (OfficeBatchScope).

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "wenyuan/doc/import.h"
#include "wenyuan/doc/import_internal.h"
#include "wenyuan/doc/zip_archive.h"

extern char** environ;

namespace wenyuan::doc {
namespace fs = std::filesystem;

namespace internal {
bool is_office(std::string_view ext) {
  for (std::string_view e : {".doc", ".wps", ".rtf", ".odt", ".et", ".xls", ".ods"}) {
    if (ext == e) return true;
  }
  return false;
}
}  // namespace internal

namespace {

bool is_sheet(std::string_view ext) { return ext == ".et" || ext == ".xls" || ext == ".ods"; }

// The converter program, or nullopt when there is none.
std::optional<std::string> find_soffice() {
  if (const char* forced = std::getenv("WENYUAN_SOFFICE")) {
    if (*forced == '\0' || ::access(forced, X_OK) != 0) return std::nullopt;
    return std::string(forced);
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    if (!dir.empty()) {
      std::string candidate = std::string(dir) + "/soffice";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

// A temporary folder removed with everything in it when this goes.
class TempDir {
 public:
  static Result<TempDir> make(const std::string& origin) {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string templ = (base / "wenyuan-convert-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      return Status::io_error(origin + ": cannot make a folder for the conversion: " + std::strerror(errno));
    }
    return TempDir(templ);
  }
  TempDir(TempDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit TempDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

// file:// URL of a local path (LibreOffice wants its profile as a URL).
std::string file_url(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      url.push_back(static_cast<char>(c));
    } else {
      url.push_back('%');
      url.push_back(hex[c >> 4]);
      url.push_back(hex[c & 15]);
    }
  }
  return url;
}

// The last line of the converter's output worth quoting.
std::string last_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find("javaldx") != std::string::npos || line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last = line;
  }
  if (last.size() > 200) last.resize(200);
  return last;
}

struct Spawned {
  bool timed_out = false;
  int wstatus = 0;
  bool reaped = false;
};

// Runs argv in its own process group, waits at most `seconds`, kills the group.
Result<Spawned> run_group(const std::vector<std::string>& args, const fs::path& log, uint32_t seconds,
                          const std::string& origin) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int err = ::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return Status::io_error(origin + ": cannot start LibreOffice (" + args[0] + "): " + std::strerror(err));

  Spawned out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    const pid_t r = ::waitpid(pid, &out.wstatus, WNOHANG);
    if (r == pid) {
      out.reaped = true;
      break;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;  // ECHILD: SIGCHLD ignored by this process; the output file decides
    if (std::chrono::steady_clock::now() >= deadline) {
      out.timed_out = true;
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &out.wstatus, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // whatever of the group is left (ESRCH when nothing)
  return out;
}

Result<std::string> read_output(const fs::path& file, const std::string& origin, const ImportLimits& limits) {
  std::error_code ec;
  const uint64_t size = fs::file_size(file, ec);
  if (ec) return Status::internal(origin + ": the converted file is missing");
  if (size > limits.max_file_bytes) {
    return Status::too_large(origin + ": converted, it is larger than the limit of " + format_bytes(limits.max_file_bytes));
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return Status::io_error(origin + ": cannot read the converted file");
  }
  return bytes;
}

// The command converting `inputs` to `target` into DIR/out, with its profile in DIR/profile.
std::vector<std::string> soffice_args(const std::string& soffice, const fs::path& dir, const std::string& target,
                                      const std::vector<fs::path>& inputs) {
  std::vector<std::string> args = {soffice,
                                   "--headless",
                                   "--norestore",
                                   "--nolockcheck",
                                   "--nologo",
                                   "--nodefault",
                                   "-env:UserInstallation=" + file_url((dir / "profile").string()),
                                   "--convert-to",
                                   target,
                                   "--outdir",
                                   (dir / "out").string()};
  for (const auto& in : inputs) args.push_back(in.string());
  return args;
}

// `bytes` (a file of extension `ext`) converted to `target` ("docx", "xlsx").
Result<std::string> convert(const std::string& bytes, const std::string& origin, const std::string& ext,
                            const std::string& target, const ImportLimits& limits) {
  const std::optional<std::string> soffice = find_soffice();
  if (!soffice) {
    return Status::unsupported(origin + ": cannot import " + ext +
                               ": LibreOffice (soffice) is not installed; run scripts/setup");
  }
  Result<TempDir> dir = TempDir::make(origin);
  if (!dir) return dir.status();
  // A fixed name: the original may hold any bytes, and LibreOffice names its
  // output after its input.
  const fs::path input = dir->path() / ("input" + ext);
  {
    std::ofstream f(input, std::ios::binary);
    if (!f.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !f.flush()) {
      return Status::io_error(origin + ": cannot write the file for its conversion");
    }
  }
  const fs::path outdir = dir->path() / "out";
  const fs::path log = dir->path() / "soffice.log";
  Result<Spawned> run = run_group(soffice_args(*soffice, dir->path(), target, {input}), log, limits.convert_seconds, origin);
  if (!run) return run.status();
  if (run->timed_out) {
    return Status::too_large(origin + ": rejected: LibreOffice took more than " +
                             std::to_string(limits.convert_seconds) + " s to convert it");
  }
  const fs::path output = outdir / ("input." + target);
  std::error_code ec;
  if (!fs::exists(output, ec)) {
    std::string why;
    if (run->reaped && WIFSIGNALED(run->wstatus)) {
      why = "LibreOffice was stopped by signal " + std::to_string(WTERMSIG(run->wstatus));
    } else {
      why = last_line(log);
      why = why.empty() ? "LibreOffice could not convert it" : "LibreOffice could not convert it: " + why;
    }
    return Status::invalid_argument(origin + ": not a readable " + ext + " file (" + why + ")");
  }
  return read_output(output, origin, limits);
}

}  // namespace

// ---- a folder's office files, converted 16 to a LibreOffice run ----
//
// LibreOffice's start is most of a conversion's cost (docs/intake.md), so a
// folder import converts its office files in runs of kBatchFiles: the first
// file of a run that is asked for converts it and the files after it. A file
// the run did not convert (unreadable, or the run timed out) is converted on
// its own afterwards, so its error is its own. The run's time limit is
// convert_seconds plus 5 s per file.
constexpr size_t kBatchFiles = 16;

class OfficeBatch {
 public:
  OfficeBatch(std::vector<fs::path> files, const ImportLimits& limits) : files_(std::move(files)), limits_(limits) {
    for (size_t i = 0; i < files_.size(); ++i) index_.emplace(files_[i].string(), i);
  }

  // The converted bytes of `origin`, or nullopt: convert it alone.
  std::optional<std::string> take(const std::string& origin) {
    auto it = index_.find(origin);
    if (it == index_.end()) return std::nullopt;
    const size_t i = it->second;
    if (i < from_ || i >= to_) convert_run(i);
    auto out = outputs_.find(i);
    if (out == outputs_.end()) return std::nullopt;
    Result<std::string> bytes = read_output(out->second, origin, limits_);
    if (!bytes) return std::nullopt;
    return std::move(bytes).value();
  }

 private:
  void convert_run(size_t from) {
    outputs_.clear();
    dir_.reset();  // the previous run's files go
    from_ = from;
    to_ = std::min(files_.size(), from + kBatchFiles);
    const std::optional<std::string> soffice = find_soffice();
    if (!soffice) return;
    Result<TempDir> dir = TempDir::make("batch");
    if (!dir) return;
    dir_.emplace(std::move(dir).value());
    for (const std::string target : {"docx", "xlsx"}) {
      std::vector<fs::path> inputs;
      std::vector<size_t> which;
      for (size_t i = from_; i < to_; ++i) {
        const std::string ext = internal::lower_extension(files_[i].string());
        std::error_code ec;
        if ((is_sheet(ext) ? "xlsx" : "docx") != target || fs::file_size(files_[i], ec) > limits_.max_file_bytes || ec) continue;
        // Numbered copies: two folders may each hold a 通知.doc.
        const fs::path copy = dir_->path() / (std::to_string(i) + ext);
        if (!fs::copy_file(files_[i], copy, ec)) continue;
        inputs.push_back(copy);
        which.push_back(i);
      }
      if (inputs.empty()) continue;
      const uint32_t seconds = limits_.convert_seconds + 5 * static_cast<uint32_t>(inputs.size());
      Result<Spawned> run = run_group(soffice_args(*soffice, dir_->path(), target, inputs),
                                      dir_->path() / ("soffice-" + target + ".log"), seconds, "batch");
      if (!run || run->timed_out) continue;
      for (size_t k = 0; k < inputs.size(); ++k) {
        const fs::path out = dir_->path() / "out" / (inputs[k].stem().string() + "." + target);
        std::error_code ec;
        if (fs::exists(out, ec)) outputs_.emplace(which[k], out);
      }
    }
  }

  std::vector<fs::path> files_;
  ImportLimits limits_;
  std::map<std::string, size_t> index_;
  size_t from_ = 0, to_ = 0;  // the run converted files_[from_, to_)
  std::optional<TempDir> dir_;
  std::map<size_t, fs::path> outputs_;
};

namespace {
thread_local OfficeBatch* t_batch = nullptr;

}  // namespace

OfficeBatchScope::OfficeBatchScope(const std::vector<std::filesystem::path>& files, const ImportLimits& limits) {
  std::vector<fs::path> office;
  for (const auto& f : files) {
    if (internal::is_office(internal::lower_extension(f.string()))) office.push_back(f);
  }
  // One file gains nothing from a batch; a scope inside a scope leaves the outer one.
  if (office.size() < 2 || t_batch != nullptr) return;
  batch_ = std::make_unique<OfficeBatch>(std::move(office), limits);
  t_batch = batch_.get();
}

OfficeBatchScope::~OfficeBatchScope() {
  if (batch_) t_batch = nullptr;
}

Result<RawDocument> import_office(std::string bytes, const std::string& origin, const ImportLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) return internal::file_too_large(origin, limits);
  const std::string ext = internal::lower_extension(origin);
  if (!internal::is_office(ext)) return Status::unsupported(origin + ": not an office format LibreOffice converts");
  const std::string target = is_sheet(ext) ? "xlsx" : "docx";
  std::optional<std::string> ahead = t_batch != nullptr ? t_batch->take(origin) : std::nullopt;
  Result<std::string> converted = ahead ? Result<std::string>(std::move(*ahead)) : convert(bytes, origin, ext, target, limits);
  if (!converted) return converted.status();
  Result<RawDocument> doc = target == "docx" ? import_docx(std::move(converted).value(), origin, limits)
                                             : import_xlsx(std::move(converted).value(), origin, limits);
  if (!doc) return doc.status();
  doc->format = ext.substr(1);
  doc->original = std::move(bytes);  // the file as it came, not LibreOffice's copy
  return doc;
}

}  // namespace wenyuan::doc
