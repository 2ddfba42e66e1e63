// Oversight: reports for managers, chairs and auditors, each audited as a view, and export.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine_impl.hpp"

namespace casegate {

Result<OverdueReport> Engine::overdue(std::string_view as, std::optional<Instant> as_of, std::string_view team,
                                      std::int64_t limit) {
  return impl_->report<OverdueReport>(as, "overdue",
                                      [&](const User& actor, AuditBuilder& audit) -> Result<OverdueReport> {
                                        Instant when = as_of.value_or(impl_->clock->now());
                                        audit.detail.text("as_of", format_instant(when));
                                        if (!team.empty()) audit.detail.text("team", team.substr(0, max_text_bytes));
                                        if (limit < 1 || limit > 100000)
                                          return Status::invalid_input("limit must be 1..100000");
                                        auto scope = impl_->scope_for(actor, team);
                                        if (!scope) return scope.status();
                                        return impl_->oversight().overdue_clocks(when, *scope, limit);
                                      });
}

Result<DueReport> Engine::due_soon(std::string_view as, std::optional<Instant> as_of, std::string_view team,
                                   int working_days, std::int64_t limit, std::string_view workflow) {
  return impl_->report<DueReport>(as, "due", [&](const User& actor, AuditBuilder& audit) -> Result<DueReport> {
    Instant when = as_of.value_or(impl_->clock->now());
    audit.detail.text("as_of", format_instant(when));
    audit.detail.number("working_days", working_days);
    if (!team.empty()) audit.detail.text("team", team.substr(0, max_text_bytes));
    if (working_days < 1 || working_days > 30) return Status::invalid_input("working_days must be 1..30");
    if (limit < 1 || limit > 100000) return Status::invalid_input("limit must be 1..100000");
    if (!workflow.empty()) audit.detail.text("workflow", workflow.substr(0, max_text_bytes));
    auto scope = impl_->scope_for(actor, team);
    if (!scope) return scope.status();
    if (!workflow.empty()) {
      // Narrowed, never widened: a workflow outside the user's scope lists nothing.
      const bool in_scope = scope->workflows.empty() || std::find(scope->workflows.begin(), scope->workflows.end(),
                                                                  workflow) != scope->workflows.end();
      scope->workflows = {in_scope ? std::string(workflow) : std::string()};
    }
    auto calendar = impl_->current_calendar();
    if (!calendar) return calendar.status();
    Instant last = london_end_of_day((*calendar)->add_working_days(london_date(when), working_days));
    auto report = impl_->oversight().clocks_due(when, last, *scope, limit);
    if (report) report->working_days = working_days;
    return report;
  });
}

Result<ClockListReport> Engine::clocks_due_between(std::string_view as, ClockQuery query, std::string_view team) {
  return impl_->report<ClockListReport>(
      as, "clocks", [&](const User& actor, AuditBuilder& audit) -> Result<ClockListReport> {
        audit.detail.text("from", format_date(query.from));
        audit.detail.text("to", format_date(query.to));
        if (!team.empty()) audit.detail.text("team", team.substr(0, max_text_bytes));
        if (std::chrono::sys_days{query.to} < std::chrono::sys_days{query.from})
          return Status::invalid_input("to is before from");
        static const std::vector<std::string> outcomes{"", "met_on_time", "met_late", "overdue", "running"};
        if (std::find(outcomes.begin(), outcomes.end(), query.outcome) == outcomes.end())
          return Status::invalid_input("outcome must be met_on_time, met_late, overdue or running");
        if (query.limit < 1 || query.limit > 100000) return Status::invalid_input("limit must be 1..100000");
        auto scope = impl_->scope_for(actor, team);
        if (!scope) return scope.status();
        return impl_->oversight().clocks_between(query, *scope);
      });
}

Result<CaseloadReport> Engine::caseload(std::string_view as, std::string_view team) {
  return impl_->report<CaseloadReport>(as, "caseload",
                                       [&](const User& actor, AuditBuilder& audit) -> Result<CaseloadReport> {
                                         if (!team.empty()) audit.detail.text("team", team.substr(0, max_text_bytes));
                                         auto scope = impl_->scope_for(actor, team);
                                         if (!scope) return scope.status();
                                         auto counts = impl_->oversight().state_counts(*scope);
                                         if (!counts) return counts.status();
                                         CaseloadReport report{scope->team, 0, std::move(*counts)};
                                         for (auto& row : report.states) {
                                           // Closed means final in the workflow's newest version: a state only an older
                                           // version has (a case not yet migrated) still counts as open.
                                           const Workflow* workflow = impl_->workflows.latest(row.workflow);
                                           if (workflow != nullptr)
                                             for (const auto& state : workflow->states())
                                               if (state.name == row.state) row.final = state.final;
                                           if (!row.final) report.open += row.cases;
                                         }
                                         return report;
                                       });
}

Result<TimelinessReport> Engine::timeliness(std::string_view as, Date from, Date to, std::optional<Instant> as_of,
                                            bool by_team) {
  return impl_->report<TimelinessReport>(
      as, "timeliness", [&](const User&, AuditBuilder& audit) -> Result<TimelinessReport> {
        audit.detail.text("from", format_date(from));
        audit.detail.text("to", format_date(to));
        if (std::chrono::sys_days{to} < std::chrono::sys_days{from})
          return Status::invalid_input("--to is before --from");
        return impl_->oversight().timeliness(from, to, as_of.value_or(impl_->clock->now()), by_team);
      });
}

Result<std::vector<AuditEntry>> Engine::exceptions(std::string_view as, std::string_view outcome, Instant from,
                                                   Instant to) {
  return impl_->report<std::vector<AuditEntry>>(
      as, outcome == "override" ? "overrides" : "refusals",
      [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<AuditEntry>> {
        audit.detail.text("from", format_instant(from));
        audit.detail.text("to", format_instant(to));
        if (outcome != "refused" && outcome != "override")
          return Status::invalid_input("outcome must be refused or override");
        auto scope = impl_->scope_for(actor);
        if (!scope) return scope.status();
        return impl_->oversight().audit_with_outcome(outcome, from, to, *scope);
      });
}

FireAttempt read_fire_attempt(const AuditEntry& entry) {
  FireAttempt attempt;
  auto detail = nlohmann::json::parse(entry.entry.detail_json, nullptr, false);
  if (!detail.is_object()) return attempt;
  auto text = [&](const char* key) {
    auto it = detail.find(key);
    return it != detail.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  attempt.event = text("event");
  attempt.from = text("from");
  attempt.to = text("to");
  attempt.reason = text("reason");
  if (auto missing = detail.find("missing"); missing != detail.end() && missing->is_array())
    for (const auto& m : *missing)
      if (m.is_object()) attempt.missing_tasks.push_back(m.value("task", ""));
  return attempt;
}

Status Engine::report(std::string_view as, std::string_view report, std::string_view team,
                      const std::function<Status(OversightStore&, const CaseScope&, ReportDetail&)>& body) {
  return impl_
      ->report<void>(as, report,
                     [&](const User& actor, AuditBuilder& audit) -> Result<void> {
                       if (!team.empty()) audit.detail.text("team", team.substr(0, max_text_bytes));
                       auto scope = impl_->scope_for(actor, team);
                       if (!scope) return scope.status();
                       ReportDetail detail;
                       Status status = body(impl_->oversight(), *scope, detail);
                       for (const auto& [key, value] : detail) audit.detail.text(key, value.substr(0, max_text_bytes));
                       return status;
                     })
      .status();
}

Result<ExportPage> Engine::export_page(std::string_view as, std::string_view table, std::int64_t after,
                                       std::int64_t limit, bool opening) {
  if (after < 0) return Status::invalid_input("after must be 0 or more");
  if (limit < 1 || limit > 10000) return Status::invalid_input("limit must be 1..10000");
  if (opening)
    return impl_->report<ExportPage>(as, "export", [&](const User& actor, AuditBuilder& audit) -> Result<ExportPage> {
      audit.detail.text("table", table.substr(0, max_id_bytes));
      auto scope = impl_->scope_for(actor);
      if (!scope) return scope.status();
      return impl_->oversight().export_page(table, *scope, after, limit);
    });
  return impl_->runner.read_as<ExportPage>(as, [&](const User& actor) -> Result<ExportPage> {
    if (Status allowed = check_may_oversee(actor.role); !allowed) return allowed;
    auto scope = impl_->scope_for(actor);
    if (!scope) return scope.status();
    return impl_->oversight().export_page(table, *scope, after, limit);
  });
}

Status Engine::export_table(std::string_view as, std::string_view table,
                            const std::function<void(const ExportTable&)>& chunk) {
  return impl_
      ->report<void>(as, "export",
                     [&](const User& actor, AuditBuilder& audit) -> Result<void> {
                       audit.detail.text("table", table.substr(0, max_id_bytes));
                       auto scope = impl_->scope_for(actor);
                       if (!scope) return scope.status();
                       return impl_->oversight().export_table(table, *scope, chunk);
                     })
      .status();
}

}  // namespace casegate
