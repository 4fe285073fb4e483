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

TEST_F(CliServe, SetTierUntilAndInvitations) {
  ASSERT_EQ(run("user add member --password member-password " + data_).rc, 0);
  auto until = run("user set-tier member vip --until 2099-01-01 " + data_);
  EXPECT_EQ(until.rc, 0) << until.out;
  EXPECT_NE(until.out.find("member: tier vip until 2099-01-01"), std::string::npos) << until.out;
  EXPECT_EQ(until.out.find("expired"), std::string::npos);
  auto past = run("user set-tier member vip --until 2001-01-01 " + data_);
  EXPECT_NE(past.out.find("(expired: free)"), std::string::npos) << past.out;
  EXPECT_EQ(run("user set-tier member vip --until 2027-02-30 " + data_).rc, 2);  // no such day
  EXPECT_EQ(run("user set-tier member vip --until tomorrow " + data_).rc, 2);
  auto forever = run("user set-tier member vip " + data_);  // no --until: no expiry
  EXPECT_EQ(forever.out.find("until"), std::string::npos) << forever.out;
  auto codes = run("invite create --count 3 --days 7 " + data_);
  EXPECT_EQ(codes.rc, 0) << codes.out;
  EXPECT_EQ(codes.out.size(), 3u * 33u);  // three 32-hex codes, one a line
  auto json = run("invite create --json " + data_);
  EXPECT_NE(json.out.find("\"codes\""), std::string::npos) << json.out;
  EXPECT_NE(run("invite create --count 0 " + data_).rc, 0);
}

TEST_F(CliServe, ServeAnswersAndStopsOnSigterm) {
  ASSERT_EQ(run("user add boss --tier admin --password boss-password " + data_).rc, 0);
  const std::string token = run("token create --user boss " + data_).out.substr(0, 64);
  wenyuan::testing::ServeProcess serve(dir_.string());
  ASSERT_NE(serve.port(), 0) << "serve never said \"listening on port N\"";
  wenyuan::testing::Client c(serve.port());
  EXPECT_EQ(c.get("/healthz").body, "ok");
  c.bearer = token;
  auto users = c.get("/api/admin/users").json();
  ASSERT_EQ(users["users"].size(), 1u);
  EXPECT_EQ(users["users"][0]["name"], "boss");
  EXPECT_EQ(serve.stop(), 0);
}


// With metrics_listen set, SIGTERM stops both listeners and the process exits
// (it used to hang: the metrics listener was never told to stop).
TEST_F(CliServe, ServeWithAMetricsListenerStopsOnSigterm) {
  fs::create_directories(dir_);
  const fs::path conf = dir_ / "serve.toml";
  { std::FILE* f = std::fopen(conf.c_str(), "w"); ASSERT_NE(f, nullptr); std::fputs("metrics_listen = \"127.0.0.1:0\"\n", f); std::fclose(f); }
  wenyuan::testing::ServeProcess serve(dir_.string(), {"--config", conf.string()});
  ASSERT_NE(serve.port(), 0) << "serve never said \"listening on port N\"";
  wenyuan::testing::Client c(serve.port());
  EXPECT_EQ(c.get("/healthz").body, "ok");
  const int rc = serve.stop();
  ASSERT_NE(rc, wenyuan::testing::ServeProcess::kStillRunning) << "serve did not exit within 60 s of SIGTERM";
  EXPECT_EQ(rc, 0);
}

}  // namespace
