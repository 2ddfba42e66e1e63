#pragma once
// The PostgreSQL schema as ordered migrations, recorded in the table casegate_schema. The same
// tables and columns as the SQLite schema, so that export, copy and the audit hashes agree: text
// columns are compared byte by byte (COLLATE "C"), as SQLite compares them.
#include <vector>

#include "pg.hpp"
#include "schema.hpp"

namespace casegate::storage {

const std::vector<Migration>& pg_migrations();
// Brings the database to the latest version, one transaction per migration, under an
// advisory lock held while it migrates, so that servers starting together migrate once.
// Throws SchemaTooNew.
void pg_migrate(pg::Connection& connection);

}  // namespace casegate::storage
