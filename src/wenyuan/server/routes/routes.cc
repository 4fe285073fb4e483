// The route table: every resource's routes (routes.h), in this order. The
// order is the order of /api/openapi.json; matching does not depend on it.
#include "wenyuan/server/routes/routes.h"

namespace wenyuan::server {

const std::vector<Route>& all_routes() {
  static const std::vector<Route> table = [] {
    std::vector<Route> all;
    for (auto part : {routes::search_routes, routes::documents_routes, routes::downloads_routes,
                      routes::feed_routes, routes::accounts_routes, routes::admin_routes, routes::check_routes,
                      routes::ops_routes, routes::me_routes, routes::suggest_routes,
                      routes::admin_edit_routes, routes::browse_routes}) {
      for (auto& r : part()) all.push_back(std::move(r));
    }
    return all;
  }();
  return table;
}

ParamDoc id_param() {
  ParamDoc d;
  d.name = "id";
  d.in = "path";
  d.required = true;
  d.pattern = "^[A-Za-z0-9._-]{1,128}$";
  return d;
}

}  // namespace wenyuan::server
