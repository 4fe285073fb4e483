// The administrators' edits end to end (routes/admin_edit.cc, admin.cc): a
// document's metadata and paid/free, upload as paid, the document list's
// filters, adding a user, resetting a password; each refused to non-admins
// (403; 401 anonymous) and to a cookie session without the CSRF token, each
// going through the catalog's change log (the seq moves, the search follows).
// Also the browse routes (browse.cc): 文种 facets, the type: filter, related
// documents and the per-query filter counts.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <set>

#include "unit/server_fixture.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::testing {
namespace {

using nlohmann::json;

std::string enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.') out += static_cast<char>(ch);
    else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

// A zip of (name, bytes) members, written by libarchive (ASCII names).
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& members) {
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  std::string out(1u << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK);
  for (const auto& [name, data] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    EXPECT_EQ(archive_write_data(a, data.data(), data.size()), static_cast<la_ssize_t>(data.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

class ServerAdmin : public ::testing::Test {
 protected:
  void SetUp() override {
    srv_.start(TestServer::base_config(), {test_data("seed_sample.txt"), test_data("corpus_sample.jsonl")}, "admin");
    Result<std::vector<store::DocumentSummary>> list = Status::internal("not run");
    srv_.server->exclusive([&](library::Library& lib) { list = lib.catalog().list({}); });
    ASSERT_TRUE(list);
    for (const auto& d : *list) {
      if (d.access == doc::Access::kFree && free_id_.empty() && d.text_chars > 2000) free_id_ = d.id;
    }
    ASSERT_FALSE(free_id_.empty());
  }
  uint64_t last_seq() {
    uint64_t seq = 0;
    srv_.server->exclusive([&](library::Library& lib) { seq = lib.catalog().last_seq(); });
    return seq;
  }
  HttpResult patch_doc(Client& c, const std::string& id, const json& body) {
    return c.request(http::verb::patch, "/api/admin/documents/" + id, body.dump());
  }
  TestServer srv_;
  std::string free_id_;
};

TEST_F(ServerAdmin, NonAdminsAreRefusedEveryEdit) {
  auto anon = srv_.client();
  auto vip = srv_.as(srv_.vip_token);
  auto free = srv_.as(srv_.free_token);
  const json doc_body = {{"access", "paid"}};
  const json user_body = {{"name", "intruder"}, {"password", "intruder-password"}, {"tier", "admin"}};
  const json pw_body = {{"name", "admin"}, {"password", "taken-over-password"}};
  EXPECT_EQ(patch_doc(anon, free_id_, doc_body).status, 401);
  for (Client* c : {&vip, &free}) {
    EXPECT_EQ(patch_doc(*c, free_id_, doc_body).status, 403);
    EXPECT_EQ(c->post("/api/admin/users", user_body).status, 403);
    EXPECT_EQ(c->post("/api/admin/users/password", pw_body).status, 403);
    EXPECT_EQ(c->get("/api/admin/documents?q=x").status, 403);
  }
  EXPECT_EQ(anon.post("/api/admin/users", user_body).status, 401);
  // Nothing changed: the document is free, no user was added, the admin's password holds.
  EXPECT_EQ(anon.get("/api/docs/" + free_id_).json()["access"], "free");
  EXPECT_FALSE(srv_.server->accounts().get_user("intruder"));
  EXPECT_TRUE(srv_.server->accounts().authenticate("admin", "admin-password"));

  // A logged-in admin's browser must send the CSRF token with a change.
  auto browser = srv_.client();
  ASSERT_EQ(browser.post("/api/auth/login", {{"username", "admin"}, {"password", "admin-password"}}).status, 200);
  browser.send_csrf = false;
  EXPECT_EQ(patch_doc(browser, free_id_, doc_body).status, 403);
  EXPECT_EQ(browser.post("/api/admin/users", user_body).status, 403);
  EXPECT_EQ(anon.get("/api/docs/" + free_id_).json()["access"], "free");
  browser.send_csrf = true;
  EXPECT_EQ(patch_doc(browser, free_id_, json{{"category", "经 CSRF 检查"}}).status, 200);
}

TEST_F(ServerAdmin, MetadataEditsGoThroughTheChangeLogAndReachSearch) {
  auto admin = srv_.as(srv_.admin_token);
  auto anon = srv_.client();
  const uint64_t before = last_seq();
  auto r = patch_doc(admin, free_id_,
                     {{"title", "管理员改过的标题甲乙丙"}, {"year", 2019}, {"type", "测试文种"}, {"category", "测试类别"},
                      {"source", "测试来源.gov.cn"}, {"source_name", "测试来源"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["changed"].get<bool>());
  EXPECT_GT(last_seq(), before) << "the edit is a logged catalog change";
  auto view = anon.get("/api/docs/" + free_id_).json();
  EXPECT_EQ(view["title"], "管理员改过的标题甲乙丙");
  EXPECT_EQ(view["year"], 2019);
  EXPECT_EQ(view["type"], "测试文种");
  EXPECT_EQ(view["category"], "测试类别");
  EXPECT_EQ(view["source_name"], "测试来源");
  // The index followed the log: the new title, the type: filter and year.
  auto hit = anon.get("/api/search?q=" + enc("甲乙丙 type:测试文种")).json();
  ASSERT_EQ(hit["total"], 1) << hit.dump();
  EXPECT_EQ(hit["hits"][0]["id"], free_id_);
  EXPECT_EQ(hit["hits"][0]["type"], "测试文种");
  EXPECT_EQ(hit["hits"][0]["year"], 2019);
  EXPECT_EQ(anon.get("/api/search?q=" + enc("甲乙丙") + "&type=" + enc("通知")).json()["total"], 0);
  EXPECT_EQ(anon.get("/api/search?q=" + enc("甲乙丙") + "&category=" + enc("测试类别")).json()["total"], 1);
  // The same edit again changes nothing and logs nothing.
  const uint64_t after = last_seq();
  auto again = patch_doc(admin, free_id_, {{"title", "管理员改过的标题甲乙丙"}});
  EXPECT_FALSE(again.json()["changed"].get<bool>());
  EXPECT_EQ(last_seq(), after);
  // Facets count the new 文种.
  auto f = anon.get("/api/facets").json();
  EXPECT_EQ(f["type_counts"]["测试文种"], 1);

  // Bad input is refused without a change.
  EXPECT_EQ(patch_doc(admin, free_id_, {{"year", 0}}).status, 400);
  EXPECT_EQ(patch_doc(admin, free_id_, {{"title", "  "}}).status, 400);
  EXPECT_EQ(patch_doc(admin, free_id_, {{"access", "gold"}}).status, 400);
  EXPECT_EQ(patch_doc(admin, free_id_, {{"preview_share", 2}}).status, 400);
  EXPECT_EQ(admin.request(http::verb::patch, "/api/admin/documents/" + free_id_, "not json").status, 400);
  EXPECT_EQ(patch_doc(admin, "no-such-doc", {{"title", "x"}}).status, 404);
  EXPECT_EQ(last_seq(), after);
}

TEST_F(ServerAdmin, MarkPaidAndFreeAgain) {
  auto admin = srv_.as(srv_.admin_token);
  auto anon = srv_.client();
  auto vip = srv_.as(srv_.vip_token);
  auto r = patch_doc(admin, free_id_, {{"access", "paid"}, {"preview_share", 0.2}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["access"], "paid");
  const auto chars = r.json()["characters"].get<uint32_t>();
  const auto preview = r.json()["preview_characters"].get<uint32_t>();
  EXPECT_LT(preview, chars / 2 + 1);
  EXPECT_GE(preview, 200u);
  auto view = anon.get("/api/docs/" + free_id_).json();
  EXPECT_EQ(view["access"], "paid");
  EXPECT_TRUE(view["locked"].get<bool>());
  EXPECT_TRUE(view["characters"].is_null()) << "a non-member learns nothing of the paid length";
  EXPECT_FALSE(vip.get("/api/docs/" + free_id_).json()["locked"].get<bool>());
  // A phrase from the end of the text: found by a member, not by a non-member.
  std::string text;
  srv_.server->exclusive([&](library::Library& lib) { text = lib.catalog().get(free_id_)->text; });
  const std::u32string t = text::decode_utf8(text);
  std::string tail;
  // The last run of eight Han characters (a text may end with a date or a signature).
  for (size_t i = t.size() - 8; i > t.size() / 2 && tail.empty(); --i) {
    std::u32string w = t.substr(i, 8);
    if (std::all_of(w.begin(), w.end(), [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; })) tail = text::encode_utf8(w);
  }
  ASSERT_FALSE(tail.empty());
  const std::string q = "/api/search?q=" + enc("\"" + tail + "\"");
  // The phrase may occur in other documents too (the sample has versions of laws):
  // this one drops out of a non-member's count and stays in a member's.
  auto ids_of = [](const json& result) {
    std::set<std::string> out;
    for (const auto& h : result["hits"]) out.insert(h["id"]);
    return out;
  };
  EXPECT_FALSE(ids_of(anon.get(q + "&size=100").json()).count(free_id_)) << tail;
  EXPECT_TRUE(ids_of(vip.get(q + "&size=100").json()).count(free_id_)) << tail;
  // Free again: everyone reads and finds it.
  ASSERT_EQ(patch_doc(admin, free_id_, {{"access", "free"}}).status, 200);
  EXPECT_FALSE(anon.get("/api/docs/" + free_id_).json()["locked"].get<bool>());
  EXPECT_TRUE(ids_of(anon.get(q + "&size=100").json()).count(free_id_));
}

// An uploaded archive's members left out are named in the answer with their
// reason (as `wenyuan import` lists them), under the upload's name, never under
// the server's staging path.
TEST_F(ServerAdmin, UploadOfAZipSaysWhichMembersWereSkippedAndWhy) {
  auto admin = srv_.as(srv_.admin_token);
  std::string text = "关于压缩包上传跳过文件的说明\n\n";
  for (int i = 1; i <= 12; ++i) text += "第" + std::to_string(i) + "部分：这是一段用于检查压缩包上传的正文，内容完整，句子通顺。\n\n";
  const std::string zip = zip_of({{"notes/a.txt", text},
                                  {"images/x.png", std::string("\x89PNG\r\n\x1a\n", 8)},
                                  {"README", "read me"},
                                  {"__MACOSX/notes/._a.txt", "resource fork"}});
  const std::string b = "----wyZip";
  const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bundle.zip\"\r\n" +
                           "Content-Type: application/zip\r\n\r\n" + zip + "\r\n--" + b + "--\r\n";
  auto up = admin.request(http::verb::post, "/api/admin/documents", body, "multipart/form-data; boundary=" + b);
  ASSERT_EQ(up.status, 200) << up.body;
  const json r = up.json();
  EXPECT_EQ(r["imported"], 1) << up.body;
  ASSERT_TRUE(r["skipped"].is_array()) << up.body;
  std::map<std::string, std::string> reason_of;
  for (const auto& sk : r["skipped"]) reason_of[sk["path"].get<std::string>()] = sk["reason"].get<std::string>();
  ASSERT_EQ(reason_of.size(), 3u) << up.body;
  EXPECT_EQ(reason_of["bundle.zip/images/x.png"], "unsupported type '.png'") << up.body;
  EXPECT_NE(reason_of["bundle.zip/README"].find("folder note"), std::string::npos) << up.body;
  EXPECT_NE(reason_of["bundle.zip/__MACOSX/notes/._a.txt"].find("hidden"), std::string::npos) << up.body;
  // No server path: the data folder (and its staging folder) never shows.
  EXPECT_EQ(up.body.find(srv_.dir.string()), std::string::npos) << up.body;
  EXPECT_EQ(up.body.find("/tmp/"), std::string::npos) << up.body;
  // An upload without skips still says so, with an empty list.
  const std::string plain = "--" + b + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"plain.txt\"\r\n\r\n" +
                            text + "再一段。\r\n--" + b + "--\r\n";
  auto up2 = admin.request(http::verb::post, "/api/admin/documents", plain, "multipart/form-data; boundary=" + b);
  ASSERT_EQ(up2.status, 200) << up2.body;
  EXPECT_EQ(up2.json()["skipped"], json::array()) << up2.body;
}

TEST_F(ServerAdmin, UploadAsPaidAndFilterTheList) {
  auto admin = srv_.as(srv_.admin_token);
  const std::string b = "----wyAdmin";
  // Paragraphs apart by blank lines, as a writer's .txt has them.
  std::string text = "关于测试付费上传材料的说明\n\n";
  for (int i = 1; i <= 24; ++i)
    text += "第" + std::to_string(i) + "部分：这是一段用于检查付费上传的正文，内容完整，句子通顺，便于划分免费预览与其余部分。\n\n";
  const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"paid\"\r\n\r\n1\r\n--" + b +
                           "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"paid.txt\"\r\n\r\n" + text +
                           "\r\n--" + b + "--\r\n";
  auto up = admin.request(http::verb::post, "/api/admin/documents", body, "multipart/form-data; boundary=" + b);
  ASSERT_EQ(up.status, 200) << up.body;
  ASSERT_EQ(up.json()["ids"].size(), 1u) << up.body;
  const std::string id = up.json()["ids"][0];
  EXPECT_EQ(srv_.client().get("/api/docs/" + id).json()["access"], "paid");
  auto bad = "--" + b + "\r\nContent-Disposition: form-data; name=\"preview_share\"\r\n\r\nlots\r\n--" + b + "--\r\n";
  EXPECT_EQ(admin.request(http::verb::post, "/api/admin/documents", bad, "multipart/form-data; boundary=" + b).status, 400);

  auto list = admin.get("/api/admin/documents?q=" + enc("付费上传材料")).json();
  ASSERT_EQ(list["total"], 1) << list.dump();
  EXPECT_EQ(list["documents"][0]["id"], id);
  EXPECT_EQ(list["documents"][0]["access"], "paid");
  auto paid = admin.get("/api/admin/documents?access=paid&size=500").json();
  for (const auto& d : paid["documents"]) EXPECT_EQ(d["access"], "paid");
  auto free = admin.get("/api/admin/documents?access=free&size=500").json();
  EXPECT_EQ(paid["total"].get<int>() + free["total"].get<int>(), admin.get("/api/admin/documents").json()["total"].get<int>());
  EXPECT_EQ(admin.get("/api/admin/documents?access=gold").status, 400);
}

TEST_F(ServerAdmin, AddUserAndResetPassword) {
  auto admin = srv_.as(srv_.admin_token);
  auto r = admin.post("/api/admin/users", {{"name", "新同事"}, {"password", "first-password"}, {"tier", "vip"}, {"until", "2099-12-31"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["tier"], "vip");
  EXPECT_EQ(r.json()["until"], "2099-12-31");
  EXPECT_EQ(admin.post("/api/admin/users", {{"name", "新同事"}, {"password", "other-password"}}).status, 409);
  EXPECT_EQ(admin.post("/api/admin/users", {{"name", "short"}, {"password", "123"}}).status, 400);
  EXPECT_EQ(admin.post("/api/admin/users", {{"name", "x"}, {"password", "long-enough-password"}, {"tier", "god"}}).status, 400);

  // The new user logs in in a browser; a reset ends that session.
  auto browser = srv_.client();
  ASSERT_EQ(browser.post("/api/auth/login", {{"username", "新同事"}, {"password", "first-password"}}).status, 200);
  EXPECT_EQ(browser.get("/api/me").json()["tier"], "vip");
  auto reset = admin.post("/api/admin/users/password", {{"name", "新同事"}, {"password", "second-password"}});
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(reset.json()["sessions_ended"], 1);
  EXPECT_EQ(browser.get("/api/me").json()["tier"], "anonymous");
  EXPECT_FALSE(srv_.server->accounts().authenticate("新同事", "first-password"));
  EXPECT_TRUE(srv_.server->accounts().authenticate("新同事", "second-password"));
  EXPECT_EQ(admin.post("/api/admin/users/password", {{"name", "ghost"}, {"password", "second-password"}}).status, 404);
  EXPECT_EQ(admin.post("/api/admin/users/password", {{"name", "新同事"}, {"password", "short"}}).status, 400);
}

TEST_F(ServerAdmin, RelatedDocumentsAndQueryFacets) {
  auto anon = srv_.client();
  auto rel = anon.get("/api/docs/" + free_id_ + "/related");
  ASSERT_EQ(rel.status, 200) << rel.body;
  std::string title;
  srv_.server->exclusive([&](library::Library& lib) { title = lib.catalog().get(free_id_)->title; });
  const json related = rel.json();
  for (const auto& d : related["related"]) {
    EXPECT_NE(d["id"], free_id_);
    EXPECT_NE(d["title"], title);
  }
  EXPECT_EQ(anon.get("/api/docs/no-such-doc/related").status, 404);
  EXPECT_EQ(anon.get("/api/docs/" + free_id_ + "/related?limit=99").status, 400);

  auto f = anon.get("/api/search/facets?q=" + enc("发展"));
  ASSERT_EQ(f.status, 200) << f.body;
  const json j = f.json();
  const auto total = anon.get("/api/search?q=" + enc("发展")).json()["total"].get<int64_t>();
  EXPECT_EQ(j["total"], total);
  int64_t typed = 0;
  for (auto& [type, n] : j["type_counts"].items()) {
    typed += n.get<int64_t>();
    // Each count is what that filter leaves.
    EXPECT_EQ(anon.get("/api/search?q=" + enc("发展") + "&type=" + enc(type)).json()["total"], n) << type;
  }
  EXPECT_LE(typed, total);
  // 按文种浏览: as many documents as /api/facets counts, each of that 文种.
  auto all = anon.get("/api/facets").json();
  ASSERT_FALSE(all["type_counts"].empty());
  for (auto& [type, n] : all["type_counts"].items()) {
    auto b = anon.get("/api/browse?size=100&type=" + enc(type)).json();
    EXPECT_EQ(b["total"], n) << type;
    for (const auto& d : b["documents"]) EXPECT_EQ(d["type"], type);
  }
  EXPECT_EQ(anon.get("/api/browse").status, 400);
  EXPECT_EQ(anon.get("/api/search/facets?q=" + enc("(")).status, 400);
  EXPECT_EQ(anon.get("/api/search/facets").status, 400);
}

}  // namespace
}  // namespace wenyuan::testing

namespace wenyuan::testing {
namespace {

// 热门搜索 (suggest.cc): a query shows only once three different people asked
// it; one person asking many times stays one person's query.
TEST_F(ServerAdmin, PopularSearchesNeedThreeDifferentAskers) {
  const std::string q = enc("国旗 发展");
  auto popular = [&] {
    std::vector<std::string> out;
    const json r = srv_.client().get("/api/suggest").json();  // kept: the loop reads into it
    for (const auto& s : r["suggestions"]) out.push_back(s["text"]);
    return out;
  };
  auto anon = srv_.client();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(anon.get("/api/search?q=" + q).status, 200);
  EXPECT_TRUE(popular().empty()) << "one address asking five times";
  ASSERT_EQ(srv_.as(srv_.free_token).get("/api/search?q=" + q).status, 200);
  ASSERT_EQ(srv_.as(srv_.free_token).get("/api/search?q=" + q).status, 200);
  EXPECT_TRUE(popular().empty()) << "two people";
  ASSERT_EQ(srv_.as(srv_.vip_token).get("/api/search?q=" + q).status, 200);
  EXPECT_EQ(popular(), std::vector<std::string>{"国旗 发展"});
}

}  // namespace
}  // namespace wenyuan::testing
