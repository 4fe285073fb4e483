// `wenyuan backup` and `wenyuan restore` with the real binary (library/backup.h,
// docs/operations.md): a backup taken while the server serves and a CLI import
// runs holds every document committed before it started and restores to a
// library that verifies; a round trip keeps documents, search results and
// accounts; the refusals (non-empty DATA, a running writer, an incomplete or
// damaged backup, a backup inside the library) change nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_process.h"
#include "support/report_records.h"

extern char** environ;

namespace fs = std::filesystem;
using wenyuan::testing::run_cli;
using wenyuan::testing::ServeProcess;

namespace {

class CliBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wy_cli_backup_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string lib(const std::string& name) const { return (dir_ / name).string(); }

  // The ids `wenyuan list` gives for the library in `data`.
  std::set<std::string> ids(const std::string& data) {
    const auto r = run_cli("list --json --limit 0 --data " + data, "", false);
    EXPECT_EQ(r.rc, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    std::set<std::string> out;
    if (j.is_discarded()) return out;
    for (const auto& d : (j.is_object() ? j["documents"] : j)) out.insert(d["id"].get<std::string>());
    return out;
  }

  std::vector<std::string> search_ids(const std::string& data, const std::string& q) {
    const auto r = run_cli("search --json --limit 1000 '" + q + "' --data " + data, "", false);
    EXPECT_EQ(r.rc, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    std::vector<std::string> out;
    if (j.is_discarded() || !j.contains("hits")) return out;
    for (const auto& h : j["hits"]) out.push_back(h["id"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

// `wenyuan ARGS` in the background (stdout and stderr to `log`); the pid.
pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<std::string> all = {WENYUAN_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, WENYUAN_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

bool still_running(pid_t pid, int* status) { return ::waitpid(pid, status, WNOHANG) == 0; }

TEST_F(CliBackup, DuringAnImportWhileServingHoldsEverythingCommittedBeforeItStarted) {
  const std::string data = lib("lib");
  ASSERT_EQ(run_cli("import -q " + std::string(WENYUAN_SAMPLE_DIR) + " --data " + data).rc, 0);
  ServeProcess serve(data);
  ASSERT_NE(serve.port(), 0);
  // 20,000 short reports in 40 files: an import of several seconds, committing
  // (and being indexed by the server) all along.
  std::vector<std::string> args = {"import", "-q", "--data", data};
  for (int f = 0; f < 40; ++f) {
    const fs::path file = dir_ / ("part" + std::to_string(f) + ".jsonl");
    wenyuan::testing::write_report_records(file, "r", f * 500, 500);
    args.push_back(file.string());
  }
  const pid_t import = spawn_cli(args, dir_ / "import.log");
  ASSERT_GT(import, 0);
  struct Taken {
    std::set<std::string> before;  // committed before the backup started
    fs::path backup;
    bool during_import = false;    // the import was still running when it finished
  };
  std::vector<Taken> taken;
  int status = 0;
  bool running = true;
  while (running && taken.size() < 3) {
    Taken t;
    t.before = ids(data);
    t.backup = dir_ / ("bk" + std::to_string(taken.size()));
    const auto b = run_cli("backup --data " + data + " " + t.backup.string());
    ASSERT_EQ(b.rc, 0) << b.out;
    running = still_running(import, &status);
    t.during_import = running;
    taken.push_back(std::move(t));
  }
  if (running) ::waitpid(import, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the import failed";
  ASSERT_TRUE(std::any_of(taken.begin(), taken.end(), [](const Taken& t) { return t.during_import; }))
      << "every backup finished after the import: this test proved nothing";

  for (size_t k = 0; k < taken.size(); ++k) {
    const std::string restored = lib("restored" + std::to_string(k));
    const auto r = run_cli("restore " + taken[k].backup.string() + " " + restored);
    ASSERT_EQ(r.rc, 0) << r.out;  // 0 only when verify passed on the restored library
    EXPECT_NE(r.out.find("verify: consistent"), std::string::npos) << r.out;
    const std::set<std::string> got = ids(restored);
    size_t missing = 0;
    for (const auto& id : taken[k].before) missing += got.count(id) ? 0 : 1;
    EXPECT_EQ(missing, 0u) << "of " << taken[k].before.size() << " committed before backup " << k;
    EXPECT_EQ(run_cli("verify --data " + restored).rc, 0);
    // The restored index answers for the newest report the backup holds.
    int newest = -1;
    for (const auto& id : got) {
      if (id.size() > 1 && id[0] == 'r' && std::isdigit(static_cast<unsigned char>(id[1]))) newest = std::max(newest, std::stoi(id.substr(1)));
    }
    if (newest >= 0) {
      EXPECT_EQ(search_ids(restored, "编号" + std::to_string(newest) + "号专项"),
                std::vector<std::string>{"r" + std::to_string(newest)});
    }
    std::printf("backup %zu: %zu documents committed before it, %zu restored%s\n", k, taken[k].before.size(),
                got.size(), taken[k].during_import ? " (taken during the import)" : "");
  }
  EXPECT_EQ(serve.stop(), 0);
}

TEST_F(CliBackup, RoundTripKeepsDocumentsSearchAndAccounts) {
  const std::string data = lib("lib");
  ASSERT_EQ(run_cli("import -q " + std::string(WENYUAN_SAMPLE_DIR) + " --data " + data).rc, 0);
  ASSERT_EQ(run_cli("user add boss --tier admin --password boss-password --data " + data).rc, 0);
  const std::string backup = (dir_ / "bk").string();
  const auto b = run_cli("backup --json --data " + data + " " + backup, "", false);
  ASSERT_EQ(b.rc, 0) << b.out;
  const auto bj = nlohmann::json::parse(b.out);
  const std::vector<std::string> dbs = bj["databases"];
  EXPECT_EQ(dbs.front(), "catalog.db");
  EXPECT_NE(std::find(dbs.begin(), dbs.end(), "accounts.db"), dbs.end());
  EXPECT_GE(bj["segments"].get<int>(), 1);
  // Writes nothing in the library: no new file appeared there.
  EXPECT_FALSE(fs::exists(fs::path(data) / "BACKUP"));

  const std::string restored = lib("restored");
  const auto r = run_cli("restore --json " + backup + " " + restored, "", false);
  ASSERT_EQ(r.rc, 0) << r.out;
  const auto rj = nlohmann::json::parse(r.out);
  EXPECT_TRUE(rj["verify"]["ok"].get<bool>());
  EXPECT_EQ(ids(restored), ids(data));
  EXPECT_FALSE(ids(data).empty());
  for (const char* q : {"国务院", "通知", "发展"}) EXPECT_EQ(search_ids(restored, q), search_ids(data, q)) << q;
  // accounts.db came along: the admin can get a token in the restored library.
  EXPECT_EQ(run_cli("token create --user boss --data " + restored).rc, 0);
  EXPECT_NE(run_cli("token create --user nobody --data " + restored).rc, 0);

  // The same backup on another file system (segments copied, not linked),
  // where one is mounted (/dev/shm is a tmpfs on most Linux systems).
  struct stat a {}, s {};
  if (::stat("/dev/shm", &s) == 0 && ::stat(dir_.c_str(), &a) == 0 && a.st_dev != s.st_dev &&
      ::access("/dev/shm", W_OK) == 0) {
    const fs::path other = fs::path("/dev/shm") / ("wy_backup_" + std::to_string(::getpid()));
    fs::remove_all(other);
    const auto c = run_cli("backup --json --data " + data + " " + other.string(), "", false);
    ASSERT_EQ(c.rc, 0) << c.out;
    const auto cj = nlohmann::json::parse(c.out);
    EXPECT_EQ(cj["linked"], 0);
    EXPECT_EQ(cj["copied"], cj["segments"]);
    const std::string restored2 = lib("restored2");
    EXPECT_EQ(run_cli("restore " + other.string() + " " + restored2).rc, 0);
    EXPECT_EQ(ids(restored2), ids(data));
    fs::remove_all(other);
  } else {
    std::printf("no second file system at /dev/shm: the copy (not link) path is not exercised here\n");
  }
}

TEST_F(CliBackup, RefusalsChangeNothing) {
  const std::string data = lib("lib");
  ASSERT_EQ(run_cli("import -q " + std::string(WENYUAN_SAMPLE_DIR) + " --data " + data).rc, 0);
  const std::string backup = (dir_ / "bk").string();
  ASSERT_EQ(run_cli("backup --data " + data + " " + backup).rc, 0);
  const std::set<std::string> all = ids(data);

  // A second library with other content, to be overwritten only with --force.
  const std::string other = lib("other");
  wenyuan::testing::write_report_records(dir_ / "few.jsonl", "x", 0, 3);
  ASSERT_EQ(run_cli("import -q " + (dir_ / "few.jsonl").string() + " --data " + other).rc, 0);
  auto r = run_cli("restore " + backup + " " + other);
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("not empty"), std::string::npos) << r.out;
  EXPECT_EQ(ids(other), (std::set<std::string>{"x0", "x1", "x2"}));

  // While a server writes it: refused even with --force, then allowed once it stopped.
  {
    ServeProcess serve(other);
    ASSERT_NE(serve.port(), 0);
    r = run_cli("restore --force " + backup + " " + other);
    EXPECT_EQ(r.rc, 2) << r.out;
    EXPECT_NE(r.out.find("stop it first"), std::string::npos) << r.out;
    EXPECT_EQ(ids(other).size(), 3u);
    EXPECT_EQ(serve.stop(), 0);
  }
  r = run_cli("restore --force " + backup + " " + other);
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(ids(other), all);

  // Backups: not into a non-empty folder, not inside the library.
  r = run_cli("backup --data " + data + " " + backup);
  EXPECT_EQ(r.rc, 2) << r.out;
  r = run_cli("backup --data " + data + " " + data + "/bk");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_FALSE(fs::exists(fs::path(data) / "bk"));

  // An incomplete backup (no BACKUP file) and a damaged one (a file cut short).
  const fs::path partial = dir_ / "partial";
  fs::copy(backup, partial, fs::copy_options::recursive);
  fs::remove(partial / "BACKUP");
  r = run_cli("restore " + partial.string() + " " + lib("fresh1"));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("not a complete wenyuan backup"), std::string::npos) << r.out;
  const fs::path damaged = dir_ / "damaged";
  fs::copy(backup, damaged, fs::copy_options::recursive);
  fs::resize_file(damaged / "catalog.db", fs::file_size(damaged / "catalog.db") / 2);
  r = run_cli("restore " + damaged.string() + " " + lib("fresh2"));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("the backup recorded"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(fs::path(lib("fresh2")) / "catalog.db"));
}

}  // namespace
