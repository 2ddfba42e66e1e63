#include "metrics.hpp"

#include <sstream>

namespace casegate::server {

void Metrics::record(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  Latency& latency = latency_[route];
  std::size_t bucket = 0;
  while (bucket < bounds.size() && seconds > bounds[bucket]) ++bucket;
  ++latency.buckets[bucket];
  latency.sum += seconds;
  ++latency.count;
}

std::string Metrics::render(const CommitStats& commits) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP casegate_http_requests_total Requests answered, by route and status.\n"
         "# TYPE casegate_http_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "casegate_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << count
        << "\n";
  out << "# HELP casegate_http_request_duration_seconds Time from a request's arrival to its answer.\n"
         "# TYPE casegate_http_request_duration_seconds histogram\n";
  for (const auto& [route, latency] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < bounds.size(); ++b) {
      cumulative += latency.buckets[b];
      out << "casegate_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << bounds[b] << "\"} "
          << cumulative << "\n";
    }
    out << "casegate_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << latency.count
        << "\n";
    out << "casegate_http_request_duration_seconds_sum{route=\"" << route << "\"} " << latency.sum << "\n";
    out << "casegate_http_request_duration_seconds_count{route=\"" << route << "\"} " << latency.count << "\n";
  }
  out << "# HELP casegate_commit_batch_size Commands carried by each commit (group commit).\n"
         "# TYPE casegate_commit_batch_size histogram\n";
  std::uint64_t cumulative = 0, commits_total = 0;
  for (std::size_t b = 0; b < CommitStats::buckets; ++b) {
    cumulative += commits.commits_by_size[b];
    if (b + 1 < CommitStats::buckets)
      out << "casegate_commit_batch_size_bucket{le=\"" << CommitStats::bucket_limit(b) << "\"} " << cumulative << "\n";
  }
  commits_total = cumulative;
  out << "casegate_commit_batch_size_bucket{le=\"+Inf\"} " << commits_total << "\n";
  out << "casegate_commit_batch_size_sum " << commits.commands << "\n";
  out << "casegate_commit_batch_size_count " << commits_total << "\n";
  return out.str();
}

}  // namespace casegate::server
