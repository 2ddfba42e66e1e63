#include "casegate/seed_workflows.hpp"

#include "seed.hpp"

namespace casegate {

WorkflowRegistry seed_workflows() {
  WorkflowRegistry registry;
  if (Status added = workflows::add_seed_catalogue(registry); !added) terminate_on_unchecked_result(added);
  for (auto& workflow : {workflows::make_child_protection_v1(), workflows::make_child_protection_v2(),
                         workflows::make_pre_birth_v1(), workflows::make_improvement_action_v1()})
    // Two seeds of one name and version are a bug in this file, never a condition to carry on from.
    if (Status added = registry.add(workflow); !added) terminate_on_unchecked_result(added);
  return registry;
}

}  // namespace casegate
