// The composition root: the engine, a store (SQLite, or PostgreSQL for a postgresql:// URI) and
// the seed workflows, linked together as casegate::casegate. Nothing under engine/ knows the others.
#include "casegate/casegate.hpp"

namespace casegate {

Result<std::unique_ptr<Engine>> open_engine(const std::string& path, const SqliteOptions& options,
                                            std::shared_ptr<const Clock> clock) {
  if (is_postgres_uri(path))
    return open_postgres_engine(path, seed_workflows(), PostgresOptions{options.busy_timeout_ms}, std::move(clock));
  return open_sqlite_engine(path, seed_workflows(), options, std::move(clock));
}

}  // namespace casegate
