#pragma once
// The OversightStore seam: the reads behind oversight reports and export. Every name a query
// needs (workflow, clock, task kind, attribute) comes in as data: the store knows no workflow.

#include <functional>
#include <string_view>
#include <vector>

#include "casegate/oversight.hpp"
#include "casegate/records.hpp"
#include "casegate/status.hpp"

namespace casegate {

class OversightStore {
 public:
  virtual ~OversightStore() = default;

  // The total counts every open overdue clock of `scope.team` (empty: every team); the listed
  // ones are those in `scope`.
  virtual Result<OverdueReport> overdue_clocks(Instant as_of, const CaseScope& scope, std::int64_t limit) = 0;
  // Open clocks due from `from` to `last` inclusive, soonest first, in scope (and of scope.team's clocks).
  virtual Result<DueReport> clocks_due(Instant from, Instant last, const CaseScope& scope, std::int64_t limit) = 0;
  // The clocks of `query` in scope (and of scope.team's clocks), by due time.
  virtual Result<ClockListReport> clocks_between(const ClockQuery& query, const CaseScope& scope) = 0;
  // Cases per workflow and state in scope, from the counts the store keeps as cases move.
  virtual Result<std::vector<StateCount>> state_counts(const CaseScope& scope) = 0;
  virtual Result<TimelinessReport> timeliness(Date from, Date to, Instant as_of, bool by_team) = 0;
  // Fire entries with this outcome ("refused" or "override") between two times, oldest first.
  virtual Result<std::vector<AuditEntry>> audit_with_outcome(std::string_view outcome, Instant from, Instant to,
                                                             const CaseScope& scope) = 0;
  // Every stage entered between two times (of the cases in `scope`), oldest first, each with the
  // first task of `kind` recorded in it.
  virtual Result<std::vector<StageTaskRow>> stages_with_first_task(std::string_view kind, Instant from, Instant to,
                                                                   const CaseScope& scope) = 0;
  // Every task of `kind` that occurred between two times, oldest first, with the first cycle of
  // its case's `clock`.
  virtual Result<std::vector<TaskAgainstClockRow>> tasks_against_clock(std::string_view kind, std::string_view clock,
                                                                       Instant from, Instant to,
                                                                       const CaseScope& scope) = 0;
  // Every `clock` of `workflow`'s cases by outcome as of `as_of`: one row, or with `group_by`
  // (an attribute name) one row per value, in order.
  virtual Result<std::vector<ClockOutcomeRow>> clock_outcomes(std::string_view workflow, std::string_view clock,
                                                              Instant as_of, std::string_view group_by) = 0;
  // Every task of `kind` recorded on `workflow`'s cases in scope, by case and then as recorded.
  virtual Result<std::vector<TaskRecord>> workflow_tasks(std::string_view workflow, std::string_view kind,
                                                         const CaseScope& scope) = 0;
  // Every cycle of `clock` on `workflow`'s cases in scope, by case and cycle.
  virtual Result<std::vector<ClockRecord>> workflow_clocks(std::string_view workflow, std::string_view clock,
                                                           const CaseScope& scope) = 0;
  // table: "cases", "tasks", "audit" or "clocks"; invalid_input otherwise. Rows arrive in chunks.
  // Only rows of cases in `scope`; audit entries of no case only when the scope is everything.
  virtual Status export_table(std::string_view table, const CaseScope& scope,
                              const std::function<void(const ExportTable&)>& chunk) = 0;
  // One page of the export: the rows after the key `after` (0: from the first), at most `limit`
  // (for clocks: the clocks of at most `limit` cases); `next` is the following page's `after`.
  virtual Result<ExportPage> export_page(std::string_view table, const CaseScope& scope, std::int64_t after,
                                         std::int64_t limit) = 0;

  virtual Result<std::vector<CaseRecord>> list_cases(const CaseQuery& query, const CaseScope& scope) = 0;
  // The audit entries after `after_seq` that `scope` shows (as export_table shows them), oldest
  // first, at most `limit` (0: none, only where the log ends).
  virtual Result<AuditFeedPage> audit_after(std::int64_t after_seq, std::int64_t limit, const CaseScope& scope) = 0;
  // Newest first.
  virtual Result<std::vector<AccessGrant>> grants(const GrantQuery& query, const CaseScope& scope) = 0;
};

}  // namespace casegate
