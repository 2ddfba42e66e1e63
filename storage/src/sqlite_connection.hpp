#pragma once
// One SQLite connection and its transactions, shared by the store's three parts (cases, audit
// log, oversight), each of which prepares its own statements on it.
#include <cstdint>
#include <memory>
#include <string>

#include "casegate/case_store.hpp"
#include "casegate/sqlite_store.hpp"
#include "sqlite.hpp"
#include "store_common.hpp"
#include "wal_checkpointer.hpp"

namespace casegate::storage {

// What a storage exception means to the engine: nothing throws past the store.
Status to_status(const sqlite::SqliteError& error);

// Runs `body`, turning storage exceptions into a Status.
template <class F>
auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const sqlite::SqliteError& error) {
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

class SqliteConnection final : public Transactions, public CacheGeneration {
 public:
  SqliteConnection(const std::string& path, const SqliteOptions& options);

  sqlite::Database& db() { return db_; }
  Status begin_command() override;
  Status commit_command() override;
  void rollback_command() noexcept override;
  Status begin_batch() override;
  Status commit_batch() override;
  void rollback_batch() noexcept override;

 private:
  // Called with the write lock just taken: nobody else can write until we commit, so if no other
  // connection has committed since our last command (PRAGMA data_version), the caches hold.
  void check_other_writers();
  // The innermost open command is a savepoint (in a batch, or inside another command).
  bool innermost_is_savepoint() const;
  // COMMIT or RELEASE; a failure leaves the caches untrusted.
  void finish(sqlite::Statement& statement);

  sqlite::Database db_;
  sqlite::Statement begin_, commit_, savepoint_, release_, data_version_;
  bool in_batch_ = false;
  int open_commands_ = 0;  // begun and not yet committed or rolled back
  std::int64_t last_data_version_ = -1;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // last: its thread stops before the connection closes
};

}  // namespace casegate::storage
