// The HTTP server end to end, in-process on a free port: every route, auth and
// CSRF, quotas under parallel downloads, rate limits, size limits, idle
// keep-alive connections, malformed requests, static files, gzip, metrics,
// OpenAPI and graceful shutdown.
// Over 600 lines on purpose: the cases share one in-process server fixture and
// its helpers; splitting would copy them.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <set>
#include <thread>

#include <pugixml.hpp>

#include "unit/server_fixture.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/store/catalog.h"

namespace wenyuan::testing {
namespace {

using nlohmann::json;

// One server for the read-mostly tests: the seed sample plus 40 corpus documents.
class ServerHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    srv_ = new TestServer();
    srv_->start(TestServer::base_config(), {test_data("seed_sample.txt"), test_data("corpus_sample.jsonl")}, "shared");
    Result<std::vector<store::DocumentSummary>> list = Status::internal("not run");
    srv_->server->exclusive([&](library::Library& lib) { list = lib.catalog().list({}); });
    ASSERT_TRUE(list);
    for (const auto& d : *list) {
      if (d.access == doc::Access::kPaid) paid_id_ = d.id;
      if (d.access == doc::Access::kFree && free_id_.empty()) free_id_ = d.id;
    }
    ASSERT_FALSE(paid_id_.empty());
    ASSERT_FALSE(free_id_.empty());
  }
  static void TearDownTestSuite() {
    delete srv_;
    srv_ = nullptr;
  }
  static TestServer* srv_;
  static std::string paid_id_, free_id_;
};
TestServer* ServerHttp::srv_ = nullptr;
std::string ServerHttp::paid_id_;
std::string ServerHttp::free_id_;

TEST_F(ServerHttp, HealthzAndStaticFiles) {
  auto c = srv_->client();
  auto h = c.get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok");
  for (const char* spa : {"/", "/doc/abc", "/login", "/account", "/admin"}) {
    auto r = c.get(spa);
    EXPECT_EQ(r.status, 200) << spa;
    EXPECT_NE(r.body.find("<div id=app>"), std::string::npos) << spa;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  }
  auto js = c.get("/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(c.get("/css/style.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(c.get("/nothing.js").status, 404);
  // Traversal, encoded or not, never leaves the web folder.
  for (const char* t : {"/../secret.txt", "/%2e%2e/secret.txt", "/css/../../secret.txt", "/%2E%2E%2Fsecret.txt",
                        "/..%5csecret.txt", "/.hidden", "/css//style.css"}) {
    auto r = c.get(t);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << t << " " << r.status;
    EXPECT_EQ(r.body.find("outside the web folder"), std::string::npos) << t;
  }
  EXPECT_EQ(c.request(http::verb::post, "/app.js", "x").status, 405);
  auto head = c.request(http::verb::head, "/healthz");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "2");
  EXPECT_TRUE(head.body.empty());
}

TEST_F(ServerHttp, SearchReturnsHitsWithSnippetsAndValidatesParameters) {
  auto c = srv_->client();
  auto r = c.get("/api/search?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&size=5");  // 中华人民共和国
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["query"], "中华人民共和国");
  EXPECT_GT(j["total"].get<int>(), 5);
  EXPECT_EQ(j["hits"].size(), 5u);
  EXPECT_EQ(j["page"], 1);
  EXPECT_EQ(j["size"], 5);
  bool highlighted = false;
  for (const auto& h : j["hits"]) {
    EXPECT_TRUE(h.contains("id") && h.contains("title") && h.contains("score") && h.contains("category"));
    for (const auto& s : h["snippets"]) {
      if (!s["locked"].get<bool>() && !s["highlights"].empty()) highlighted = true;
    }
  }
  EXPECT_TRUE(highlighted);
  auto p2 = c.get("/api/search?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&size=5&page=2").json();
  EXPECT_NE(p2["hits"][0]["id"], j["hits"][0]["id"]);
  auto para = c.get("/api/search?q=%E5%B7%A5%E4%BD%9C&unit=paragraph&size=3").json();  // 工作
  ASSERT_FALSE(para["hits"].empty());
  EXPECT_TRUE(para["hits"][0].contains("paragraph"));
  auto dated = c.get("/api/search?q=%E5%B7%A5%E4%BD%9C&sort=date&year=2000..2030");
  EXPECT_EQ(dated.status, 200) << dated.body;
  auto none = c.get("/api/search?q=%E5%B7%A5%E4%BD%9C&year=1800").json();
  EXPECT_EQ(none["total"], 0);

  EXPECT_EQ(c.get("/api/search").status, 400);
  EXPECT_EQ(c.get("/api/search?q=x&size=0").status, 400);
  EXPECT_EQ(c.get("/api/search?q=x&size=1000").status, 400);
  EXPECT_EQ(c.get("/api/search?q=x&page=-1").status, 400);
  EXPECT_EQ(c.get("/api/search?q=x&sort=random").status, 400);
  EXPECT_EQ(c.get("/api/search?q=x&year=abc").status, 400);
  EXPECT_EQ(c.get("/api/search?q=x&year=2020..2010").status, 400);
  EXPECT_EQ(c.get("/api/search?q=%FF%FE").status, 400);        // not UTF-8
  EXPECT_EQ(c.get("/api/search?q=(((").status, 400);           // a query syntax error
  EXPECT_EQ(c.get("/api/search?q=" + std::string(3000, 'a')).status, 400);
  auto e = c.get("/api/search?q=%FF").json();
  EXPECT_EQ(e["error"]["code"], "bad_request");
  // A NUL is valid UTF-8 but refused in a target (percent_decode); the message says so.
  auto nul = c.get("/api/search?q=a%00b").json();
  EXPECT_NE(nul["error"]["message"].get<std::string>().find("%00"), std::string::npos) << nul.dump();

  // Error columns are columns of q itself (as in the CLI), and q cannot close
  // a parenthesis to get out from under the filters.
  auto col = c.get("/api/search?q=%E5%9B%BD%E6%97%97%20%7C").json();  // 国旗 |
  EXPECT_EQ(col["error"]["message"].get<std::string>().rfind("column 4:", 0), 0u) << col.dump();
  EXPECT_EQ(c.get("/api/search?q=%E5%B7%A5%E4%BD%9C)%20%7C%20(%E5%B7%A5%E4%BD%9C&year=1800").status, 400);  // 工作) | (工作
  auto filtered = c.get("/api/search?q=%E5%B7%A5%E4%BD%9C%20%7C%20%E5%8F%91%E5%B1%95&year=1800").json();  // 工作 | 发展
  EXPECT_EQ(filtered["total"], 0) << filtered.dump();
}

TEST_F(ServerHttp, FacetsNewAndFeed) {
  auto c = srv_->client();
  auto f = c.get("/api/facets").json();
  EXPECT_EQ(f["documents"], 41);
  EXPECT_FALSE(f["sources"].empty());
  EXPECT_EQ(f["years"].size(), 2u);
  auto n = c.get("/api/new?days=1&limit=5").json();
  EXPECT_EQ(n["documents"].size(), 5u);
  EXPECT_TRUE(n["documents"][0].contains("imported_at"));
  EXPECT_EQ(c.get("/api/new?days=0").status, 400);
  auto atom = c.get("/feed.atom");
  EXPECT_EQ(atom.status, 200);
  EXPECT_EQ(atom.header("content-type"), "application/atom+xml; charset=utf-8");
  pugi::xml_document feed;
  ASSERT_TRUE(feed.load_string(atom.body.c_str())) << atom.body;
  EXPECT_STREQ(feed.document_element().name(), "feed");
  EXPECT_STREQ(feed.document_element().attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
  EXPECT_TRUE(feed.document_element().child("entry"));
}

TEST_F(ServerHttp, DocumentViewAndBadIds) {
  auto c = srv_->client();
  auto d = c.get("/api/docs/" + free_id_);
  ASSERT_EQ(d.status, 200);
  auto j = d.json();
  EXPECT_EQ(j["id"], free_id_);
  EXPECT_EQ(j["access"], "free");
  EXPECT_FALSE(j["locked"].get<bool>());
  ASSERT_FALSE(j["blocks"].empty());
  EXPECT_EQ(j["blocks"][0]["kind"], "paragraph");
  auto paid = c.get("/api/docs/" + paid_id_).json();
  EXPECT_TRUE(paid["locked"].get<bool>());
  bool locked_block = false;
  for (const auto& b : paid["blocks"]) locked_block |= b["kind"] == "locked";
  EXPECT_TRUE(locked_block);
  EXPECT_EQ(paid["downloads"]["full"], false);
  auto vip = srv_->as(srv_->vip_token).get("/api/docs/" + paid_id_).json();
  EXPECT_FALSE(vip["locked"].get<bool>());
  EXPECT_EQ(vip["downloads"]["per_day"], 20);
  EXPECT_EQ(vip["downloads"]["full"], true);

  EXPECT_EQ(c.get("/api/docs/nope").status, 404);
  EXPECT_EQ(c.get("/api/docs/nope").json()["error"]["code"], "not_found");
  for (const char* t : {"/api/docs/..%2F..%2Fetc%2Fpasswd", "/api/docs/../catalog.db", "/api/docs/%2e%2e",
                        "/api/docs/a%20b", "/api/docs/%FF", "/api/docs/x/download/../../y"}) {
    auto r = c.get(t);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << t << " " << r.status;
  }
  EXPECT_EQ(c.get("/api/docs/" + std::string(200, 'a')).status, 400);
}

TEST_F(ServerHttp, DownloadsTxtDocxAndZip) {
  auto c = srv_->client();
  auto txt = c.get("/api/docs/" + free_id_ + "/download?format=txt");
  ASSERT_EQ(txt.status, 200);
  EXPECT_EQ(txt.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_NE(txt.header("content-disposition").find("filename*=UTF-8''"), std::string::npos);
  auto docx = c.get("/api/docs/" + free_id_ + "/download?format=docx");
  ASSERT_EQ(docx.status, 200);
  EXPECT_EQ(docx.body.substr(0, 2), "PK");
  EXPECT_EQ(c.get("/api/docs/" + free_id_ + "/download?format=pdf").status, 400);
  auto zip = c.post("/api/download", {{"ids", {free_id_, paid_id_}}, {"format", "txt"}});
  ASSERT_EQ(zip.status, 200) << zip.body;
  EXPECT_EQ(zip.header("content-type"), "application/zip");
  auto reader = doc::ZipReader::open(zip.body, "dl.zip", {});
  ASSERT_TRUE(reader);
  EXPECT_EQ(c.post("/api/download", {{"ids", {"missing"}}}).status, 404);
  EXPECT_EQ(c.post("/api/download", {{"ids", json::array()}}).status, 400);
  EXPECT_EQ(c.post("/api/download", {{"ids", {"../x"}}}).status, 400);
  EXPECT_EQ(c.request(http::verb::post, "/api/download", "{not json").status, 400);
  EXPECT_EQ(c.post("/api/download", {{"ids", "x"}}).status, 400);
}

TEST_F(ServerHttp, RegisterLoginLogoutMeAndCsrf) {
  auto c = srv_->client();
  auto me0 = c.get("/api/me").json();
  EXPECT_TRUE(me0["user"].is_null());
  EXPECT_EQ(me0["tier"], "anonymous");
  auto reg = c.post("/api/auth/register", {{"username", "reader1"}, {"password", "reader-password"}});
  ASSERT_EQ(reg.status, 201) << reg.body;
  EXPECT_EQ(reg.json()["user"]["tier"], "free");
  EXPECT_NE(reg.header("set-cookie").find("HttpOnly"), std::string::npos);
  EXPECT_NE(reg.header("set-cookie").find("SameSite=Lax"), std::string::npos);
  ASSERT_TRUE(c.cookies.count("wy_session") && c.cookies.count("wy_csrf"));
  auto me = c.get("/api/me").json();
  EXPECT_EQ(me["user"]["name"], "reader1");
  EXPECT_EQ(me["tier"], "free");
  EXPECT_EQ(me["quotas"]["downloads_per_day"], 0);

  // A cookie-authenticated POST without (or with a wrong) CSRF token is refused.
  c.send_csrf = false;
  auto no_csrf = c.post("/api/auth/logout", json::object());
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.json()["error"]["code"], "forbidden");
  auto wrong = c.request(http::verb::post, "/api/download", json{{"ids", {free_id_}}}.dump(), "application/json",
                         {{"X-CSRF-Token", "not-the-token"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(c.get("/api/me").json()["user"]["name"], "reader1");  // still logged in
  c.send_csrf = true;
  EXPECT_EQ(c.post("/api/download", {{"ids", {free_id_}}}).status, 200);
  auto out = c.post("/api/auth/logout", json::object());
  EXPECT_EQ(out.status, 204);
  EXPECT_FALSE(c.cookies.count("wy_session"));
  EXPECT_TRUE(c.get("/api/me").json()["user"].is_null());

  auto dup = c.post("/api/auth/register", {{"username", "reader1"}, {"password", "other-password"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(c.post("/api/auth/register", {{"username", "reader2"}, {"password", "short"}}).status, 400);
  EXPECT_EQ(c.post("/api/auth/register", {{"username", "a/b"}, {"password", "long-enough"}}).status, 400);
  EXPECT_EQ(c.post("/api/auth/register", {{"username", 5}}).status, 400);
  auto bad = c.post("/api/auth/login", {{"username", "reader1"}, {"password", "wrong-password"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json()["error"]["code"], "unauthorized");
  auto good = c.post("/api/auth/login", {{"username", "reader1"}, {"password", "reader-password"}});
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(c.get("/api/me").json()["user"]["name"], "reader1");

  // An API token needs no CSRF token.
  auto t = srv_->as(srv_->free_token);
  EXPECT_EQ(t.post("/api/download", {{"ids", {free_id_}}}).status, 200);
  EXPECT_EQ(t.get("/api/me").json()["user"]["name"], "free");
  auto bogus = srv_->client();
  bogus.bearer = "deadbeef";
  EXPECT_EQ(bogus.get("/api/me").json()["tier"], "anonymous");
}

TEST_F(ServerHttp, AdminRoutesNeedAdmin) {
  auto anon = srv_->client();
  EXPECT_EQ(anon.get("/api/admin/users").status, 401);
  EXPECT_EQ(srv_->as(srv_->vip_token).get("/api/admin/users").status, 403);
  auto admin = srv_->as(srv_->admin_token);
  auto users = admin.get("/api/admin/users").json();
  std::set<std::string> names;
  for (const auto& u : users["users"]) names.insert(u["name"]);
  EXPECT_TRUE(names.count("admin") && names.count("vip") && names.count("free"));
  auto docs = admin.get("/api/admin/documents?page=1&size=10").json();
  EXPECT_GE(docs["total"].get<int>(), 41);
  EXPECT_EQ(docs["documents"].size(), 10u);

  // Upload two files, one of them not importable.
  const std::string boundary = "----wyBoundary7";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"通知.txt\"\r\n"
                           "Content-Type: text/plain\r\n\r\n关于开展测试工作的通知\n各单位：\n现就测试工作通知如下。上传测试独有词汇甲乙丙丁戊。\n\r\n--" +
                           boundary +
                           "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bad.exe\"\r\n\r\nMZ\x90\r\n--" +
                           boundary + "--\r\n";
  auto up = admin.request(http::verb::post, "/api/admin/documents", body, "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(up.status, 200) << up.body;
  auto rep = up.json();
  EXPECT_EQ(rep["imported"], 1);
  EXPECT_EQ(rep["rejected"], 1);
  EXPECT_EQ(rep["errors"].size(), 1u);
  ASSERT_EQ(rep["ids"].size(), 1u);
  const std::string id = rep["ids"][0];
  auto found = anon.get("/api/search?q=%E7%94%B2%E4%B9%99%E4%B8%99%E4%B8%81%E6%88%8A").json();  // 甲乙丙丁戊
  ASSERT_EQ(found["total"], 1);
  EXPECT_EQ(found["hits"][0]["id"], id);
  EXPECT_EQ(admin.request(http::verb::post, "/api/admin/documents", "x", "text/plain").status, 400);
  EXPECT_EQ(admin.request(http::verb::post, "/api/admin/documents", "--B\r\nbroken",
                          "multipart/form-data; boundary=B").status, 400);

  EXPECT_EQ(admin.request(http::verb::delete_, "/api/admin/documents/" + id).status, 204);
  EXPECT_EQ(admin.request(http::verb::delete_, "/api/admin/documents/" + id).status, 404);
  EXPECT_EQ(anon.get("/api/search?q=%E7%94%B2%E4%B9%99%E4%B8%99%E4%B8%81%E6%88%8A").json()["total"], 0);
  EXPECT_EQ(anon.get("/api/docs/" + id).status, 404);

  ASSERT_TRUE(srv_->server->accounts().add_user("promote", "promote-password", access::Tier::kFree));
  auto p = admin.request(http::verb::patch, "/api/admin/users", json{{"name", "promote"}, {"tier", "svip"}}.dump());
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json()["tier"], "svip");
  auto dis = admin.request(http::verb::patch, "/api/admin/users", json{{"name", "promote"}, {"disabled", true}}.dump());
  EXPECT_EQ(dis.json()["disabled"], true);
  EXPECT_EQ(admin.request(http::verb::patch, "/api/admin/users", json{{"name", "promote"}, {"tier", "god"}}.dump()).status,
            400);
  EXPECT_EQ(admin.request(http::verb::patch, "/api/admin/users", json{{"name", "ghost"}}.dump()).status, 404);
  auto c = srv_->client();
  EXPECT_EQ(c.post("/api/auth/login", {{"username", "promote"}, {"password", "promote-password"}}).status, 401);
}

TEST_F(ServerHttp, MalformedRequestsGet4xxAndTheServerStaysUp) {
  const uint16_t port = srv_->port;
  EXPECT_EQ(raw_status(raw_exchange(port, "GARBAGE\r\n\r\n")), 400);
  EXPECT_EQ(raw_status(raw_exchange(port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")), 400);
  EXPECT_EQ(raw_status(raw_exchange(port, "GET / HTTP/1.1\r\nBad Header\r\n\r\n")), 400);
  EXPECT_EQ(raw_status(raw_exchange(port, "GET /\x01\x02 HTTP/1.1\r\n\r\n")), 400);
  EXPECT_EQ(raw_status(raw_exchange(port, "GET /api/search?q=%E5%B7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            400);
  EXPECT_EQ(raw_status(raw_exchange(port, "POST /api/download HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                          "zz\r\n")),
            400);
  // A client that goes away mid-request does not hurt anyone.
  (void)raw_exchange(port, "GET /api/sea", std::chrono::milliseconds(200));
  // Head too large: 431; a 100 KB request target: 414.
  std::string big_head = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 400; ++i) big_head += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  big_head += "\r\n";
  EXPECT_EQ(raw_status(raw_exchange(port, big_head)), 431);
  const int long_target = raw_status(raw_exchange(port, "GET /api/search?q=" + std::string(100000, 'a') +
                                                            " HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(long_target, 414);
  // One header field of 2 MB (the request line short): 431, not 414.
  EXPECT_EQ(raw_status(raw_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                              std::string(2 * 1024 * 1024, 'h') + "\r\n\r\n")),
            431);
  // 20,000 small header fields: 431.
  std::string many_fields = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 20000; ++i) many_fields += "A: b\r\n";
  EXPECT_EQ(raw_status(raw_exchange(port, many_fields + "\r\n")), 431);
  // A 2 MB request target: 414.
  EXPECT_EQ(raw_status(raw_exchange(port, "GET /" + std::string(2 * 1024 * 1024, 'u') + " HTTP/1.1\r\nHost: x\r\n\r\n")),
            414);
  EXPECT_EQ(srv_->client().get("/healthz").status, 200);
  // Body too large for a non-upload route: 413, answered from the head alone.
  EXPECT_EQ(raw_status(raw_exchange(port, "POST /api/download HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          "Content-Length: 5000000\r\n\r\n{\"ids\":[")),
            413);
  auto c = srv_->client();
  EXPECT_EQ(c.request(http::verb::post, "/api/download", std::string(2 * 1024 * 1024, ' ')).status, 413);
  EXPECT_EQ(c.request(http::verb::put, "/api/search?q=x").status, 405);
  EXPECT_EQ(c.get("/api/nonexistent").status, 404);
  EXPECT_EQ(c.get("/healthz").status, 200);
}

TEST_F(ServerHttp, GzipWhenAcceptedAndLarge) {
  auto c = srv_->client();
  auto plain = c.get("/api/openapi.json");
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.header("content-encoding").empty());
  auto z = c.request(http::verb::get, "/api/openapi.json", "", "", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(z.status, 200);
  EXPECT_EQ(z.header("content-encoding"), "gzip");
  EXPECT_LT(z.body.size(), plain.body.size());
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(plain.body.size() + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(z.body.data());
  zs.avail_in = static_cast<uInt>(z.body.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(out, plain.body);
  // Small bodies are not compressed.
  EXPECT_TRUE(c.request(http::verb::get, "/healthz", "", "", {{"Accept-Encoding", "gzip"}})
                  .header("content-encoding")
                  .empty());
}

TEST_F(ServerHttp, MetricsCountRoutesAndStatuses) {
  auto c = srv_->client();
  c.get("/api/search?q=%E5%B7%A5%E4%BD%9C");
  c.get("/api/docs/nope");
  // Not public: anonymous callers and non-admins are refused.
  EXPECT_EQ(c.get("/metrics").status, 401);
  EXPECT_EQ(srv_->as(srv_->vip_token).get("/metrics").status, 403);
  auto m = srv_->as(srv_->admin_token).get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("wenyuan_http_requests_total{route=\"/api/search\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(m.body.find("wenyuan_http_requests_total{route=\"/api/docs/{id}\",status=\"404\"}"), std::string::npos);
  EXPECT_NE(m.body.find("wenyuan_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("wenyuan_search_duration_seconds_count"), std::string::npos);
  EXPECT_NE(m.body.find("wenyuan_documents "), std::string::npos);
  EXPECT_NE(m.body.find("wenyuan_index_bytes "), std::string::npos);
}

// Calls every route the OpenAPI document lists, with the method it lists, and
// checks the route exists (never "no such route", never 405, never 5xx).
TEST_F(ServerHttp, OpenApiListsEveryRouteAndEachAnswers) {
  auto c = srv_->client();
  auto spec = c.get("/api/openapi.json").json();
  ASSERT_TRUE(spec.is_object());
  EXPECT_EQ(spec["openapi"].get<std::string>().substr(0, 2), "3.");
  const std::set<std::string> expected = {"/api/search",       "/api/facets",          "/api/docs/{id}",
                                          "/api/docs/{id}/download", "/api/download",   "/api/new",
                                          "/feed.atom",        "/api/auth/register",   "/api/auth/login",
                                          "/api/auth/logout",  "/api/me",              "/api/admin/documents",
                                          "/api/admin/documents/{id}", "/api/admin/users", "/api/admin/intake", "/api/admin/rejected", "/healthz",
                                          "/metrics",          "/api/openapi.json",    "/api/me/password",
                                          "/api/me/sessions",  "/api/me/sessions/revoke-others",
                                          "/api/admin/invites", "/api/check", "/api/docs/{id}/versions", "/api/docs/{id}/diff",
                                          "/api/me/favorites", "/api/me/history",
                                          "/api/me/downloads", "/api/me/basket", "/api/me/basket/order",
                                          "/api/me/basket/export", "/api/suggest",
                                          "/api/admin/users/password", "/api/docs/{id}/related",
                                          "/api/search/facets", "/api/browse"};
  std::set<std::string> listed;
  for (auto& [path, ops] : spec["paths"].items()) listed.insert(path);
  EXPECT_EQ(listed, expected);

  // A document to delete through DELETE /api/admin/documents/{id}.
  auto admin = srv_->as(srv_->admin_token);
  const std::string b = "XyZ";
  auto up = admin.request(http::verb::post, "/api/admin/documents",
                          "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"d.txt\"\r\n\r\n"
                                     "删除测试文档\n内容。\r\n--" + b + "--\r\n",
                          "multipart/form-data; boundary=" + b);
  ASSERT_EQ(up.status, 200) << up.body;
  const std::string doomed = up.json()["ids"][0];
  // A readable paragraph of the free document, for the basket routes.
  const json free_doc = admin.get("/api/docs/" + free_id_).json();
  json para;
  for (const auto& blk : free_doc["blocks"])
    if (blk["kind"] == "paragraph" && para.is_null()) para = blk;
  ASSERT_FALSE(para.is_null());
  std::string basket_item;  // set by POST /api/me/basket (paths come in order: DELETE, GET, POST)
  int n = 0;
  for (auto& [path, ops] : spec["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      std::string target = path;
      const bool del = method == "delete";
      if (auto p = target.find("{id}"); p != std::string::npos) target.replace(p, 4, del ? doomed : free_id_);
      if (path == "/api/docs/{id}/diff") target += "?with=" + free_id_;
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const http::verb verb = http::string_to_verb(upper);
      std::string body;
      std::string ctype = "application/json";
      if (path == "/api/search" || path == "/api/search/facets") target += "?q=%E5%B7%A5%E4%BD%9C";
      if (path == "/api/admin/documents/{id}" && method == "patch") body = "{}";
      if (path == "/api/browse") target += "?type=%E9%80%9A%E7%9F%A5";
      if (path == "/api/admin/users" && method == "post") body = json{{"name", "openapi2"}, {"password", "openapi-password"}}.dump();
      if (path == "/api/admin/users/password") body = json{{"name", "openapi2"}, {"password", "openapi-password2"}}.dump();
      if (path == "/api/download") body = json{{"ids", {free_id_}}}.dump();
      if (path == "/api/auth/register") body = json{{"username", "openapi1"}, {"password", "openapi-password"}}.dump();
      if (path == "/api/auth/login") body = json{{"username", "vip"}, {"password", "vip-password"}}.dump();
      if (path == "/api/admin/users" && method == "patch") body = json{{"name", "free"}, {"tier", "free"}}.dump();
      if (path == "/api/me/password") body = json{{"current", "admin-password"}, {"password", "admin-password"}}.dump();
      if (path == "/api/admin/invites") body = json{{"count", 1}}.dump();
      if (path == "/api/check") body = json{{"text", "坚持以人民为中心的发展思想，扎实推进共同富裕。"}}.dump();
      if (path == "/api/me/favorites" && method == "post") body = json{{"id", free_id_}, {"folder", "f"}}.dump();
      if (path == "/api/me/favorites" && del) target += "?doc=" + free_id_;
      if (path == "/api/me/history" && method == "post") body = json{{"id", free_id_}, {"position", 3}}.dump();
      if (path == "/api/me/basket" && method == "post") {
        body = json{{"id", free_id_}, {"start", para["start"]}, {"end", para["end"]}}.dump();
      }
      if (path == "/api/me/basket/order") body = json{{"order", {std::stoll(basket_item)}}}.dump();
      if (path == "/api/admin/documents" && method == "post") {
        ctype = "multipart/form-data; boundary=" + b;
        body = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"e.txt\"\r\n\r\n接口测试\n正文。\r\n--" +
               b + "--\r\n";
      }
      auto r = admin.request(verb, target, body, ctype);
      EXPECT_LT(r.status, 400) << method << " " << target << " -> " << r.status << " " << r.body;
      if (path == "/api/me/basket" && method == "post" && r.status < 400) {
        basket_item = std::to_string(r.json()["item"].get<int64_t>());
      }
      ++n;
    }
  }
  EXPECT_EQ(n, 48);  // + GET /api/admin/rejected; POST /api/check, GET /api/docs/{id}/versions;
                     // + 12 of the reader's own lists; + /api/suggest;
                     // + PATCH /api/admin/documents/{id}, POST /api/admin/users, POST /api/admin/users/password,
                     //   GET /api/docs/{id}/related, GET /api/search/facets, GET /api/browse
                     // + GET /api/docs/{id}/diff
}

// Many idle keep-alive connections cost no thread: a new client is still served.
TEST_F(ServerHttp, ThousandIdleConnectionsDoNotBlockANewClient) {
  rlimit rl{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_cur < 2300) {
    rlimit want = rl;
    want.rlim_cur = std::min<rlim_t>(rl.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &want);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur < 2300) GTEST_SKIP() << "needs 2300 file descriptors, have " << rl.rlim_cur;
  net::io_context ioc;
  std::vector<tcp::socket> idle;
  const auto ep = tcp::endpoint(net::ip::make_address("127.0.0.1"), srv_->port);
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(ioc);
    idle.back().connect(ep);
    // Half of them have sent a complete request and sit in keep-alive.
    if (i % 2 == 0) net::write(idle.back(), net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r = srv_->client().get("/api/search?q=%E5%B7%A5%E4%BD%9C");
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(ms, 3000);
  EXPECT_GE(srv_->server->http().connections(), 1000u);
  idle.clear();
}

// ---- servers with their own configuration ------------------------------------

std::string first_paid_id(TestServer& s) {
  Result<std::vector<store::DocumentSummary>> list = Status::internal("not run");
  s.server->exclusive([&](library::Library& lib) { list = lib.catalog().list({}); });
  for (const auto& d : *list) {
    if (d.access == doc::Access::kPaid) return d.id;
  }
  return {};
}

TEST(ServerQuota, TwentyParallelDownloadsNeverExceedTheQuota) {
  auto config = TestServer::base_config();
  config.threads = 4;
  config.policy.tiers[static_cast<int>(access::Tier::kVip)].downloads_per_day = 7;
  TestServer s;
  s.start(config, {test_data("seed_sample.txt")}, "quota");
  const std::string id = first_paid_id(s);
  ASSERT_FALSE(id.empty());
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      auto r = s.as(s.vip_token).get("/api/docs/" + id + "/download?format=txt");
      if (r.status == 200) {
        ++ok;
      } else if (r.status == 429 && r.json()["error"]["code"] == "quota_exceeded") {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 7);
  EXPECT_EQ(refused.load(), 13);
  EXPECT_EQ(other.load(), 0);
  auto me = s.as(s.vip_token).get("/api/me").json();
  EXPECT_EQ(me["quotas"]["downloads_left"], 0);
  EXPECT_EQ(me["quotas"]["downloads_per_day"], 7);
  // The zip route falls back to the preview once the quota is gone.
  auto zip = s.as(s.vip_token).post("/api/download", {{"ids", {id}}, {"format", "txt"}});
  ASSERT_EQ(zip.status, 200);
  auto reader = doc::ZipReader::open(zip.body, "q.zip", {});
  ASSERT_TRUE(reader);
  // Admin: unlimited. Free: preview only, no quota spent, never refused.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.as(s.admin_token).get("/api/docs/" + id + "/download?format=txt").status, 200);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.as(s.free_token).get("/api/docs/" + id + "/download?format=txt").status, 200);
}

TEST(ServerRateLimit, SearchAndLoginGet429WithRetryAfter) {
  auto config = TestServer::base_config();
  config.search_rate = {0.5, 3};
  config.login_rate = {0.1, 2};
  config.trusted_proxies = {"127.0.0.1"};  // X-Forwarded-For plays other addresses
  TestServer s;
  s.start(config, {test_data("seed_sample.txt")}, "rate");
  auto c = s.client();
  int ok = 0, limited = 0;
  std::string retry;
  for (int i = 0; i < 8; ++i) {
    auto r = c.get("/api/search?q=%E5%B7%A5%E4%BD%9C");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      retry = r.header("retry-after");
      EXPECT_EQ(r.json()["error"]["code"], "rate_limited");
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 5);
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(retry), 1);
  // Accounts from one address share its bucket (ten accounts from one IP are
  // no faster than one) ...
  EXPECT_EQ(s.as(s.vip_token).get("/api/search?q=%E5%B7%A5%E4%BD%9C").status, 429);
  // ... and one account from many addresses shares its own.
  auto vip = s.as(s.vip_token);
  int vip_ok = 0, vip_limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = vip.request(http::verb::get, "/api/search?q=%E5%B7%A5%E4%BD%9C", "", "",
                         {{"X-Forwarded-For", "10.0.0." + std::to_string(i + 1)}});
    if (r.status == 200) ++vip_ok;
    if (r.status == 429) ++vip_limited;
  }
  EXPECT_EQ(vip_ok, 3);
  EXPECT_EQ(vip_limited, 3);
  // Another address, anonymous: its own fresh bucket.
  EXPECT_EQ(c.request(http::verb::get, "/api/search?q=%E5%B7%A5%E4%BD%9C", "", "", {{"X-Forwarded-For", "10.9.9.9"}})
                .status,
            200);
  // Logins: per IP.
  int login_limited = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = c.post("/api/auth/login", {{"username", "vip"}, {"password", "wrong-password"}});
    if (r.status == 429) {
      ++login_limited;
      EXPECT_FALSE(r.header("retry-after").empty());
    } else {
      EXPECT_EQ(r.status, 401);
    }
  }
  EXPECT_EQ(login_limited, 3);
}

TEST(ServerLimits, UploadLimitAndSlowHeaderTimeout) {
  auto config = TestServer::base_config();
  config.limits.max_upload_bytes = 300 * 1024;
  config.limits.max_body_bytes = 16 * 1024;
  config.limits.header_timeout_s = 1;
  TestServer s;
  s.start(config, {}, "limits");
  auto admin = s.as(s.admin_token);
  const std::string b = "LIM";
  auto part = [&](size_t n) {
    std::string text = "限额测试\n";
    while (text.size() < n) text += "这是一段用于测试上传大小限制的正文。\n";
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n" + text +
           "\r\n--" + b + "--\r\n";
  };
  EXPECT_EQ(admin.request(http::verb::post, "/api/admin/documents", part(100 * 1024), "multipart/form-data; boundary=" + b)
                .status,
            200);  // over the 16 KB body limit, within the upload limit
  auto big = admin.request(http::verb::post, "/api/admin/documents", part(400 * 1024), "multipart/form-data; boundary=" + b);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.json()["error"]["code"], "payload_too_large");
  // A client that never finishes its request head is cut off.
  const auto t0 = std::chrono::steady_clock::now();
  const std::string got = raw_exchange(s.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n", std::chrono::milliseconds(5000));
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 4.0);
  EXPECT_EQ(got.find("200 OK"), std::string::npos);
}

TEST(ServerShutdown, FinishesInFlightRequestsAndClosesIdleConnections) {
  TestServer s;
  s.start(TestServer::base_config(), {test_data("seed_sample.txt")}, "shutdown");
  net::io_context ioc;
  tcp::socket idle(ioc);
  idle.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port));
  // An upload in flight: its head is sent, the rest of the body follows after shutdown began.
  tcp::socket busy(ioc);
  busy.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port));
  const std::string body = "--S\r\nContent-Disposition: form-data; name=\"files\"; filename=\"s.txt\"\r\n\r\n关停测试\n正文。\r\n--S--\r\n";
  const std::string head = "POST /api/admin/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin_token +
                           "\r\nContent-Type: multipart/form-data; boundary=S\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  net::write(busy, net::buffer(head));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  s.server->begin_shutdown();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  net::write(busy, net::buffer(body));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(busy, buf, res, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_FALSE(res.keep_alive());
  // The idle connection was closed by the server.
  char c;
  idle.read_some(net::buffer(&c, 1), ec);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  const auto t0 = std::chrono::steady_clock::now();
  s.server->wait();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  // New connections are refused.
  tcp::socket late(ioc);
  late.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port), ec);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace wenyuan::testing
