#pragma once
// The task-kind catalogue of workflows.md: which kinds exist and who may record them.
// Payload rules are applied by validate_payload (engine), never by callers.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casegate/roles.hpp"
#include "casegate/status.hpp"

namespace casegate {

struct TaskKindInfo {
  std::string_view name;
  // The only role that may record this kind; nullopt: any role that works cases.
  std::optional<Role> recorded_only_by;
};

inline constexpr std::array<TaskKindInfo, 13> task_kinds{{
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

constexpr const TaskKindInfo* find_task_kind(std::string_view name) {
  for (const auto& info : task_kinds)
    if (info.name == name) return &info;
  return nullptr;
}

// Payloads over this many bytes are refused before parsing.
inline constexpr std::size_t max_payload_bytes = 64 * 1024;

// What the payload rules say of one field of a kind, for linting gate conditions.
struct FieldInfo {
  enum class Type { text, boolean, choice, choice_list, participants, date } type;
  std::vector<std::string_view> choices;  // choice and choice_list; participants: the agencies
};
std::optional<FieldInfo> describe_field(std::string_view kind, std::string_view field);

// Checks `payload_json` against the rules of `kind` and returns the payload as stored:
// compact JSON with sorted keys and defaults filled in (referral_decision.urgency).
// Errors are invalid_input with one line naming the kind, the field and the problem.
Result<std::string> validate_payload(std::string_view kind, std::string_view payload_json);

}  // namespace casegate
