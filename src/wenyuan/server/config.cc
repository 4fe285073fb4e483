#include "wenyuan/server/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>

namespace wenyuan::server {

std::filesystem::path default_web_dir() {
  std::error_code ec;
#ifdef WENYUAN_WEB_DIR
  // The source tree's web/ (a build run in place).
  if (std::filesystem::is_directory(WENYUAN_WEB_DIR, ec)) return WENYUAN_WEB_DIR;
#endif
  // An installed binary (the .deb: /usr/bin/wenyuan and /usr/share/wenyuan/web),
  // wherever the build tree was: relative to the program itself.
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "wenyuan" / "web";
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return "web";
}

const char* to_string(Registration r) {
  switch (r) {
    case Registration::kClosed: return "closed";
    case Registration::kInvite: return "invite";
    case Registration::kOpen: return "open";
  }
  return "open";
}

Status parse_listen(const std::string& listen, std::string& host, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return Status::invalid_argument("listen \"" + listen + "\": expected HOST:PORT");
  }
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  const std::string p = listen.substr(colon + 1);
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || ptr != p.data() + p.size() || v > 65535) {
    return Status::invalid_argument("listen \"" + listen + "\": bad port");
  }
  port = static_cast<uint16_t>(v);
  return Status::ok();
}

namespace {

template <typename T>
void read_int(const toml::node_view<toml::node>& n, T& out) {
  if (auto v = n.value<int64_t>()) out = static_cast<T>(*v);
}

void read_rate(const toml::node_view<toml::node>& n, access::RateRule& r) {
  if (!n) return;
  if (auto v = n["per_second"].value<double>()) r.per_second = *v;
  if (auto v = n["burst"].value<double>()) r.burst = *v;
}

// Every leaf key of `t` as a dotted name (arrays are leaves).
void leaf_keys(const toml::table& t, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string name = prefix + std::string(k.str());
    if (const toml::table* sub = v.as_table()) {
      leaf_keys(*sub, name + ".", out);
    } else {
      out.push_back(name);
    }
  }
}

}  // namespace

// Kept beside load_config below, which reads exactly these: a key added there
// is added here (server_config_example_test checks the example file against it).
std::vector<std::string> known_config_keys() {
  std::vector<std::string> keys = {
      "listen", "threads", "workers", "web_dir", "preview_share", "secure_cookies", "public_url",
      "registration", "metrics_listen", "trusted_proxies", "show_locked_headings",
      "limits.max_anonymous_body_bytes", "limits.max_header_bytes", "limits.max_body_bytes",
      "limits.max_upload_bytes", "limits.max_query_bytes", "limits.max_connections",
      "limits.max_connections_per_ip", "limits.per_ip_exempt", "limits.max_zip_documents",
      "limits.header_timeout_s", "limits.body_timeout_s", "limits.idle_timeout_s", "limits.shutdown_grace_s",
      "limits.max_queued", "limits.search_budget_ms", "limits.search_cache_entries", "limits.search_cache_mb",
      "limits.costly_terms", "limits.costly_workers", "limits.costly_queued", "limits.session_days",
      "sandbox.enabled", "sandbox.cpu_s", "sandbox.wall_s", "sandbox.memory_mb",
      "login_delay.free_failures", "login_delay.base_s", "login_delay.max_s",
      "watch.folders", "watch.stable_seconds", "watch.rescan_seconds", "watch.folder_category", "watch.on_delete"};
  for (const char* rule : {"login", "search", "register", "download"}) {
    keys.push_back(std::string("rate.") + rule + ".per_second");
    keys.push_back(std::string("rate.") + rule + ".burst");
  }
  for (int i = 0; i < access::kTierCount; ++i) {
    const std::string tier = access::to_string(static_cast<access::Tier>(i));
    keys.push_back("tiers." + tier + ".full");
    keys.push_back("tiers." + tier + ".downloads_per_day");
  }
  return keys;
}

Result<ServerConfig> load_config(const std::filesystem::path& file, ServerConfig c) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return Status::invalid_argument(file.string() + ": " + std::string(e.description()));
  }
  {
    std::vector<std::string> present;
    leaf_keys(t, "", present);
    const std::vector<std::string> known = known_config_keys();
    c.warnings.clear();
    for (const auto& k : present) {
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        c.warnings.push_back(file.string() + ": unknown key \"" + k + "\" (ignored)");
      }
    }
  }
  if (auto v = t["listen"].value<std::string>()) c.listen = *v;
  read_int(t["threads"], c.threads);
  read_int(t["workers"], c.workers);
  if (auto v = t["web_dir"].value<std::string>()) c.web_dir = *v;
  if (auto v = t["preview_share"].value<double>()) c.preview_share = *v;
  if (auto v = t["secure_cookies"].value<bool>()) c.secure_cookies = *v;
  if (auto v = t["public_url"].value<std::string>()) {
    c.public_url = *v;
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    if (c.public_url.rfind("https://", 0) != 0 && c.public_url.rfind("http://", 0) != 0) {
      return Status::invalid_argument(file.string() + ": public_url must start with https:// or http://");
    }
  }
  if (auto v = t["registration"].value<std::string>()) {
    if (*v == "closed") {
      c.registration = Registration::kClosed;
    } else if (*v == "invite") {
      c.registration = Registration::kInvite;
    } else if (*v == "open") {
      c.registration = Registration::kOpen;
    } else {
      return Status::invalid_argument(file.string() + ": registration must be \"closed\", \"invite\" or \"open\"");
    }
  }
  if (auto v = t["metrics_listen"].value<std::string>()) c.metrics_listen = *v;
  if (auto* arr = t["trusted_proxies"].as_array()) {
    for (const auto& e : *arr) {
      if (auto v = e.value<std::string>()) c.trusted_proxies.push_back(*v);
    }
  }
  if (auto v = t["show_locked_headings"].value<bool>()) c.policy.show_locked_headings = *v;
  auto l = t["limits"];
  read_int(l["max_anonymous_body_bytes"], c.limits.max_anonymous_body_bytes);
  read_int(l["max_header_bytes"], c.limits.max_header_bytes);
  read_int(l["max_body_bytes"], c.limits.max_body_bytes);
  read_int(l["max_upload_bytes"], c.limits.max_upload_bytes);
  read_int(l["max_query_bytes"], c.limits.max_query_bytes);
  read_int(l["max_connections"], c.limits.max_connections);
  read_int(l["max_connections_per_ip"], c.limits.max_connections_per_ip);
  if (const toml::array* exempt = l["per_ip_exempt"].as_array()) {
    c.limits.per_ip_exempt.clear();
    for (const toml::node& e : *exempt) {
      if (auto v = e.value<std::string>()) c.limits.per_ip_exempt.push_back(*v);
    }
  }
  read_int(l["max_zip_documents"], c.limits.max_zip_documents);
  read_int(l["header_timeout_s"], c.limits.header_timeout_s);
  read_int(l["body_timeout_s"], c.limits.body_timeout_s);
  read_int(l["idle_timeout_s"], c.limits.idle_timeout_s);
  read_int(l["shutdown_grace_s"], c.limits.shutdown_grace_s);
  read_int(l["max_queued"], c.limits.max_queued);
  read_int(l["search_budget_ms"], c.limits.search_budget_ms);
  read_int(l["search_cache_entries"], c.limits.search_cache_entries);
  read_int(l["search_cache_mb"], c.limits.search_cache_mb);
  read_int(l["costly_terms"], c.limits.costly_terms);
  read_int(l["costly_workers"], c.limits.costly_workers);
  read_int(l["costly_queued"], c.limits.costly_queued);
  if (auto v = l["session_days"].value<int64_t>()) c.session_seconds = *v * 24 * 3600;
  if (auto sb = t["sandbox"]; sb) {
    if (auto v = sb["enabled"].value<bool>()) c.sandbox_enabled = *v;
    read_int(sb["cpu_s"], c.sandbox.cpu_seconds);
    read_int(sb["wall_s"], c.sandbox.wall_seconds);
    if (auto v = sb["memory_mb"].value<int64_t>()) c.sandbox.memory_bytes = static_cast<uint64_t>(*v) << 20;
    if (c.sandbox.cpu_seconds == 0 || c.sandbox.wall_seconds == 0 || c.sandbox.memory_bytes < (64ull << 20)) {
      return Status::invalid_argument(file.string() + ": [sandbox] needs cpu_s >= 1, wall_s >= 1, memory_mb >= 64");
    }
  }
  read_rate(t["rate"]["login"], c.login_rate);
  read_rate(t["rate"]["search"], c.search_rate);
  read_rate(t["rate"]["register"], c.register_rate);
  read_rate(t["rate"]["download"], c.download_rate);
  if (auto d = t["login_delay"]; d) {
    read_int(d["free_failures"], c.login_delay.free_failures);
    if (auto v = d["base_s"].value<double>()) c.login_delay.base_delay_s = *v;
    if (auto v = d["max_s"].value<double>()) c.login_delay.max_delay_s = *v;
  }
  for (int i = 0; i < access::kTierCount; ++i) {
    auto n = t["tiers"][access::to_string(static_cast<access::Tier>(i))];
    if (!n) continue;
    auto& rules = c.policy.tiers[i];
    if (auto v = n["full"].value<bool>()) rules.full_access = *v;
    if (auto v = n["downloads_per_day"].value<int64_t>()) {
      rules.downloads_per_day = *v < 0 ? std::nullopt : std::optional<uint32_t>(static_cast<uint32_t>(*v));
    }
  }
  if (auto w = t["watch"]; w) {
    if (auto* folders = w["folders"].as_array()) {
      for (const auto& f : *folders) {
        auto v = f.value<std::string>();
        if (!v) return Status::invalid_argument(file.string() + ": watch.folders must hold strings");
        c.watch.folders.emplace_back(*v);
      }
    }
    if (auto v = w["stable_seconds"].value<double>()) c.watch.stable_seconds = *v;
    if (auto v = w["rescan_seconds"].value<double>()) c.watch.rescan_seconds = *v;
    if (auto v = w["folder_category"].value<bool>()) c.watch.folder_category = *v;
    if (auto v = w["on_delete"].value<std::string>()) {
      if (*v != "remove" && *v != "keep") {
        return Status::invalid_argument(file.string() + ": watch.on_delete must be \"remove\" or \"keep\"");
      }
      c.watch.remove_on_delete = *v == "remove";
    }
    if (c.watch.stable_seconds < 0 || c.watch.rescan_seconds < 0) {
      return Status::invalid_argument(file.string() + ": watch.stable_seconds and watch.rescan_seconds must be >= 0");
    }
  }
  if (c.preview_share < 0 || c.preview_share > 1) {
    return Status::invalid_argument(file.string() + ": preview_share must be within 0..1");
  }
  if (c.threads > 256) return Status::invalid_argument(file.string() + ": threads must be at most 256");
  if (c.workers > 256) return Status::invalid_argument(file.string() + ": workers must be at most 256");
  if (c.limits.costly_workers > 64) return Status::invalid_argument(file.string() + ": limits.costly_workers must be at most 64");
  if (c.limits.search_budget_ms < 0) return Status::invalid_argument(file.string() + ": limits.search_budget_ms must be >= 0");
  std::string host;
  uint16_t port = 0;
  WENYUAN_RETURN_IF_ERROR(parse_listen(c.listen, host, port).with_context(file.string()));
  if (!c.metrics_listen.empty()) {
    WENYUAN_RETURN_IF_ERROR(parse_listen(c.metrics_listen, host, port).with_context(file.string() + ": metrics_listen"));
  }
  return c;
}

}  // namespace wenyuan::server
