#pragma once
// One PostgreSQL connection and its transactions, shared by the store's three parts (cases, audit
// log, oversight), each of which prepares its own statements on it.
//
// Every command's transaction starts by locking the one chain-head row FOR UPDATE: writers on
// every server are serialised as SQLite serialises them (BEGIN IMMEDIATE), so the audit chain
// has no gaps or forks and a stale --expect-version is seen as a conflict, never a lost update.
#include <cstdint>
#include <string>

#include "casegate/case_store.hpp"
#include "casegate/postgres_store.hpp"
#include "pg.hpp"
#include "store_common.hpp"

namespace casegate::storage {

// What a PostgreSQL failure means to the engine: nothing throws past the store.
Status to_status(const pg::PgError& error);

// Runs `body`, turning storage exceptions into a Status.
template <class F>
auto pg_guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const pg::PgError& error) {
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

// An instant as stored: its canonical text, compared byte by byte.
inline pg::Value time_value(Instant at) {
  return format_instant(at);
}

class PgConnection final : public Transactions, public CacheGeneration {
 public:
  PgConnection(const std::string& uri, const PostgresOptions& options);

  pg::Connection& db() { return db_; }
  // The chain's head as the open transaction holds it locked; append moves it.
  ChainHead& head() { return head_; }

  Status begin_command() override;
  Status commit_command() override;
  void rollback_command() noexcept override;
  Status begin_batch() override;
  Status commit_batch() override;
  void rollback_batch() noexcept override;

 private:
  // BEGIN and lock the head; reconnects first when the server went away since the last command.
  // When another server appended since our last commit, the parts' caches are dropped.
  void begin_transaction();
  void set_up_session();
  void reconnect();
  bool innermost_is_savepoint() const { return in_batch_ || open_commands_ > 1; }
  void finish(const char* sql);
  void reread_head();

  const PostgresOptions options_;
  pg::Connection db_;
  pg::Statement lock_head_, read_head_;
  bool in_batch_ = false;
  int open_commands_ = 0;
  ChainHead head_;
  std::int64_t seen_seq_ = -1;  // the head's seq when our last transaction ended
};

}  // namespace casegate::storage
