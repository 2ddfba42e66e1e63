#include "sqlite_connection.hpp"

#include "schema.hpp"

namespace casegate::storage {

using sqlite::SqliteError;

Status to_status(const SqliteError& error) {
  switch (error.code()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::conflict("database is busy: " + std::string(error.what()));
    case SQLITE_FULL: return Status::internal("disk full: " + std::string(error.what()));
    case SQLITE_IOERR:
      return Status::internal("cannot write the database file (disk full or I/O error): " + std::string(error.what()));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::integrity("database file is damaged: " + std::string(error.what()));
    default: return Status::internal("database error: " + std::string(error.what()));
  }
}

namespace {

// The connection configured and its schema migrated, before any statement is prepared on it.
sqlite::Database& configured(sqlite::Database& db, const SqliteOptions& options) {
  sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_busy_timeout(db.handle(), options.busy_timeout_ms);
  db.execute("PRAGMA journal_mode=WAL");
  switch (options.synchronous) {
    case Synchronous::full: db.execute("PRAGMA synchronous=FULL"); break;
    case Synchronous::normal: db.execute("PRAGMA synchronous=NORMAL"); break;
    case Synchronous::off: db.execute("PRAGMA synchronous=OFF"); break;
  }
  db.execute("PRAGMA foreign_keys=ON");
  // Without it, INSERT OR REPLACE deletes rows without firing the append-only DELETE trigger.
  db.execute("PRAGMA recursive_triggers=ON");
  migrate(db);
  return db;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, const SqliteOptions& options)
    // NOMUTEX: the Engine serialises every use of a store, so SQLite's own per-call locking is
    // pure cost (about a tenth of a command's CPU time in memory).
    : db_(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX),
      begin_(configured(db_, options), "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      savepoint_(db_, "SAVEPOINT command"),
      release_(db_, "RELEASE command"),
      data_version_(db_, "PRAGMA data_version") {
  // Only a file has a write-ahead log (":memory:" and temporary databases have no name).
  const char* file = sqlite3_db_filename(db_.handle(), "main");
  if (file != nullptr && *file != '\0')
    checkpointer_ = std::make_unique<WalCheckpointer>(db_.handle(), file, options.wal_checkpoint_in_background);
}

Status SqliteConnection::begin_command() {
  return guarded([&] {
    if (in_batch_ || open_commands_ > 0)
      savepoint_.start().run();
    else {
      begin_.start().run();
      check_other_writers();
    }
    ++open_commands_;
    return Status::ok();
  });
}

bool SqliteConnection::innermost_is_savepoint() const {
  return in_batch_ || open_commands_ > 1;
}

void SqliteConnection::finish(sqlite::Statement& statement) {
  try {
    statement.start().run();
  } catch (...) {
    forget_cached();
    throw;
  }
}

Status SqliteConnection::commit_command() {
  return guarded([&] {
    finish(innermost_is_savepoint() ? release_ : commit_);
    if (open_commands_ > 0) --open_commands_;
    return Status::ok();
  });
}

void SqliteConnection::rollback_command() noexcept {
  forget_cached();  // the parts' caches may hold what the rolled-back command wrote
  if (open_commands_ == 0 && !in_batch_) {
    // None open by us; a failed COMMIT may still have left SQLite's transaction open.
    if (!sqlite3_get_autocommit(db_.handle())) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    return;
  }
  if (open_commands_ == 0) return;  // in a batch, with no command open
  const bool savepoint = innermost_is_savepoint();
  --open_commands_;
  if (savepoint) {
    sqlite3_exec(db_.handle(), "ROLLBACK TO command; RELEASE command", nullptr, nullptr, nullptr);
    return;
  }
  if (!sqlite3_get_autocommit(db_.handle())) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status SqliteConnection::begin_batch() {
  return guarded([&] {
    begin_.start().run();
    check_other_writers();
    in_batch_ = true;
    return Status::ok();
  });
}

Status SqliteConnection::commit_batch() {
  in_batch_ = false;
  open_commands_ = 0;
  return guarded([&] {
    finish(commit_);
    return Status::ok();
  });
}

void SqliteConnection::rollback_batch() noexcept {
  in_batch_ = false;
  open_commands_ = 0;
  forget_cached();
  if (!sqlite3_get_autocommit(db_.handle())) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteConnection::check_other_writers() {
  auto version = data_version_.start();
  version.step();
  std::int64_t now = version.integer(0);
  if (now != last_data_version_) {
    forget_cached();
    last_data_version_ = now;
  }
}

}  // namespace casegate::storage
