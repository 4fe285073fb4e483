// Running the built `wenyuan` binary from tests as a user would: a command to
// completion (exit code and output), or `wenyuan serve` in the background on a
// free port, stopped (SIGKILL) when the test ends whatever happens.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace wenyuan::testing {

struct CliRun {
  int rc = -1;       // exit code, or -1 when killed by a signal
  int signal = 0;    // the signal that ended it, if one did
  std::string out;   // stdout and stderr
};

// Runs `wenyuan ARGS` through the shell, `input` on stdin; stderr goes with
// stdout unless `merge_stderr` is false (then it is dropped: stdout stays JSON).
inline CliRun run_cli(const std::string& args, const std::string& input = "", bool merge_stderr = true) {
  namespace fs = std::filesystem;
  // Atomic: tests run several CLIs at once from their own threads, and two
  // runs given the same name would read each other's stdin file.
  static std::atomic<int> counter = 0;
  const fs::path in =
      fs::temp_directory_path() / ("wy_cli_in_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  {
    std::FILE* f = std::fopen(in.c_str(), "w");
    std::fputs(input.c_str(), f);
    std::fclose(f);
  }
  const std::string cmd =
      std::string(WENYUAN_BINARY) + " " + args + " < " + in.string() + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  CliRun r;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  // The shell reports a child killed by signal S as exit code 128 + S.
  if (WIFEXITED(status)) {
    r.rc = WEXITSTATUS(status);
    if (r.rc > 128 && r.rc < 160) {
      r.signal = r.rc - 128;
      r.rc = -1;
    }
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  fs::remove(in);
  return r;
}

// `wenyuan serve --data DIR --listen 127.0.0.1:0 EXTRA...` in the background.
class ServeProcess {
 public:
  // Starts it and waits for "listening on port N"; port() is 0 if it never said so.
  explicit ServeProcess(const std::string& data_dir, const std::vector<std::string>& extra = {}) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out_pipe[1], STDOUT_FILENO);
      ::close(out_pipe[0]);
      std::vector<std::string> args = {WENYUAN_BINARY, "serve", "--data", data_dir, "--listen", "127.0.0.1:0"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(WENYUAN_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out_pipe[1]);
    out_ = out_pipe[0];
    std::string line;
    for (int lines = 0; lines < 20 && line.rfind("listening on port ", 0) != 0; ++lines) {
      line.clear();
      char ch;
      bool any = false;
      while (::read(out_, &ch, 1) == 1 && ch != '\n') {
        line += ch;
        any = true;
      }
      if (!any && line.empty()) break;
    }
    if (line.rfind("listening on port ", 0) == 0) port_ = static_cast<uint16_t>(std::stoi(line.substr(18)));
  }
  ~ServeProcess() {
    if (pid_ > 0 && ::kill(pid_, SIGKILL) == 0) ::waitpid(pid_, nullptr, 0);
    if (out_ >= 0) ::close(out_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // SIGTERM and wait up to `timeout_s`: the exit code, -1 if it died otherwise,
  // kStillRunning if it had not exited by then (the destructor kills it). The
  // bound is for a hang, not a speed: a clean exit takes well under a second.
  static constexpr int kStillRunning = -2;
  int stop(int timeout_s = 60) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < timeout_s * 10 && done == 0; ++i) {
      done = ::waitpid(pid_, &status, WNOHANG);
      if (done == 0) ::usleep(100 * 1000);
    }
    if (done != pid_) return kStillRunning;
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  uint16_t port_ = 0;
};

}  // namespace wenyuan::testing
