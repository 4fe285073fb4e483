// Sandboxed parsing (doc/sandbox.h, issue 14): the child (`wenyuan __parse`)
// gives the same RawDocuments as parsing in-process, for every format of the
// sample folder; a parser that crashes, spins or eats memory costs its file an
// error that names the limit and the parser, never the caller; and a server
// whose upload's parser crashes answers the upload with that error and keeps
// serving. Faults come from the child's test hook WENYUAN_SANDBOX_FAULT
// (honoured by `__parse` only); limits are small so the tests are short, and no
// outcome depends on the machine's speed (a spinning child always exceeds 1 s).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "unit/server_fixture.h"
#include "wenyuan/doc/import.h"
#include "wenyuan/doc/sandbox.h"

namespace wenyuan::testing {
namespace {

namespace fs = std::filesystem;

doc::SandboxOptions sandbox(uint32_t cpu = 20, uint32_t wall = 60, uint64_t mb = 512) {
  doc::SandboxOptions o;
  o.helper = WENYUAN_BINARY;
  o.cpu_seconds = cpu;
  o.wall_seconds = wall;
  o.memory_bytes = mb << 20;
  return o;
}

struct Collected {
  std::vector<doc::RawDocument> docs;
  std::vector<std::string> errors;
  Status status;
};

Collected collect(const fs::path& p, const doc::SandboxOptions& o) {
  Collected c;
  c.status = doc::import_file_sandboxed(p, {}, o, [&](Result<doc::RawDocument> r) {
    if (r) {
      c.docs.push_back(std::move(*r));
    } else {
      c.errors.push_back(r.status().message());
    }
  });
  return c;
}

struct FaultEnv {
  explicit FaultEnv(const char* f) { ::setenv("WENYUAN_SANDBOX_FAULT", f, 1); }
  ~FaultEnv() { ::unsetenv("WENYUAN_SANDBOX_FAULT"); }
};

TEST(Sandbox, ChildGivesTheSameDocumentsAsInProcessForEverySampleFormat) {
  std::set<std::string> formats;
  for (const auto& e : fs::directory_iterator(WENYUAN_SAMPLE_DIR)) {
    if (!doc::is_importable(e.path())) continue;
    const Collected in = collect(e.path(), {});
    const Collected out = collect(e.path(), sandbox());
    ASSERT_TRUE(in.status.is_ok()) << in.status.message();
    ASSERT_TRUE(out.status.is_ok()) << e.path() << ": " << out.status.message();
    ASSERT_EQ(out.docs.size(), in.docs.size()) << e.path();
    EXPECT_EQ(out.errors, in.errors);
    for (size_t i = 0; i < in.docs.size(); ++i) {
      const auto &a = in.docs[i], &b = out.docs[i];
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.title, b.title);
      EXPECT_EQ(a.text, b.text);
      EXPECT_EQ(a.date, b.date);
      EXPECT_EQ(a.source, b.source);
      EXPECT_EQ(a.category, b.category);
      EXPECT_EQ(a.tags, b.tags);
      EXPECT_EQ(a.access, b.access);
      EXPECT_EQ(a.format, b.format);
      EXPECT_EQ(a.encoding, b.encoding);
      EXPECT_EQ(a.origin, b.origin);
      EXPECT_EQ(a.original, b.original);
      ASSERT_EQ(a.headings.size(), b.headings.size());
      for (size_t h = 0; h < a.headings.size(); ++h) {
        EXPECT_EQ(a.headings[h].text, b.headings[h].text);
        EXPECT_EQ(a.headings[h].level, b.headings[h].level);
      }
    }
    formats.insert(e.path().extension().string());
  }
  for (const char* f : {".txt", ".html", ".docx", ".jsonl"}) EXPECT_TRUE(formats.count(f)) << f;
}

TEST(Sandbox, ErrorsOfTheParserComeBackAsTheyAre) {
  const fs::path dir = fresh_dir("sbx_err");
  write_file(dir / "bad.jsonl", "{\"title\":\"a\",\"text\":\"一\"}\nnot json\n{\"text\":\"y\",\"date\":1e999}\n");
  write_file(dir / "empty.docx", "PK not a zip");
  const Collected j = collect(dir / "bad.jsonl", sandbox());
  const Collected ji = collect(dir / "bad.jsonl", {});
  EXPECT_TRUE(j.status.is_ok());
  EXPECT_EQ(j.docs.size(), ji.docs.size());
  EXPECT_EQ(j.errors, ji.errors);
  EXPECT_EQ(j.errors.size(), 2u);
  const Collected d = collect(dir / "empty.docx", sandbox());
  const Collected di = collect(dir / "empty.docx", {});
  EXPECT_FALSE(d.status.is_ok());
  EXPECT_EQ(d.status.message(), di.status.message());
  EXPECT_EQ(d.status.code(), di.status.code());
  fs::remove_all(dir);
}

TEST(Sandbox, ACrashingParserCostsItsFileAnErrorNamingTheParser) {
  FaultEnv fault("crash");
  const fs::path f = fs::path(WENYUAN_SAMPLE_DIR) / "gwr_2026_zhejiang.docx";
  const Collected c = collect(f, sandbox());
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_TRUE(c.docs.empty());
  // "(signal 11, …)"; under ASan, whose handler reports the fault and exits, "(exit 1)".
  EXPECT_NE(c.status.message().find("rejected: crashed in the .docx parser ("), std::string::npos)
      << c.status.message();
}

TEST(Sandbox, ASpinningParserIsStoppedByTheCpuLimitOrTheWallClock) {
  FaultEnv fault("loop");
  const fs::path f = fs::path(WENYUAN_SAMPLE_DIR) / "gwr_2026_sichuan.html";
  const Collected cpu = collect(f, sandbox(1, 60));
  ASSERT_FALSE(cpu.status.is_ok());
  EXPECT_NE(cpu.status.message().find("rejected: took more than 1 s of CPU in the .html parser"), std::string::npos)
      << cpu.status.message();
  const Collected wall = collect(f, sandbox(60, 1));
  ASSERT_FALSE(wall.status.is_ok());
  EXPECT_NE(wall.status.message().find("rejected: took more than 1 s in the .html parser"), std::string::npos)
      << wall.status.message();
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WENYUAN_NO_MEMORY_LIMIT 1  // ASan's shadow memory: RLIMIT_AS is not set
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(WENYUAN_NO_MEMORY_LIMIT)
TEST(Sandbox, AParserThatEatsMemoryIsStoppedAtTheLimit) {
  FaultEnv fault("memory");
  const fs::path f = fs::path(WENYUAN_SAMPLE_DIR) / "law_national_flag.txt";
  const Collected c = collect(f, sandbox(20, 60, 256));
  ASSERT_FALSE(c.status.is_ok());
  EXPECT_NE(c.status.message().find("rejected: needed more than 256 MB in the .txt parser"), std::string::npos)
      << c.status.message();
}
#endif

TEST(Sandbox, TheServerSurvivesAnUploadWhoseParserCrashes) {
  TestServer s;
  auto config = TestServer::base_config();
  config.sandbox = sandbox();
  s.start(config, {}, "sbx");
  auto admin = s.as(s.admin_token);
  const std::string b = "----wySandbox";
  auto upload = [&](const std::string& name, const std::string& text) {
    const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name +
                             "\"\r\nContent-Type: text/plain\r\n\r\n" + text + "\r\n--" + b + "--\r\n";
    return admin.request(http::verb::post, "/api/admin/documents", body, "multipart/form-data; boundary=" + b);
  };
  {
    FaultEnv fault("crash");
    const HttpResult up = upload("通知.txt", "关于沙箱测试的通知\n正文一段。\n");
    ASSERT_EQ(up.status, 200) << up.body;
    const auto rep = up.json();
    EXPECT_EQ(rep["imported"], 0);
    EXPECT_EQ(rep["rejected"], 1);
    ASSERT_EQ(rep["errors"].size(), 1u);
    EXPECT_NE(rep["errors"][0].get<std::string>().find("crashed in the .txt parser"), std::string::npos) << up.body;
  }
  EXPECT_EQ(s.client().request(http::verb::get, "/healthz").status, 200);
  const HttpResult ok = upload("通知.txt", "关于沙箱测试的通知\n沙箱独有词汇庚辛壬癸。\n");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["imported"], 1) << ok.body;
}

}  // namespace
}  // namespace wenyuan::testing
