#pragma once
// The command protocol, in one place. Every command goes through the group-commit queue and is
// one transaction (Transaction: rolled back unless committed). A command that changes something
// or views a child's record is audited: the acting user is found and must be active, the body
// runs, one audit entry is appended and the transaction commits; when the body fails, its writes
// are rolled back and the attempt is audited in a transaction of its own.
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "casegate/audit_log.hpp"
#include "casegate/case_store.hpp"
#include "casegate/time.hpp"
#include "command_queue.hpp"
#include "detail_json.hpp"

namespace casegate {

// The audit entry of one command under construction, filled in by its body.
struct AuditBuilder {
  AuditDraft draft;
  DetailJson detail;
};

// One command's transaction: begun by begin(), rolled back on destruction unless committed.
class Transaction {
 public:
  [[nodiscard]] static Result<Transaction> begin(Transactions& transactions);
  Transaction(Transaction&& other) noexcept : transactions_(std::exchange(other.transactions_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() { rollback(); }

  // Still open (to be rolled back) when the commit fails.
  [[nodiscard]] Status commit();
  void rollback() noexcept;

 private:
  explicit Transaction(Transactions& transactions) : transactions_(&transactions) {}
  Transactions* transactions_;  // null once committed or rolled back
};

class CommandRunner {
 public:
  // REQUIRES: `storage` and `clock` outlive the runner.
  CommandRunner(const Storage& storage, const Clock& clock);

  // A command that is audited. `body(const User& actor, AuditBuilder&)` returns Result<T>.
  template <class T, class Body>
  Result<T> audited(std::string_view as, std::string_view action, std::optional<CaseId> case_id, Body&& body) {
    return queued<T>(false, [&]() -> Result<T> {
      auto transaction = Transaction::begin(*storage_.transactions);
      if (!transaction) return transaction.status();
      auto actor = find_actor(as);
      if (!actor) return actor.status();
      AuditBuilder audit{draft_for(*actor, action, case_id), {}};
      Result<T> result = actor->active ? body(*actor, audit) : Result<T>(inactive(*actor));
      if (result) {
        Status written = append_and_commit(*transaction, audit);
        if (written) return result;
        result = Result<T>(written);
      }
      transaction->rollback();
      audit_attempt(audit, result.status());
      return result;
    });
  }

  // A command that only reads and is no view of a child's record (users, settings): the acting
  // user known and active, then rolled back. `body()` returns Result<T>.
  template <class T, class Body>
  Result<T> read(std::string_view as, Body&& body) {
    return read_as<T>(as, [&](const User&) { return body(); });
  }

  // read(), for a body that needs its user: `body(const User& actor)` returns Result<T>.
  template <class T, class Body>
  Result<T> read_as(std::string_view as, Body&& body) {
    return queued<T>(false, [&]() -> Result<T> {
      auto transaction = Transaction::begin(*storage_.transactions);
      if (!transaction) return transaction.status();
      auto actor = find_actor(as);
      if (!actor) return actor.status();
      if (!actor->active) return inactive(*actor);
      return body(*actor);
    });
  }

  // A command with no acting user yet (init): `body()` returns Result<T>; committed when it
  // succeeds.
  template <class T, class Body>
  Result<T> unattended(Body&& body) {
    return queued<T>(false, [&]() -> Result<T> {
      auto transaction = Transaction::begin(*storage_.transactions);
      if (!transaction) return transaction.status();
      Result<T> result = body();
      if (!result) return result;
      if (Status committed = transaction->commit(); !committed) return committed;
      return result;
    });
  }

  CommitStats commit_stats() const { return queue_.stats(); }

  // Engine::once: `command`'s engine commands and its kept reply in one transaction.
  Result<OnceReply> once(std::string_view as, std::string_view key, std::string_view request,
                         const std::function<std::string(bool& keep)>& command);

  // A command that needs the store to itself and opens its own reads (verify).
  template <class T, class Body>
  Result<T> exclusive(Body&& body) {
    return queued<T>(true, std::forward<Body>(body));
  }

 private:
  template <class T, class Body>
  Result<T> queued(bool exclusive, Body&& body) {
    if (composing_ == this) {
      // A part of once()'s command: its transaction nests in once()'s, on this thread.
      if (exclusive) return Status::invalid_input("verify and checkpoint cannot run as part of another command");
      return body();
    }
    std::optional<Result<T>> result;
    CommandQueue::Job job;
    job.run = [&] { result.emplace(body()); };
    job.fail = [&](const Status& status) { result.emplace(status); };
    job.exclusive = exclusive;
    queue_.submit(job);
    return std::move(*result);
  }

  // The acting user, active or not. A malformed id is invalid_input, an unknown one not_found,
  // on every path.
  Result<User> find_actor(std::string_view as);
  static Status inactive(const User& user);
  AuditDraft draft_for(const User& actor, std::string_view action, std::optional<CaseId> case_id) const;
  Status append_and_commit(Transaction& transaction, AuditBuilder& audit);
  // The failed attempt's entry, in a transaction of its own: the command's writes are gone, the
  // entry is not.
  void audit_attempt(AuditBuilder& audit, const Status& failure);

  // The runner whose once() is running its command on this thread, if any.
  static thread_local const CommandRunner* composing_;

  const Storage& storage_;  // the engine's, which outlives the runner
  const Clock& clock_;
  CommandQueue queue_;
};

}  // namespace casegate
