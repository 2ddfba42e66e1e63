#pragma once
// The PostgreSQL store: the four storage seams over one libpq connection, and the engine on it.
// Several engines, in one process or on several machines, may share one database.

#include <memory>
#include <string>
#include <string_view>

#include "casegate/audit_hash.hpp"
#include "casegate/case_store.hpp"
#include "casegate/engine.hpp"
#include "casegate/status.hpp"

namespace casegate {

struct PostgresOptions {
  // How long a command waits for another server's command before failing with conflict.
  int lock_timeout_ms = 5000;
};

// true when `db` names a PostgreSQL database: a libpq URI starting postgresql:// or postgres://.
bool is_postgres_uri(std::string_view db);

// Connects to the database at `uri` (a libpq URI, e.g. postgresql:///casegate?host=/run/postgresql)
// and migrates its schema to the latest version.
// integrity: the schema is newer than this casegate; internal: it cannot connect.
Result<Storage> open_postgres_store(const std::string& uri, const PostgresOptions& options = {});

// An engine on the database at `uri` running `workflows`. `clock` null: the system clock.
Result<std::unique_ptr<Engine>> open_postgres_engine(const std::string& uri, WorkflowRegistry workflows,
                                                     const PostgresOptions& options = {},
                                                     std::shared_ptr<const Clock> clock = nullptr);

// Copies everything in the SQLite database at `sqlite_path` into the empty PostgreSQL database at
// `uri` (migrating it first), in one transaction, keeping every id, seq and hash. The source's
// chain is verified entry by entry as it is copied; returns its head.
// invalid_input: the target already holds data; integrity: the source chain does not verify.
Result<ChainHead> copy_sqlite_to_postgres(const std::string& sqlite_path, const std::string& uri);

}  // namespace casegate
