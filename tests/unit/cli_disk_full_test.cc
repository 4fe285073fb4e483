// Disk full for real (issue 14): a library on a small tmpfs, an import bigger
// than the disk. Checks: the import stops with "disk full: N documents stored,
// M not" and exit code 2; every id it reports as imported is in the catalog and
// found by its own phrase (0 false acknowledgements); read-only commands
// (stats, list, search, verify) work on the full disk. Needs to mount a tmpfs
// (root, as in CI's container); skipped, saying so, where it cannot.

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/cli_process.h"
#include "unit/server_client.h"

namespace wenyuan::testing {
namespace {

namespace fs = std::filesystem;

std::string phrase(int n) {
  static const char* kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  std::string s = "满盘测试标记";
  for (char c : std::to_string(n)) s += kDigits[c - '0'];
  return s + "号";
}

// Text that compresses little: random characters from 300 of the CJK block
// (all 20,000 would make every bigram new, which makes the index build, not
// the disk, the subject of the test).
std::string noise(std::mt19937& rng, size_t chars) {
  std::uniform_int_distribution<uint32_t> cp(0x4E00, 0x4E00 + 299);
  std::string s;
  for (size_t i = 0; i < chars; ++i) {
    const uint32_t c = cp(rng);
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
    if (i % 60 == 59) s += "\\n";
  }
  return s;
}

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("wy_diskfull_" + std::to_string(::getpid()));
    mnt_ = root_ / "mnt";
    fs::create_directories(mnt_);
    if (::mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=6m") != 0) {
      fs::remove_all(root_);
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << "); disk-full test skipped";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(mnt_.c_str(), MNT_DETACH);
    fs::remove_all(root_);
  }
  // Writes a file until the disk refuses another byte.
  void fill_disk() {
    std::FILE* f = std::fopen((mnt_ / "filler").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string chunk(4096, 'x');
    while (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size() && std::fflush(f) == 0) {
    }
    std::fclose(f);
  }
  fs::path root_, mnt_;
  bool mounted_ = false;
};

TEST_F(DiskFull, ImportStopsSaysSoAndAcknowledgesOnlyWhatIsStored) {
  // ~24 MB of text (~8 MB compressed) in 3200 records, 32 files: more than the disk,
  // and several commits (256 documents each) before it fills.
  std::mt19937 rng(14);
  std::string files;
  for (int f = 0; f < 32; ++f) {
    const fs::path in = root_ / ("part" + std::to_string(f) + ".jsonl");
    files += " " + in.string();
    std::ofstream o(in);
    for (int i = f * 100; i < f * 100 + 100; ++i) {
      o << R"({"id":"full-)" << i << R"(","title":")" << phrase(i) << R"(","text":")" << phrase(i) << "\\n"
        << noise(rng, 2500) << "\"}\n";
    }
  }
  const std::string data = (mnt_ / "lib").string();
  // stdout (the JSON report) and stderr (the one-line verdict) together; the
  // report is flushed in pieces, so stderr's lines may sit inside it: each is
  // cut out whole before the report is parsed.
  const CliRun imp = run_cli("import --json --data " + data + files);
  EXPECT_EQ(imp.rc, 3) << imp.out;  // the exit code of a full disk (cli/common.h)
  std::string report = imp.out, verdict_line;
  std::vector<std::string> listed_lost;  // "wenyuan: not stored: PATH" lines
  for (const char* start : {"wenyuan: ", "warning: "}) {
    for (size_t at; (at = report.find(start)) != std::string::npos;) {
      const size_t nl = report.find('\n', at);
      const std::string line = report.substr(at, nl - at);
      if (line.rfind("wenyuan: disk full:", 0) == 0 && verdict_line.empty()) verdict_line = line;
      if (line.rfind("wenyuan: not stored: ", 0) == 0) listed_lost.push_back(line.substr(21));
      report.erase(at, nl == std::string::npos ? std::string::npos : nl - at + 1);
    }
  }
  const auto j = nlohmann::json::parse(report, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << imp.out;
  EXPECT_TRUE(j["disk_full"].get<bool>()) << imp.out;
  const std::vector<std::string> acked = j["ids"];
  const uint64_t not_stored = j["not_stored"];
  ASSERT_GT(acked.size(), 0u) << "nothing was stored before the disk filled: the test proves nothing";
  EXPECT_GT(not_stored + j["rejected"].get<uint64_t>(), 0u);  // the disk really was too small
  const std::string verdict = "disk full: " + std::to_string(acked.size()) + " documents stored, " +
                              std::to_string(not_stored) + " not";
  EXPECT_EQ(verdict_line.rfind("wenyuan: " + verdict, 0), 0u) << verdict_line;

  // The files listed as not stored are exactly those with a record not
  // acknowledged: a file off the list had all its 100 records stored.
  const std::vector<std::string> lost = j["not_stored_files"];
  EXPECT_EQ(listed_lost, lost);
  ASSERT_FALSE(lost.empty());
  const std::set<std::string> acked_set(acked.begin(), acked.end());
  for (int f = 0; f < 32; ++f) {
    const std::string file = (root_ / ("part" + std::to_string(f) + ".jsonl")).string();
    int stored = 0;
    for (int i = f * 100; i < f * 100 + 100; ++i) stored += acked_set.count("full-" + std::to_string(i)) ? 1 : 0;
    const bool on_list = std::find(lost.begin(), lost.end(), file) != lost.end();
    EXPECT_EQ(on_list, stored < 100) << file << ": " << stored << " of 100 stored";
  }

  // Whatever the import left free is taken too: from here on the disk is full.
  fill_disk();

  // Read-only commands on the full disk.
  const CliRun stats = run_cli("stats --data " + data);
  EXPECT_EQ(stats.rc, 0) << stats.out;
  const CliRun list = run_cli("list --json --limit 0 --data " + data, "", false);
  ASSERT_EQ(list.rc, 0) << list.out;
  const auto lj = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_FALSE(lj.is_discarded()) << list.out;
  std::set<std::string> listed;
  for (const auto& d : (lj.is_object() ? lj["documents"] : lj)) listed.insert(d["id"].get<std::string>());
  // 0 false acknowledgements: every acknowledged id is stored and found.
  size_t false_acks = 0;
  for (const auto& id : acked) false_acks += listed.count(id) ? 0 : 1;
  EXPECT_EQ(false_acks, 0u) << "of " << acked.size() << " acknowledged";
  const CliRun verify = run_cli("verify --data " + data);
  EXPECT_EQ(verify.rc, 0) << verify.out;
  const fs::path queries = root_ / "queries.txt";
  {
    std::ofstream q(queries);
    for (const auto& id : acked) q << phrase(std::stoi(id.substr(5))) << "\n";
  }
  const CliRun found = run_cli("search --batch " + queries.string() + " --limit 0 --data " + data, "", false);
  ASSERT_EQ(found.rc, 0) << found.out;
  std::istringstream lines(found.out);
  std::string line;
  size_t i = 0, missing = 0;
  while (std::getline(lines, line) && i < acked.size()) {
    const auto r = nlohmann::json::parse(line, nullptr, false);
    bool hit = false;
    for (const auto& x : r["ids"]) hit = hit || x == acked[i];
    missing += hit ? 0 : 1;
    ++i;
  }
  EXPECT_EQ(i, acked.size());
  EXPECT_EQ(missing, 0u);
  // reindex builds beside the old index: on the full disk it fails, and the
  // old index still answers every acknowledged phrase.
  const CliRun reindex = run_cli("reindex --data " + data);
  EXPECT_NE(reindex.rc, 0) << reindex.out;
  EXPECT_EQ(run_cli("verify --data " + data).rc, 0);
  const CliRun again = run_cli("search --batch " + queries.string() + " --limit 0 --data " + data, "", false);
  ASSERT_EQ(again.rc, 0) << again.out;
  auto ids_by_line = [](const std::string& out) {
    std::vector<nlohmann::json> ids;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
      const auto r = nlohmann::json::parse(l, nullptr, false);
      if (!r.is_discarded()) ids.push_back(r["ids"]);
    }
    return ids;
  };
  EXPECT_EQ(ids_by_line(again.out), ids_by_line(found.out));
  EXPECT_EQ(ids_by_line(again.out).size(), acked.size());
  std::printf("disk full: %zu acknowledged, %llu not stored, 0 false acknowledgements expected, %zu found\n",
              acked.size(), static_cast<unsigned long long>(not_stored), acked.size() - missing);
}

// The same over HTTP: admin uploads into a server whose DATA is on the small
// disk, until one answers 507 with the verdict and the names of the files not
// stored; every document a 200 or the 507 acknowledged is stored and found,
// and the server keeps answering.
// A library closed cleanly keeps no -wal or -shm file; a reader must make a
// -shm to read a WAL database, and on a full disk it cannot. Every SQLite file
// then keeps its WAL index in memory (sqlite_db.cc, EXCLUSIVE locking mode):
// read-only commands still answer, and they answer what is stored. Checked on
// the catalog (stats, list, search) and watch.db (rejected).
TEST_F(DiskFull, ReadOnlyCommandsAnswerWhenNoShmFileCanBeMade) {
  const fs::path in = root_ / "few.jsonl";
  {
    std::ofstream o(in);
    for (int i = 0; i < 5; ++i) o << R"({"id":"few-)" << i << R"(","title":")" << phrase(i) << R"(","text":")" << phrase(i) << "\"}\n";
  }
  const std::string data = (mnt_ / "lib").string();
  const CliRun imp = run_cli("import --data " + data + " " + in.string());
  ASSERT_EQ(imp.rc, 0) << imp.out;
  // watch.db with one rejected file (empty) and one imported.
  const fs::path watched = root_ / "watched";
  fs::create_directories(watched);
  std::ofstream(watched / "empty.txt").close();
  std::ofstream(watched / "note.txt") << phrase(7) << "\n";
  const CliRun watch = run_cli("watch " + watched.string() + " --once --stable-seconds 0 --data " + data);
  ASSERT_EQ(watch.rc, 1) << watch.out;  // 1: a file was rejected
  for (const char* db : {"catalog.db", "watch.db"}) {
    ASSERT_TRUE(fs::exists(fs::path(data) / db)) << db;
    for (const char* suffix : {"-shm", "-wal"}) {
      ASSERT_FALSE(fs::exists(fs::path(data) / (std::string(db) + suffix))) << db << suffix;
    }
  }
  fill_disk();
  const CliRun rejected = run_cli("rejected --json --data " + data, "", false);
  ASSERT_EQ(rejected.rc, 0) << rejected.out;
  const auto files = nlohmann::json::parse(rejected.out, nullptr, false);
  ASSERT_FALSE(files.is_discarded()) << rejected.out;
  ASSERT_EQ(files["files"].size(), 1u) << rejected.out;
  EXPECT_EQ(files["files"][0]["path"], "empty.txt");
  const CliRun stats = run_cli("stats --data " + data);
  EXPECT_EQ(stats.rc, 0) << stats.out;
  const CliRun list = run_cli("list --json --limit 0 --data " + data, "", false);
  ASSERT_EQ(list.rc, 0) << list.out;
  for (int i = 0; i < 5; ++i) EXPECT_NE(list.out.find("\"few-" + std::to_string(i) + "\""), std::string::npos) << list.out;
  const CliRun found = run_cli("search --data " + data + " \"" + phrase(3) + "\"", "", false);
  EXPECT_EQ(found.rc, 0) << found.out;
  EXPECT_NE(found.out.find("few-3"), std::string::npos) << found.out;
}

// `serve` on the same full disk: the server opens more than one connection to
// catalog.db (the library's, the read pool's), and a connection that keeps its
// WAL index in memory locks every other one out ("database is locked", 500).
// In that mode each file gets one connection per process (sqlite_db.h,
// catalog_pool.h): searches, document reads and a bearer token's account
// answer 200, and a write answers 507, the disk-full answer.
TEST_F(DiskFull, ServeAnswersReadsAndRefusesWritesWhenNoShmFileCanBeMade) {
  const fs::path in = root_ / "few.jsonl";
  {
    std::ofstream o(in);
    for (int i = 0; i < 5; ++i) o << R"({"id":"few-)" << i << R"(","title":")" << phrase(i) << R"(","text":")" << phrase(i) << "\"}\n";
  }
  const std::string data = (mnt_ / "lib").string();
  ASSERT_EQ(run_cli("import --data " + data + " " + in.string()).rc, 0);
  ASSERT_EQ(run_cli("user add boss --tier admin --password boss-password --data " + data).rc, 0);
  const std::string token = run_cli("token create --user boss --data " + data, "", false).out.substr(0, 64);
  ASSERT_EQ(token.size(), 64u);
  // A watched folder whose one file was rejected (empty): watch.db lists it.
  const fs::path watched = root_ / "watched";
  fs::create_directories(watched);
  std::ofstream(watched / "empty.txt").close();
  ASSERT_EQ(run_cli("watch " + watched.string() + " --once --stable-seconds 0 --data " + data).rc, 1);
  for (const char* db : {"catalog.db", "accounts.db", "watch.db"}) {
    ASSERT_TRUE(fs::exists(fs::path(data) / db)) << db;
    for (const char* suffix : {"-shm", "-wal"}) {
      ASSERT_FALSE(fs::exists(fs::path(data) / (std::string(db) + suffix))) << db << suffix;
    }
  }
  fill_disk();
  ServeProcess serve(data, {"--watch", watched.string()});
  ASSERT_NE(serve.port(), 0) << "serve did not start on the full disk";
  Client http(serve.port());
  http.bearer = token;
  EXPECT_EQ(http.get("/healthz").status, 200);
  // The rejected list through the watcher's own watch.db connection (a second
  // one is locked out here: 500 before).
  const HttpResult rejected = http.get("/api/admin/rejected");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  ASSERT_EQ(rejected.json()["files"].size(), 1u) << rejected.body;
  EXPECT_NE(rejected.json()["files"][0]["path"].get<std::string>().find("empty.txt"), std::string::npos) << rejected.body;
  // Several rounds: the pool's connection is handed back and leased again.
  for (int i = 0; i < 5; ++i) {
    const HttpResult found = http.get("/api/search?q=" + url_encode(phrase(i)));
    ASSERT_EQ(found.status, 200) << found.body;
    const auto j = found.json();
    ASSERT_FALSE(j.is_discarded()) << found.body;
    ASSERT_EQ(j["hits"].size(), 1u) << found.body;
    EXPECT_EQ(j["hits"][0]["id"], "few-" + std::to_string(i));
    const HttpResult doc = http.get("/api/docs/few-" + std::to_string(i));
    EXPECT_EQ(doc.status, 200) << doc.body;
    EXPECT_NE(doc.body.find(phrase(i)), std::string::npos) << doc.body;
  }
  const HttpResult me = http.get("/api/me");
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["user"]["name"], "boss") << me.body;
  const std::string boundary = "----wyNoShm";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"late.jsonl\"\r\n"
                           "Content-Type: application/json\r\n\r\n" R"({"id":"late-0","title":"迟到","text":")" +
                           phrase(9) + "\"}\n\r\n--" + boundary + "--\r\n";
  const HttpResult up = http.request(boost::beast::http::verb::post, "/api/admin/documents", body,
                                     "multipart/form-data; boundary=" + boundary);
  EXPECT_EQ(up.status, 507) << up.body;
  const auto uj = up.json();
  ASSERT_FALSE(uj.is_discarded()) << up.body;
  EXPECT_TRUE(uj["ids"].empty()) << up.body;
  const HttpResult del = http.request(boost::beast::http::verb::delete_, "/api/admin/documents/few-0");
  EXPECT_EQ(del.status, 507) << del.body;
  // A login reads the account (found) and then writes a session (refused).
  Client anon(serve.port());
  const HttpResult login = anon.post("/api/auth/login", {{"username", "boss"}, {"password", "boss-password"}});
  EXPECT_EQ(login.status, 507) << login.body;
  // Still serving, and nothing was stored or removed.
  EXPECT_EQ(http.get("/healthz").status, 200);
  EXPECT_EQ(http.get("/api/docs/few-0").status, 200);
  EXPECT_EQ(http.get("/api/docs/late-0").status, 404);
}

TEST_F(DiskFull, UploadAnswers507AndAcknowledgesOnlyWhatIsStored) {
  const std::string data = (mnt_ / "lib").string();
  ASSERT_EQ(run_cli("user add boss --tier admin --password boss-password --data " + data).rc, 0);
  const std::string token = run_cli("token create --user boss --data " + data, "", false).out.substr(0, 64);
  // The search rate limit (per IP; every client here is 127.0.0.1) out of the way.
  const fs::path config = root_ / "serve.toml";
  std::ofstream(config) << "[rate.search]\nper_second = 100000.0\nburst = 100000.0\n";
  ServeProcess serve(data, {"--config", config.string()});
  ASSERT_NE(serve.port(), 0);
  Client http(serve.port());
  http.bearer = token;
  std::mt19937 rng(507);
  std::vector<std::string> acked;
  // Acknowledged with 200: the catalog and the index committed, so they must be found. A 507's
  // stored ids are in the catalog (checked with list below) but may wait for space to be indexed.
  std::vector<std::string> acked_ok;
  HttpResult full;  // the first 507 that lost files (an earlier one may have stored all, the index not)
  int uploads = 0, answered_507 = 0;
  for (int u = 0; u < 40 && full.status == 0; ++u) {
    // Two files per upload, 40 records (~300 KB) each; the first upload is one
    // file of 4 records (~30 KB), so that it fits beside the fresh library and
    // the search check below has acknowledged documents to look for.
    const std::string boundary = "----wyDiskFull";
    const int parts = u == 0 ? 1 : 2, records = u == 0 ? 4 : 40;
    std::string body;
    for (int part = 0; part < parts; ++part) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"up" +
              std::to_string(u) + "_" + std::to_string(part) + ".jsonl\"\r\nContent-Type: application/json\r\n\r\n";
      for (int i = 0; i < records; ++i) {
        const int n = (u * 2 + part) * 40 + i;
        body += R"({"id":"full-)" + std::to_string(n) + R"(","title":")" + phrase(n) + R"(","text":")" + phrase(n) +
                "\\n" + noise(rng, 2500) + "\"}\n";
      }
      body += "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    const HttpResult r = http.request(boost::beast::http::verb::post, "/api/admin/documents", body,
                                      "multipart/form-data; boundary=" + boundary);
    ++uploads;
    const auto j = r.json();
    ASSERT_FALSE(j.is_discarded()) << r.status << " " << r.body;
    if (r.status == 200) {
      for (const auto& id : j["ids"]) acked.push_back(id), acked_ok.push_back(id);
      continue;
    }
    ASSERT_EQ(r.status, 507) << r.body;
    ++answered_507;
    for (const auto& id : j["ids"]) acked.push_back(id);
    const std::string m = j["error"]["message"];
    EXPECT_EQ(m.rfind("disk full: " + std::to_string(j["ids"].size()) + " documents stored, ", 0), 0u) << m;
    if (!j["not_stored_files"].empty()) full = r;
  }
  ASSERT_EQ(full.status, 507) << "40 uploads never filled the disk: the test proves nothing";
  // The search check below must check something: at least the small first
  // upload was acknowledged with 200 (committed and indexed).
  ASSERT_GE(acked_ok.size(), 4u) << "no upload was acknowledged before the disk filled: the search check proves nothing";
  ASSERT_GT(uploads, 1);
  const auto fj = full.json();
  const std::string message = fj["error"]["message"];
  const std::vector<std::string> lost = fj["not_stored_files"];
  EXPECT_EQ(message.rfind("disk full: ", 0), 0u) << message;
  EXPECT_NE(message.find(" documents stored, " + std::to_string(fj["not_stored"].get<uint64_t>()) + " not"),
            std::string::npos) << message;
  ASSERT_FALSE(lost.empty()) << message;
  EXPECT_NE(message.find("not stored: " + lost.front()), std::string::npos) << message;
  EXPECT_EQ(lost.back(), "up" + std::to_string(uploads - 1) + "_1.jsonl");
  EXPECT_EQ(message.find(mnt_.string()), std::string::npos) << "a server path in the answer: " << message;
  ASSERT_GT(acked.size(), 0u);

  // The server still answers, and everything acknowledged is stored and found.
  EXPECT_EQ(http.get("/healthz").status, 200);
  const CliRun list = run_cli("list --json --limit 0 --data " + data, "", false);
  ASSERT_EQ(list.rc, 0) << list.out;
  std::set<std::string> listed;
  const auto lj = nlohmann::json::parse(list.out, nullptr, false);
  for (const auto& d : (lj.is_object() ? lj["documents"] : lj)) listed.insert(d["id"].get<std::string>());
  size_t false_acks = 0;
  for (const auto& id : acked) false_acks += listed.count(id) ? 0 : 1;
  EXPECT_EQ(false_acks, 0u) << "of " << acked.size() << " acknowledged";
  size_t missing = 0;
  size_t searched = 0;
  for (size_t k = 0; k < acked_ok.size(); k += std::max<size_t>(1, acked_ok.size() / 20)) {
    const auto r = http.get("/api/search?q=" + url_encode(phrase(std::stoi(acked_ok[k].substr(5)))));
    missing += r.json().value("total", 0) >= 1 ? 0 : 1;
    ++searched;
  }
  EXPECT_GE(searched, 4u);
  EXPECT_EQ(missing, 0u) << "of " << searched << " acknowledged documents searched for";
  std::printf("upload on a full disk: %d uploads (%d answered 507), %zu documents acknowledged (%zu with 200, %zu "
              "searched), the last 507 with %llu not stored in %zu file(s), 0 false acknowledgements expected\n",
              uploads, answered_507, acked.size(), acked_ok.size(), searched, static_cast<unsigned long long>(fj["not_stored"].get<uint64_t>()),
              lost.size());
}

}  // namespace
}  // namespace wenyuan::testing
