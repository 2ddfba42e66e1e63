#pragma once
// The workflows that ship with casegate (shared/design/workflows.md).

#include "casegate/workflow.hpp"

namespace casegate {

// A registry holding every seed workflow: child_protection, pre_birth, improvement_action.
WorkflowRegistry seed_workflows();

}  // namespace casegate
