// Composes the engine with the SQLite store and the seed workflows: what embedders link
// as casegate::casegate.
#include "casegate/casegate.hpp"
#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"

namespace casegate {

Result<std::unique_ptr<Engine>> open_engine(const std::string& path, EngineOptions options) {
  SqliteStoreOptions store_options;
  switch (options.synchronous) {
    case Synchronous::full: store_options.synchronous = "FULL"; break;
    case Synchronous::normal: store_options.synchronous = "NORMAL"; break;
    case Synchronous::off: store_options.synchronous = "OFF"; break;
  }
  store_options.busy_timeout_ms = options.busy_timeout_ms;
  auto store = open_sqlite_store(path, store_options);
  if (!store) return store.status();
  std::shared_ptr<const Clock> clock = options.clock;
  if (!clock) clock = std::make_shared<SystemClock>();
  return std::make_unique<Engine>(std::move(*store), seed_workflows(), std::move(clock));
}

}  // namespace casegate
