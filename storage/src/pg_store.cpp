// Composes the PostgreSQL store: one connection, its three parts, handed out as the four seams.
#include "casegate/postgres_store.hpp"
#include "pg_audit_log.hpp"
#include "pg_case_store.hpp"
#include "pg_connection.hpp"
#include "pg_oversight_store.hpp"
#include "pg_schema.hpp"

namespace casegate {
namespace {

using namespace storage;

struct PostgresStorage {
  PostgresStorage(const std::string& uri, const PostgresOptions& options)
      : connection(uri, options), cases(connection), audit(connection), oversight(connection) {}
  PgConnection connection;
  PgCaseStore cases;
  PgAuditLog audit;
  PgOversightStore oversight;
};

}  // namespace

bool is_postgres_uri(std::string_view db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

Result<Storage> open_postgres_store(const std::string& uri, const PostgresOptions& options) {
  try {
    auto all = std::make_shared<PostgresStorage>(uri, options);
    // Each seam shares ownership of the whole, so the connection lives while any seam is held.
    return Storage{std::shared_ptr<Transactions>(all, &all->connection), std::shared_ptr<CaseStore>(all, &all->cases),
                   std::shared_ptr<AuditLog>(all, &all->audit), std::shared_ptr<OversightStore>(all, &all->oversight)};
  } catch (const SchemaTooNew& error) {
    return Status::integrity(error.what());
  } catch (const pg::PgError& error) {
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

Result<std::unique_ptr<Engine>> open_postgres_engine(const std::string& uri, WorkflowRegistry workflows,
                                                     const PostgresOptions& options,
                                                     std::shared_ptr<const Clock> clock) {
  auto storage = open_postgres_store(uri, options);
  if (!storage) return storage.status();
  return std::make_unique<Engine>(std::move(*storage), std::move(workflows), std::move(clock));
}

}  // namespace casegate
