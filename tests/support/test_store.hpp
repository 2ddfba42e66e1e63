#pragma once
// Which store a store-neutral test runs on. ctest runs each such program twice: as it is, on
// SQLite, and with CASEGATE_TEST_STORE=postgresql, on a fresh schema of the throwaway cluster
// whose URI tools/test puts in CASEGATE_TEST_POSTGRES. Tests tagged [sqlite] are about the
// SQLite file itself and run only on it.
#include <string>

#include "casegate/case_store.hpp"

namespace casegate::testing {

bool testing_postgres();
// The database for one test: `sqlite` (a path or ":memory:"), or on PostgreSQL a URI whose
// search_path is a schema made for this call, so that every test starts empty.
std::string test_database(const std::string& sqlite);
// The four seams on test_database(":memory:"), or on `db` (a path or a URI).
Storage open_test_store();
Storage open_test_store(const std::string& db);
// Edits the database behind the engine's back, as its owner could: the sqlite3 shell on a file,
// the cluster's superuser on PostgreSQL (whose SQL runs in the test's schema).
// Runs SQL on a PostgreSQL database as the cluster's superuser: "" when it succeeds, else the
// server's error message.
std::string postgres_error_of(const std::string& uri, const std::string& sql);
void edit_as_owner(const std::string& db, const std::string& sqlite_sql, const std::string& postgres_sql);

}  // namespace casegate::testing
