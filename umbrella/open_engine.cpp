// The composition root: the engine, the SQLite store and the seed workflows, linked together as
// casegate::casegate. Nothing under engine/ knows the other two.
#include "casegate/casegate.hpp"

namespace casegate {

Result<std::unique_ptr<Engine>> open_engine(const std::string& path, const SqliteOptions& options,
                                            std::shared_ptr<const Clock> clock) {
  return open_sqlite_engine(path, seed_workflows(), options, std::move(clock));
}

}  // namespace casegate
