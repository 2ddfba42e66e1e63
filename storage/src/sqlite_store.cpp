// Composes the SQLite store: one connection, its three parts, handed out as the four seams.
#include "casegate/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include "schema.hpp"
#include "sqlite_audit_log.hpp"
#include "sqlite_case_store.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_oversight_store.hpp"

namespace casegate {
namespace {

using namespace storage;

// Everything one SQLite database is, in the order it must be built and torn down.
struct SqliteStorage {
  SqliteStorage(const std::string& path, const SqliteOptions& options)
      : connection(path, options), cases(connection), audit(connection), oversight(connection) {}
  SqliteConnection connection;
  SqliteCaseStore cases;
  SqliteAuditLog audit;
  SqliteOversightStore oversight;
};

}  // namespace

Result<Storage> open_sqlite_store(const std::string& path, const SqliteOptions& options) {
  try {
    auto all = std::make_shared<SqliteStorage>(path, options);
    // Each seam shares ownership of the whole, so the database lives while any seam is held.
    return Storage{std::shared_ptr<Transactions>(all, &all->connection), std::shared_ptr<CaseStore>(all, &all->cases),
                   std::shared_ptr<AuditLog>(all, &all->audit), std::shared_ptr<OversightStore>(all, &all->oversight)};
  } catch (const SchemaTooNew& error) {
    return Status::integrity(error.what());
  } catch (const sqlite::SqliteError& error) {
    spdlog::warn("cannot open {}: {}", path, error.what());
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

std::int64_t sqlite_wal_pages_appended() {
  return WalCheckpointer::pages_appended();
}

Result<std::unique_ptr<Engine>> open_sqlite_engine(const std::string& path, WorkflowRegistry workflows,
                                                   const SqliteOptions& options, std::shared_ptr<const Clock> clock) {
  auto storage = open_sqlite_store(path, options);
  if (!storage) return storage.status();
  return std::make_unique<Engine>(std::move(*storage), std::move(workflows), std::move(clock));
}

}  // namespace casegate
