// Views of one case, audited as such: who looked at this child's record.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine_impl.hpp"

namespace casegate {

Result<CaseStatus> Engine::status(std::string_view as, CaseId case_id, std::optional<Instant> as_of) {
  return impl_->runner.audited<CaseStatus>(
      as, "view", case_id, [&](const User& actor, AuditBuilder& audit) -> Result<CaseStatus> {
        audit.detail.text("view", "status");
        auto record = impl_->case_for(actor, case_id, CaseRight::read, audit.detail);
        if (!record) return record.status();
        auto found = impl_->workflow_of(*record);
        if (!found) return found.status();
        const Workflow* workflow = *found;
        auto tasks = impl_->cases().tasks_of(case_id);
        if (!tasks) return tasks.status();
        std::vector<TaskFact> ledger = ledger_of(*tasks, record->stage);
        CaseStatus status;
        for (const auto& event : workflow->events_from(record->state)) {
          auto decision = workflow->decide(record->state, event, ledger, false);
          if (!decision) return decision.status();
          status.events.push_back(
              EventReadiness{event, decision->to, decision->kind == DecisionKind::accepted, decision->missing});
        }
        status.final = workflow->is_final(record->state);
        status.as_of = as_of.value_or(impl_->clock->now());
        auto clocks = impl_->cases().clocks_of(case_id);
        if (!clocks) return clocks.status();
        std::stable_sort(clocks->begin(), clocks->end(),
                         [](const ClockRecord& a, const ClockRecord& b) { return a.started_at < b.started_at; });
        // Tasks of a kind that explains a delay: the latest reason given for each clock wins.
        std::map<std::string, std::string> reasons_late;
        for (const auto& t : *tasks) {
          const TaskKind* kind = impl_->workflows.task_kinds().find(t.kind);
          if (kind == nullptr || !kind->explains_delay) continue;
          auto payload = nlohmann::json::parse(t.payload_json, nullptr, false);
          if (payload.is_object())
            reasons_late[payload.value(kind->explains_delay->clock_field, "")] =
                payload.value(kind->explains_delay->reason_field, "");
        }
        for (ClockRecord& clock : *clocks) {
          auto reason = reasons_late.find(clock.clock);
          status.clocks.push_back(ClockView{clock, clock.state(status.as_of),
                                            reason == reasons_late.end() ? std::string() : reason->second});
        }
        status.record = std::move(*record);
        return status;
      });
}

Result<std::vector<AuditEntry>> Engine::history(std::string_view as, CaseId case_id) {
  return impl_->runner.audited<std::vector<AuditEntry>>(
      as, "view", case_id, [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<AuditEntry>> {
        audit.detail.text("view", "history");
        auto record = impl_->case_for(actor, case_id, CaseRight::read, audit.detail);
        if (!record) return record.status();
        return impl_->audit().entries_of_case(case_id);
      });
}

}  // namespace casegate
