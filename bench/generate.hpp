#pragma once
#include <cstdint>
#include <string>

#include "casegate/time.hpp"

namespace casegate::bench {

struct GenerateFigures {
  std::int64_t cases, tasks, clocks, audit_entries;
  double seconds;
};

// Writes `cases` cases with about `audit_per_case` audit entries each into a new database.
GenerateFigures generate(const std::string& path, std::int64_t cases, int audit_per_case, Instant now);

// Times overdue (as of now, first 500) and timeliness (clocks due in the last 90 days and the
// last 365, by clock and by team) through the engine; prints medians in ms. Returns an exit code.
int time_reports(const std::string& path, int runs);

}  // namespace casegate::bench
