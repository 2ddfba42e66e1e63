#pragma once
// Factories of the seed workflows, one per machine translation unit, and their catalogue.
#include <memory>

#include "casegate/workflow.hpp"

namespace casegate::workflows {

std::shared_ptr<const Workflow> make_child_protection_v1();
std::shared_ptr<const Workflow> make_child_protection_v2();
std::shared_ptr<const Workflow> make_pre_birth_v1();
std::shared_ptr<const Workflow> make_improvement_action_v1();

// The seed task kinds and the settings the seed clocks read.
Status add_seed_catalogue(WorkflowRegistry& registry);

}  // namespace casegate::workflows
