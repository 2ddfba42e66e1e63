#include "dashboard_calls.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "casegate/casegate.hpp"
#include "casegate/protocol.hpp"

namespace casegate::bench {

int time_dashboard(const std::string& db, int runs) {
  auto opened = open_engine(db);
  if (!opened) {
    std::cerr << "casegate-bench: " << opened.status().to_string() << "\n";
    return 2;
  }
  Engine& engine = **opened;
  // The overview's calls (server/dashboard/pages.js), as the routes turn them into requests.
  const std::vector<std::pair<std::string, nlohmann::json>> calls{
      {"GET /v1/oversight/caseload", {{"command", "oversight caseload"}}},
      {"GET /v1/oversight/overdue?limit=10", {{"command", "oversight overdue"}, {"limit", 10}}},
      {"GET /v1/oversight/due?working_days=5&limit=10",
       {{"command", "oversight due"}, {"working_days", 5}, {"limit", 10}}},
      {"GET /v1/oversight/access?unreviewed=true", {{"command", "oversight access"}, {"unreviewed", true}}},
      {"GET /v1/oversight/actions", {{"command", "oversight actions"}}},
      {"GET /v1/oversight/due?working_days=5&limit=1&workflow=improvement_action",
       {{"command", "oversight due"}, {"working_days", 5}, {"limit", 1}, {"workflow", "improvement_action"}}},
  };
  for (const char* user : {"tm", "aud"}) {
    double total = 0;
    for (const auto& [route, request] : calls) {
      std::vector<double> ms;
      std::size_t bytes = 0;
      for (int r = 0; r < runs; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        ProtocolResponse reply = execute_request(engine, user, request.dump());
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (reply.code != 0) {
          std::cerr << "casegate-bench: " << route << " as " << user << ": " << reply.message << "\n";
          return 1;
        }
        bytes = reply.json.size();
      }
      std::sort(ms.begin(), ms.end());
      double median = ms[ms.size() / 2];
      total += median;
      std::cout << "  " << user << "  " << route << ": median " << median << " ms (" << bytes << " bytes)\n";
      std::cout << "RESULT " << nlohmann::json{{"user", user}, {"call", route}, {"median_ms", median}}.dump() << "\n";
    }
    std::cout << "  " << user << "  the overview's six calls, one after another: " << total << " ms\n";
    std::cout << "RESULT " << nlohmann::json{{"user", user}, {"call", "overview"}, {"median_ms", total}}.dump() << "\n";
  }
  return 0;
}

}  // namespace casegate::bench
