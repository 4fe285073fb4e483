// `wenyuan user add|set-tier|disable`, `wenyuan token create` and `wenyuan
// serve` as a user runs them: the real binary, a real port, SIGTERM to stop.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/cli_process.h"
#include "unit/server_client.h"

namespace {

namespace fs = std::filesystem;

struct Run {
  int rc = -1;
  std::string out;
};

Run run(const std::string& args, const std::string& input = "") {
  auto r = wenyuan::testing::run_cli(args, input);
  return {r.rc, r.out};
}

class CliServe : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wy_cli_serve_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    data_ = "--data " + dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string data_;
};

TEST_F(CliServe, UserAdministration) {
  auto add = run("user add boss --tier admin --password boss-password " + data_);
  EXPECT_EQ(add.rc, 0) << add.out;
  EXPECT_NE(add.out.find("boss: tier admin"), std::string::npos);
  auto piped = run("user add reader " + data_, "reader-password\n");  // password from stdin
  EXPECT_EQ(piped.rc, 0) << piped.out;
  EXPECT_NE(piped.out.find("tier free"), std::string::npos);
  EXPECT_EQ(run("user add reader --password another-one " + data_).rc, 2);  // exists
  EXPECT_EQ(run("user add weak --password short " + data_).rc, 2);
  EXPECT_NE(run("user add x --tier emperor --password long-enough " + data_).rc, 0);
  auto tier = run("user set-tier reader svip " + data_);
  EXPECT_NE(tier.out.find("reader: tier svip"), std::string::npos) << tier.out;
  EXPECT_NE(run("user disable reader " + data_).out.find("(disabled)"), std::string::npos);
  EXPECT_EQ(run("user disable reader --enable " + data_).out.find("(disabled)"), std::string::npos);
  EXPECT_EQ(run("user set-tier ghost vip " + data_).rc, 1);
  auto token = run("token create --user boss " + data_);
  EXPECT_EQ(token.rc, 0);
  EXPECT_EQ(token.out.size(), 65u);  // 64 hex + newline
  EXPECT_EQ(run("token create --user ghost " + data_).rc, 1);
}

TEST_F(CliServe, ServeAnswersAndStopsOnSigterm) {
  ASSERT_EQ(run("user add boss --tier admin --password boss-password " + data_).rc, 0);
  const std::string token = run("token create --user boss " + data_).out.substr(0, 64);
  int out_pipe[2];
  ASSERT_EQ(::pipe(out_pipe), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::close(out_pipe[0]);
    const std::string data_dir = dir_.string();
    ::execl(WENYUAN_BINARY, WENYUAN_BINARY, "serve", "--data", data_dir.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  // Whatever happens below, the server does not outlive the test.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
  } reaper{pid};
  // The log line comes first, then "listening on port N".
  std::string line;
  for (int lines = 0; lines < 10 && line.rfind("listening on port ", 0) != 0; ++lines) {
    line.clear();
    char ch;
    while (::read(out_pipe[0], &ch, 1) == 1 && ch != '\n') line += ch;
  }
  ASSERT_EQ(line.rfind("listening on port ", 0), 0u) << line;
  const uint16_t port = static_cast<uint16_t>(std::stoi(line.substr(18)));
  wenyuan::testing::Client c(port);
  EXPECT_EQ(c.get("/healthz").body, "ok");
  c.bearer = token;
  auto users = c.get("/api/admin/users").json();
  ASSERT_EQ(users["users"].size(), 1u);
  EXPECT_EQ(users["users"][0]["name"], "boss");
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  reaper.pid = 0;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::close(out_pipe[0]);
}

}  // namespace
