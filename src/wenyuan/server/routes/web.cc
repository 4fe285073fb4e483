// The web UI: its pages (each answered with index.html, whose router in
// web/js/app.js shows the page) and its files under web_dir.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "wenyuan/server/api_call.h"
#include "wenyuan/server/api_response.h"
#include "wenyuan/server/api_state.h"
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server::routes {

// The pages of web/js/app.js's ROUTES, each with or without a trailing slash;
// "{id}" is one path segment. The test ServerHttp.UiPagesAgreeWithTheWebRouter
// holds the two lists together.
constexpr std::string_view kUiPages[] = {"/", "/new", "/doc/{id}", "/login", "/account", "/admin", "/check"};

bool is_ui_page(std::string_view path) {
  if (path.size() > 2 && path.back() == '/') path.remove_suffix(1);
  for (std::string_view page : kUiPages) {
    const size_t open = page.find('{');
    if (open == std::string_view::npos) {
      if (path == page) return true;
      continue;
    }
    const std::string_view prefix = page.substr(0, open);
    if (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix &&
        path.find('/', prefix.size()) == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

Response static_file(ApiState& s, Call& c) {
  const std::string& path = c.target.path;
  // The web UI's pages all get index.html; its router takes it from there.
  const std::string rel = is_ui_page(path) ? std::string("index.html") : path.substr(1);
  // No traversal: every segment must be a plain name (no "..", no ".", no hidden
  // files, no backslashes or NULs), so the file is always inside web_dir.
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    const std::string seg = rel.substr(start, slash - start);
    if (seg.empty() || seg[0] == '.' || seg.find('\\') != std::string::npos) return not_found("no such file: " + path);
    start = slash + 1;
  }
  const std::filesystem::path file = s.config.web_dir / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    // A page address (no file extension) that is no page: the web UI's own
    // 页面不存在 page in Chinese, with status 404; missing assets stay JSON 404s.
    if (rel.find('.') != std::string::npos) return not_found("no such file: " + path);
    std::ifstream index(s.config.web_dir / "index.html", std::ios::binary);
    if (!index) return not_found("no such page");
    std::string page((std::istreambuf_iterator<char>(index)), std::istreambuf_iterator<char>());
    auto res = make_response(http::status::not_found, std::move(page), "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-cache");
    return res;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found("no such file: " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto res = make_response(http::status::ok, std::move(bytes), mime_type(rel));
  res.set(http::field::cache_control, rel == "index.html" ? "no-cache" : "public, max-age=300");
  return res;
}

}  // namespace wenyuan::server::routes
