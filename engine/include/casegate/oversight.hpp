#pragma once
// What managers review, in terms any workflow's names fit: overdue clocks, timeliness, refusals
// and overrides, which stages got a task of some kind, tasks judged against a clock, clocks of one
// workflow by outcome; and full extraction of the tables. Reports named for particular workflows
// (the child's voice, strategy meetings, improvement actions) are built on these beside the
// workflows that own the names (casegate/seed_reports.hpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "casegate/clocks.hpp"
#include "casegate/records.hpp"

namespace casegate {

// The cases a per-child list may show its user: need-to-know (docs/access.md). A team manager
// or social worker sees their team's cases; a conference chair or auditor every case; a board
// chair the cases of workflows whose gates need a board chair. Stores filter every per-child
// query by it; aggregate counts (timeliness, action outcomes) are for every team.
struct CaseScope {
  std::string team;                    // empty: every team
  std::vector<std::string> workflows;  // empty: every workflow
  bool sees_team(std::string_view other) const { return team.empty() || team == other; }
};

// A page of the live feed: the audit entries, and the sequence number the page runs through (the
// last entry's when the page is full, else the newest in the log, shown or not), after which
// the next page starts.
struct AuditFeedPage {
  std::vector<AuditEntry> entries;
  std::int64_t through = 0;
};

// `casegate cases`: one page of the cases in scope, by id after `after`.
struct CaseQuery {
  std::string team, state, workflow, allocated_to;  // each empty: any
  std::optional<Instant> overdue_at;                // only cases with a clock overdue at this time
  CaseId after = 0;
  std::int64_t limit = 100;
};

// `oversight access`: break-glass grants on the cases in scope.
struct GrantQuery {
  std::optional<CaseId> case_id;
  Instant from, to;  // granted between
  bool unreviewed_only = false;
};

struct OverdueClock {
  ClockRecord clock;
  std::string subject;
  std::string workflow;
  std::string state;
  double days_overdue = 0;  // as of the report's time, in days of 24 hours
};

struct OverdueReport {
  Instant as_of;
  std::string team;                  // empty: all teams
  std::int64_t total = 0;            // every overdue clock, even past `limit`
  std::vector<OverdueClock> clocks;  // oldest due first
};

// `oversight due`: open clocks falling due from `as_of` up to the end of the Nth working day.
struct DueReport {
  Instant as_of, due_by;
  int working_days = 0;
  std::string team;                  // empty: all teams
  std::int64_t total = 0;            // every such clock, even past `limit`
  std::vector<OverdueClock> clocks;  // soonest due first; days_overdue is negative
};

// `oversight clocks`: the clocks behind a timeliness figure, those due on London dates `from` to
// `to` with one outcome (or any): met_on_time, met_late, overdue or running as of `as_of`.
struct ClockQuery {
  Date from, to;
  std::string clock;    // empty: every clock
  std::string outcome;  // empty: any
  Instant as_of;
  std::int64_t limit = 500;
};

struct ClockListReport {
  ClockQuery query;
  std::string team;                  // empty: all teams in scope
  std::int64_t total = 0;            // every such clock in scope, even past `limit`
  std::vector<OverdueClock> clocks;  // by due time
};

// `oversight caseload`: how many cases of the scope are in each state of each workflow.
struct StateCount {
  std::string workflow, state;
  bool final = false;  // a final state of the workflow's newest version: the case is closed
  std::int64_t cases = 0;
};

struct CaseloadReport {
  std::string team;                // empty: all teams in scope
  std::int64_t open = 0;           // cases not in a final state
  std::vector<StateCount> states;  // by workflow, then state
};

struct TimelinessRow {
  std::string clock;
  std::string team;  // empty unless grouped by team
  std::int64_t met_on_time = 0, met_late = 0, overdue = 0, running = 0;
  // met_on_time / (met_on_time + met_late + overdue); null when none of those
  std::optional<double> percent_on_time;
};

struct TimelinessReport {
  Date from, to;  // clocks due on these London dates, inclusive
  Instant as_of;
  std::string by;  // "clock" or "team"
  std::vector<TimelinessRow> rows;
};

// A stage a case entered, and the first task of the kind asked for recorded in it.
struct StageTaskRow {
  CaseId case_id = 0;
  std::string team;
  std::int64_t stage = 0;
  std::string state;
  Instant stage_entered_at;
  struct Task {
    Instant occurred_at;
    std::string payload_json;
  };
  std::optional<Task> first_task;  // none recorded in that stage
};

// A task of the kind asked for, with the first cycle of the case's clock asked for, if started.
struct TaskAgainstClockRow {
  std::int64_t task_id = 0;
  CaseId case_id = 0;
  std::string team;
  Instant occurred_at;
  std::string payload_json;
  std::optional<Instant> clock_started_at, clock_due_at;
};

// Clocks of one name in one workflow's cases, by outcome as of a time; grouped by a case
// attribute when asked.
struct ClockOutcomeRow {
  std::string group;  // the attribute's value; empty when not grouped
  std::int64_t met_on_time = 0, met_late = 0, open_overdue = 0, open_on_time = 0;
};

// What a fire command's audit entry says, read back for a report: the event, the states, the
// task kinds that were missing, and an override's reason. The engine writes that detail, so the
// engine reads it.
struct FireAttempt {
  std::string event, from, to, reason;
  std::vector<std::string> missing_tasks;
};
FireAttempt read_fire_attempt(const AuditEntry& entry);

// Rows of one of the exported tables: cases, tasks, audit, clocks.
struct ExportTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // null as nullopt
};

// A page of an export read a page at a time (GET /v1/export streams them).
struct ExportPage {
  ExportTable table;
  std::optional<std::int64_t> next;  // none on the last page
};

}  // namespace casegate
