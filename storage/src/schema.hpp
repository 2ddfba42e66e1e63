#pragma once
// The database schema as ordered migrations. PRAGMA user_version holds the number of the last
// migration applied. Never edit a released migration: add the next one.

#include <vector>

#include "sqlite.hpp"

namespace casegate::storage {

struct Migration {
  int version;
  const char* why;  // one line, for the log and for reviewers
  const char* sql;
};

const std::vector<Migration>& migrations();
int latest_schema_version();

// Brings the database to the latest version, one transaction per migration.
// Throws SchemaTooNew when the file was written by a newer casegate.
struct SchemaTooNew : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void migrate(sqlite::Database& db);
int schema_version(sqlite::Database& db);

}  // namespace casegate::storage
