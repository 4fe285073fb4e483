// 今日更新 over HTTP: GET /api/new groups new and updated documents by the
// server's local day with per-day and per-category counts and filters by
// category; /feed.atom is valid Atom (parsed back with pugixml), per category,
// and carries preview text only; GET /api/admin/intake shows each day's import
// runs with rejects by file name, admins only; /metrics counts the intake.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <pugixml.hpp>

#include "unit/server_fixture.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/store/intake_log.h"

namespace wenyuan::testing {
namespace {

using nlohmann::json;

int64_t now_s() { return static_cast<int64_t>(std::time(nullptr)); }

std::string paragraphs(const std::string& tag, int n) {
  std::string t;
  for (int i = 1; i <= n; ++i) {
    t += tag + "第" + std::to_string(i) + "段：这是" + tag + "第" + std::to_string(i) + "段的内容，用于检验今日更新。\n";
  }
  return t;
}

json record(const std::string& id, const std::string& title, const std::string& category, int n,
            const std::string& access = "free") {
  return {{"id", id}, {"title", title}, {"category", category}, {"text", paragraphs(id, n)}, {"access", access}};
}

class WhatsNew : public ::testing::Test {
 protected:
  void SetUp() override {
    // Local days are those of Shanghai (no summer time), whatever the machine says.
    ::setenv("TZ", "Asia/Shanghai", 1);
    ::tzset();
    input_ = fresh_dir("wn_input");
    std::string jsonl;
    jsonl += record("dj-1", "党建工作要点", "党建", 4).dump() + "\n";
    jsonl += record("dj-2", "关于加强党建的通知", "党建", 4).dump() + "\n";
    jsonl += record("dj-3", "A&B <党建> \"简报\"", "党建", 4).dump() + "\n";
    jsonl += record("zj-1", "年度工作总结", "工作总结", 4).dump() + "\n";
    jsonl += record("paid-1", "付费的工作总结", "工作总结", 10, "paid").dump() + "\n";
    write_file(input_ / "batch.jsonl", jsonl);
    srv_.start(TestServer::base_config(), {input_ / "batch.jsonl"}, "whatsnew");
    if (HasFatalFailure()) return;
    // One document from two days ago (put straight into the catalog with its time),
    // as one of the library's writers: the server's index tailer uses the same connection.
    srv_.server->exclusive([&](library::Library& lib) {
      auto& cat = lib.catalog();
      auto d = cat.get("dj-1");
      ASSERT_TRUE(d);
      doc::Document old = *d;
      old.id = "dj-old";
      old.title = "前天的党建文件";
      old.imported_at = store::local_day_start(now_s(), 2) + 3600;
      ASSERT_TRUE(cat.put(old));
    });
  }
  void TearDown() override { fs::remove_all(input_); }

  static std::string upload_body(const std::string& b, const std::string& name, const std::string& bytes) {
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name + "\"\r\n\r\n" + bytes +
           "\r\n--" + b + "--\r\n";
  }
  HttpResult upload(const std::string& name, const std::string& bytes) {
    return srv_.as(srv_.admin_token)
        .request(http::verb::post, "/api/admin/documents", upload_body("WnB", name, bytes),
                 "multipart/form-data; boundary=WnB");
  }

  fs::path input_;
  TestServer srv_;
};

TEST_F(WhatsNew, NewGroupsByLocalDayWithCountsAndFiltersByCategory) {
  auto c = srv_.client();
  auto r = c.get("/api/new?days=3");
  ASSERT_EQ(r.status, 200) << r.body;
  json n = r.json();
  EXPECT_EQ(n["timezone"], "+08:00");
  EXPECT_EQ(n["total"], 6);
  ASSERT_EQ(n["by_day"].size(), 2u) << n.dump();
  EXPECT_EQ(n["by_day"][0]["date"], store::local_date(now_s()));
  EXPECT_EQ(n["by_day"][0]["count"], 5);
  EXPECT_EQ(n["by_day"][0]["documents"].size(), 5u);
  EXPECT_EQ(n["by_day"][1]["date"], store::local_date(now_s() - 2 * 86400));
  EXPECT_EQ(n["by_day"][1]["count"], 1);
  EXPECT_EQ(n["by_day"][1]["documents"][0]["id"], "dj-old");
  EXPECT_EQ(n["by_day"][1]["documents"][0]["date"], n["by_day"][1]["date"]);
  const json cats = {{{"category", "党建"}, {"count", 4}}, {{"category", "工作总结"}, {"count", 2}}};
  EXPECT_EQ(n["categories"], cats);
  EXPECT_EQ(n["documents"].size(), 6u);
  for (const auto& d : n["documents"]) {
    EXPECT_TRUE(d.contains("title") && d.contains("imported_at") && d.contains("category")) << d.dump();
  }

  auto f = c.get("/api/new?days=3&category=%E5%B7%A5%E4%BD%9C%E6%80%BB%E7%BB%93").json();  // 工作总结
  EXPECT_EQ(f["category"], "工作总结");
  EXPECT_EQ(f["total"], 2);
  ASSERT_EQ(f["documents"].size(), 2u);
  for (const auto& d : f["documents"]) EXPECT_EQ(d["category"], "工作总结");
  EXPECT_EQ(f["categories"], cats) << "the category counts stay those of the whole window";
  ASSERT_EQ(f["by_day"].size(), 1u);
  EXPECT_EQ(f["by_day"][0]["count"], 2);

  auto today = c.get("/api/new?days=1").json();
  EXPECT_EQ(today["total"], 5);
  auto limited = c.get("/api/new?days=3&limit=2").json();
  EXPECT_EQ(limited["total"], 6) << "counts are not cut by limit";
  EXPECT_EQ(limited["documents"].size(), 2u);
  EXPECT_EQ(c.get("/api/new?days=3&category=nope").json()["total"], 0);
  EXPECT_EQ(c.get("/api/new?days=0").status, 400);
  EXPECT_EQ(c.get("/api/new?days=x").status, 400);
}

TEST_F(WhatsNew, ADocumentFirstSeenOnAnEarlierDayIsAnUpdate) {
  // The intake log saw "zj-2" three days ago; today it is imported again, changed.
  {
    auto log = store::IntakeLog::open(srv_.dir / "data" / "intake.db");
    ASSERT_TRUE(log) << log.status().message();
    store::IntakeRun run;
    run.started_at = now_s() - 3 * 86400;
    run.origin = "cli";
    run.imported = 1;
    ASSERT_TRUE((*log)->record(run, {"zj-2"}));
  }
  auto up = upload("zj2.jsonl", record("zj-2", "修订后的工作总结", "工作总结", 3).dump() + "\n");
  ASSERT_EQ(up.status, 200) << up.body;
  auto n = srv_.client().get("/api/new?days=1").json();
  EXPECT_EQ(n["total"], 6);
  EXPECT_EQ(n["updated"], 1);
  EXPECT_EQ(n["new"], 5);
  EXPECT_EQ(n["by_day"][0]["updated"], 1);
  int seen = 0;
  for (const auto& d : n["documents"]) {
    EXPECT_EQ(d["change"], d["id"] == "zj-2" ? "updated" : "new") << d.dump();
    seen += d["id"] == "zj-2";
  }
  EXPECT_EQ(seen, 1);
}

// The text of every <summary> of `xml` by entry id, after checking it is Atom.
std::map<std::string, std::pair<std::string, std::string>> parse_feed(const std::string& xml, std::string* self) {
  pugi::xml_document doc;
  auto ok = doc.load_buffer(xml.data(), xml.size());
  EXPECT_TRUE(ok) << ok.description() << "\n" << xml;
  auto feed = doc.child("feed");
  EXPECT_STREQ(feed.attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
  EXPECT_FALSE(std::string(feed.child_value("updated")).empty());
  for (auto link : feed.children("link")) {
    if (std::string(link.attribute("rel").value()) == "self") *self = link.attribute("href").value();
  }
  std::map<std::string, std::pair<std::string, std::string>> out;  // id -> (title, summary)
  for (auto e : feed.children("entry")) {
    std::string id = e.child_value("id");
    EXPECT_EQ(id.rfind("urn:wenyuan:", 0), 0u);
    EXPECT_FALSE(std::string(e.child("link").attribute("href").value()).empty());
    out[id.substr(12)] = {e.child_value("title"), e.child_value("summary")};
  }
  return out;
}

TEST_F(WhatsNew, FeedIsValidAtomWithPreviewTextOnly) {
  for (const std::string& token : {std::string(), srv_.vip_token, srv_.admin_token}) {
    auto c = token.empty() ? srv_.client() : srv_.as(token);
    auto r = c.get("/feed.atom");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/atom+xml; charset=utf-8");
    std::string self;
    auto entries = parse_feed(r.body, &self);
    EXPECT_EQ(self, "http://127.0.0.1/feed.atom");
    ASSERT_EQ(entries.size(), 6u);
    EXPECT_EQ(entries["dj-3"].first, "A&B <党建> \"简报\"") << "titles are escaped by the writer and read back whole";
    const std::string& paid = entries["paid-1"].second;
    // The preview is 30% of the body but at least 200 characters and at most
    // half the document (doc::prepare): of these 10 short paragraphs the first
    // half at most; the feed has them and never a paid one, whoever asks (a
    // feed is public).
    EXPECT_NE(paid.find("paid-1第1段"), std::string::npos) << paid;
    for (int i = 6; i <= 10; ++i) {
      EXPECT_EQ(paid.find("paid-1第" + std::to_string(i) + "段"), std::string::npos) << "paid paragraph " << i << ": " << paid;
    }
    EXPECT_NE(entries["zj-1"].second.find("zj-1第1段"), std::string::npos);
  }
  auto r = srv_.client().get("/feed.atom?category=%E5%85%9A%E5%BB%BA");  // 党建
  ASSERT_EQ(r.status, 200);
  std::string self;
  auto entries = parse_feed(r.body, &self);
  EXPECT_EQ(self, "http://127.0.0.1/feed.atom?category=%E5%85%9A%E5%BB%BA");
  EXPECT_EQ(entries.size(), 4u);
  for (const auto& [id, e] : entries) EXPECT_EQ(id.substr(0, 3), "dj-") << id;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  for (auto e : doc.child("feed").children("entry")) {
    EXPECT_STREQ(e.child("category").attribute("term").value(), "党建");
  }
  EXPECT_EQ(parse_feed(srv_.client().get("/feed.atom?category=nope").body, &self).size(), 0u);
}

TEST_F(WhatsNew, AdminIntakeShowsRunsAndRejectsByFileNameForAdminsOnly) {
  auto bad = upload("broken.pdf", "this is not a PDF at all");
  ASSERT_EQ(bad.status, 200) << bad.body;
  ASSERT_EQ(bad.json()["rejected"], 1) << bad.body;
  ASSERT_EQ(upload("good.txt", "上传的文件\n上传的正文。").status, 200);

  EXPECT_EQ(srv_.client().get("/api/admin/intake").status, 401);
  EXPECT_EQ(srv_.as(srv_.free_token).get("/api/admin/intake").status, 403);
  EXPECT_EQ(srv_.as(srv_.vip_token).get("/api/admin/intake").status, 403);
  auto r = srv_.as(srv_.admin_token).get("/api/admin/intake?days=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find((srv_.dir / "data").string()), std::string::npos) << "no server folder over HTTP: " << r.body;
  json j = r.json();
  EXPECT_EQ(j["timezone"], "+08:00");
  ASSERT_EQ(j["by_day"].size(), 1u) << j.dump();
  const json& day = j["by_day"][0];
  EXPECT_EQ(day["date"], store::local_date(now_s()));
  EXPECT_EQ(day["runs"], 3);  // the fixture's import and two uploads
  EXPECT_EQ(day["imported"], 6);
  EXPECT_EQ(day["rejected"], 1);
  ASSERT_EQ(day["run_list"].size(), 3u);
  std::map<std::string, int> origins;
  for (const auto& run : day["run_list"]) origins[run["origin"]]++;
  EXPECT_EQ(origins["upload"], 2);
  EXPECT_EQ(origins["cli"], 1);
  bool found = false;
  for (const auto& run : day["run_list"]) {
    EXPECT_GE(run["seconds"].get<double>(), 0.0);
    for (const auto& x : run["rejects"]) {
      EXPECT_EQ(x["file"], "broken.pdf") << x.dump();
      EXPECT_FALSE(x["reason"].get<std::string>().empty());
      found = true;
    }
  }
  EXPECT_TRUE(found) << j.dump();
  EXPECT_EQ(srv_.as(srv_.admin_token).get("/api/admin/intake?days=0").status, 400);
  EXPECT_EQ(srv_.as(srv_.admin_token).get("/api/admin/intake?days=401").status, 400);
}

uint64_t metric(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  EXPECT_NE(at, std::string::npos) << series << "\n" << text;
  if (at == std::string::npos) return 0;
  return std::stoull(text.substr(at + series.size() + 2));
}

TEST_F(WhatsNew, MetricsCountTheIntake) {
  auto before = srv_.as(srv_.admin_token).get("/metrics").body;
  EXPECT_EQ(metric(before, "wenyuan_intake_documents_total{outcome=\"imported\"}"), 5u);
  EXPECT_EQ(metric(before, "wenyuan_intake_documents_total{outcome=\"rejected\"}"), 0u);
  EXPECT_EQ(metric(before, "wenyuan_intake_runs_total"), 1u);
  ASSERT_EQ(upload("broken.pdf", "not a PDF").status, 200);
  ASSERT_EQ(upload("again.jsonl", record("dj-1", "党建工作要点", "党建", 4).dump() + "\n").status, 200);
  auto after = srv_.as(srv_.admin_token).get("/metrics").body;
  EXPECT_EQ(metric(after, "wenyuan_intake_documents_total{outcome=\"imported\"}"), 5u);
  EXPECT_EQ(metric(after, "wenyuan_intake_documents_total{outcome=\"rejected\"}"), 1u);
  EXPECT_EQ(metric(after, "wenyuan_intake_documents_total{outcome=\"unchanged\"}"), 1u);
  EXPECT_EQ(metric(after, "wenyuan_intake_runs_total"), 3u);
  EXPECT_EQ(metric(after, "wenyuan_intake_duration_seconds_count"), 3u);
  EXPECT_EQ(metric(after, "wenyuan_intake_duration_seconds_bucket{le=\"+Inf\"}"), 3u);
}

}  // namespace
}  // namespace wenyuan::testing
