// child_protection, version 2: convening a review also needs a visit in which the child was
// seen alone, or the recorded reason why not (the visit payload requires one or the other).
// One MSM machine per translation unit.
#include "child_protection_machine.hpp"
#include "seed.hpp"

namespace casegate::workflows {

std::shared_ptr<const Workflow> make_child_protection_v2() {
  using namespace child_protection_machine;
  using visit_recorded = need<"visit">;
  return std::make_shared<MsmWorkflow<child_protection<core_group_held, child_voice_captured, visit_recorded>>>(
      "child_protection", 2);
}

}  // namespace casegate::workflows
