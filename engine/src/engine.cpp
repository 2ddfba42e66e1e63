#include "casegate/engine.hpp"

#include "engine_impl.hpp"

namespace casegate {

std::string_view fire_outcome_name(FireOutcome outcome) {
  switch (outcome) {
    case FireOutcome::accepted: return "accepted";
    case FireOutcome::override: return "override";
    case FireOutcome::refused: return "refused";
  }
  return "refused";
}

std::vector<TaskFact> ledger_of(const std::vector<TaskRecord>& tasks, std::int64_t stage) {
  std::vector<TaskFact> ledger;
  ledger.reserve(tasks.size());
  for (const auto& t : tasks) ledger.push_back({t.kind, t.role, t.stage == stage, t.payload_json});
  return ledger;
}

static std::shared_ptr<const Clock> or_system_clock(std::shared_ptr<const Clock> clock) {
  return clock ? std::move(clock) : std::make_shared<SystemClock>();
}

Engine::Impl::Impl(Storage storage_in, WorkflowRegistry workflows_in, std::shared_ptr<const Clock> clock_in)
    : storage(std::move(storage_in)),
      workflows(std::move(workflows_in)),
      clock(or_system_clock(std::move(clock_in))),
      runner(storage, *clock) {
  // The engine's own setting, beside the ones the workflows register (an embedder may have
  // defined it already, with other bounds).
  if (workflows.find_setting(break_glass_hours_setting) == nullptr)
    (void)workflows.add_setting({std::string(break_glass_hours_setting), 8, 1, 24,
                                 "hours a break-glass grant lasts when no --hours is given (at most 24)"});
}

Result<CaseRecord> Engine::Impl::case_for(const User& actor, CaseId id, CaseRight right, DetailJson& detail) {
  auto record = load_case(id);
  if (!record) return record;
  if (!has_relationship(actor, *record, workflows)) {
    if (!grant_gives(right)) return access_denied(actor, id);
    auto grant = cases().grant_in_force(id, actor.id, clock->now());
    if (!grant) return grant.status();
    if (!grant->has_value()) return access_denied(actor, id);
    detail.number("grant", (*grant)->id);
  }
  if (!role_has_right(actor.role, right))
    return Status::refused("a " + std::string(role_name(actor.role)) + " may not " + std::string(right_name(right)) +
                           " on a case");
  return record;
}

Result<CaseScope> Engine::Impl::scope_for(const User& actor, std::string_view team) {
  auto scope = scope_of(actor, workflows);
  if (!scope) return scope;
  return narrowed_to(*scope, team);
}

Result<CaseRecord> Engine::Impl::load_case(CaseId id) {
  auto found = cases().find_case(id);
  if (!found) return found.status();
  if (!found->has_value()) return Status::not_found(case_name(id) + " does not exist");
  return std::move(**found);
}

Result<const Workflow*> Engine::Impl::workflow_of(const CaseRecord& record) const {
  const Workflow* workflow = workflows.find(record.workflow, record.workflow_version);
  if (workflow == nullptr)
    return Status::internal(case_name(record.id) + " uses workflow " + record.workflow + " version " +
                            std::to_string(record.workflow_version) + ", which is not registered");
  return workflow;
}

Engine::Engine(Storage storage, WorkflowRegistry workflows, std::shared_ptr<const Clock> clock)
    : impl_(std::make_unique<Impl>(std::move(storage), std::move(workflows), std::move(clock))) {}

Engine::~Engine() = default;

const WorkflowRegistry& Engine::workflows() const {
  return impl_->workflows;
}

const Clock& Engine::clock() const {
  return *impl_->clock;
}

Result<OnceReply> Engine::once(std::string_view as, std::string_view key, std::string_view request,
                               const std::function<std::string(bool& keep)>& command) {
  return impl_->runner.once(as, key, request, command);
}

CommitStats Engine::commit_stats() const {
  return impl_->runner.commit_stats();
}

}  // namespace casegate
