#include "casegate/seed_workflows.hpp"

#include "seed.hpp"

namespace casegate {

WorkflowRegistry seed_workflows() {
  WorkflowRegistry registry;
  registry.add(workflows::make_child_protection_v1());
  registry.add(workflows::make_child_protection_v2());
  registry.add(workflows::make_pre_birth_v1());
  registry.add(workflows::make_improvement_action_v1());
  return registry;
}

}  // namespace casegate
