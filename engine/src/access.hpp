#pragma once
// Need-to-know access (shared/design/service.md section 1, docs/access.md): which cases a user
// has a legitimate relationship with, and what their role may do there. Every command that
// touches a case asks here before anything about the case is read or shown.
#include <string>

#include "casegate/oversight.hpp"
#include "casegate/records.hpp"
#include "casegate/workflow.hpp"

namespace casegate {

// How long a break-glass grant lasts when no hours are given (1..24, default 8).
inline constexpr std::string_view break_glass_hours_setting = "access.break_glass_hours";

enum class CaseRight { read, record, fire, override_gate, allocate, transfer, review_access };
std::string_view right_name(CaseRight right);

// Whether the role's work includes `right` on a case it has a relationship with.
bool role_has_right(Role role, CaseRight right);
// What a break-glass grant gives: read, record and fire, as the role allows. Never an override
// (a grant never bypasses a gate) nor what belongs to the owning team's managers.
bool grant_gives(CaseRight right);

// A standing relationship: the case's team is the user's (social workers, team managers), every
// case (conference chairs, auditors), or a case of a workflow whose gates need the role (board
// chairs). An admin has none.
bool has_relationship(const User& user, const CaseRecord& record, const WorkflowRegistry& workflows);

// Roles with no team whose relationship comes from the workflows' gates (board chairs): the
// workflows with a gate the role records for. Empty for other roles.
std::vector<std::string> workflows_needing(Role role, const WorkflowRegistry& workflows);

// The cases a per-child list shows `user`; refused for an admin.
Result<CaseScope> scope_of(const User& user, const WorkflowRegistry& workflows);
// `scope` narrowed to `team` (empty: unchanged): denied when the user may not see that team.
Result<CaseScope> narrowed_to(const CaseScope& scope, std::string_view team);

// The one line of a denial: the case's id and nothing else about it.
Status access_denied(const User& user, CaseId id);

}  // namespace casegate
