// The differential paywall test (tests/support/paywall_diff.h) on the public
// corpus (../shared/corpus/*.jsonl.xz, read with `xz -dc`): 40 documents of each
// file, paid in the shapes of the unit test, library B's paid parts replaced by
// other real text of a different length. Anonymous and free users must get
// byte-identical answers on every OpenAPI route and 1,000 searches; the oracle
// attack recovers nothing. Skips, saying so, without the corpus or xz
// (WENYUAN_CORPUS_DIR names the corpus folder when ../shared is elsewhere).
#include <gtest/gtest.h>

#include <cstdio>

#include "support/paywall_diff.h"
#include "wenyuan/doc/clean.h"

namespace wenyuan::testing {
namespace {

using namespace paywall;

std::vector<SourceDoc> corpus_docs(size_t per_file) {
  std::vector<SourceDoc> out;
  fs::path dir = fs::path(WENYUAN_SHARED_DIR) / "corpus";
  std::error_code ec;
  // A worktree beside others has ../shared one level further up.
  if (const char* env = std::getenv("WENYUAN_CORPUS_DIR"); env != nullptr && !fs::is_directory(dir, ec)) dir = env;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".xz") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    FILE* p = ::popen(("xz -dc '" + f.string() + "' 2>/dev/null").c_str(), "r");
    if (p == nullptr) continue;
    std::string all;
    char buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) all.append(buf, n);
    ::pclose(p);
    size_t at = 0, taken = 0;
    while (at < all.size() && taken < per_file) {
      size_t nl = all.find('\n', at);
      if (nl == std::string::npos) nl = all.size();
      auto j = json::parse(all.substr(at, nl - at), nullptr, false);
      at = nl + 1;
      if (!j.is_object() || !j.contains("text") || j.value("text", "").size() > 200000) continue;
      SourceDoc d{j.value("title", ""), j.value("text", ""), j.value("date", ""), j.value("source", ""),
                  j.value("category", "")};
      doc::CleanOptions co;
      co.title = d.title;
      co.source = d.source;
      d.text = doc::clean(d.text, co).text;
      out.push_back(std::move(d));
      ++taken;
    }
  }
  return out;
}

TEST(PaywallDiffCorpus, DifferentLengthPaidTextIsInvisibleAndTheOracleRecoversNothing) {
  const auto docs = corpus_docs(40);
  if (docs.size() < 50) GTEST_SKIP() << "../shared/corpus (or xz) not available: " << docs.size() << " documents read";
  const auto recs = make_records(docs, false);
  Harness h;
  h.build(recs,
          {[&recs](const Record& r) {
            const size_t n = r.paid.size();
            return donor_text(recs, r, n % 2 ? n * 3 / 5 + 3 : n * 3 / 2 + 11, 5);
          }},
          "diff_corpus");
  ASSERT_FALSE(HasFatalFailure());
  std::set<std::string> routes, params;
  auto probes = h.route_probes(routes, params);
  const auto search = h.search_probes(1000, 21);
  const size_t n_routes = probes.size();
  probes.insert(probes.end(), search.begin(), search.end());
  std::vector<Probe> mine;
  for (const auto& p : probes)
    if (p.target != "/metrics") mine.push_back(p);
  size_t compared = 0;
  for (int u = 0; u < 2; ++u) {
    Client a = u == 0 ? h.server(0).client() : h.server(0).as(h.server(0).free_token);
    Client b = u == 0 ? h.server(1).client() : h.server(1).as(h.server(1).free_token);
    const auto c = compare(a, b, mine, h.server(0).dir.string(), h.server(1).dir.string());
    compared += c.compared;
    EXPECT_EQ(c.differing, 0u) << "user " << u << ": " << c.differing << " of " << c.compared << " differ";
    for (const auto& e : c.examples) ADD_FAILURE() << e;
  }
  std::printf("[ differential large ] %zu documents, %zu routes, %zu parameters, %zu route requests + %zu searches, "
              "x 2 users = %zu compared\n",
              h.docs().size(), routes.size(), params.size(), n_routes, search.size(), compared);
  // A VIP sees the difference.
  Client va = h.server(0).as(h.server(0).vip_token), vb = h.server(1).as(h.server(1).vip_token);
  const auto vc = compare(va, vb, search);
  EXPECT_GT(vc.differing, vc.compared / 10);
  std::printf("[ differential large ] VIP: %zu of %zu searches differ\n", vc.differing, vc.compared);

  auto anon = h.server(0).client();
  const auto r = h.oracle(anon, 100, 12);
  std::printf("[ oracle large ] anonymous: %zu requests, %zu confirmed, %zu paid characters recovered\n", r.requests,
              r.confirmed, r.recovered);
  EXPECT_EQ(r.recovered, 0u);
  auto vip = h.server(0).as(h.server(0).vip_token);
  const auto v = h.oracle(vip, 20, 12);
  std::printf("[ oracle large ] vip (control): %zu requests, %zu recovered\n", v.requests, v.recovered);
  EXPECT_GT(v.recovered, 20u);
}

}  // namespace
}  // namespace wenyuan::testing
