#pragma once
#include <string>

namespace casegate::bench {

struct FloorFigures {
  long commands;
  double seconds;
  long wal_pages;      // appended to the WAL by the commands (sqlite_wal_pages_appended); 0 in memory
  double cpu_seconds;  // of every thread, the store's checkpoint thread included
};

// W1's storage work on casegate's schema with scripted values (see storage_floor.cpp): `cases`
// cases into a new database at `path` (or :memory:). Throws when the end state is not W1's.
FloorFigures storage_floor(const std::string& path, int cases, const std::string& synchronous,
                           bool wal_checkpoint_in_background);

}  // namespace casegate::bench
