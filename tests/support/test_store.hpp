#pragma once
// The test's store opened as the engine's seams (see test_database.hpp for which store).
#include <string>

#include "casegate/case_store.hpp"
#include "test_database.hpp"

namespace casegate::testing {

// The four seams on test_database(":memory:"), or on `db` (a path or a URI).
Storage open_test_store();
Storage open_test_store(const std::string& db);
// Edits the database behind the engine's back, as its owner could: the sqlite3 shell on a file,
// the cluster's superuser on PostgreSQL (whose SQL runs in the test's schema).
void edit_as_owner(const std::string& db, const std::string& sqlite_sql, const std::string& postgres_sql);

}  // namespace casegate::testing
