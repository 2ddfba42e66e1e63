#pragma once
// The write-ahead log of the store's connection. Its WAL hook counts the pages each commit
// appends, and it copies the log back into the database file (a checkpoint).
//
// SQLite's automatic checkpoint runs in the committing thread once the log holds 1,000 pages: it
// syncs the log, copies its pages and syncs the file, about 7 ms every 170 W1 commands, a third of
// W1's time at synchronous=NORMAL. Here a thread of the store's own does that on a second
// connection while commits go on: a passive checkpoint never blocks a writer, and the commits
// stay as durable as before (the checkpoint does what SQLite's own would, on another thread).
//
// The log starts again from its first page only when a commit finds it copied in full, which a
// checkpoint beside a busy writer seldom leaves. So once the log holds `writer_at` pages, the
// committing thread copies what is left itself (a few pages), and the next commit starts the log
// again: the log stays under `writer_at` pages and a little more. While the other thread is
// copying, commits go on; if its syncs are held up until the log holds twice `writer_at` pages,
// the committing thread waits for them, so the log stays under that however slow the disk.
#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite.hpp"

namespace casegate::storage {

// Pages in the log.
struct CheckpointThresholds {
  int background_at = 1000;  // SQLite's own wal_autocheckpoint
  int writer_at = 8000;
};

class WalCheckpointer {
 public:
  // Sets `writer`'s WAL hook, which replaces SQLite's automatic checkpoint. `background` false,
  // or a second connection to `path` that cannot be opened: the committing thread checkpoints
  // once the log holds `background_at` pages, as SQLite does by itself.
  WalCheckpointer(sqlite3* writer, const std::string& path, bool background, CheckpointThresholds thresholds = {});
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Pages appended to write-ahead logs by every store in this process.
  static std::int64_t pages_appended();

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages_in_log);
  void after_commit(sqlite3* db, const char* schema, int pages_in_log);
  void run();

  sqlite3* const writer_;
  const CheckpointThresholds thresholds_;
  std::unique_ptr<sqlite::Database> checkpointing_;  // null: the committing thread checkpoints
  int requested_at_ = 0;  // the log's length when the thread was last asked; the committing thread's
  // Shared with the checkpointing thread.
  std::mutex mutex_;
  std::condition_variable wanted_;
  bool requested_ = false;
  bool stopping_ = false;
  std::mutex copying_;  // held by whichever thread is copying the log
  std::thread thread_;
};

}  // namespace casegate::storage
