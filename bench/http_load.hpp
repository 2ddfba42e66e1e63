#pragma once
// casegate-bench http: W1 over loopback HTTP against `casegate serve` (a child process), with the
// in-process W1 measured in the same run; latency percentiles, and the server's RSS growth.
#include <string>
#include <vector>

namespace casegate::bench {

struct HttpBenchOptions {
  int cases = 2000;
  int connections = 64;
  int rounds = 1;
  int server_threads = 32;
  std::vector<std::string> syncs{"NORMAL", "FULL"};
  long rss_requests = 0;  // > 0: also RSS after 10,000 and after this many requests (NORMAL)
  std::string casegate;   // the casegate binary (default: beside casegate-bench)
  std::string dir;        // scratch folder for databases, keys and the server's log
};

int run_http_bench(const HttpBenchOptions& options);

}  // namespace casegate::bench
