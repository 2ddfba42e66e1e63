#pragma once
// Seams that pass every call to another: a test wraps the one seam it injects into, derives
// from its forwarder, overrides only what it injects, and leaves the other seams as they were.
#include <memory>

#include "casegate/audit_log.hpp"
#include "casegate/case_store.hpp"

namespace casegate::testing {

class ForwardingTransactions : public Transactions {
 public:
  explicit ForwardingTransactions(std::shared_ptr<Transactions> inner) : inner_(std::move(inner)) {}
  Status begin_command() override { return inner_->begin_command(); }
  Status commit_command() override { return inner_->commit_command(); }
  void rollback_command() noexcept override { inner_->rollback_command(); }
  Status begin_batch() override { return inner_->begin_batch(); }
  Status commit_batch() override { return inner_->commit_batch(); }
  void rollback_batch() noexcept override { inner_->rollback_batch(); }

 private:
  std::shared_ptr<Transactions> inner_;
};

class ForwardingCaseStore : public CaseStore {
 public:
  explicit ForwardingCaseStore(std::shared_ptr<CaseStore> inner) : inner_(std::move(inner)) {}
  Result<std::optional<User>> find_user(std::string_view id) override { return inner_->find_user(id); }
  Result<std::vector<User>> list_users() override { return inner_->list_users(); }
  Result<bool> has_users() override { return inner_->has_users(); }
  Status insert_user(const User& user) override { return inner_->insert_user(user); }
  Status set_user_active(std::string_view id, bool active) override { return inner_->set_user_active(id, active); }
  Result<std::optional<CaseRecord>> find_case(CaseId id) override { return inner_->find_case(id); }
  Result<CaseId> insert_case(const CaseRecord& record) override { return inner_->insert_case(record); }
  Status move_case(CaseId id, std::int64_t v, std::string_view state, Instant at) override {
    return inner_->move_case(id, v, state, at);
  }
  Result<std::vector<CaseRecord>> cases_below_version(std::string_view workflow, int version) override {
    return inner_->cases_below_version(workflow, version);
  }
  Status migrate_case(CaseId id, std::int64_t expected_version, int workflow_version, std::string_view state) override {
    return inner_->migrate_case(id, expected_version, workflow_version, state);
  }
  Status allocate_case(CaseId id, std::string_view user) override { return inner_->allocate_case(id, user); }
  Status transfer_case(CaseId id, std::string_view team) override { return inner_->transfer_case(id, team); }
  Result<std::int64_t> insert_grant(const AccessGrant& grant) override { return inner_->insert_grant(grant); }
  Result<std::optional<AccessGrant>> find_grant(std::int64_t id) override { return inner_->find_grant(id); }
  Result<std::optional<AccessGrant>> grant_in_force(CaseId id, std::string_view user, Instant now) override {
    return inner_->grant_in_force(id, user, now);
  }
  Status review_grant(std::int64_t id, std::string_view by, Instant at, std::string_view note) override {
    return inner_->review_grant(id, by, at, note);
  }
  Result<std::vector<TaskRecord>> tasks_of(CaseId id) override { return inner_->tasks_of(id); }
  Result<std::int64_t> insert_task(const TaskRecord& task) override { return inner_->insert_task(task); }
  Result<std::vector<StageRecord>> stages_of(CaseId id) override { return inner_->stages_of(id); }
  Result<std::vector<ClockRecord>> clocks_of(CaseId id) override { return inner_->clocks_of(id); }
  Status save_clock(const ClockRecord& clock, const ClockRecord* before) override {
    return inner_->save_clock(clock, before);
  }
  Result<std::map<std::string, std::string, std::less<>>> settings() override { return inner_->settings(); }
  Status set_setting(std::string_view key, std::string_view value) override { return inner_->set_setting(key, value); }
  Result<CalendarData> calendar() override { return inner_->calendar(); }
  Status add_calendar_change(std::string_view kind, std::optional<Date> date, std::string_view value) override {
    return inner_->add_calendar_change(kind, date, value);
  }
  Result<std::optional<StoredReply>> find_reply(std::string_view user, std::string_view key) override {
    return inner_->find_reply(user, key);
  }
  Status store_reply(std::string_view user, std::string_view key, const StoredReply& reply, Instant at,
                     Instant forget_before) override {
    return inner_->store_reply(user, key, reply, at, forget_before);
  }

 private:
  std::shared_ptr<CaseStore> inner_;
};

class ForwardingAuditLog : public AuditLog {
 public:
  explicit ForwardingAuditLog(std::shared_ptr<AuditLog> inner) : inner_(std::move(inner)) {}
  Result<AuditEntry> append(const AuditDraft& draft) override { return inner_->append(draft); }
  Result<std::vector<AuditEntry>> entries_of_case(CaseId id) override { return inner_->entries_of_case(id); }
  Result<ChainReport> verify_chain() override { return inner_->verify_chain(); }
  Result<std::optional<std::string>> hash_at(std::int64_t seq) override { return inner_->hash_at(seq); }

 private:
  std::shared_ptr<AuditLog> inner_;
};

}  // namespace casegate::testing
