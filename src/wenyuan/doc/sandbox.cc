#include "wenyuan/doc/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

namespace wenyuan::doc {
namespace {

// ASan and TSan reserve terabytes of address space for their shadow memory, so
// under them the child gets no RLIMIT_AS (it could not start); the CPU and wall
// limits still hold.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kShadowSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kShadowSanitizer = true;
#else
constexpr bool kShadowSanitizer = false;
#endif
#else
constexpr bool kShadowSanitizer = false;
#endif

// ---- frames ----------------------------------------------------------------

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

struct Reader {
  std::string_view in;
  bool ok = true;
  uint64_t u64() {
    if (in.size() < 8) return ok = false, 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(8);
    return v;
  }
  std::string str() {
    const uint64_t n = u64();
    if (!ok || n > in.size()) return ok = false, std::string();
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

std::string encode_raw(const RawDocument& d) {
  std::string out;
  for (const std::string* s : {&d.id, &d.title, &d.text, &d.date, &d.source, &d.category, &d.format, &d.encoding,
                               &d.origin, &d.original})
    put_str(out, *s);
  put_u64(out, d.tags.size());
  for (const auto& t : d.tags) put_str(out, t);
  put_u64(out, !d.access ? 0 : *d.access == Access::kFree ? 1 : 2);
  put_u64(out, d.headings.size());
  for (const auto& h : d.headings) {
    put_str(out, h.text);
    put_u64(out, static_cast<uint64_t>(static_cast<int64_t>(h.level)));
  }
  return out;
}

bool decode_raw(std::string_view in, RawDocument& d) {
  Reader r{in};
  for (std::string* s : {&d.id, &d.title, &d.text, &d.date, &d.source, &d.category, &d.format, &d.encoding,
                         &d.origin, &d.original})
    *s = r.str();
  const uint64_t tags = r.u64();
  for (uint64_t i = 0; r.ok && i < tags; ++i) d.tags.push_back(r.str());
  const uint64_t access = r.u64();
  if (access == 1) d.access = Access::kFree;
  if (access == 2) d.access = Access::kPaid;
  const uint64_t heads = r.u64();
  for (uint64_t i = 0; r.ok && i < heads; ++i) {
    HeadingHint h;
    h.text = r.str();
    h.level = static_cast<int>(static_cast<int64_t>(r.u64()));
    d.headings.push_back(std::move(h));
  }
  return r.ok && r.in.empty();
}

Status status_of(StatusCode code, std::string m) {
  switch (code) {
    case StatusCode::kOk: return Status::ok();
    case StatusCode::kInvalidArgument: return Status::invalid_argument(std::move(m));
    case StatusCode::kNotFound: return Status::not_found(std::move(m));
    case StatusCode::kAlreadyExists: return Status::already_exists(std::move(m));
    case StatusCode::kIoError: return Status::io_error(std::move(m));
    case StatusCode::kCorruption: return Status::corruption(std::move(m));
    case StatusCode::kTooLarge: return Status::too_large(std::move(m));
    case StatusCode::kUnsupported: return Status::unsupported(std::move(m));
    case StatusCode::kPermissionDenied: return Status::permission_denied(std::move(m));
    default: return Status::internal(std::move(m));
  }
}

std::string encode_status(const Status& st) {
  std::string out(1, static_cast<char>(st.code()));
  out += st.message();
  return out;
}

Status decode_status(std::string_view p) {
  if (p.empty()) return Status::internal("empty status frame");
  return status_of(static_cast<StatusCode>(static_cast<unsigned char>(p[0])), std::string(p.substr(1)));
}

// Whole frames to fd 1; the child exits if the parent went away.
void write_frame(char kind, const std::string& payload) {
  std::string head(1, kind);
  put_u64(head, payload.size());
  for (const std::string* part : std::initializer_list<const std::string*>{&head, &payload}) {
    size_t off = 0;
    while (off < part->size()) {
      const ssize_t n = ::write(1, part->data() + off, part->size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) std::_Exit(3);
      off += static_cast<size_t>(n);
    }
  }
}

std::string parser_name(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext.empty() ? std::string("file") : ext;
}

void test_fault() {
  const char* f = std::getenv("WENYUAN_SANDBOX_FAULT");
  if (f == nullptr) return;
  const std::string fault(f);
  if (fault == "crash") {
    ::raise(SIGSEGV);
  } else if (fault == "loop") {
    volatile uint64_t x = 0;
    for (;;) x = x + 1;
  } else if (fault == "memory") {
    std::vector<std::string*> hog;
    for (;;) hog.push_back(new std::string(64u << 20, 'x'));  // touched: a string's bytes are written
  }
}

}  // namespace

int sandbox_child_main(int argc, char** argv) {
  if (argc < 11) {
    std::fprintf(stderr,
                 "usage: wenyuan __parse PATH MAX_FILE MAX_UNCOMPRESSED MAX_RATIO MAX_CHARS MAX_NESTING MAX_MEMBERS "
                 "MAX_DEPTH CONVERT_S\n");
    return 2;
  }
  ImportLimits limits;
  limits.max_file_bytes = std::strtoull(argv[3], nullptr, 10);
  limits.max_uncompressed_bytes = std::strtoull(argv[4], nullptr, 10);
  limits.max_compression_ratio = std::strtoull(argv[5], nullptr, 10);
  limits.max_text_chars = std::strtoull(argv[6], nullptr, 10);
  limits.max_nesting = static_cast<uint32_t>(std::strtoul(argv[7], nullptr, 10));
  limits.max_archive_members = std::strtoull(argv[8], nullptr, 10);
  limits.max_archive_depth = static_cast<uint32_t>(std::strtoul(argv[9], nullptr, 10));
  limits.convert_seconds = static_cast<uint32_t>(std::strtoul(argv[10], nullptr, 10));
  const std::filesystem::path path = argv[2];
  try {
    test_fault();
    const Status st = import_file(path, limits, [](Result<RawDocument> r) {
      if (r) {
        write_frame('D', encode_raw(*r));
      } else {
        write_frame('E', encode_status(r.status()));
      }
    }, [](const std::string& origin, const std::string& reason) {
      std::string payload;
      put_str(payload, origin);
      put_str(payload, reason);
      write_frame('S', payload);
    });
    write_frame('F', encode_status(st));
  } catch (const std::bad_alloc&) {
    return 4;  // the parent names the memory limit
  }
  return 0;
}

namespace {
Status run_sandboxed(const std::filesystem::path& path, const ImportLimits& limits, const SandboxOptions& options,
                     const RawSink& sink, const SkipSink& skipped);
}  // namespace

Status import_file_sandboxed(const std::filesystem::path& path, const ImportLimits& limits,
                             const SandboxOptions& options, const RawSink& sink, const SkipSink& skipped) {
  if (!options.enabled()) return import_file(path, limits, sink, skipped);
  // A conversion by LibreOffice (or an archive of many) takes seconds, not milliseconds.
  SandboxOptions effective = options;
  if (may_convert(path)) {
    effective.cpu_seconds = std::max(options.cpu_seconds, options.convert_seconds);
    effective.wall_seconds = std::max(options.wall_seconds, options.convert_seconds);
  }
  return run_sandboxed(path, limits, effective, sink, skipped);
}

namespace {

Status run_sandboxed(const std::filesystem::path& path, const ImportLimits& limits, const SandboxOptions& options,
                     const RawSink& sink, const SkipSink& skipped) {
  const std::string where = path.string();
  const std::string parser = parser_name(path);
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::io_error(where + ": cannot start the parser: " + std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Status::io_error(where + ": cannot start the parser: " + std::strerror(errno));
  }
  const std::string helper = options.helper.string();
  std::vector<std::string> args = {helper,
                                   "__parse",
                                   where,
                                   std::to_string(limits.max_file_bytes),
                                   std::to_string(limits.max_uncompressed_bytes),
                                   std::to_string(limits.max_compression_ratio),
                                   std::to_string(limits.max_text_chars),
                                   std::to_string(limits.max_nesting),
                                   std::to_string(limits.max_archive_members),
                                   std::to_string(limits.max_archive_depth),
                                   std::to_string(limits.convert_seconds)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // fork + exec: between them only async-signal-safe calls (dup2, setrlimit,
  // prctl, execv), as a multithreaded parent requires.
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    return Status::io_error(where + ": cannot start the parser: " + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    struct rlimit cpu = {options.cpu_seconds, options.cpu_seconds + 1};
    ::setrlimit(RLIMIT_CPU, &cpu);
    if (!kShadowSanitizer) {
      struct rlimit as = {options.memory_bytes, options.memory_bytes};
      ::setrlimit(RLIMIT_AS, &as);
    }
    struct rlimit core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &core);
    struct rlimit files = {64, 64};
    ::setrlimit(RLIMIT_NOFILE, &files);
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.wall_seconds);
  std::string buf, errbuf;
  bool out_open = true, err_open = true, timed_out = false, finished = false;
  Status final_status = Status::ok();
  auto relay_stderr = [&](bool all) {
    size_t nl;
    while ((nl = errbuf.find('\n')) != std::string::npos) {
      spdlog::warn("{} parser: {}", parser, errbuf.substr(0, nl));
      errbuf.erase(0, nl + 1);
    }
    if (all && !errbuf.empty()) spdlog::warn("{} parser: {}", parser, errbuf);
    if (all) errbuf.clear();
    if (errbuf.size() > 64 * 1024) errbuf.clear();  // a flood without newlines is not logged
  };
  bool protocol_error = false;
  while (out_open || err_open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    const int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    char chunk[65536];
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t r = ::read(out[0], chunk, sizeof chunk);
      if (r <= 0 && !(r < 0 && errno == EINTR)) {
        out_open = false;
      } else if (r > 0) {
        buf.append(chunk, static_cast<size_t>(r));
        // Deliver every complete frame.
        size_t at = 0;
        while (buf.size() - at >= 9) {
          Reader head{std::string_view(buf).substr(at + 1, 8)};
          const uint64_t len = head.u64();
          if (buf.size() - at - 9 < len) break;
          const char kind = buf[at];
          const std::string_view payload(buf.data() + at + 9, len);
          if (kind == 'D') {
            RawDocument d;
            if (decode_raw(payload, d)) {
              sink(std::move(d));
            } else {
              protocol_error = true;
            }
          } else if (kind == 'E') {
            sink(decode_status(payload));
          } else if (kind == 'S') {
            Reader r{payload};
            std::string origin = r.str();
            std::string reason = r.str();
            if (!r.ok || !r.in.empty()) {
              protocol_error = true;
            } else if (skipped) {
              skipped(origin, reason);
            }
          } else if (kind == 'F') {
            final_status = decode_status(payload);
            finished = true;
          } else {
            protocol_error = true;
          }
          at += 9 + len;
        }
        buf.erase(0, at);
      }
    }
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t r = ::read(err[0], chunk, sizeof chunk);
      if (r <= 0 && !(r < 0 && errno == EINTR)) {
        err_open = false;
      } else if (r > 0) {
        errbuf.append(chunk, static_cast<size_t>(r));
        relay_stderr(false);
      }
    }
  }
  relay_stderr(true);
  if (timed_out) ::kill(pid, SIGKILL);
  ::close(out[0]);
  ::close(err[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  const std::string in = " in the " + parser + " parser";
  if (timed_out) {
    return Status::too_large(where + ": rejected: took more than " + std::to_string(options.wall_seconds) + " s" + in);
  }
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    if (sig == SIGXCPU || sig == SIGKILL) {
      return Status::too_large(where + ": rejected: took more than " + std::to_string(options.cpu_seconds) +
                               " s of CPU" + in);
    }
    return Status::internal(where + ": rejected: crashed" + in + " (signal " + std::to_string(sig) + ", " +
                            ::strsignal(sig) + ")");
  }
  const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  if (code == 4) {
    return Status::too_large(where + ": rejected: needed more than " + std::to_string(options.memory_bytes >> 20) +
                             " MB" + in);
  }
  if (code == 127) return Status::internal(where + ": cannot start the parser " + helper);
  // A sanitizer turns a fault into a report and an exit code: a crash all the same.
  if (!finished || code != 0) {
    return Status::internal(where + ": rejected: crashed" + in + " (exit " + std::to_string(code) + ")");
  }
  if (protocol_error) return Status::internal(where + ": rejected: the " + parser + " parser sent a malformed answer");
  return final_status;
}

}  // namespace
}  // namespace wenyuan::doc
