#pragma once
// The one header embedders include: the engine on a SQLite file, or a PostgreSQL database, with the
// seed workflows.

#include <memory>
#include <string>

#include "casegate/engine.hpp"
#include "casegate/postgres_store.hpp"
#include "casegate/seed_reports.hpp"
#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"

namespace casegate {

// Opens (creating and migrating as needed) the database at `path`, or an in-memory one for
// ":memory:", with every seed workflow registered. A `path` starting postgresql:// or postgres://
// is a libpq URI: the PostgreSQL store, which waits options.busy_timeout_ms for another server's
// command (options.synchronous is SQLite's alone). `clock` null: the system clock.
// integrity when the database was written by a newer casegate schema.
Result<std::unique_ptr<Engine>> open_engine(const std::string& path, const SqliteOptions& options = {},
                                            std::shared_ptr<const Clock> clock = nullptr);

}  // namespace casegate
