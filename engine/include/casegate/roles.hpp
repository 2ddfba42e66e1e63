#pragma once
// The six roles of workflows.md. Role names are stable keys stored in the database.

#include <array>
#include <optional>
#include <string_view>

namespace casegate {

enum class Role { social_worker, team_manager, conference_chair, auditor, board_chair, admin };

inline constexpr std::array<Role, 6> all_roles{Role::social_worker, Role::team_manager, Role::conference_chair,
                                               Role::auditor,       Role::board_chair,  Role::admin};

constexpr std::string_view role_name(Role role) {
  switch (role) {
    case Role::social_worker: return "social_worker";
    case Role::team_manager: return "team_manager";
    case Role::conference_chair: return "conference_chair";
    case Role::auditor: return "auditor";
    case Role::board_chair: return "board_chair";
    case Role::admin: return "admin";
  }
  return "unknown";
}

constexpr std::optional<Role> parse_role(std::string_view name) {
  for (Role role : all_roles)
    if (role_name(role) == name) return role;
  return std::nullopt;
}

// Roles that work cases (open them, record tasks, fire events). An admin manages users only.
constexpr bool works_cases(Role role) {
  return role != Role::admin;
}

}  // namespace casegate
