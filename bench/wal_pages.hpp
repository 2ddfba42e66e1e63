#pragma once
#include <cstdint>

namespace casegate::bench {

// Counts the pages every commit appends to a database's write-ahead log, for every SQLite
// connection this process opens after the call (an auto-extension hooks each one).
// The hook replaces SQLite's automatic checkpoint, so it checkpoints as that does: passively,
// once the log holds 1,000 pages. Nothing is counted for :memory:, which has no WAL.
void count_wal_pages();

// Pages counted since count_wal_pages().
std::int64_t wal_pages();

}  // namespace casegate::bench
