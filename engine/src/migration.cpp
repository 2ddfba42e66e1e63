// Migration of live cases to another version of their workflow.
#include <algorithm>

#include "engine_impl.hpp"

namespace casegate {

Result<std::vector<MigrationItem>> Engine::Impl::migration_plan(const User& actor, std::string_view name,
                                                                int to_version, const std::vector<CaseId>& selected) {
  if (actor.role != Role::team_manager) return Status::refused("only a team_manager migrates their team's cases");
  const Workflow* target = workflows.find(name, to_version);
  if (target == nullptr)
    return Status::invalid_input("no workflow " + shown_name(name) + " version " + std::to_string(to_version));
  // Need-to-know: a team manager moves their own team's cases, and a case named outside the team
  // is denied before anything about it is shown.
  for (CaseId id : selected) {
    auto record = load_case(id);
    if (!record) return record.status();
    if (!has_relationship(actor, *record, workflows)) return access_denied(actor, id);
  }
  auto candidates = cases().cases_below_version(name, to_version);
  if (!candidates) return candidates.status();
  std::vector<MigrationItem> plan;
  for (const CaseRecord& record : *candidates) {
    if (record.team != actor.team) continue;
    if (!selected.empty() && std::find(selected.begin(), selected.end(), record.id) == selected.end()) continue;
    const Workflow* source = workflows.find(name, record.workflow_version);
    if (source == nullptr) return Status::internal(case_name(record.id) + " uses an unregistered workflow version");
    if (source->is_final(record.state)) continue;  // closed cases keep the version they ended with
    MigrationItem item{record.id, record.workflow_version, record.state, "", true, {}};
    if (target->has_state(record.state))
      item.new_state = record.state;
    else if (auto renamed = target->state_renames().find(record.state);
             renamed != target->state_renames().end() && target->has_state(renamed->second))
      item.new_state = renamed->second;
    item.mappable = !item.new_state.empty();
    if (item.mappable) {
      auto tasks = cases().tasks_of(record.id);
      if (!tasks) return tasks.status();
      std::vector<TaskFact> ledger = ledger_of(*tasks, record.stage);
      std::vector<std::string> events = source->events_from(record.state);
      for (const auto& e : target->events_from(item.new_state))
        if (std::find(events.begin(), events.end(), e) == events.end()) events.push_back(e);
      for (const auto& event : events) {
        auto before = source->decide(record.state, event, ledger, false);
        auto after = target->decide(item.new_state, event, ledger, false);
        if (!before || !after) return before ? after.status() : before.status();
        MigrationItem::EventChange change{event,
                                          before->kind == DecisionKind::accepted,
                                          after->kind == DecisionKind::accepted,
                                          before->kind == DecisionKind::accepted || before->kind == DecisionKind::gated,
                                          after->kind == DecisionKind::accepted || after->kind == DecisionKind::gated,
                                          after->missing};
        if (change.ready_before != change.ready_after || change.exists_before != change.exists_after ||
            (!change.ready_after && before->missing != after->missing))
          item.changes.push_back(std::move(change));
      }
    }
    plan.push_back(std::move(item));
  }
  for (CaseId id : selected)
    if (std::none_of(plan.begin(), plan.end(), [&](const MigrationItem& i) { return i.case_id == id; }))
      return Status::not_found(case_name(id) + " is not an open " + std::string(name) + " case below version " +
                               std::to_string(to_version));
  return plan;
}

Result<std::vector<MigrationItem>> Engine::plan_migration(std::string_view as, std::string_view workflow,
                                                          int to_version, const std::vector<CaseId>& cases) {
  return impl_->runner.audited<std::vector<MigrationItem>>(
      as, "view", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<MigrationItem>> {
        audit.detail.text("report", "migration plan");
        audit.detail.text("workflow", workflow.substr(0, max_id_bytes));
        audit.detail.number("to_version", to_version);
        return impl_->migration_plan(actor, workflow, to_version, cases);
      });
}

Result<std::vector<MigrationItem>> Engine::migrate(std::string_view as, std::string_view workflow, int to_version,
                                                   const std::vector<CaseId>& cases) {
  // One transaction: an audit entry for each case moved, and the runner's own entry for the
  // migration as a whole.
  return impl_->runner.audited<std::vector<MigrationItem>>(
      as, "migrate", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<MigrationItem>> {
        audit.detail.text("workflow", workflow.substr(0, max_id_bytes));
        audit.detail.number("to_version", to_version);
        auto plan = impl_->migration_plan(actor, workflow, to_version, cases);
        if (!plan) return plan;
        std::string unmappable;
        for (const auto& item : *plan)
          if (!item.mappable)
            unmappable += (unmappable.empty() ? "" : ", ") + case_name(item.case_id) + " (" + item.state + ")";
        if (!unmappable.empty())
          return Status::refused("version " + std::to_string(to_version) + " has no place for " + unmappable +
                                 ": give the state a mapping in the new version; nothing was migrated");
        for (const auto& item : *plan) {
          auto record = impl_->load_case(item.case_id);
          if (!record) return record.status();
          if (auto s = impl_->cases().migrate_case(item.case_id, record->version, to_version, item.new_state); !s)
            return s;
          DetailJson detail;
          detail.text("workflow", workflow);
          detail.number("from_version", item.from_version);
          detail.number("to_version", to_version);
          detail.text("from", item.state);
          detail.text("to", item.new_state);
          auto entry = impl_->audit().append(AuditDraft{impl_->clock->now(), item.case_id, actor.id,
                                                        std::string(role_name(actor.role)), "migrate", "accepted",
                                                        detail.str()});
          if (!entry) return entry.status();
        }
        audit.detail.number("cases", static_cast<std::int64_t>(plan->size()));
        return plan;
      });
}

}  // namespace casegate
