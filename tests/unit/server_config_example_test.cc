// The example configuration the .deb installs as /etc/wenyuan/wenyuan.toml
// (packaging/wenyuan.toml): it loads, every key in it is one the server reads
// (load_config warns about any other), its values are the defaults where its
// comments say so, and it shows every key the server reads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "wenyuan/server/config.h"

namespace wenyuan::server {
namespace {

namespace fs = std::filesystem;

const fs::path kExample = fs::path(WENYUAN_SAMPLE_DIR) / ".." / ".." / "packaging" / "wenyuan.toml";

TEST(ConfigExample, LoadsWithoutUnknownKeysAndKeepsTheDefaults) {
  auto c = load_config(kExample);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
  const ServerConfig d;
  // The two values the package sets on purpose.
  EXPECT_EQ(c->web_dir, fs::path("/usr/share/wenyuan/web"));
  EXPECT_EQ(c->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  // Everything else is the default, as the file's header says.
  EXPECT_EQ(c->listen, d.listen);
  EXPECT_EQ(c->threads, d.threads);
  EXPECT_EQ(c->workers, d.workers);
  EXPECT_DOUBLE_EQ(c->preview_share, d.preview_share);
  EXPECT_EQ(c->registration, d.registration);
  EXPECT_EQ(c->secure_cookies, d.secure_cookies);
  EXPECT_EQ(c->policy.show_locked_headings, d.policy.show_locked_headings);
  EXPECT_EQ(c->session_seconds, d.session_seconds);
  EXPECT_EQ(c->limits.max_header_bytes, d.limits.max_header_bytes);
  EXPECT_EQ(c->limits.max_anonymous_body_bytes, d.limits.max_anonymous_body_bytes);
  EXPECT_EQ(c->limits.max_body_bytes, d.limits.max_body_bytes);
  EXPECT_EQ(c->limits.max_upload_bytes, d.limits.max_upload_bytes);
  EXPECT_EQ(c->limits.max_query_bytes, d.limits.max_query_bytes);
  EXPECT_EQ(c->limits.max_connections, d.limits.max_connections);
  EXPECT_EQ(c->limits.max_connections_per_ip, d.limits.max_connections_per_ip);
  EXPECT_EQ(c->limits.per_ip_exempt, d.limits.per_ip_exempt);
  EXPECT_EQ(c->limits.max_zip_documents, d.limits.max_zip_documents);
  EXPECT_EQ(c->limits.header_timeout_s, d.limits.header_timeout_s);
  EXPECT_EQ(c->limits.body_timeout_s, d.limits.body_timeout_s);
  EXPECT_EQ(c->limits.idle_timeout_s, d.limits.idle_timeout_s);
  EXPECT_EQ(c->limits.shutdown_grace_s, d.limits.shutdown_grace_s);
  EXPECT_EQ(c->limits.max_queued, d.limits.max_queued);
  EXPECT_EQ(c->limits.search_budget_ms, d.limits.search_budget_ms);
  for (auto [got, want] : {std::pair{c->login_rate, d.login_rate}, std::pair{c->register_rate, d.register_rate},
                           std::pair{c->search_rate, d.search_rate}, std::pair{c->download_rate, d.download_rate}}) {
    EXPECT_DOUBLE_EQ(got.per_second, want.per_second);
    EXPECT_DOUBLE_EQ(got.burst, want.burst);
  }
  EXPECT_EQ(c->login_delay.free_failures, d.login_delay.free_failures);
  EXPECT_DOUBLE_EQ(c->login_delay.base_delay_s, d.login_delay.base_delay_s);
  EXPECT_DOUBLE_EQ(c->login_delay.max_delay_s, d.login_delay.max_delay_s);
  for (int i = 0; i < access::kTierCount; ++i) {
    EXPECT_EQ(c->policy.tiers[i].full_access, d.policy.tiers[i].full_access) << i;
    EXPECT_EQ(c->policy.tiers[i].downloads_per_day, d.policy.tiers[i].downloads_per_day) << i;
  }
  EXPECT_EQ(c->sandbox_enabled, d.sandbox_enabled);
  EXPECT_EQ(c->sandbox.cpu_seconds, d.sandbox.cpu_seconds);
  EXPECT_EQ(c->sandbox.wall_seconds, d.sandbox.wall_seconds);
  EXPECT_EQ(c->sandbox.memory_bytes, d.sandbox.memory_bytes);
  EXPECT_TRUE(c->watch.folders.empty());
  EXPECT_DOUBLE_EQ(c->watch.stable_seconds, d.watch.stable_seconds);
  EXPECT_DOUBLE_EQ(c->watch.rescan_seconds, d.watch.rescan_seconds);
  EXPECT_EQ(c->watch.remove_on_delete, d.watch.remove_on_delete);
  EXPECT_EQ(c->watch.folder_category, d.watch.folder_category);
}

TEST(ConfigExample, ShowsEveryKeyTheServerReads) {
  std::ifstream in(kExample);
  ASSERT_TRUE(in) << kExample;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const toml::table parsed = toml::parse(text);
  // Active ("key =" inside its [table]) or commented out ("# key =", for keys
  // whose mere presence changes behaviour, such as public_url).
  for (const std::string& key : known_config_keys()) {
    const size_t dot = key.rfind('.');
    const std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
    const std::string table = dot == std::string::npos ? "" : key.substr(0, dot);
    // anonymous and free have no tier rules beyond the defaults (previews only).
    if (table == "tiers.anonymous" || table == "tiers.free") continue;
    const bool active = static_cast<bool>(parsed.at_path(key));
    const bool commented = text.find("# " + leaf + " = ") != std::string::npos;
    EXPECT_TRUE(active || commented) << key << " is not in " << kExample;
  }
}

TEST(ConfigExample, AnUnknownKeyIsNamed) {
  const fs::path file = fs::temp_directory_path() / ("wy_config_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(file) << "listen = \"127.0.0.1:8080\"\n[limits]\nmax_body_byte = 10\n[tiers.vip]\nful = true\n";
  auto c = load_config(file);
  fs::remove(file);
  ASSERT_TRUE(c) << c.status().message();  // a warning, not a refusal: old files keep working
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_NE(c->warnings[0].find("unknown key \"limits.max_body_byte\""), std::string::npos) << c->warnings[0];
  EXPECT_NE(c->warnings[1].find("unknown key \"tiers.vip.ful\""), std::string::npos) << c->warnings[1];
  EXPECT_EQ(c->limits.max_body_bytes, ServerConfig{}.limits.max_body_bytes);
}

}  // namespace
}  // namespace wenyuan::server
