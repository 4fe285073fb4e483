// The routes of each resource (one file each in routes/) and the two
// handlers Api calls outside the table. The table itself is all_routes()
// (route.h), put together in routes.cc: one line per resource.
#pragma once

#include <string_view>
#include <vector>

#include "wenyuan/server/route.h"

namespace wenyuan::server::routes {

std::vector<Route> search_routes();     // search.cc: /api/search, /api/facets
// search.cc: the number of query terms of a search request (/api/search,
// /api/search/facets), the cost estimate that sends it to the costly lane
// (work_queue.h); 0 for any other request or a query that does not parse.
size_t search_terms(std::string_view target);
std::vector<Route> documents_routes();  // documents.cc: /api/docs/{id}
std::vector<Route> downloads_routes();  // downloads.cc: /api/docs/{id}/download, /api/download
std::vector<Route> feed_routes();       // feed.cc: /api/new, /feed.atom
std::vector<Route> accounts_routes();   // accounts.cc: /api/auth/*, /api/me*, /api/admin/invites
std::vector<Route> admin_routes();      // admin.cc: /api/admin/*
std::vector<Route> browse_routes();     // browse.cc: /api/docs/{id}/related, /api/search/facets, /api/browse
std::vector<Route> admin_edit_routes(); // admin_edit.cc: PATCH /api/admin/documents/{id}, POST /api/admin/users[/password]
std::vector<Route> check_routes();     // check.cc: /api/check, /api/docs/{id}/versions
std::vector<Route> ops_routes();        // ops.cc: /healthz, /metrics, /api/openapi.json
std::vector<Route> me_routes();         // me.cc: /api/me/favorites, history, downloads, basket
std::vector<Route> suggest_routes();    // suggest.cc: /api/suggest

// GET /metrics without the checks (ops.cc): also the separate metrics listener.
Response metrics_text(ApiState& s, Call& c);

// Any GET no route matched: the web UI's pages and files (web.cc).
Response static_file(ApiState& s, Call& c);
// Whether `path` is a page of the web UI (answered with index.html).
bool is_ui_page(std::string_view path);

}  // namespace wenyuan::server::routes
