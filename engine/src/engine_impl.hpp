#pragma once
// Engine's private state and what its command families share. Each family lives in a file of
// its own: users.cpp, cases.cpp, case_views.cpp, settings.cpp, clock_upkeep.cpp, oversight.cpp,
// migration.cpp, integrity.cpp.
#include <memory>

#include "access.hpp"
#include "casegate/audit_log.hpp"
#include "casegate/engine.hpp"
#include "command_runner.hpp"
#include "validation.hpp"

namespace casegate {

struct Engine::Impl {
  Impl(Storage storage_in, WorkflowRegistry workflows_in, std::shared_ptr<const Clock> clock_in);

  CaseStore& cases() { return *storage.cases; }
  AuditLog& audit() { return *storage.audit; }
  OversightStore& oversight() { return *storage.oversight; }

  Result<CaseRecord> load_case(CaseId id);
  // The access check every case command makes before anything about the case is read or shown
  // (access.hpp): the case, when `actor` has a relationship with it, or a break-glass grant in
  // force (then noted as "grant" in `detail`), and their role has `right`. Otherwise denied,
  // naming nothing but the id; or refused when the relationship is there but not the right.
  Result<CaseRecord> case_for(const User& actor, CaseId id, CaseRight right, DetailJson& detail);
  // The scope of the actor's per-child lists, narrowed to `team` when given.
  Result<CaseScope> scope_for(const User& actor, std::string_view team = {});
  // The workflow version the case runs on; internal when it is not registered.
  Result<const Workflow*> workflow_of(const CaseRecord& record) const;

  // Recomputes the case's clocks inside the running command: new clocks are stored with their
  // due time, met ones get met_at, and a finished case's unmet clocks stop.
  // `tasks`: the case's tasks when the caller has them, else null (they are read).
  Status update_clocks(const Workflow& workflow, const CaseRecord& record, const std::vector<TaskRecord>* tasks);
  // The stored calendar, rebuilt only when its version moves.
  Result<std::shared_ptr<const Calendar>> current_calendar();
  Result<Settings> current_settings();

  // The migration plan of the actor's team's cases, read inside the caller's transaction.
  Result<std::vector<MigrationItem>> migration_plan(const User& actor, std::string_view workflow, int to_version,
                                                    const std::vector<CaseId>& cases);

  // An oversight report: audited as a view named `report`, for anyone but a social worker or an
  // admin. `body(const User& actor, AuditBuilder&)` returns Result<T>.
  template <class T, class Body>
  Result<T> report(std::string_view as, std::string_view report, Body&& body) {
    return runner.audited<T>(as, "view", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<T> {
      audit.detail.text("report", report);
      if (Status allowed = check_may_oversee(actor.role); !allowed) return allowed;
      return body(actor, audit);
    });
  }

  Storage storage;
  WorkflowRegistry workflows;
  std::shared_ptr<const Clock> clock;
  CommandRunner runner;
  std::shared_ptr<const Calendar> calendar_cache;
};

// The case's tasks as its gates see them, from the stage the case is in.
std::vector<TaskFact> ledger_of(const std::vector<TaskRecord>& tasks, std::int64_t stage);

}  // namespace casegate
