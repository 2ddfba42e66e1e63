#pragma once
// Which store a store-neutral test runs on. ctest runs each such program twice: as it is, on
// SQLite, and with CASEGATE_TEST_STORE=postgresql, on a fresh schema of the throwaway cluster
// whose URI tools/test puts in CASEGATE_TEST_POSTGRES. Tests tagged [sqlite] are about the
// SQLite file itself and run only on it. This part needs libpq, not the engine.
#include <string>

namespace casegate::testing {

bool testing_postgres();
// The database for one test: `sqlite` (a path or ":memory:"), or on PostgreSQL a URI whose
// search_path is a schema made for this call, so that every test starts empty.
std::string test_database(const std::string& sqlite);
// Runs SQL on a PostgreSQL database as the cluster's superuser: "" when it succeeds, else the
// server's error message.
std::string postgres_error_of(const std::string& uri, const std::string& sql);

}  // namespace casegate::testing
