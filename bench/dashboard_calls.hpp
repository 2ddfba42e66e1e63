#pragma once
#include <string>

namespace casegate::bench {

// casegate-bench dashboard: the server time of each /v1 call the dashboard's overview makes, run
// through the command protocol as casegate serve runs them, as a team manager (one team) and an
// auditor (every team).
int time_dashboard(const std::string& db, int runs);

}  // namespace casegate::bench
