// child_protection, version 1: one MSM machine per translation unit.
#include "child_protection_machine.hpp"
#include "seed.hpp"

namespace casegate::workflows {

std::shared_ptr<const Workflow> make_child_protection_v1() {
  using namespace child_protection_machine;
  return std::make_shared<MsmWorkflow<child_protection<core_group_held, child_voice_captured>>>("child_protection", 1);
}

}  // namespace casegate::workflows
