#pragma once
// The SQLite store: the four storage seams over one SQLite connection, and the engine on it.

#include <memory>
#include <string>

#include "casegate/audit_hash.hpp"
#include "casegate/audit_log.hpp"
#include "casegate/case_store.hpp"
#include "casegate/engine.hpp"
#include "casegate/oversight_store.hpp"
#include "casegate/status.hpp"

namespace casegate {

enum class Synchronous { full, normal, off };

struct SqliteOptions {
  // PRAGMA synchronous. Default: full. `normal` can lose the last commits on power loss (never
  // corrupts).
  Synchronous synchronous = Synchronous::full;
  // How long a command waits for another writer before failing with conflict. Default: 5000.
  int busy_timeout_ms = 5000;
  // Who copies the write-ahead log back into the database file. true (default): a thread of the
  // store's own, on a second connection, so no commit waits for it (W1 at `normal` runs about a
  // third faster). false: the committing thread, once the log holds 1,000 pages, as SQLite does
  // by itself. Either way every commit is as durable as `synchronous` says.
  bool wal_checkpoint_in_background = true;
};

// Pages that every SQLite store of this process has appended to its write-ahead log, counted by
// the store's WAL hook commit by commit (":memory:" has no log and adds none): what commands cost
// the disk, for benchmarks and capacity planning.
std::int64_t sqlite_wal_pages_appended();

// Opens or creates the database at `path` (":memory:" for a private in-memory one), in WAL
// mode, and migrates its schema to the latest version.
// integrity: the schema is newer than this casegate; internal: the file cannot be opened.
Result<Storage> open_sqlite_store(const std::string& path, const SqliteOptions& options = {});

// An engine on the database at `path` running `workflows`. `clock` null: the system clock.
Result<std::unique_ptr<Engine>> open_sqlite_engine(const std::string& path, WorkflowRegistry workflows,
                                                   const SqliteOptions& options = {},
                                                   std::shared_ptr<const Clock> clock = nullptr);

}  // namespace casegate
