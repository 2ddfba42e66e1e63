#pragma once
// The audit entry's `detail`: a small JSON object written by hand, fields in the order first set.
// Written directly rather than through a JSON library because it is built on every command, and
// because input echoed into it (an unknown event name) may not be valid UTF-8: such bytes become
// U+FFFD here instead of failing the command.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "casegate/workflow.hpp"

namespace casegate {

// Appends `text` to `out` as a JSON string literal.
void append_json_string(std::string& out, std::string_view text);
// {"task", "condition", "role", "scope"}, as casegate/json.hpp's to_json(Requirement).
void append_requirement_json(std::string& out, const Requirement& requirement);

class DetailJson {
 public:
  // Setting a key again replaces its value in place.
  void text(std::string_view key, std::string_view value);
  void number(std::string_view key, std::int64_t value);
  void flag(std::string_view key, bool value);
  void null(std::string_view key);
  void requirements(std::string_view key, const std::vector<Requirement>& value);
  std::string str() const;

 private:
  std::string& slot(std::string_view key);
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace casegate
