#include "wal_pages.hpp"

#include <sqlite3.h>

#include <mutex>

namespace casegate::bench {
namespace {

// SQLite's default wal_autocheckpoint.
constexpr int checkpoint_at_pages = 1000;

std::mutex counted;
std::int64_t pages = 0;
int frames_before = 0;  // the log's length after the previous commit

int on_commit(void*, sqlite3* db, const char* schema, int frames) {
  {
    std::lock_guard lock(counted);
    // A log that has been checkpointed in full starts again from its first frame.
    pages += frames >= frames_before ? frames - frames_before : frames;
    frames_before = frames;
  }
  if (frames >= checkpoint_at_pages) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return SQLITE_OK;
}

// SQLite sets its own checkpointing WAL hook after a connection's auto-extensions have run, so
// the counting hook is set as the connection's first commit begins, and then stays.
int before_first_commit(void* connection) {
  auto* db = static_cast<sqlite3*>(connection);
  sqlite3_wal_hook(db, on_commit, nullptr);
  sqlite3_commit_hook(db, nullptr, nullptr);
  return 0;
}

int hook_connection(sqlite3* db, const char**, const sqlite3_api_routines*) {
  sqlite3_commit_hook(db, before_first_commit, db);
  return SQLITE_OK;
}

}  // namespace

void count_wal_pages() {
  // Registering an auto-extension initialises SQLite, after which the store's own configuration
  // (memory statistics off: a process-wide mutex on every allocation) is refused; set it first.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(hook_connection));
}

std::int64_t wal_pages() {
  std::lock_guard lock(counted);
  return pages;
}

}  // namespace casegate::bench
