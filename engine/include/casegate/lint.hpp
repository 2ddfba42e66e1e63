#pragma once
// `casegate workflow check`: what a workflow author should fix before a workflow goes live.
#include <string>
#include <vector>

#include "casegate/status.hpp"
#include "casegate/task_kinds.hpp"
#include "casegate/workflow.hpp"

namespace casegate {

// One line per finding, e.g. "pre_birth v1: state 'limbo' is not reachable from 'pre_birth_referral'".
// Checks: states unreachable from the initial state; non-final states with no way out; final
// states with a way out; gates naming unknown task kinds, fields or values no payload can have,
// or a role that may not record the kind; clocks met by an unknown task kind or state; and
// duplicate state, transition or clock names. Empty when clean.
// `kinds`: the task kinds the workflow will run with (its registry's).
std::vector<std::string> lint_workflow(const Workflow& workflow, const TaskKindCatalogue& kinds);

struct LintReport {
  std::size_t checked = 0;  // workflows (each version counts)
  std::vector<std::string> findings;
};
// Every registered workflow, or every version of the one named: not_found when none is.
Result<LintReport> lint_workflows(const WorkflowRegistry& registry, std::string_view name = {});

}  // namespace casegate
