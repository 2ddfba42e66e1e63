#include "access.hpp"

#include <algorithm>

#include "validation.hpp"

namespace casegate {

std::string_view right_name(CaseRight right) {
  switch (right) {
    case CaseRight::read: return "read";
    case CaseRight::record: return "record";
    case CaseRight::fire: return "fire";
    case CaseRight::override_gate: return "override a gate";
    case CaseRight::allocate: return "allocate";
    case CaseRight::transfer: return "transfer";
    case CaseRight::review_access: return "review break-glass access";
  }
  return "unknown";
}

bool role_has_right(Role role, CaseRight right) {
  switch (role) {
    case Role::social_worker: return right == CaseRight::read || right == CaseRight::record || right == CaseRight::fire;
    case Role::team_manager: return true;
    case Role::conference_chair:
      return right == CaseRight::read || right == CaseRight::record || right == CaseRight::fire;
    case Role::auditor:
    case Role::board_chair: return right == CaseRight::read || right == CaseRight::record;
    case Role::admin: return false;
  }
  return false;
}

bool grant_gives(CaseRight right) {
  return right == CaseRight::read || right == CaseRight::record || right == CaseRight::fire;
}

std::vector<std::string> workflows_needing(Role role, const WorkflowRegistry& workflows) {
  std::vector<std::string> names;
  if (role != Role::board_chair) return names;
  for (const Workflow* w : workflows.all()) {
    bool needs = std::any_of(w->transitions().begin(), w->transitions().end(), [&](const TransitionInfo& t) {
      return std::any_of(t.gate.begin(), t.gate.end(), [&](const Requirement& r) { return r.role == role; });
    });
    if (needs && std::find(names.begin(), names.end(), w->name()) == names.end()) names.push_back(w->name());
  }
  return names;
}

bool has_relationship(const User& user, const CaseRecord& record, const WorkflowRegistry& workflows) {
  switch (user.role) {
    case Role::social_worker:
    case Role::team_manager: return !user.team.empty() && user.team == record.team;
    case Role::conference_chair:
    case Role::auditor: return true;
    case Role::board_chair: {
      auto names = workflows_needing(user.role, workflows);
      return std::find(names.begin(), names.end(), record.workflow) != names.end();
    }
    case Role::admin: return false;
  }
  return false;
}

Result<CaseScope> scope_of(const User& user, const WorkflowRegistry& workflows) {
  switch (user.role) {
    case Role::social_worker:
    case Role::team_manager:
      if (user.team.empty()) return access_denied(user, 0);
      return CaseScope{user.team, {}};
    case Role::conference_chair:
    case Role::auditor: return CaseScope{};
    case Role::board_chair: {
      CaseScope scope{"", workflows_needing(user.role, workflows)};
      if (scope.workflows.empty()) scope.workflows.push_back("");  // a workflow no case has: nothing
      return scope;
    }
    case Role::admin: break;
  }
  return Status::refused("an admin sees no cases: users, settings and the calendar only");
}

Result<CaseScope> narrowed_to(const CaseScope& scope, std::string_view team) {
  if (team.empty()) return scope;
  if (!scope.sees_team(team))
    return Status::denied("team " + shown_name(team) + " is not one whose cases you may list");
  CaseScope narrowed = scope;
  narrowed.team = std::string(team);
  return narrowed;
}

Status access_denied(const User& user, CaseId id) {
  if (id == 0) return Status::denied(user.id + " belongs to no team, so has no cases");
  return Status::denied(user.id + " has no access to " + case_name(id) +
                        " (no relationship with it and no break-glass grant in force)");
}

}  // namespace casegate
