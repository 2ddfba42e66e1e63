#pragma once
// The OversightStore seam on SQLite: reports read the per-day clock counts, the open-clock and
// exception indexes; export streams whole tables.
#include "casegate/oversight_store.hpp"
#include "sqlite_connection.hpp"

namespace casegate::storage {

class SqliteOversightStore final : public OversightStore {
 public:
  explicit SqliteOversightStore(SqliteConnection& connection);

  Result<OverdueReport> overdue_clocks(Instant as_of, const CaseScope& scope, std::int64_t limit) override;
  Result<DueReport> clocks_due(Instant from, Instant last, const CaseScope& scope, std::int64_t limit) override;
  Result<std::vector<StateCount>> state_counts(const CaseScope& scope) override;
  Result<ClockListReport> clocks_between(const ClockQuery& query, const CaseScope& scope) override;
  Result<TimelinessReport> timeliness(Date from, Date to, Instant as_of, bool by_team) override;
  Result<std::vector<AuditEntry>> audit_with_outcome(std::string_view outcome, Instant from, Instant to,
                                                     const CaseScope& scope) override;
  Result<std::vector<StageTaskRow>> stages_with_first_task(std::string_view kind, Instant from, Instant to,
                                                           const CaseScope& scope) override;
  Result<std::vector<TaskAgainstClockRow>> tasks_against_clock(std::string_view kind, std::string_view clock,
                                                               Instant from, Instant to,
                                                               const CaseScope& scope) override;
  Result<std::vector<ClockOutcomeRow>> clock_outcomes(std::string_view workflow, std::string_view clock, Instant as_of,
                                                      std::string_view group_by) override;
  Result<std::vector<TaskRecord>> workflow_tasks(std::string_view workflow, std::string_view kind,
                                                 const CaseScope& scope) override;
  Result<std::vector<ClockRecord>> workflow_clocks(std::string_view workflow, std::string_view clock,
                                                   const CaseScope& scope) override;
  Status export_table(std::string_view table, const CaseScope& scope,
                      const std::function<void(const ExportTable&)>& chunk) override;
  Result<ExportPage> export_page(std::string_view table, const CaseScope& scope, std::int64_t after,
                                 std::int64_t limit) override;
  Result<std::vector<CaseRecord>> list_cases(const CaseQuery& query, const CaseScope& scope) override;
  Result<AuditFeedPage> audit_after(std::int64_t after_seq, std::int64_t limit, const CaseScope& scope) override;
  Result<std::vector<AccessGrant>> grants(const GrantQuery& query, const CaseScope& scope) override;

 private:
  sqlite::Statement overdue_count_, overdue_, overdue_team_, due_count_, due_, clocks_between_count_, clocks_between_,
      state_counts_, timeliness_, timeliness_by_team_, due_today_, due_today_by_team_, refusals_, overrides_,
      stages_with_first_task_, tasks_against_clock_, workflow_tasks_, workflow_clocks_, clock_outcomes_,
      clock_outcomes_by_attribute_, export_cases_, export_tasks_, export_audit_, export_clock_cases_, export_clocks_,
      list_cases_, list_workflow_cases_, grants_, audit_after_, audit_end_;
};

}  // namespace casegate::storage
