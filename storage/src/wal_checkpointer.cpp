#include "wal_checkpointer.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace casegate::storage {
namespace {

std::atomic<std::int64_t> appended{0};

// Adds the pages `db` has written since the last call. In WAL mode every page the pager writes is
// a frame appended to the log; counting them here, rather than from the log's length that the
// hook is given, stays exact when the log starts again.
void count_pages_written(sqlite3* db) {
  int pages = 0, highest = 0;
  sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &pages, &highest, 1);
  appended.fetch_add(pages, std::memory_order_relaxed);
}

void checkpoint(sqlite3* db, const char* schema) {
  const int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  // Busy: another checkpoint is running, or a reader holds the log; the next one copies the rest.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
    spdlog::warn("cannot checkpoint the write-ahead log: {}", sqlite3_errstr(rc));
}

}  // namespace

WalCheckpointer::WalCheckpointer(sqlite3* writer, const std::string& path, bool background,
                                 CheckpointThresholds thresholds)
    : writer_(writer), thresholds_(thresholds) {
  if (background) {
    try {
      checkpointing_ = std::make_unique<sqlite::Database>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
      // A connection finds the log when it first reads.
      checkpointing_->execute("SELECT count(*) FROM sqlite_schema");
    } catch (const sqlite::SqliteError& error) {
      spdlog::warn("checkpoints run in the committing thread: {}", error.what());
      checkpointing_.reset();
    }
  }
  count_pages_written(writer);  // the migrations'
  sqlite3_wal_hook(writer, &WalCheckpointer::on_commit, this);
  if (checkpointing_)
    thread_ = std::thread([this] {
      // Named for `top -H` and /proc: an operator can see what the second core is doing.
      pthread_setname_np(pthread_self(), "casegate-wal");
      run();
    });
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);  // the hook would outlive this
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_one();
  thread_.join();
}

std::int64_t WalCheckpointer::pages_appended() {
  return appended.load(std::memory_order_relaxed);
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages_in_log) {
  static_cast<WalCheckpointer*>(self)->after_commit(db, schema, pages_in_log);
  return SQLITE_OK;
}

void WalCheckpointer::after_commit(sqlite3* db, const char* schema, int pages_in_log) {
  count_pages_written(db);

  if (!checkpointing_) {
    if (pages_in_log >= thresholds_.background_at) checkpoint(db, schema);
    return;
  }
  if (pages_in_log >= thresholds_.writer_at) {
    // A copy under way on the other thread would leave ours busy. It usually ends within a few
    // commits, and they need not wait for it; but a busy disk can hold its syncs up for as long
    // as the log takes to double, and past that the commit waits for it and then copies the rest.
    std::unique_lock copy(copying_, std::defer_lock);
    if (pages_in_log >= 2 * thresholds_.writer_at)
      copy.lock();
    else if (!copy.try_lock())
      return;
    checkpoint(db, schema);
    return;
  }
  // Once per `background_at` new pages, not after every commit: each checkpoint syncs two files.
  if (pages_in_log < requested_at_) requested_at_ = 0;  // a log copied in full starts again
  if (pages_in_log - requested_at_ < thresholds_.background_at) return;
  requested_at_ = pages_in_log;
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wanted_.notify_one();
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wanted_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    {
      std::lock_guard copy(copying_);
      checkpoint(checkpointing_->handle(), "main");
    }
    lock.lock();
  }
}

}  // namespace casegate::storage
