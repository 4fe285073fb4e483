// The search route checks a non-member's snippets of a document with paid
// text against the catalog's text (access::Policy::redact_snippet), reading
// that text only as far as the page's last snippet reaches
// (Catalog::get_for_snippets with text_up_to); a free document's text is not
// read. A hit deep in a long free document, and one deep in the long preview of
// a paid one, must still be shown to anonymous callers, whole and the same as a
// member sees it; in a paid document with a long paid part, anonymous callers
// get the visible occurrence's snippet and members the others.
#include <gtest/gtest.h>

#include "unit/server_fixture.h"

namespace wenyuan::testing {
namespace {

std::string record(const std::string& title, const std::string& text, const std::string& access = "") {
  nlohmann::json j{{"title", title}, {"text", text}, {"date", "2024-05-01"}, {"source", "测试"}};
  if (!access.empty()) j["access"] = access;
  return j.dump() + "\n";
}

TEST(ServerSnippetCheck, AHitDeepInALongFreeOrPreviewTextIsShownToAnonymousAsToMembers) {
  for (const bool paid_tail : {false, true}) {
    TestServer s;
    // About 58,000 code points (170 KB) before the term: the catalog's text is decoded in 16 KB steps.
    std::string text;
    for (int i = 1; i <= 3000; ++i) text += "第" + std::to_string(i) + "条　各单位应当依法履行职责。\n";
    text += "本办法所称渊博深处条款，是指最后一条。\n";
    if (paid_tail) text += "##paidbegin##\n付费的附则部分。\n##paidend##\n";
    const std::string name = paid_tail ? "snippet_check_preview" : "snippet_check_records";
    const fs::path file = fresh_dir(name) / "long.jsonl";
    write_file(file, record("关于长篇规定的通知", text));
    s.start(TestServer::base_config(), {file}, name);
    const std::string target = "/api/search?q=" + url_encode("渊博深处");
    auto anon = s.client().get(target);
    ASSERT_EQ(anon.status, 200) << anon.body;
    auto vip = s.as(s.vip_token).get(target);
    ASSERT_EQ(vip.status, 200) << vip.body;
    const auto a = anon.json(), v = vip.json();
    ASSERT_EQ(a["total"], 1);
    EXPECT_EQ(a["hits"][0]["access"], paid_tail ? "paid" : "free") << anon.body;
    ASSERT_FALSE(a["hits"][0]["snippets"].empty());
    for (const auto& snip : a["hits"][0]["snippets"]) {
      EXPECT_FALSE(snip["locked"].get<bool>()) << snip.dump();
      EXPECT_GT(snip["start"].get<uint32_t>(), 50'000u);
    }
    EXPECT_NE(a["hits"][0]["snippets"][0]["text"].get<std::string>().find("渊博深处"), std::string::npos);
    EXPECT_EQ(a["hits"][0]["snippets"], v["hits"][0]["snippets"]);
  }
}

TEST(ServerSnippetCheck, InAPaidDocumentAnonymousGetsTheVisibleSnippetAndMembersThePaidOnes) {
  TestServer s;
  std::string text = "公开的开头部分：渊博深处的背景介绍。\n##paidbegin##\n";
  for (int i = 1; i <= 2000; ++i) text += "第" + std::to_string(i) + "项　付费内容的正文段落。\n";
  text += "付费区里的渊博深处结论。\n##paidend##\n";
  const fs::path file = fresh_dir("snippet_check_paid") / "paid.jsonl";
  write_file(file, record("付费材料", text));
  s.start(TestServer::base_config(), {file}, "snippet_check_paid");
  const std::string target = "/api/search?q=" + url_encode("渊博深处");
  auto anon = s.client().get(target);
  ASSERT_EQ(anon.status, 200) << anon.body;
  const auto a = anon.json();
  ASSERT_EQ(a["total"], 1) << anon.body;
  bool shown = false;
  for (const auto& snip : a["hits"][0]["snippets"]) {
    EXPECT_EQ(snip["text"].get<std::string>().find("结论"), std::string::npos) << snip.dump();
    if (!snip["locked"].get<bool>()) shown = shown || snip["text"].get<std::string>().find("背景") != std::string::npos;
  }
  EXPECT_TRUE(shown) << anon.body;
  EXPECT_EQ(anon.body.find("付费区"), std::string::npos);
  auto vip = s.as(s.vip_token).get(target);
  ASSERT_EQ(vip.status, 200) << vip.body;
  EXPECT_NE(vip.body.find("付费区里的渊博深处结论"), std::string::npos) << vip.body;
}

}  // namespace
}  // namespace wenyuan::testing
