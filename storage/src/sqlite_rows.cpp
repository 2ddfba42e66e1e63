#include "sqlite_rows.hpp"

#include <nlohmann/json.hpp>

#include "sqlite_connection.hpp"

namespace casegate::storage {

std::string in_scope(int first_index) {
  std::string team = "?" + std::to_string(first_index), workflows = "?" + std::to_string(first_index + 1);
  return "(" + team + " = '' OR c.team = " + team + ") AND (" + workflows +
         " IS NULL OR c.workflow IN (SELECT value FROM json_each(" + workflows + ")))";
}

void bind_scope(sqlite::Statement::Use& q, int first_index, const CaseScope& scope) {
  q.bind(first_index, scope.team);
  if (scope.workflows.empty())
    q.bind_null(first_index + 1);
  else
    q.bind_copy(first_index + 1, nlohmann::json(scope.workflows).dump());
}

}  // namespace casegate::storage
