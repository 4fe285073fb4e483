#include "wenyuan/server/metrics.h"

#include <cstdio>
#include <sstream>
#include <vector>

namespace wenyuan::server {

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);  // 0.005, not 0.0050000000000000001
  return buf;
}

// Label values are route patterns we chose, but escape anyway.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::Histogram::observe(double v) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (v <= kBuckets[i]) ++counts[i];
  }
  ++count;
  sum += v;
}

void Metrics::observe_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  latency_[route].observe(seconds);
}

void Metrics::observe_search(double seconds) {
  std::lock_guard lock(mu_);
  search_.observe(seconds);
}

std::string Metrics::render(const std::vector<Gauge>& gauges) const {
  std::ostringstream out;
  auto histogram = [&out](const std::string& name, const std::string& labels, const Histogram& h) {
    const std::string sep = labels.empty() ? "" : ",";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << name << "_bucket{" << labels << sep << "le=\"" << number(kBuckets[i]) << "\"} " << h.counts[i] << "\n";
    }
    out << name << "_bucket{" << labels << sep << "le=\"+Inf\"} " << h.count << "\n";
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out << name << "_sum" << braces << " " << number(h.sum) << "\n";
    out << name << "_count" << braces << " " << h.count << "\n";
  };
  std::lock_guard lock(mu_);
  out << "# HELP wenyuan_http_requests_total HTTP requests by route pattern and status.\n"
      << "# TYPE wenyuan_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "wenyuan_http_requests_total{route=\"" << label(key.first) << "\",status=\"" << key.second << "\"} " << n
        << "\n";
  }
  out << "# HELP wenyuan_http_request_duration_seconds Time to handle a request, by route pattern.\n"
      << "# TYPE wenyuan_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    histogram("wenyuan_http_request_duration_seconds", "route=\"" + label(route) + "\"", h);
  }
  out << "# HELP wenyuan_search_duration_seconds Time spent in the search engine per query.\n"
      << "# TYPE wenyuan_search_duration_seconds histogram\n";
  histogram("wenyuan_search_duration_seconds", "", search_);
  for (const auto& g : gauges) {
    out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n"
        << g.name << " " << number(g.value) << "\n";
  }
  return out.str();
}

}  // namespace wenyuan::server
