#pragma once
// Task kinds: what a task of each kind must carry and who may record it. Workflows contribute
// their kinds to the WorkflowRegistry's catalogue (the seed workflows' are in workflows/); the
// engine applies the rules when a task is recorded, never callers.

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casegate/roles.hpp"
#include "casegate/status.hpp"

namespace casegate {

enum class FieldType {
  text,         // a non-blank string
  boolean,      // true or false
  choice,       // one of `choices`
  choice_list,  // a non-empty list, each one of `choices`
  record_list,  // a non-empty list of objects, each with exactly the fields in `items` (all required)
  date,         // YYYY-MM-DD
};

struct FieldRule {
  std::string name;
  FieldType type = FieldType::text;
  bool required = false;
  std::vector<std::string> choices = {};  // choice, choice_list
  std::vector<FieldRule> items = {};      // record_list
};

struct TaskKind {
  std::string name;
  // The only role that may record this kind; nullopt: any role that works cases.
  std::optional<Role> recorded_only_by;
  // Every kind also accepts an optional text field "notes".
  std::vector<FieldRule> fields;
  // Rules tying one field to another, or filling in a default, run once every field has passed.
  // A rule that does not hold is invalid_input naming "kind.field: ...".
  std::function<Status(nlohmann::json& payload)> cross_field_rules = {};
  // A task of this kind explains why one of the case's clocks is late: the text field naming the
  // clock and the one giving the reason (shown beside the clock in a case's status).
  struct DelayExplanation {
    std::string clock_field, reason_field;
  };
  std::optional<DelayExplanation> explains_delay = std::nullopt;
};

// Payloads over this many bytes are refused before parsing.
inline constexpr std::size_t max_payload_bytes = 64 * 1024;

// What the rules say of one field of a kind (or of one field of its records, for a
// record_list), for linting gate conditions.
struct FieldInfo {
  FieldType type;
  std::vector<std::string> choices;
};

class TaskKindCatalogue {
 public:
  // invalid_input when the name is taken or a rule is malformed.
  Status add(TaskKind kind);
  const TaskKind* find(std::string_view name) const;
  std::vector<const TaskKind*> all() const;  // by name

  // Checks `payload_json` against the rules of `kind` and returns the payload as stored:
  // compact JSON with sorted keys and defaults filled in. Errors are invalid_input with one line
  // naming the kind, the field and the problem.
  Result<std::string> validate_payload(std::string_view kind, std::string_view payload_json) const;
  // `item_field`: a field of the records of a record_list `field`.
  std::optional<FieldInfo> describe_field(std::string_view kind, std::string_view field,
                                          std::string_view item_field = {}) const;

 private:
  std::map<std::string, TaskKind, std::less<>> kinds_;
};

}  // namespace casegate
