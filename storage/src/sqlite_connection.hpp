#pragma once
// One SQLite connection and its transactions, shared by the store's three parts (cases, audit
// log, oversight), each of which prepares its own statements on it.
#include <cstdint>
#include <memory>
#include <string>

#include "casegate/case_store.hpp"
#include "casegate/sqlite_store.hpp"
#include "sqlite.hpp"

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

// Stored text read back; a malformed value means the file was edited (throws).
Instant parse_stored_time(std::string_view text);
Role parse_stored_role(std::string_view text);

class SqliteConnection final : public Transactions {
 public:
  SqliteConnection(const std::string& path, const SqliteOptions& options);

  sqlite::Database& db() { return db_; }
  // Moves on whenever what a part caches between commands may be stale: after a rollback, or
  // when another connection has committed since our last command. Parts compare it with the
  // generation they cached at.
  std::uint64_t cache_generation() const { return cache_generation_; }

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
  void forget_cached() noexcept { ++cache_generation_; }
  // The innermost open command is a savepoint (in a batch, or inside another command).
  bool innermost_is_savepoint() const;
  // COMMIT or RELEASE; a failure leaves the caches untrusted.
  void finish(sqlite::Statement& statement);

  sqlite::Database db_;
  sqlite::Statement begin_, commit_, savepoint_, release_, data_version_;
  bool in_batch_ = false;
  int open_commands_ = 0;  // begun and not yet committed or rolled back
  std::int64_t last_data_version_ = -1;
  std::uint64_t cache_generation_ = 0;
};

// A value a part keeps between commands, dropped when the connection's generation moves.
template <class T>
class Cached {
 public:
  explicit Cached(const SqliteConnection& connection) : connection_(connection) {}
  T* get() {
    if (generation_ != connection_.cache_generation()) value_.reset();
    return value_ ? &*value_ : nullptr;
  }
  T& set(T value) {
    generation_ = connection_.cache_generation();
    return value_.emplace(std::move(value));
  }
  void reset() { value_.reset(); }

 private:
  const SqliteConnection& connection_;
  std::uint64_t generation_ = 0;
  std::optional<T> value_;
};

}  // namespace casegate::storage
