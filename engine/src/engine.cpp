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
      runner(storage, *clock) {}

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

}  // namespace casegate
