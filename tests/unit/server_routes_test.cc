// The route table (server/route.h) is the one list of routes: the served
// OpenAPI document says exactly what the table holds, every route of the
// table answers (never "no such route", never 405), the admin gate and the
// table agree, and the web UI's router (web/js/app.js) and the server agree
// on which paths are pages of the UI.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "support/json_schema_check.h"
#include "unit/server_fixture.h"
#include "wenyuan/library/json_view.h"
#include "wenyuan/server/route.h"

namespace wenyuan::testing {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

class ServerRoutes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    srv_ = new TestServer();
    srv_->start(TestServer::base_config(), {test_data("seed_sample.txt")}, "routes");
  }
  static void TearDownTestSuite() {
    delete srv_;
    srv_ = nullptr;
  }
  static TestServer* srv_;
};
TestServer* ServerRoutes::srv_ = nullptr;

TEST_F(ServerRoutes, OpenApiIsTheTable) {
  auto spec = srv_->client().get("/api/openapi.json").json();
  ASSERT_TRUE(spec.is_object());
  std::set<std::string> listed, table;
  for (auto& [path, ops] : spec["paths"].items()) {
    for (auto& [method, op] : ops.items()) listed.insert(method + " " + path);
  }
  for (const auto& r : server::all_routes()) {
    const std::string key = lower(std::string(http::to_string(r.method))) + " " + std::string(r.path);
    EXPECT_TRUE(table.insert(key).second) << "twice in the table: " << key;
    ASSERT_TRUE(spec["paths"].contains(std::string(r.path))) << key;
    const json& op = spec["paths"][std::string(r.path)][lower(std::string(http::to_string(r.method)))];
    EXPECT_EQ(op.value("summary", std::string()), std::string(r.summary)) << key;
    EXPECT_FALSE(r.summary.empty()) << key;
    std::set<std::string> codes;
    for (const auto& resp : r.responses) codes.insert(std::to_string(resp.status));
    std::set<std::string> served;
    for (auto& [code, resp] : op["responses"].items()) served.insert(code);
    EXPECT_EQ(served, codes) << key;
    EXPECT_FALSE(codes.empty()) << key;
    std::set<std::string> names, served_names;
    for (const auto& p : r.parameters) names.insert(std::string(p.name));
    if (op.contains("parameters"))
      for (const auto& p : op["parameters"]) served_names.insert(p["name"].get<std::string>());
    EXPECT_EQ(served_names, names) << key;
    // A path parameter is declared where the path has one, and nowhere else.
    EXPECT_EQ(r.path.find("{id}") != std::string_view::npos, names.count("id") == 1) << key;
    // The dispatcher gates everything under /api/admin/ by its prefix (so
    // that unknown admin paths say nothing to others): the table must agree.
    EXPECT_EQ(r.path.rfind("/api/admin/", 0) == 0, r.auth == server::Auth::kAdmin) << key;
  }
  EXPECT_EQ(listed, table);
}

// What the server answers matches the schemas it serves (the components of
// library::schemas(), written beside the JSON writers): searches, whoever
// asks and whatever the unit, and the document view's outline.
TEST_F(ServerRoutes, AnswersMatchTheServedSchemas) {
  auto spec = srv_->client().get("/api/openapi.json").json();
  const json& schemas = spec["components"]["schemas"];
  ASSERT_TRUE(schemas.contains("SearchResult"));
  auto admin = srv_->as(srv_->admin_token);
  auto anonymous = srv_->client();
  size_t hits = 0;
  for (auto* c : {&admin, &anonymous}) {
    for (const std::string unit : {"document", "paragraph"}) {
      auto r = c->get("/api/search?q=" + url_encode("党建") + "&unit=" + unit);
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(schema_mismatches(r.json(), "SearchResult", schemas), "") << r.body;
      hits += r.json()["hits"].size();
    }
  }
  EXPECT_GT(hits, 0u) << "no hit: the hits were not checked";
  std::string id;
  srv_->server->exclusive([&](library::Library& lib) {
    auto list = lib.catalog().list({});
    ASSERT_TRUE(list && !list->empty());
    id = list->front().id;
  });
  auto d = admin.get("/api/docs/" + id);
  ASSERT_EQ(d.status, 200);
  EXPECT_EQ(schema_mismatches(d.json(), "Document", schemas), "") << d.body;
  ASSERT_FALSE(d.json()["outline"].empty());
  for (const auto& entry : d.json()["outline"]) {
    EXPECT_EQ(schema_mismatches(entry, "OutlineEntry", schemas), "") << entry.dump();
  }
}

// The served schemas are library::schemas() (the table beside the JSON
// writers), none hand-written beside it; every $ref of the spec names one;
// error answers (from a route, and from the HTTP layer) have the Error shape.
TEST_F(ServerRoutes, ServedSchemasAreTheWritersTable) {
  auto spec = srv_->client().get("/api/openapi.json").json();
  const json& schemas = spec["components"]["schemas"];
  EXPECT_EQ(schemas, library::schemas());
  ASSERT_TRUE(schemas.contains("Error") && schemas.contains("Document"));
  std::vector<std::string> refs;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      if (j.contains("$ref") && j["$ref"].is_string()) refs.push_back(j["$ref"]);
      for (const auto& [k, v] : j.items()) walk(v);
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(spec);
  EXPECT_GT(refs.size(), 10u);
  for (const auto& ref : refs) {
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0) continue;  // requestBodies
    EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << ref;
  }
  auto anonymous = srv_->client();
  auto missing = anonymous.get("/api/docs/no-such-document");
  ASSERT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(schema_mismatches(missing.json(), "Error", schemas), "") << missing.body;
  auto admin_only = anonymous.get("/api/admin/documents");
  ASSERT_GE(admin_only.status, 400) << admin_only.body;
  EXPECT_EQ(schema_mismatches(admin_only.json(), "Error", schemas), "") << admin_only.body;
  // And the check refuses a code outside the enum, so the two above could fail.
  EXPECT_NE(schema_mismatches(json{{"error", {{"code", "oops"}, {"message", ""}}}}, "Error", schemas), "");
}

// Every route of the table, called with its method (and HEAD for a GET) as an
// administrator, reaches its handler: no 404 "no such route", no 405.
TEST_F(ServerRoutes, EveryRouteOfTheTableAnswers) {
  auto admin = srv_->as(srv_->admin_token);
  std::string id;
  srv_->server->exclusive([&](library::Library& lib) {
    auto list = lib.catalog().list({});
    ASSERT_TRUE(list && !list->empty());
    id = list->front().id;
  });
  for (const auto& r : server::all_routes()) {
    std::string target(r.path);
    // DELETE gets an id that does not exist (404 from the handler, not the router).
    if (auto p = target.find("{id}"); p != std::string::npos)
      target.replace(p, 4, r.method == http::verb::delete_ ? "no-such-document" : id);
    std::vector<http::verb> methods = {r.method};
    if (r.method == http::verb::get) methods.push_back(http::verb::head);
    for (http::verb m : methods) {
      auto res = admin.request(m, target, "{}", "application/json");
      const std::string what = std::string(http::to_string(m)) + " " + target + " -> " + std::to_string(res.status);
      EXPECT_NE(res.status, 405) << what;
      EXPECT_EQ(res.body.find("no such route"), std::string::npos) << what;
      EXPECT_LT(res.status, 500) << what << " " << res.body;
    }
  }
  // And a path the table does not hold is answered "no such route".
  auto none = admin.get("/api/no-such-route");
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("no such route"), std::string::npos);
}

// The web UI's router (ROUTES in web/js/app.js) and the server agree on each
// path: the server answers index.html exactly for the paths the router shows
// a page for.
TEST_F(ServerRoutes, UiPagesAgreeWithTheWebRouter) {
  std::ifstream in(std::string(WENYUAN_TEST_DATA) + "/../../web/js/app.js");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string js = ss.str();
  std::vector<std::regex> pages;
  const std::regex literal(R"(re: /(\^[^\n]*?\$)/,)");
  for (auto it = std::sregex_iterator(js.begin(), js.end(), literal); it != std::sregex_iterator(); ++it) {
    std::string re = (*it)[1];
    for (size_t p; (p = re.find("\\/")) != std::string::npos;) re.replace(p, 2, "/");
    pages.emplace_back(re, std::regex::ECMAScript);
  }
  ASSERT_GE(pages.size(), 6u) << "ROUTES of web/js/app.js not found";
  auto c = srv_->client();
  for (const char* path : {"/", "/new", "/new/", "/doc/abc", "/doc/abc/", "/doc/a.b_c-1", "/login", "/login/",
                           "/account", "/account/", "/admin", "/admin/", "/doc/", "/doc/a/b", "/login/x", "/newx",
                           "/admin//", "//", "/search", "/nothing"}) {
    bool ui = false;
    for (const auto& re : pages) ui = ui || std::regex_match(std::string(path), re);
    auto r = c.get(path);
    const bool index = r.status == 200 && r.body.find("<div id=app>") != std::string::npos;
    EXPECT_EQ(index, ui) << path << ": the router says " << (ui ? "a page" : "not found") << ", the server "
                         << r.status;
  }
}

// One JSON shape (library/json_view.h): a reader who may read everything gets
// over HTTP the outline the CLI prints (`wenyuan show --json`), heading spans
// included; a listing row of /api/new and of the admin's list is the same
// summary.
TEST_F(ServerRoutes, HttpAndCliShareTheirJsonShapes) {
  std::vector<doc::Document> docs;
  srv_->server->exclusive([&](library::Library& lib) {
    auto list = lib.catalog().list({});
    ASSERT_TRUE(list);
    for (const auto& s : *list) {
      auto d = lib.catalog().get(s.id);
      ASSERT_TRUE(d);
      docs.push_back(std::move(d.value()));
    }
  });
  ASSERT_FALSE(docs.empty());
  auto admin = srv_->as(srv_->admin_token);
  size_t entries = 0;
  for (const auto& d : docs) {
    auto r = admin.get("/api/docs/" + d.id);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["outline"], library::outline_json(d.outline)) << d.id;
    entries += d.outline.size();
  }
  EXPECT_GT(entries, 0u) << "no document with an outline: the comparison compared nothing";

  auto listed = admin.get("/api/admin/documents").json()["documents"];
  auto fresh = admin.get("/api/new?days=1").json()["documents"];
  ASSERT_FALSE(listed.empty());
  ASSERT_FALSE(fresh.empty());
  for (const auto& row : fresh) {
    for (const auto& [key, value] : listed[0].items()) {
      // For administrators only: access and size, and the fields the edit dialog pre-fills.
      if (key == "access" || key == "characters" || key == "type" || key == "category" || key == "source_name") continue;
      EXPECT_TRUE(row.contains(key)) << key;
    }
  }
}

}  // namespace
}  // namespace wenyuan::testing
