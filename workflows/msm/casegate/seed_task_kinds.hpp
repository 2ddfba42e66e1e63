#pragma once
// The seed workflows' task kinds as gates see them at compile time: each name, and the only role
// that may record it. Their payload rules are registered at run time by seed_workflows()
// (workflows/src/seed_catalogue.cpp); a test checks the two agree.

#include <array>
#include <optional>
#include <string_view>

#include "casegate/roles.hpp"

namespace casegate::workflows {

struct SeedTaskKind {
  std::string_view name;
  std::optional<Role> recorded_only_by;  // nullopt: any role that works cases
};

inline constexpr std::array<SeedTaskKind, 13> seed_task_kinds{{
    {"referral_decision", std::nullopt},
    {"strategy_meeting", std::nullopt},
    {"assessment", std::nullopt},
    {"voice_of_child", std::nullopt},
    {"management_oversight", Role::team_manager},
    {"conference_decision", Role::conference_chair},
    {"core_group", std::nullopt},
    {"visit", std::nullopt},
    {"birth", std::nullopt},
    {"evidence", std::nullopt},
    {"audit_check", Role::auditor},
    {"sign_off", Role::board_chair},
    {"delay_reason", std::nullopt},
}};

constexpr const SeedTaskKind* find_seed_task_kind(std::string_view name) {
  for (const auto& kind : seed_task_kinds)
    if (kind.name == name) return &kind;
  return nullptr;
}

}  // namespace casegate::workflows
