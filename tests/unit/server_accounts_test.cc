// The account and request-security defences of the HTTP server (issue 9,
// "Accounts"), each against the attack it stops: login timing and lock-out,
// register enumeration and registration modes, login CSRF and cross-site
// requests, quota spending by HEAD and cross-site GET, pre-authentication body
// sizes, paths in error messages, cookies behind TLS, /metrics, password change
// and session revocation, and membership expiry.
#include <gtest/gtest.h>

#include <set>

#include "unit/server_fixture.h"
#include "wenyuan/server/api_response.h"

namespace wenyuan::testing {
namespace {

using nlohmann::json;

const std::string kSearch = "/api/search?q=%E5%B7%A5%E4%BD%9C";  // 工作

std::string paid_id(TestServer& s) {
  auto list = s.server->library().catalog().list({});
  for (const auto& d : *list) {
    if (d.access == doc::Access::kPaid) return d.id;
  }
  return {};
}

server::ServerConfig proxied_config() {
  auto c = TestServer::base_config();
  c.trusted_proxies = {"127.0.0.1"};  // X-Forwarded-For plays other client addresses
  return c;
}

HttpResult login_from(Client& c, const std::string& ip, const std::string& name, const std::string& password) {
  return c.request(http::verb::post, "/api/auth/login", json{{"username", name}, {"password", password}}.dump(),
                   "application/json", {{"X-Forwarded-For", ip}});
}

TEST(ServerAccounts, UnknownUserLoginCostsOneHashLikeAKnownOne) {
  TestServer s;
  s.start(TestServer::base_config(), {}, "ct");
  auto& a = s.server->accounts();
  auto c = s.client();
  const uint64_t v0 = a.verifications();
  EXPECT_EQ(c.post("/api/auth/login", {{"username", "vip"}, {"password", "wrong-password"}}).status, 401);
  const uint64_t v1 = a.verifications();
  auto unknown = c.post("/api/auth/login", {{"username", "nobody-here"}, {"password", "wrong-password"}});
  EXPECT_EQ(unknown.status, 401);
  const uint64_t v2 = a.verifications();
  EXPECT_EQ(v1 - v0, 1u);
  EXPECT_EQ(v2 - v1, 1u);  // the unknown name paid for an Argon2id verification too
  // And the answer is the same, byte for byte.
  auto known = c.post("/api/auth/login", {{"username", "vip"}, {"password", "wrong-password"}});
  EXPECT_EQ(known.body, unknown.body);
}

TEST(ServerAccounts, FailuresByOthersNeverLockTheOwnerOut) {
  auto config = proxied_config();
  config.login_delay = {3, 60, 900};  // after 3 failures a key waits a minute, then two, …
  TestServer s;
  s.start(config, {}, "lockout");
  auto attacker = s.client();
  int refused = 0, wrong = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = login_from(attacker, "10.6.6.6", "vip", "guess-" + std::to_string(i));
    if (r.status == 429) {
      ++refused;
      EXPECT_GE(std::stoi(r.header("retry-after")), 1);
    }
    if (r.status == 401) ++wrong;
  }
  EXPECT_EQ(wrong, 3);
  EXPECT_EQ(refused, 9);
  // Even the right password waits on the attacker's key: no guessing through.
  EXPECT_EQ(login_from(attacker, "10.6.6.6", "vip", "vip-password").status, 429);
  // The owner, from their own address, logs in at once.
  auto owner = s.client();
  auto ok = login_from(owner, "10.1.1.1", "vip", "vip-password");
  EXPECT_EQ(ok.status, 200) << ok.body;
  // The attacker's address may still try other names (the per-IP bucket caps
  // its volume), and is not delayed for them.
  EXPECT_EQ(login_from(attacker, "10.6.6.6", "free", "free-password").status, 200);
}

TEST(ServerAccounts, RegisterSaysNothingAboutWhoExists) {
  TestServer s;
  s.start(TestServer::base_config(), {}, "reg");
  auto c = s.client();
  auto dup = c.post("/api/auth/register", {{"username", "vip"}, {"password", "some-password"}});
  EXPECT_EQ(dup.status, 409);
  const std::string m = dup.json()["error"]["message"];
  EXPECT_EQ(m.find("exist"), std::string::npos) << m;
  EXPECT_EQ(m.find("vip"), std::string::npos) << m;
  EXPECT_FALSE(c.cookies.count("wy_session"));
  // A taken name costs the same hash as a free one (hashing runs first).
  EXPECT_EQ(c.post("/api/auth/register", {{"username", "newcomer"}, {"password", "some-password"}}).status, 201);
}

TEST(ServerAccounts, RegisterIsLimitedPerIp) {
  auto config = proxied_config();
  config.register_rate = {0.001, 3};
  TestServer s;
  s.start(config, {}, "regrate");
  auto c = s.client();
  int created = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    Client fresh = s.client();
    auto r = fresh.request(http::verb::post, "/api/auth/register",
                           json{{"username", "bulk" + std::to_string(i)}, {"password", "bulk-password"}}.dump(),
                           "application/json", {{"X-Forwarded-For", "10.2.2.2"}});
    if (r.status == 201) ++created;
    if (r.status == 429) ++limited;
  }
  EXPECT_EQ(created, 3);
  EXPECT_EQ(limited, 3);
  auto other = c.request(http::verb::post, "/api/auth/register",
                         json{{"username", "elsewhere"}, {"password", "bulk-password"}}.dump(), "application/json",
                         {{"X-Forwarded-For", "10.3.3.3"}});
  EXPECT_EQ(other.status, 201);
}

TEST(ServerAccounts, ClosedAndInvitationRegistration) {
  {
    auto config = TestServer::base_config();
    config.registration = server::Registration::kClosed;
    TestServer s;
    s.start(config, {}, "closed");
    auto c = s.client();
    auto r = c.post("/api/auth/register", {{"username", "someone"}, {"password", "some-password"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_FALSE(s.server->accounts().get_user("someone"));
  }
  auto config = TestServer::base_config();
  config.registration = server::Registration::kInvite;
  TestServer s;
  s.start(config, {}, "invite");
  auto c = s.client();
  EXPECT_EQ(c.post("/api/auth/register", {{"username", "guest"}, {"password", "guest-password"}}).status, 403);
  EXPECT_EQ(c.post("/api/auth/register", {{"username", "guest"}, {"password", "guest-password"}, {"invite", "bogus"}})
                .status,
            403);
  auto made = s.as(s.admin_token).post("/api/admin/invites", {{"count", 2}});
  ASSERT_EQ(made.status, 201) << made.body;
  ASSERT_EQ(made.json()["codes"].size(), 2u);
  const std::string code = made.json()["codes"][0];
  EXPECT_EQ(s.as(s.free_token).post("/api/admin/invites", json::object()).status, 403);
  // A refused registration (taken name) leaves the code unspent.
  EXPECT_EQ(c.post("/api/auth/register", {{"username", "vip"}, {"password", "guest-password"}, {"invite", code}}).status,
            409);
  auto ok = c.post("/api/auth/register", {{"username", "guest"}, {"password", "guest-password"}, {"invite", code}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  Client again = s.client();
  EXPECT_EQ(again.post("/api/auth/register", {{"username", "guest2"}, {"password", "guest-password"}, {"invite", code}})
                .status,
            403);  // spent
}

TEST(ServerAccounts, LoginRefusesNonJsonAndCrossSiteRequests) {
  TestServer s;
  s.start(TestServer::base_config(), {}, "csrf");
  auto c = s.client();
  const std::string creds = json{{"username", "vip"}, {"password", "vip-password"}}.dump();
  // The login-CSRF body: text/plain (and forms) need no preflight from any page.
  for (const char* type : {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x"}) {
    auto r = c.request(http::verb::post, "/api/auth/login", creds, type);
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_FALSE(c.cookies.count("wy_session")) << type;
  }
  // Cross-site: refused with 403 and a Chinese message, before anything runs.
  const std::string host = "127.0.0.1:" + std::to_string(s.port);
  for (const std::map<std::string, std::string>& h :
       std::vector<std::map<std::string, std::string>>{{{"Origin", "https://evil.example"}},
                                                       {{"Origin", "null"}},
                                                       {{"Sec-Fetch-Site", "cross-site"}},
                                                       {{"Sec-Fetch-Site", "same-site"}},
                                                       {{"Origin", "http://" + host}, {"Sec-Fetch-Site", "cross-site"}}}) {
    auto r = c.request(http::verb::post, "/api/auth/login", creds, "application/json", h);
    EXPECT_EQ(r.status, 403) << h.begin()->second;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("跨站"), std::string::npos);
    EXPECT_FALSE(c.cookies.count("wy_session"));
  }
  // Same origin passes.
  auto same = c.request(http::verb::post, "/api/auth/login", creds, "application/json",
                        {{"Host", host}, {"Origin", "http://" + host}, {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(same.status, 200) << same.body;
  // A logged-in browser's state changes are checked too, CSRF token or not.
  auto out = c.request(http::verb::post, "/api/auth/logout", "{}", "application/json", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(c.get("/api/me").json()["user"]["name"], "vip");
  // Scripts (no Origin, no Sec-Fetch-Site) keep working.
  EXPECT_EQ(s.as(s.admin_token).post("/api/admin/invites", json::object()).status, 201);
}

TEST(ServerAccounts, HeadAndCrossSiteGetSpendNoDownloads) {
  auto config = TestServer::base_config();
  config.policy.tiers[static_cast<int>(access::Tier::kVip)].downloads_per_day = 3;
  TestServer s;
  s.start(config, {test_data("seed_sample.txt")}, "spend");
  const std::string id = paid_id(s);
  ASSERT_FALSE(id.empty());
  auto& a = s.server->accounts();
  const int64_t vip_id = a.get_user("vip")->id;
  auto used = [&] { return *a.downloads_used(vip_id, access::Accounts::today()); };
  const std::string target = "/api/docs/" + id + "/download?format=txt";
  // HEAD, with a token: spends nothing, however often.
  auto bearer = s.as(s.vip_token);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(bearer.request(http::verb::head, target).status, 200);
  EXPECT_EQ(used(), 0u);
  // The browser session: a GET (what a link or <img> on another site makes) spends nothing.
  auto browser = s.client();
  ASSERT_EQ(browser.post("/api/auth/login", {{"username", "vip"}, {"password", "vip-password"}}).status, 200);
  auto get = browser.get(target);
  EXPECT_EQ(get.status, 403);
  EXPECT_EQ(browser.request(http::verb::head, target).status, 403);
  EXPECT_EQ(used(), 0u);
  // A POST without the CSRF token, or from another site, spends nothing either.
  browser.send_csrf = false;
  EXPECT_EQ(browser.request(http::verb::post, target).status, 403);
  browser.send_csrf = true;
  EXPECT_EQ(browser.request(http::verb::post, target, "", "application/json", {{"Origin", "https://evil.example"}}).status,
            403);
  EXPECT_EQ(used(), 0u);
  // The page's button: POST with the token. Spends one.
  auto post = browser.request(http::verb::post, target);
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_FALSE(post.body.empty());
  EXPECT_EQ(used(), 1u);
  // Scripts with a token: GET spends, as before.
  EXPECT_EQ(bearer.get(target).status, 200);
  EXPECT_EQ(used(), 2u);
  // Free documents and previews are downloadable by GET from a session (nothing to spend).
  auto free_browser = s.client();
  ASSERT_EQ(free_browser.post("/api/auth/login", {{"username", "free"}, {"password", "free-password"}}).status, 200);
  EXPECT_EQ(free_browser.get(target).status, 200);
}

TEST(ServerAccounts, OnlyAuthenticatedCallersGetLargeBodiesAndOnlyAdminsUploadLimits) {
  auto config = TestServer::base_config();
  config.limits.max_anonymous_body_bytes = 8 * 1024;
  config.limits.max_body_bytes = 64 * 1024;
  config.limits.max_upload_bytes = 1024 * 1024;
  TestServer s;
  s.start(config, {}, "body");
  const std::string big(32 * 1024, ' ');
  auto anon = s.client();
  EXPECT_EQ(anon.request(http::verb::post, "/api/auth/login", big).status, 413);
  // Refused from the head alone, on the upload route too: the body is never read.
  const std::string head = "POST /api/admin/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                           "boundary=B\r\nContent-Length: 500000\r\n\r\n";  // within the upload limit
  EXPECT_EQ(raw_status(raw_exchange(s.port, head)), 413);
  // Chunked (no length in the head) is bounded the same way.
  std::string chunked = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "1000\r\n" + std::string(4096, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_EQ(raw_status(raw_exchange(s.port, chunked)), 413);
  // A logged-in user gets max_body_bytes; a non-admin never the upload limit.
  auto vip = s.as(s.vip_token);
  EXPECT_NE(vip.request(http::verb::post, "/api/download", big).status, 413);
  const std::string upload_head = "POST /api/admin/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                  s.vip_token +
                                  "\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 500000\r\n\r\n";
  EXPECT_EQ(raw_status(raw_exchange(s.port, upload_head)), 413);
  const std::string b = "B";
  std::string text = "上传测试\n";
  while (text.size() < 300 * 1024) text += "这是一段用于测试上传大小限制的正文。\n";
  const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n" +
                           text + "\r\n--" + b + "--\r\n";
  EXPECT_EQ(s.as(s.admin_token).request(http::verb::post, "/api/admin/documents", body, "multipart/form-data; boundary=B")
                .status,
            200);
}

TEST(ServerAccounts, ErrorMessagesCarryNoFileSystemPaths) {
  TestServer s;
  s.start(TestServer::base_config(), {test_data("seed_sample.txt")}, "paths");
  auto c = s.client();
  const std::string data_dir = (s.dir / "data").string();
  for (const std::string& t : {std::string("/api/docs/no-such-document"), std::string("/api/docs/x/download")}) {
    auto r = c.get(t);
    EXPECT_EQ(r.status, 404) << t;
    EXPECT_EQ(r.body.find(data_dir), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("/catalog.db"), std::string::npos) << r.body;
  }
  auto zip = s.as(s.vip_token).post("/api/download", {{"ids", {"no-such-document"}}});
  EXPECT_EQ(zip.status, 404);
  EXPECT_EQ(zip.body.find(s.dir.string()), std::string::npos) << zip.body;
  // Whatever a lower layer says, the boundary cuts paths to their last segment.
  EXPECT_EQ(server::sanitize_message("/srv/wy/data/catalog.db: no document \"x\""), "catalog.db: no document \"x\"");
  EXPECT_EQ(server::sanitize_message("cannot open \"/tmp/a/b.txt\" (busy)"), "cannot open \"b.txt\" (busy)");
  EXPECT_EQ(server::sanitize_message("no such route: /api/docs/x/y"), "no such route: /api/docs/x/y");
  EXPECT_EQ(server::sanitize_message("no such file: /nothing.js"), "no such file: /nothing.js");
  EXPECT_EQ(server::sanitize_message("a/b is fine and 1/2"), "a/b is fine and 1/2");
}

TEST(ServerAccounts, SecureCookiesAndHstsBehindTls) {
  {
    TestServer s;
    s.start(TestServer::base_config(), {}, "plain");
    auto c = s.client();
    auto r = c.post("/api/auth/login", {{"username", "vip"}, {"password", "vip-password"}});
    EXPECT_EQ(r.header("set-cookie").find("Secure"), std::string::npos);
    EXPECT_TRUE(r.header("strict-transport-security").empty());
  }
  auto config = TestServer::base_config();
  config.public_url = "https://wenyuan.example.org";
  TestServer s;
  s.start(config, {}, "tls");
  auto c = s.client();
  auto r = c.post("/api/auth/login", {{"username", "vip"}, {"password", "vip-password"}});
  ASSERT_EQ(r.status, 200);
  const std::string cookies = r.header("set-cookie");
  EXPECT_NE(cookies.find("wy_session="), std::string::npos);
  size_t secure = 0;
  for (size_t p = cookies.find("; Secure"); p != std::string::npos; p = cookies.find("; Secure", p + 1)) ++secure;
  EXPECT_EQ(secure, 2u);  // both cookies
  EXPECT_NE(r.header("strict-transport-security").find("max-age="), std::string::npos);
  EXPECT_NE(c.get("/healthz").header("strict-transport-security").find("max-age="), std::string::npos);
  // The expected origin is public_url, not whatever Host says.
  EXPECT_EQ(c.request(http::verb::post, "/api/auth/logout", "{}", "application/json",
                      {{"Origin", "http://127.0.0.1:" + std::to_string(s.port)}})
                .status,
            403);
  EXPECT_EQ(c.request(http::verb::post, "/api/auth/logout", "{}", "application/json",
                      {{"Origin", "https://wenyuan.example.org"}})
                .status,
            204);
}

TEST(ServerAccounts, MetricsOnTheirOwnListener) {
  auto config = TestServer::base_config();
  config.metrics_listen = "127.0.0.1:0";
  TestServer s;
  s.start(config, {}, "metrics");
  ASSERT_NE(s.server->metrics_port(), 0);
  EXPECT_EQ(s.as(s.admin_token).get("/metrics").status, 404);  // not on the public listener at all
  Client m(s.server->metrics_port());
  auto r = m.get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("wenyuan_http_requests_total"), std::string::npos);
  EXPECT_EQ(m.get("/api/me").status, 404);  // and nothing else there
  EXPECT_EQ(m.get("/healthz").status, 404);
}

TEST(ServerAccounts, PasswordChangeAndLogOutOtherDevices) {
  auto config = proxied_config();
  TestServer s;
  s.start(config, {}, "sessions");
  Client laptop = s.client(), phone = s.client();
  ASSERT_EQ(login_from(laptop, "10.0.0.1", "free", "free-password").status, 200);
  ASSERT_EQ(login_from(phone, "10.0.0.2", "free", "free-password").status, 200);
  auto list = laptop.get("/api/me/sessions").json()["sessions"];
  ASSERT_EQ(list.size(), 2u);
  std::set<std::string> ips;
  int current = 0;
  for (const auto& x : list) {
    ips.insert(x["ip"].get<std::string>());
    current += x["current"].get<bool>() ? 1 : 0;
    EXPECT_EQ(x.dump().find(laptop.cookies["wy_session"]), std::string::npos);  // never the secret
  }
  EXPECT_EQ(ips, (std::set<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(current, 1);
  EXPECT_EQ(s.client().get("/api/me/sessions").status, 401);
  // Log out the other devices: the phone is out, the laptop stays.
  auto rev = laptop.post("/api/me/sessions/revoke-others", json::object());
  ASSERT_EQ(rev.status, 200) << rev.body;
  EXPECT_EQ(rev.json()["revoked"], 1);
  EXPECT_TRUE(phone.get("/api/me").json()["user"].is_null());
  EXPECT_EQ(laptop.get("/api/me").json()["user"]["name"], "free");
  EXPECT_EQ(laptop.get("/api/me/sessions").json()["sessions"].size(), 1u);

  // Password change: the current password is required; others are logged out.
  ASSERT_EQ(login_from(phone, "10.0.0.2", "free", "free-password").status, 200);
  auto wrong = laptop.post("/api/me/password", {{"current", "not-it-at-all"}, {"password", "brand-new-password"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(laptop.post("/api/me/password", {{"current", "free-password"}, {"password", "short"}}).status, 400);
  EXPECT_EQ(laptop.request(http::verb::post, "/api/me/password",
                           json{{"current", "free-password"}, {"password", "brand-new-password"}}.dump(), "text/plain")
                .status,
            415);
  auto ok = laptop.post("/api/me/password", {{"current", "free-password"}, {"password", "brand-new-password"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["sessions_revoked"], 1);
  EXPECT_TRUE(phone.get("/api/me").json()["user"].is_null());
  EXPECT_EQ(laptop.get("/api/me").json()["user"]["name"], "free");
  Client other = s.client();
  EXPECT_EQ(login_from(other, "10.0.0.3", "free", "free-password").status, 401);
  EXPECT_EQ(login_from(other, "10.0.0.3", "free", "brand-new-password").status, 200);
}

TEST(ServerAccounts, ExpiredMembershipIsFreeAtOnce) {
  TestServer s;
  s.start(TestServer::base_config(), {test_data("seed_sample.txt")}, "expiry");
  const std::string id = paid_id(s);
  ASSERT_FALSE(id.empty());
  auto& a = s.server->accounts();
  auto vip = s.as(s.vip_token);
  ASSERT_TRUE(a.set_tier("vip", access::Tier::kVip, "2099-12-31"));
  auto me = vip.get("/api/me").json();
  EXPECT_EQ(me["tier"], "vip");
  EXPECT_EQ(me["user"]["membership"]["until"], "2099-12-31");
  EXPECT_EQ(me["user"]["membership"]["active"], true);
  EXPECT_EQ(vip.get("/api/docs/" + id).json()["locked"], false);
  // Yesterday was the last day: free now, no restart, no job.
  ASSERT_TRUE(a.set_tier("vip", access::Tier::kVip, "2001-01-01"));
  me = vip.get("/api/me").json();
  EXPECT_EQ(me["tier"], "free");
  EXPECT_EQ(me["user"]["tier"], "free");
  EXPECT_EQ(me["user"]["membership"]["tier"], "vip");
  EXPECT_EQ(me["user"]["membership"]["active"], false);
  EXPECT_EQ(vip.get("/api/docs/" + id).json()["locked"], true);
  // Admins set it over HTTP as well.
  auto admin = s.as(s.admin_token);
  auto p = admin.request(http::verb::patch, "/api/admin/users",
                         json{{"name", "vip"}, {"tier", "vip"}, {"until", "2099-06-30"}}.dump());
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json()["until"], "2099-06-30");
  EXPECT_EQ(p.json()["effective_tier"], "vip");
  EXPECT_EQ(vip.get("/api/me").json()["tier"], "vip");
  EXPECT_EQ(admin.request(http::verb::patch, "/api/admin/users", json{{"name", "vip"}, {"until", "2099-13-01"}}.dump())
                .status,
            400);
  // PATCH changes only what it names: a tier change keeps the end date.
  auto svip = admin.request(http::verb::patch, "/api/admin/users", json{{"name", "vip"}, {"tier", "svip"}}.dump());
  EXPECT_EQ(svip.json()["until"], "2099-06-30");
  auto cleared = admin.request(http::verb::patch, "/api/admin/users", json{{"name", "vip"}, {"until", nullptr}}.dump());
  EXPECT_TRUE(cleared.json()["until"].is_null());
  EXPECT_EQ(cleared.json()["tier"], "svip");
}

// The TOML example in README.md is a working configuration with the values it
// says, and a wrong registration mode is an error naming the key.
TEST(ServerAccounts, ReadmeConfigExampleLoads) {
  const std::string readme = read_file(fs::path(WENYUAN_SAMPLE_DIR) / ".." / ".." / "README.md");
  const size_t start = readme.find("```toml\n");
  ASSERT_NE(start, std::string::npos);
  const size_t end = readme.find("```", start + 8);
  const fs::path dir = fresh_dir("toml");
  write_file(dir / "serve.toml", readme.substr(start + 8, end - start - 8));
  auto c = server::load_config(dir / "serve.toml");
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->public_url, "https://wenyuan.example.org");
  EXPECT_TRUE(c->behind_tls());
  EXPECT_EQ(c->registration, server::Registration::kOpen);
  EXPECT_EQ(c->metrics_listen, "127.0.0.1:9100");
  EXPECT_EQ(c->trusted_proxies, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(c->limits.max_anonymous_body_bytes, 65536u);
  EXPECT_DOUBLE_EQ(c->register_rate.per_second, 0.01);
  EXPECT_DOUBLE_EQ(c->download_rate.burst, 30);
  EXPECT_EQ(c->login_delay.free_failures, 5);
  EXPECT_DOUBLE_EQ(c->login_delay.max_delay_s, 900);
  // The defaults are what the README says they are.
  const server::ServerConfig d;
  EXPECT_EQ(d.registration, c->registration);
  EXPECT_DOUBLE_EQ(d.register_rate.burst, c->register_rate.burst);
  EXPECT_DOUBLE_EQ(d.search_rate.per_second, c->search_rate.per_second);
  EXPECT_EQ(d.limits.max_anonymous_body_bytes, c->limits.max_anonymous_body_bytes);
  EXPECT_EQ(d.workers, c->workers);
  EXPECT_EQ(d.limits.max_queued, c->limits.max_queued);
  EXPECT_EQ(d.limits.search_budget_ms, c->limits.search_budget_ms);
  EXPECT_EQ(d.sandbox_enabled, c->sandbox_enabled);
  EXPECT_EQ(d.sandbox.cpu_seconds, c->sandbox.cpu_seconds);
  EXPECT_EQ(d.sandbox.wall_seconds, c->sandbox.wall_seconds);
  EXPECT_EQ(d.sandbox.memory_bytes, c->sandbox.memory_bytes);
  write_file(dir / "bad.toml", "registration = \"maybe\"\n");
  auto bad = server::load_config(dir / "bad.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("registration"), std::string::npos);
  write_file(dir / "invite.toml", "registration = \"invite\"\n");
  EXPECT_EQ(server::load_config(dir / "invite.toml")->registration, server::Registration::kInvite);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wenyuan::testing
