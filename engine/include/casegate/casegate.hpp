#pragma once
// The one header embedders include: the engine on a SQLite file with the seed workflows.

#include <memory>
#include <string>

#include "casegate/engine.hpp"
#include "casegate/status.hpp"
#include "casegate/time.hpp"

namespace casegate {

enum class Synchronous { full, normal, off };

struct EngineOptions {
  // Default: full. `normal` can lose the last commits on power loss (never corrupts).
  Synchronous synchronous = Synchronous::full;
  // How long a command waits for another writer before failing with conflict. Default: 5000.
  int busy_timeout_ms = 5000;
  // Default: the system clock.
  std::shared_ptr<const Clock> clock;
};

// Opens (creating and migrating as needed) the database at `path`, or an in-memory one for
// ":memory:", with every seed workflow registered.
// integrity when the file was written by a newer casegate schema.
Result<std::unique_ptr<Engine>> open_engine(const std::string& path, EngineOptions options = {});

}  // namespace casegate
