#include "command_runner.hpp"

#include <algorithm>

#include "casegate/digest.hpp"
#include "validation.hpp"

namespace casegate {

Result<Transaction> Transaction::begin(Transactions& transactions) {
  if (Status begun = transactions.begin_command(); !begun) return begun;
  return Transaction(transactions);
}

Status Transaction::commit() {
  if (transactions_ == nullptr) return Status::internal("commit of a transaction that is not open");
  Status committed = transactions_->commit_command();
  if (committed) transactions_ = nullptr;
  return committed;
}

void Transaction::rollback() noexcept {
  if (transactions_ != nullptr) std::exchange(transactions_, nullptr)->rollback_command();
}

CommandRunner::CommandRunner(const Storage& storage, const Clock& clock)
    : storage_(storage), clock_(clock), queue_(*storage_.transactions) {}

Result<User> CommandRunner::find_actor(std::string_view as) {
  if (Status well_formed = check_identifier("user", as); !well_formed) return well_formed;
  auto found = storage_.cases->find_user(as);
  if (!found) return found.status();
  if (!found->has_value()) return Status::not_found("user " + shown_name(as) + " does not exist");
  return std::move(**found);
}

Status CommandRunner::inactive(const User& user) {
  return Status::denied("user " + shown_name(user.id) + " is inactive");
}

AuditDraft CommandRunner::draft_for(const User& actor, std::string_view action, std::optional<CaseId> case_id) const {
  return AuditDraft{clock_.now(),        case_id,    actor.id, std::string(role_name(actor.role)),
                    std::string(action), "accepted", ""};
}

Status CommandRunner::append_and_commit(Transaction& transaction, AuditBuilder& audit) {
  audit.draft.detail_json = audit.detail.str();
  if (auto appended = storage_.audit->append(audit.draft); !appended) return appended.status();
  return transaction.commit();
}

Status check_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255 || std::any_of(key.begin(), key.end(), [](char c) { return c < '!' || c > '~'; }))
    return Status::invalid_input("an idempotency key must be 1 to 255 visible ASCII characters");
  return Status::ok();
}

thread_local const CommandRunner* CommandRunner::composing_ = nullptr;

Result<OnceReply> CommandRunner::once(std::string_view as, std::string_view key, std::string_view request,
                                      const std::function<std::string(bool& keep)>& command) {
  if (Status well_formed = check_idempotency_key(key); !well_formed) return well_formed;
  const std::string digest = sha256_hex(request);
  return queued<OnceReply>(false, [&]() -> Result<OnceReply> {
    auto transaction = Transaction::begin(*storage_.transactions);
    if (!transaction) return transaction.status();
    auto actor = find_actor(as);
    const bool keeps = actor && actor->active;  // otherwise the command fails as it would alone
    if (keeps) {
      auto kept = storage_.cases->find_reply(actor->id, key);
      if (!kept) return kept.status();
      if (*kept) {
        if ((*kept)->request_sha256 != digest)
          return Status::invalid_input("this idempotency key was used for another request");
        return OnceReply{std::move((*kept)->reply), true};
      }
    }
    std::string reply;
    bool keep = true;
    try {
      composing_ = this;
      struct Done {
        ~Done() { composing_ = nullptr; }
      } done;
      reply = command(keep);
    } catch (const std::exception& error) {
      // Nothing may escape a queued job; the command's writes go with the transaction.
      return Status::internal(std::string("the command failed: ") + error.what());
    }
    if (keeps && keep) {
      const Instant now = clock_.now();
      Status stored = storage_.cases->store_reply(actor->id, key, {digest, reply}, now, now - std::chrono::hours(24));
      if (!stored) return stored;
    }
    if (Status committed = transaction->commit(); !committed) return committed;
    return OnceReply{std::move(reply), false};
  });
}

void CommandRunner::audit_attempt(AuditBuilder& audit, const Status& failure) {
  audit.draft.outcome = audit_outcome(failure.code());
  audit.detail.text("error", failure.message());
  audit.draft.detail_json = audit.detail.str();
  auto transaction = Transaction::begin(*storage_.transactions);
  if (!transaction) return;
  if (storage_.audit->append(audit.draft)) (void)transaction->commit();
}

}  // namespace casegate
