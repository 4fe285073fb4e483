// Metrics: request counters and latency histograms, rendered in the Prometheus
// text exposition format (version 0.0.4) for GET /metrics.
//
// Labels are route patterns ("/api/docs/{id}"), never raw paths, so the number
// of series stays bounded whatever clients send.
// Threads: observe() and render() may be called concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wenyuan::server {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void observe_request(const std::string& route, int status, double seconds);
  void observe_search(double seconds);

  // `gauges`: extra name -> value lines (documents, index bytes), with HELP text.
  struct Gauge {
    std::string name;
    std::string help;
    double value = 0;
  };
  std::string render(const std::vector<Gauge>& gauges) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
    void observe(double v);
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  Histogram search_;
};

}  // namespace wenyuan::server
