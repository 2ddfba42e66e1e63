#pragma once
// GET /metrics: Prometheus text of requests by route and status, their latency, and the engine's
// group commit (how many commands each commit carried).
#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "casegate/engine.hpp"

namespace casegate::server {

class Metrics {
 public:
  // One answered request: its route pattern (never the raw path), status and time taken.
  void record(const std::string& route, int status, double seconds);
  std::string render(const CommitStats& commits) const;

 private:
  static constexpr std::array<double, 11> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
  struct Latency {
    std::array<std::uint64_t, bounds.size() + 1> buckets{};  // the last: over the largest bound
    double sum = 0;
    std::uint64_t count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Latency> latency_;
};

}  // namespace casegate::server
