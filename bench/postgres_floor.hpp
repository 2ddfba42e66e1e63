#pragma once
// The raw libpq floor for W1 on PostgreSQL (see postgres_floor.cpp).
#include <string>

#include "storage_floor.hpp"

namespace casegate::bench {

// W1's command shapes on PostgreSQL with scripted outcomes, in tables of its own (floor_*) in the
// database at `uri`, which must not have them: per command one transaction that locks the chain
// head, reads the case and its tasks, writes the case or task row, appends the hashed audit row
// and moves the head. Throws when the end state is not W1's.
FloorFigures postgres_floor(const std::string& uri, int cases);

}  // namespace casegate::bench
