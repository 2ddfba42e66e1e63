#include "validation.hpp"

#include "casegate/utf8.hpp"

namespace casegate {

std::string shown_name(std::string_view text) {
  return "'" + printable(text) + "'";
}

std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

Status check_identifier(std::string_view what, std::string_view id) {
  if (id.empty()) return Status::invalid_input(std::string(what) + " must not be empty");
  if (id.size() > max_id_bytes)
    return Status::invalid_input(std::string(what) + " " + shown_name(id) + " is longer than 64 characters");
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '@';
    if (!ok)
      return Status::invalid_input(std::string(what) + " " + shown_name(id) +
                                   " may hold only letters, digits and . _ - @");
  }
  return Status::ok();
}

Status check_text(std::string_view what, std::string_view text, bool required) {
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Status::invalid_input(std::string(what) + " must not be empty");
  if (text.size() > max_text_bytes)
    return Status::invalid_input(std::string(what) + " is longer than " + std::to_string(max_text_bytes) + " bytes");
  if (first_invalid_utf8(text)) return Status::invalid_input(std::string(what) + " is not valid UTF-8");
  if (text.find('\0') != std::string_view::npos)
    return Status::invalid_input(std::string(what) + " contains a NUL byte");
  return Status::ok();
}

std::string case_name(CaseId id) {
  return "case " + std::to_string(id);
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string describe_all(const std::vector<Requirement>& missing) {
  std::string text;
  for (const auto& r : missing) text += (text.empty() ? "" : "; ") + describe(r);
  return text;
}

bool may_oversee(Role role) {
  return role != Role::social_worker && role != Role::admin;
}

Status check_may_oversee(Role role) {
  if (may_oversee(role)) return Status::ok();
  return Status::refused("oversight reports are for team managers, chairs and auditors");
}

bool may_configure(Role role) {
  return role == Role::team_manager || role == Role::admin;
}

}  // namespace casegate
