#pragma once
// Checks of a command's input at the engine's boundary, and the phrases its messages share.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "casegate/records.hpp"
#include "casegate/status.hpp"
#include "casegate/workflow.hpp"

namespace casegate {

// Business times may run ahead of the engine's clock by this much (clock skew between machines).
inline constexpr std::chrono::minutes allowed_clock_skew{5};
inline constexpr std::size_t max_text_bytes = 4000;
inline constexpr std::size_t max_id_bytes = 64;
inline constexpr std::size_t max_attributes = 64;

// A name from the input, quoted and safe to put in a one-line message.
std::string shown_name(std::string_view text);
// An id (user, attribute name): 1 to 64 letters, digits and . _ - @.
Status check_identifier(std::string_view what, std::string_view id);
// Free text: valid UTF-8 with no NUL, at most max_text_bytes; `required`: not blank.
Status check_text(std::string_view what, std::string_view text, bool required);

std::string case_name(CaseId id);
// The noun with its article, for messages: "a team_manager", "an auditor".
std::string with_article(std::string_view noun);
std::string join(const std::vector<std::string>& items);
// Each requirement described, joined with "; ".
std::string describe_all(const std::vector<Requirement>& missing);

// Who may do what beyond working cases (roles.hpp has works_cases).
bool may_oversee(Role role);
// refused, saying who may, unless may_oversee.
Status check_may_oversee(Role role);
bool may_configure(Role role);

}  // namespace casegate
