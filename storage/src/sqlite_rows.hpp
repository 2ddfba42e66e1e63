#pragma once
// The scope of a query as SQLite parameters; the rows are read by store_common.hpp's readers.
#include "casegate/clocks.hpp"
#include "casegate/oversight.hpp"
#include "casegate/records.hpp"
#include "sqlite.hpp"
#include "store_common.hpp"

namespace casegate::storage {

// A scope as two parameters, ?N and ?N+1: the team (empty: every team), then the workflows as a
// JSON array for json_each (null: every workflow). in_scope(N) is the condition on `cases c`.
std::string in_scope(int first_index);
void bind_scope(sqlite::Statement::Use& q, int first_index, const CaseScope& scope);

}  // namespace casegate::storage
