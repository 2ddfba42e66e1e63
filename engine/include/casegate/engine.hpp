#pragma once
// The Engine: every command a case system needs, each one audited and each one a single
// transaction. Thread-safe: commands submitted from several threads at once are committed
// together (group commit), each isolated from the others, and each call returns only once its
// own command is durable.
//
// Every command names the acting user (`as`). A malformed user id gets invalid_input, an unknown
// one not_found, an inactive one refused; all before anything is read. A command that fails after the user is known is
// still audited (outcome refused, invalid or conflict) in a transaction of its own.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casegate/calendar.hpp"
#include "casegate/case_store.hpp"
#include "casegate/checkpoint.hpp"
#include "casegate/clocks.hpp"
#include "casegate/oversight.hpp"
#include "casegate/oversight_store.hpp"
#include "casegate/records.hpp"
#include "casegate/status.hpp"
#include "casegate/time.hpp"
#include "casegate/workflow.hpp"

namespace casegate {

struct OpenCaseRequest {
  std::string workflow;
  std::string subject;                                 // required: the caller's reference for the child or action
  std::string team;                                    // default: the opening user's team
  std::optional<Instant> received_at;                  // default: now; not in the future
  std::map<std::string, std::string> attributes;       // free text attributes
  std::optional<int> workflow_version = std::nullopt;  // default: the newest registered version
};

struct RecordTaskRequest {
  CaseId case_id = 0;
  std::string kind;
  std::string payload_json;            // validated against the kind's rules
  std::optional<Instant> occurred_at;  // default: now; not in the future, not before received_at
};

struct FireRequest {
  CaseId case_id = 0;
  std::string event;
  bool override_gate = false;  // team_manager only, with a reason
  std::string reason;
  std::optional<std::int64_t> expected_version;  // conflict when the case has moved on
};

enum class FireOutcome { accepted, override, refused };
std::string_view fire_outcome_name(FireOutcome outcome);

// Why a fire was refused. A role that may not do something is always Status refused, on every
// command, never a FireResult.
enum class RefusalReason { none, gate_unmet, not_valid_in_state };

struct FireResult {
  CaseId case_id = 0;
  std::string event;
  FireOutcome outcome = FireOutcome::refused;
  RefusalReason refusal = RefusalReason::none;
  std::string from;
  std::string to;                    // accepted/override: the new state; refused: == from
  std::vector<Requirement> missing;  // refused by the gate, or overridden: what was not there
  std::int64_t version = 0;          // the case's version after the command
  std::string message;               // one line for a person
};

struct TaskReceipt {
  std::int64_t task_id = 0;
  CaseId case_id = 0;
  std::string kind;
  std::string state;
  std::string payload_json;  // as stored
};

struct EventReadiness {
  std::string event;
  std::string to;
  bool ready = false;
  std::vector<Requirement> missing;
};

struct ClockView {
  ClockRecord record;
  ClockState state = ClockState::running;  // as of CaseStatus::as_of
  std::string delay_reason;                // the latest delay_reason recorded for this clock
};

struct CaseStatus {
  CaseRecord record;
  std::vector<EventReadiness> events;  // every event valid in the current state
  bool final = false;
  Instant as_of;
  std::vector<ClockView> clocks;  // in the order they started
};

// What moving one case to another version of its workflow would do.
struct MigrationItem {
  CaseId case_id = 0;
  int from_version = 0;
  std::string state;
  std::string new_state;  // empty when the new version has no place for `state`
  bool mappable = true;
  struct EventChange {
    std::string event;
    bool ready_before = false, ready_after = false;
    bool exists_before = true, exists_after = true;
    std::vector<Requirement> missing_after;  // what the event needs in the new version
  };
  std::vector<EventChange> changes;  // events of the state whose readiness changes
};

struct SettingView {
  std::string key;
  std::string value;
  bool is_default = true;
  std::string meaning;
};

struct CasePage {
  std::vector<CaseRecord> cases;
  std::optional<CaseId> next;
};

struct GrantReport {
  AccessGrant grant;
  std::vector<AuditEntry> uses;  // what the user did on the case while the grant was in force
};

// Group commit at work: how many commits carried how many commands, since the engine opened.
struct CommitStats {
  static constexpr std::size_t buckets = 8;
  // The most commands a commit in bucket `b` carried: 1, 2, 4, ... 64; the last is unbounded.
  static constexpr std::uint64_t bucket_limit(std::size_t b) { return std::uint64_t{1} << b; }
  std::array<std::uint64_t, buckets> commits_by_size{};
  std::uint64_t commands = 0;
};

// invalid_input unless `key` is an idempotency key: 1 to 255 visible ASCII characters.
Status check_idempotency_key(std::string_view key);

// A reply kept for an idempotency key (Engine::once), and whether it was kept from before.
struct OnceReply {
  std::string reply;
  bool replayed = false;
};

// An oversight report's own fields in its audit entry (after "report"), in order.
using ReportDetail = std::vector<std::pair<std::string, std::string>>;

class Engine {
 public:
  // `storage`: every seam set. `clock` null: the system clock.
  Engine(Storage storage, WorkflowRegistry workflows, std::shared_ptr<const Clock> clock);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Creates the first user, an admin. refused once any user exists.
  Status init(const std::string& admin_id, const std::string& admin_name);
  // Admins only. invalid_input for an empty or malformed id or an existing one.
  Status add_user(std::string_view as, const User& user);
  Status set_user_active(std::string_view as, std::string_view user_id, bool active);
  Result<std::vector<User>> list_users(std::string_view as);
  // ok when `user` exists and is active (how a server admits a verified caller); not_found or
  // denied otherwise. Reads only; not audited.
  Status check_user(std::string_view user);

  Result<CaseRecord> open_case(std::string_view as, const OpenCaseRequest& request);
  // refused when the user's role may not record this kind (audited).
  Result<TaskReceipt> record_task(std::string_view as, const RecordTaskRequest& request);
  // A refusal by gate or state is a FireResult with outcome refused, not an error; a role that may
  // not fire or override is Status refused, as on every other command.
  Result<FireResult> fire(std::string_view as, const FireRequest& request);

  // Views, audited as such: who looked at this child's record. Clocks are judged as of `as_of`
  // (default: now).
  Result<CaseStatus> status(std::string_view as, CaseId case_id, std::optional<Instant> as_of = std::nullopt);
  Result<std::vector<AuditEntry>> history(std::string_view as, CaseId case_id);

  // Deployment settings (durations of clocks; calendar.jurisdiction). team_manager or admin;
  // audited. Changing a duration affects clocks that start afterwards.
  Status set_setting(std::string_view as, std::string_view key, std::string_view value);
  Result<std::vector<SettingView>> settings(std::string_view as);
  // A local closure day (kind "closure") or a day worked despite the rules ("working"), with a
  // reason. team_manager or admin; audited; the calendar's version moves on.
  Status change_calendar(std::string_view as, std::string_view kind, Date date, std::string_view reason);
  Result<std::shared_ptr<const Calendar>> calendar(std::string_view as);

  // Oversight, for team managers, chairs and auditors; each report is audited as a view. Per-child
  // lists show only the cases in the user's scope (CaseScope); `team` narrows it, and a team
  // outside it is denied. Aggregate counts (timeliness) are for every team.
  Result<OverdueReport> overdue(std::string_view as, std::optional<Instant> as_of, std::string_view team,
                                std::int64_t limit = 500);
  Result<TimelinessReport> timeliness(std::string_view as, Date from, Date to, std::optional<Instant> as_of,
                                      bool by_team);
  // Open clocks falling due from now (or `as_of`) to the end of the `working_days`th working day
  // (1..30) after it, soonest first: what a team must do this week. `workflow` not empty: only
  // that workflow's cases (an action plan's targets due soon).
  Result<DueReport> due_soon(std::string_view as, std::optional<Instant> as_of, std::string_view team, int working_days,
                             std::int64_t limit = 500, std::string_view workflow = {});
  // The clocks behind a timeliness figure (ClockQuery), of the cases in the user's scope.
  Result<ClockListReport> clocks_due_between(std::string_view as, ClockQuery query, std::string_view team);
  // How many cases of the user's scope (narrowed to `team`) are in each state of each workflow.
  Result<CaseloadReport> caseload(std::string_view as, std::string_view team);
  // outcome: "refused" or "override"; fire commands between two times.
  Result<std::vector<AuditEntry>> exceptions(std::string_view as, std::string_view outcome, Instant from, Instant to);
  // Any other report, run the same way: audited as a view named `report` with the fields `body`
  // adds to `detail`, read only. `scope` is what the user may see, narrowed to `team` when given;
  // a per-child report passes it to every store query. Reports that belong to particular
  // workflows are written on this (casegate/seed_reports.hpp).
  Status report(std::string_view as, std::string_view report, std::string_view team,
                const std::function<Status(OversightStore& store, const CaseScope& scope, ReportDetail& detail)>& body);
  // table: cases, tasks, audit or clocks, of the cases in the user's scope; rows arrive in chunks.
  Status export_table(std::string_view as, std::string_view table,
                      const std::function<void(const ExportTable&)>& chunk);
  // The same rows a page at a time, each page a read of its own (for a server streaming a long
  // export to a slow reader without holding the store): the rows after `after` (0: the first
  // page), at most `limit` (1..10000). The first page is audited as the export (`opening`).
  Result<ExportPage> export_page(std::string_view as, std::string_view table, std::int64_t after, std::int64_t limit,
                                 bool opening);

  // Migration of live cases to another version of their workflow, by a team_manager, of their
  // team's cases. `cases` empty: every open case of the team below `to_version`. plan_migration changes nothing (and is
  // audited as a view); migrate moves the cases in one transaction, each audited, and refuses
  // outright, writing nothing, when any case's state has no place in the new version.
  Result<std::vector<MigrationItem>> plan_migration(std::string_view as, std::string_view workflow, int to_version,
                                                    const std::vector<CaseId>& cases);
  Result<std::vector<MigrationItem>> migrate(std::string_view as, std::string_view workflow, int to_version,
                                             const std::vector<CaseId>& cases);

  // Recomputes the audit chain. Not a view of any case, so not audited. With a checkpoint, also
  // checks its signature (by `pinned_public_key` when not empty) and that the log still holds
  // the checkpointed entry unchanged: what finds a truncated or rewritten log.
  Result<ChainReport> verify(const Checkpoint* checkpoint = nullptr, std::string_view pinned_public_key = {});
  // Verifies the chain, then signs its newest entry with an Ed25519 private key (PEM text).
  // integrity when the chain does not verify: a broken chain is never checkpointed.
  Result<Checkpoint> checkpoint(std::string_view private_key_pem);

  // Need-to-know access (docs/access.md).
  // One page of the cases the user may see, by id after `query.after`; `next` is the `after` of
  // the following page (none on the last). Audited as a view.
  Result<CasePage> cases(std::string_view as, const CaseQuery& query);
  // By a team manager of the owning team, to an active social worker or team manager of it.
  Result<CaseRecord> allocate(std::string_view as, CaseId id, std::string_view user);
  // By a team manager of the owning team: the case and its clocks move to `team`, unallocated.
  Result<CaseRecord> transfer(std::string_view as, CaseId id, std::string_view team);
  // Break-glass: the user's role's rights on a case they have no relationship with, for `hours`
  // (default the setting access.break_glass_hours; at most 24), for a reason of at least 10
  // characters. Never for an admin; never an override.
  Result<AccessGrant> break_glass(std::string_view as, CaseId id, std::string_view reason,
                                  std::optional<std::int64_t> hours);
  // A team manager of the owning team records their review of a grant.
  Result<AccessGrant> review_access(std::string_view as, std::int64_t grant, std::string_view note);
  // Grants on the cases in scope (team managers: their team; auditors: every case), newest
  // first, each with what was done under it.
  Result<std::vector<GrantReport>> access_report(std::string_view as, const GrantQuery& query);

  // The live feed: the audit entries after `after_seq` that the user may see (those of the
  // cases in their scope; entries of no case only for a scope of every case), oldest first, at
  // most `limit` (1..1000); no `after_seq`: none, from the end of the log on. A feed is audited
  // as a view when it opens (`opening`); the reads that follow it are not, or every reader would
  // wake every other.
  Result<AuditFeedPage> audit_feed(std::string_view as, std::optional<std::int64_t> after_seq, std::int64_t limit,
                                   bool opening);

  // Exactly once. Runs `command` (engine commands on this thread, which become parts of one
  // transaction) and keeps the reply it returns under `key` of the user `as`, beside a digest of
  // `request`, in that same transaction: a crash before the commit leaves neither. A later call
  // with the key returns the kept reply and runs nothing (replayed); with another request it is
  // invalid_input. A reply for which `command` sets `keep` false (a failure a retry may not
  // meet) is not kept, nor is one for an unknown or inactive user. Keys are 1 to 255 visible ASCII characters, kept
  // 24 hours. `command` may not verify or checkpoint: they need the store to themselves. If it
  // throws, its writes are undone and the answer is internal.
  Result<OnceReply> once(std::string_view as, std::string_view key, std::string_view request,
                         const std::function<std::string(bool& keep)>& command);

  const WorkflowRegistry& workflows() const;
  const Clock& clock() const;
  CommitStats commit_stats() const;

  // The engine's private state, defined in engine/src (engine_impl.hpp).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace casegate
