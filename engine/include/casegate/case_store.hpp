#pragma once
// The storage seams the engine runs its commands on, split by who owns the knowledge:
//   Transactions    one command is one transaction; a batch is several commands, one commit
//   CaseStore       users, cases, tasks, stages, clocks, settings and the calendar
//   AuditLog        the append-only hash chain (casegate/audit_log.hpp)
//   OversightStore  reports and export (casegate/oversight_store.hpp)
// A Storage bundles one of each; storage/ implements all four over one SQLite connection.
// Tests wrap a single seam to inject a failure and pass the others on untouched.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "casegate/calendar.hpp"
#include "casegate/clocks.hpp"
#include "casegate/records.hpp"
#include "casegate/status.hpp"

namespace casegate {

class AuditLog;
class OversightStore;

class Transactions {
 public:
  virtual ~Transactions() = default;

  // Starts a write transaction that waits for other writers up to the busy timeout
  // (conflict when it cannot). Inside a batch or another command, starts a savepoint instead:
  // commands nest, and the innermost open one is the one committed or rolled back.
  virtual Status begin_command() = 0;
  virtual Status commit_command() = 0;
  // Undoes the innermost open command (only it, inside a batch or another command). Never fails;
  // safe with none open.
  virtual void rollback_command() noexcept = 0;

  // A batch: one transaction holding several commands, committed together (group commit).
  virtual Status begin_batch() = 0;
  virtual Status commit_batch() = 0;
  virtual void rollback_batch() noexcept = 0;
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  virtual Result<std::optional<User>> find_user(std::string_view id) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<bool> has_users() = 0;
  virtual Status insert_user(const User& user) = 0;
  virtual Status set_user_active(std::string_view id, bool active) = 0;

  virtual Result<std::optional<CaseRecord>> find_case(CaseId id) = 0;
  // Assigns and returns the id; `record.id` is ignored.
  virtual Result<CaseId> insert_case(const CaseRecord& record) = 0;
  // Moves the case to `state` (stage + 1, version + 1) if its version is still
  // `expected_version`; conflict otherwise.
  virtual Status move_case(CaseId id, std::int64_t expected_version, std::string_view state, Instant entered_at) = 0;

  // Every case of `workflow` opened with a version below `version`, by id.
  virtual Result<std::vector<CaseRecord>> cases_below_version(std::string_view workflow, int version) = 0;
  // Moves the case to another version of its workflow, in `state` (the same, or the state the
  // new version maps it to); version + 1. conflict if the case has moved on.
  virtual Status migrate_case(CaseId id, std::int64_t expected_version, int workflow_version,
                              std::string_view state) = 0;

  // Allocates the case to `user` (empty: unallocated). Its version does not move.
  virtual Status allocate_case(CaseId id, std::string_view user) = 0;
  // Moves the case to `team` and leaves it unallocated (the clocks move with save_clock).
  virtual Status transfer_case(CaseId id, std::string_view team) = 0;

  // Break-glass grants. insert_grant assigns and returns the id; `grant.id` is ignored.
  virtual Result<std::int64_t> insert_grant(const AccessGrant& grant) = 0;
  virtual Result<std::optional<AccessGrant>> find_grant(std::int64_t id) = 0;
  // The grant of `user` on the case in force at `now` that lasts longest, if any.
  virtual Result<std::optional<AccessGrant>> grant_in_force(CaseId id, std::string_view user, Instant now) = 0;
  // conflict when the grant was already reviewed.
  virtual Status review_grant(std::int64_t id, std::string_view by, Instant at, std::string_view note) = 0;

  virtual Result<std::vector<TaskRecord>> tasks_of(CaseId id) = 0;
  // Assigns and returns the id; `task.id` is ignored.
  virtual Result<std::int64_t> insert_task(const TaskRecord& task) = 0;

  // The states the case entered, oldest first. insert_case and move_case record them.
  virtual Result<std::vector<StageRecord>> stages_of(CaseId id) = 0;

  virtual Result<std::vector<ClockRecord>> clocks_of(CaseId id) = 0;
  // Inserts the clock (`before` null), or updates the stored one, which was `before` (met_at,
  // stopped, and the due time when the engine moves it to a new anchor). Keeps the per-day
  // counts that timeliness and overdue reports read in step.
  virtual Status save_clock(const ClockRecord& clock, const ClockRecord* before) = 0;

  // Deployment settings and the calendar (jurisdiction, local changes, version).
  virtual Result<std::map<std::string, std::string, std::less<>>> settings() = 0;
  virtual Status set_setting(std::string_view key, std::string_view value) = 0;
  struct CalendarData {
    Jurisdiction jurisdiction = Jurisdiction::england_and_wales;
    std::vector<CalendarChange> changes;
    std::int64_t version = 0;
  };
  virtual Result<CalendarData> calendar() = 0;
  // kind: "closure", "working" (with a date and a reason) or "jurisdiction" (value: its name).
  virtual Status add_calendar_change(std::string_view kind, std::optional<Date> date, std::string_view value) = 0;

  // Exactly-once requests: a reply kept under the key its user sent it with, beside the digest
  // of the request it answered.
  struct StoredReply {
    std::string request_sha256;
    std::string reply;
  };
  virtual Result<std::optional<StoredReply>> find_reply(std::string_view user, std::string_view key) = 0;
  // Keeps `reply` (conflict when the key is taken) and forgets those kept before `forget_before`.
  virtual Status store_reply(std::string_view user, std::string_view key, const StoredReply& reply, Instant at,
                             Instant forget_before) = 0;
};

// The four seams of one database. In the SQLite store all four are one object.
struct Storage {
  std::shared_ptr<Transactions> transactions;
  std::shared_ptr<CaseStore> cases;
  std::shared_ptr<AuditLog> audit;
  std::shared_ptr<OversightStore> oversight;
};

}  // namespace casegate
