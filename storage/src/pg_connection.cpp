#include "pg_connection.hpp"

#include <algorithm>

#include "pg_schema.hpp"

namespace casegate::storage {

Status to_status(const pg::PgError& error) {
  const std::string& state = error.sqlstate();
  std::string what = error.what();
  if (error.connection_lost()) return Status::internal("lost the connection to PostgreSQL: " + what);
  // Serialization failure, deadlock, lock timeout: another writer held on for too long.
  if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014")
    return Status::conflict("database is busy: " + what);
  if (state == "53100") return Status::internal("disk full: " + what);
  if (state == "XX001" || state == "XX002") return Status::integrity("database is damaged: " + what);
  return Status::internal("database error: " + what);
}

namespace {

pg::Connection& migrated(pg::Connection& db) {
  pg_migrate(db);
  return db;
}

}  // namespace

PgConnection::PgConnection(const std::string& uri, const PostgresOptions& options)
    : options_(options),
      db_(uri),
      lock_head_(migrated(db_), "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"),
      read_head_(db_, "SELECT seq, hash FROM audit_head WHERE id = 1") {
  set_up_session();
}

void PgConnection::set_up_session() {
  // A command waits this long for another server's command before failing with conflict. 0 would
  // mean forever to PostgreSQL; to casegate, as to SQLite, it means not at all.
  const std::string timeout = "SET lock_timeout = " + std::to_string(std::max(1, options_.lock_timeout_ms));
  db_.execute(timeout.c_str());
  // Every query is a short index walk; starting parallel workers for one only adds latency
  // (one team's overdue list at a million cases: 193 ms with them, 20 ms without).
  db_.execute("SET max_parallel_workers_per_gather = 0");
}

void PgConnection::reconnect() {
  forget_cached();
  db_.reconnect();
  set_up_session();
}

void PgConnection::begin_transaction() {
  if (db_.broken()) reconnect();
  for (int attempt = 1;; ++attempt) {
    try {
      auto rows = db_.begin_and_run("BEGIN", lock_head_);
      head_ = {rows.integer(0, 0), rows.text(0, 1)};
      break;
    } catch (const pg::PgError& error) {
      db_.execute_quietly("ROLLBACK");
      // A connection the server closed while idle (a restart, a failover, idle_session_timeout)
      // is only found now; nothing of the command has run, so it can start again on a new one.
      if (!error.connection_lost() || attempt == 2) throw;
      reconnect();
    } catch (...) {
      db_.execute_quietly("ROLLBACK");
      throw;
    }
  }
  if (head_.seq != seen_seq_) forget_cached();
}

void PgConnection::reread_head() {
  auto rows = read_head_.run();
  head_ = {rows.integer(0, 0), rows.text(0, 1)};
}

Status PgConnection::begin_command() {
  return pg_guarded([&] {
    if (in_batch_ || open_commands_ > 0)
      db_.execute("SAVEPOINT command");
    else
      begin_transaction();
    ++open_commands_;
    return Status::ok();
  });
}

void PgConnection::finish(const char* sql) {
  try {
    db_.execute(sql);
  } catch (...) {
    forget_cached();
    seen_seq_ = -1;
    throw;
  }
}

Status PgConnection::commit_command() {
  return pg_guarded([&] {
    const bool savepoint = innermost_is_savepoint();
    finish(savepoint ? "RELEASE SAVEPOINT command" : "COMMIT");
    if (open_commands_ > 0) --open_commands_;
    if (!savepoint) seen_seq_ = head_.seq;
    return Status::ok();
  });
}

void PgConnection::rollback_command() noexcept {
  forget_cached();  // the parts' caches may hold what the rolled-back command wrote
  if (open_commands_ == 0) {
    if (!in_batch_) db_.execute_quietly("ROLLBACK");
    return;
  }
  const bool savepoint = innermost_is_savepoint();
  --open_commands_;
  if (!savepoint) {
    db_.execute_quietly("ROLLBACK");
    return;
  }
  db_.execute_quietly("ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command");
  try {
    reread_head();
  } catch (...) {
    seen_seq_ = -1;  // the transaction is lost with the connection; its commit will fail
  }
}

Status PgConnection::begin_batch() {
  return pg_guarded([&] {
    begin_transaction();
    in_batch_ = true;
    return Status::ok();
  });
}

Status PgConnection::commit_batch() {
  in_batch_ = false;
  open_commands_ = 0;
  return pg_guarded([&] {
    finish("COMMIT");
    seen_seq_ = head_.seq;
    return Status::ok();
  });
}

void PgConnection::rollback_batch() noexcept {
  in_batch_ = false;
  open_commands_ = 0;
  forget_cached();
  db_.execute_quietly("ROLLBACK");
}

}  // namespace casegate::storage
