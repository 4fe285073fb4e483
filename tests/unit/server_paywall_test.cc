// THE PAYWALL TEST. Imports the bundled sample library (data/sample, when it
// has documents), the seed sample (##paidbegin## markers in mid-paragraph) and
// one document uploaded with "access":"paid", then, as anonymous and as a free
// user (by API token and by session cookie), fetches every route for every
// document — views, txt/docx downloads (docx unzipped), zip downloads, search
// with terms that occur only in paid regions, /api/new, /feed.atom, error
// responses — and asserts that no sentence of a paid region appears in any byte
// returned: raw, JSON-unescaped, XML-unescaped, inside zips. As vip the same
// requests must return that text (so the test can fail).
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>

#include "unit/server_fixture.h"
#include "wenyuan/doc/zip_archive.h"
#include "wenyuan/store/catalog.h"
#include "wenyuan/server/http_util.h"
#include "wenyuan/text/utf8.h"

namespace wenyuan::testing {
namespace {

using nlohmann::json;

void collect_strings(const json& j, std::string& out) {
  if (j.is_string()) {
    out += j.get<std::string>();
    out += '\n';
  } else if (j.is_array() || j.is_object()) {
    for (const auto& v : j) collect_strings(v, out);
  }
}

std::string xml_text(const std::string& xml) {
  std::string out;
  bool in_tag = false;
  for (char c : xml) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    else if (!in_tag) out += c;
  }
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [e, r] : kEntities) {
    for (size_t p = out.find(e); p != std::string::npos; p = out.find(e, p)) out.replace(p, std::strlen(e), r);
  }
  return out;
}

// Every readable rendering of a response body: the bytes, JSON strings, XML
// text, and the entries of a zip (recursively: a docx inside a zip).
std::string renderings(const std::string& body, int depth = 0) {
  std::string out = body;
  out += "\n";
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded()) collect_strings(j, out);
  if (body.find('<') != std::string::npos) out += xml_text(body);
  if (depth < 2 && body.size() > 4 && body.compare(0, 2, "PK") == 0) {
    auto z = doc::ZipReader::open(body, "resp.zip", {});
    EXPECT_TRUE(z) << "a PK body that is not a zip";
    if (z) {
      for (const char* name : {"word/document.xml", "docProps/core.xml"}) {
        if (auto e = (*z)->read(name)) out += renderings(*e, depth + 1);
      }
    }
  }
  return out;
}

// Entries of a zip whose names we do not know (the multi-document download).
std::string zip_renderings(const std::string& body, const std::vector<std::string>& names) {
  std::string out = renderings(body);
  auto z = doc::ZipReader::open(body, "dl.zip", {});
  EXPECT_TRUE(z);
  if (!z) return out;
  size_t found = 0;
  for (const auto& n : names) {
    if (auto e = (*z)->read(n)) {
      ++found;
      out += renderings(*e, 1);
    }
  }
  EXPECT_EQ(found, names.size()) << "zip entries missing";
  return out;
}

std::vector<std::string> split_sentences(const std::string& text) {
  std::vector<std::string> out;
  std::u32string cur;
  for (char32_t c : text::decode_utf8(text)) {
    const bool end = c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'\n';
    if (c != U'\n') cur += c;
    if (end) {
      while (!cur.empty() && (cur.front() == U' ' || cur.front() == U'　')) cur.erase(0, 1);
      if (cur.size() >= 8) out.push_back(text::encode_utf8(cur));
      cur.clear();
    }
  }
  if (cur.size() >= 8) out.push_back(text::encode_utf8(cur));
  return out;
}

struct Corpus {
  std::vector<doc::Document> docs;
  std::string visible;                 // all preview text, titles and metadata of all documents
  std::vector<std::string> sentences;  // paid sentences (>= 8 code points) that occur nowhere visible
  std::vector<std::string> probes;     // 2..12 code point paid substrings that occur nowhere visible
};

class Paywall : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<fs::path> files = {test_data("seed_sample.txt")};
    std::error_code ec;
    if (fs::is_directory(WENYUAN_SAMPLE_DIR, ec) && !fs::is_empty(WENYUAN_SAMPLE_DIR, ec)) {
      files.push_back(WENYUAN_SAMPLE_DIR);
    }
    auto config = TestServer::base_config();
    // The vip pass downloads every document several times; the quota is tested elsewhere.
    config.policy.tiers[static_cast<int>(access::Tier::kVip)].downloads_per_day = 100000;
    srv_.start(config, files, "paywall");
    if (HasFatalFailure()) return;
    upload_paid_document();
    if (HasFatalFailure()) return;
    build_corpus();
  }

  // One law from the corpus fixture, uploaded as .jsonl with "access":"paid"
  // (no markers: the first 30% of the body, cut at a sentence end, is the preview).
  void upload_paid_document() {
    std::ifstream in(test_data("corpus_sample.jsonl"));
    std::string line;
    json rec;
    while (std::getline(in, line)) {
      rec = json::parse(line);
      if (rec["text"].get<std::string>().size() > 6000 && rec["text"].get<std::string>().size() < 40000) break;
    }
    rec["id"] = "paid-upload-1";
    rec["access"] = "paid";
    const std::string b = "PaywallBoundary";
    const std::string body = "--" + b +
                             "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"paid.jsonl\"\r\n\r\n" +
                             rec.dump() + "\n\r\n--" + b + "--\r\n";
    auto r = srv_.as(srv_.admin_token)
                 .request(http::verb::post, "/api/admin/documents", body, "multipart/form-data; boundary=" + b);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["imported"].get<int>() + r.json()["updated"].get<int>(), 1) << r.body;
  }

  void build_corpus() {
    // A connection of the test's own: the server's belongs to its writers.
    auto opened = store::Catalog::open(srv_.server->library().data_dir() / "catalog.db");
    ASSERT_TRUE(opened);
    store::Catalog& cat = **opened;
    auto list = cat.list({});
    ASSERT_TRUE(list);
    std::string paid_all;
    std::vector<std::string> paid_texts;
    for (const auto& s : *list) {
      auto d = cat.get(s.id);
      ASSERT_TRUE(d);
      c_.visible += d->title + "\n" + d->source + "\n" + d->category + "\n" + d->issuer + "\n" + d->date + "\n";
      for (const auto& r : d->regions) {
        const std::string part = text::substr_code_points(d->text, r.start, r.end);
        if (r.kind == doc::RegionKind::kPaid) {
          paid_texts.push_back(part);
        } else {
          c_.visible += part + "\n";
        }
      }
      c_.docs.push_back(std::move(d.value()));
    }
    ASSERT_GE(paid_texts.size(), 2u) << "the seed sample and the upload must both have paid regions";
    c_.visible += std::string(access::kLockedNote) + std::string(access::kLockedTitle);
    for (const auto& t : paid_texts) {
      for (auto& s : split_sentences(t)) {
        if (c_.visible.find(s) == std::string::npos) c_.sentences.push_back(s);
      }
    }
    ASSERT_GE(c_.sentences.size(), 20u);
    std::mt19937 rng(20260101);
    for (int tries = 0; tries < 20000 && c_.probes.size() < 120; ++tries) {
      const auto& t = paid_texts[rng() % paid_texts.size()];
      const auto cps = text::decode_utf8(t);
      const size_t len = 2 + rng() % 11;
      if (cps.size() <= len) continue;
      const auto sub = cps.substr(rng() % (cps.size() - len), len);
      bool plain = true;
      for (char32_t c : sub) plain &= !(c == U'\n' || c == U' ' || c == U'　' || c == U'\t' || c == U'"' || c == U'\\' ||
                                        c == U'(' || c == U')' || c == U'|' || c == U'-' || c == U':' || c == U'：');
      const std::string probe = text::encode_utf8(sub);
      if (!plain || c_.visible.find(probe) != std::string::npos) continue;
      c_.probes.push_back(probe);
    }
    ASSERT_GE(c_.probes.size(), 50u);
  }

  // Everything `c` can get, rendered; also counts unlocked search snippets.
  std::string fetch_everything(Client& c, size_t& unlocked_probe_snippets) {
    std::string all;
    auto add = [&](const HttpResult& r, const std::string& what) {
      EXPECT_LT(r.status, 500) << what;
      all += renderings(r.body);
      for (const auto& [k, v] : r.headers) all += k + ": " + v + "\n";
    };
    std::vector<std::string> ids;
    for (const auto& d : c_.docs) {
      ids.push_back(d.id);
      const std::string base = "/api/docs/" + d.id;
      auto view = c.get(base);
      EXPECT_EQ(view.status, 200);
      add(view, base);
      add(c.get(base + "/download?format=txt"), base + " txt");
      add(c.get(base + "/download?format=docx"), base + " docx");
      add(c.get(base + "/download?format=pdf"), base + " bad format");
      add(c.get(base + "x/download"), base + " 404");
    }
    for (const char* format : {"txt", "docx"}) {
      auto zip = c.post("/api/download", {{"ids", ids}, {"format", format}});
      EXPECT_EQ(zip.status, 200) << zip.body;
      std::vector<std::string> names;
      for (const auto& d : c_.docs) {
        names.push_back(server::safe_filename(d.title) + "." + format);
      }
      std::set<std::string> uniq(names.begin(), names.end());
      if (uniq.size() == names.size()) {
        all += zip_renderings(zip.body, names);
      } else {
        all += renderings(zip.body);
      }
    }
    add(c.get("/api/new?days=30&limit=500"), "new");
    add(c.get("/feed.atom"), "feed");
    add(c.get("/api/facets"), "facets");
    add(c.get("/api/me"), "me");
    add(c.get("/api/admin/documents"), "admin docs");
    for (size_t i = 0; i < c_.probes.size(); ++i) {
      const std::string unit = i % 3 == 0 ? "&unit=paragraph" : "";
      auto r = c.get("/api/search?size=50&q=" + url_encode("\"" + c_.probes[i] + "\"") + unit);
      EXPECT_EQ(r.status, 200) << c_.probes[i] << " " << r.body;
      add(r, "search");
      auto j = r.json();
      if (!j.is_object()) continue;
      for (const auto& h : j["hits"]) {
        for (const auto& s : h["snippets"]) {
          if (!s["locked"].get<bool>() && s["text"].get<std::string>().find(c_.probes[i]) != std::string::npos) {
            ++unlocked_probe_snippets;
          }
        }
      }
    }
    return all;
  }

  TestServer srv_;
  Corpus c_;
};

TEST_F(Paywall, NoPaidSentenceReachesAnonymousOrFreeUsersButVipSeesThem) {
  // Anonymous, a free user by API token, and a free user by session cookie.
  auto anon = srv_.client();
  auto free_token = srv_.as(srv_.free_token);
  auto free_cookie = srv_.client();
  ASSERT_EQ(free_cookie.post("/api/auth/login", {{"username", "free"}, {"password", "free-password"}}).status, 200);
  int checked = 0;
  for (Client* c : {&anon, &free_token, &free_cookie}) {
    size_t unlocked = 0;
    const std::string all = fetch_everything(*c, unlocked);
    ASSERT_GT(all.size(), 10000u);
    size_t leaks = 0;
    for (const auto& s : c_.sentences) {
      if (all.find(s) != std::string::npos) {
        ++leaks;
        ADD_FAILURE() << "paid sentence leaked: " << s;
        if (leaks > 5) break;
      }
    }
    EXPECT_EQ(unlocked, 0u) << "a snippet showing a paid-only term was not locked";
    // The note stands where the paid text was.
    EXPECT_NE(all.find(std::string(access::kLockedNote)), std::string::npos);
    ++checked;
  }
  EXPECT_EQ(checked, 3);

  // VIP: the same requests return the paid text.
  auto vip = srv_.as(srv_.vip_token);
  size_t unlocked = 0;
  const std::string all = fetch_everything(vip, unlocked);
  size_t seen = 0;
  for (const auto& s : c_.sentences) seen += all.find(s) != std::string::npos;
  EXPECT_EQ(seen, c_.sentences.size());
  EXPECT_GT(unlocked, c_.probes.size() / 2);
}

}  // namespace
}  // namespace wenyuan::testing
