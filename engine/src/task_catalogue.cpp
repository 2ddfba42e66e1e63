// Payload rules of the task-kind catalogue (workflows.md, "Task kinds and payload rules").
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "casegate/task_kinds.hpp"
#include "utf8.hpp"

namespace casegate {
namespace {

using nlohmann::json;

enum class FieldType { text, boolean, choice, choice_list, participants, date };

struct FieldRule {
  std::string_view name;
  FieldType type;
  bool required;
  std::vector<std::string_view> choices = {};
};

const std::vector<std::string_view> agencies{"social_care", "police", "health", "education", "gp", "referrer", "other"};
const std::vector<std::string_view> meeting_modes{"in_person", "phone", "video", "written"};
const std::vector<std::string_view> abuse_categories{"neglect", "physical_abuse", "sexual_abuse", "emotional_abuse"};

// Every kind also accepts an optional free-text "notes" field.
const FieldRule notes_field{"notes", FieldType::text, false};

struct KindRules {
  std::string_view kind;
  std::vector<FieldRule> fields;
};

const std::vector<KindRules>& catalogue() {
  static const std::vector<KindRules> rules{
      {"referral_decision",
       {{"decision", FieldType::choice, true, {"significant_harm", "child_in_need", "no_further_action"}},
        {"urgency", FieldType::choice, false, {"immediate", "within_24h", "standard"}}}},
      {"strategy_meeting", {{"participants", FieldType::participants, true}}},
      {"assessment",
       {{"type", FieldType::choice, true, {"child_and_family", "section_47", "pre_birth"}},
        {"outcome", FieldType::text, true}}},
      {"voice_of_child",
       {{"child_seen", FieldType::boolean, true},
        {"method", FieldType::choice, true, {"direct", "observation", "advocate", "parent_report", "written"}},
        {"reason_not_seen", FieldType::text, false},
        {"seen_alone", FieldType::boolean, false},
        {"advocate", FieldType::text, false},
        {"summary", FieldType::text, false}}},
      {"management_oversight", {{"decision", FieldType::text, true}}},
      {"conference_decision",
       {{"outcome", FieldType::choice, true, {"plan", "no_plan", "continue", "end"}},
        {"category", FieldType::choice, false, abuse_categories}}},
      {"core_group", {{"attendees", FieldType::choice_list, true, agencies}}},
      {"visit",
       {{"child_seen", FieldType::boolean, true},
        {"seen_alone", FieldType::boolean, true},
        {"reason_not_seen_alone", FieldType::text, false}}},
      {"birth", {{"date", FieldType::date, true}}},
      {"evidence", {{"description", FieldType::text, true}, {"link", FieldType::text, false}}},
      {"audit_check", {{"effective", FieldType::boolean, true}, {"note", FieldType::text, true}}},
      {"sign_off", {{"note", FieldType::text, true}}},
      {"delay_reason", {{"clock", FieldType::text, true}, {"reason", FieldType::text, true}}},
  };
  return rules;
}

std::string join(const std::vector<std::string_view>& items) {
  std::string text;
  for (auto item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

bool contains(const std::vector<std::string_view>& items, std::string_view value) {
  for (auto item : items)
    if (item == value) return true;
  return false;
}

std::string shown(const json& value) {
  return printable(value.dump(), 40);
}

bool is_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (text[i] < '0' || text[i] > '9') return false;
  int y = std::stoi(text.substr(0, 4)), m = std::stoi(text.substr(5, 2)), d = std::stoi(text.substr(8, 2));
  std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                   std::chrono::day{unsigned(d)}};
  return date.ok();
}

Status check_choice(const std::string& where, const json& value, const std::vector<std::string_view>& choices) {
  if (!value.is_string())
    return Status::invalid_input(where + ": expected one of " + join(choices) + ", got " + shown(value));
  if (!contains(choices, value.get_ref<const std::string&>()))
    return Status::invalid_input(where + ": '" + printable(value.get_ref<const std::string&>()) + "' is not one of " +
                                 join(choices));
  return Status::ok();
}

Status check_field(const std::string& where, const FieldRule& rule, const json& value) {
  switch (rule.type) {
    case FieldType::text: {
      if (!value.is_string()) return Status::invalid_input(where + ": expected text, got " + shown(value));
      const auto& text = value.get_ref<const std::string&>();
      if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return Status::invalid_input(where + ": must not be empty");
      return Status::ok();
    }
    case FieldType::boolean:
      if (!value.is_boolean()) return Status::invalid_input(where + ": expected true or false, got " + shown(value));
      return Status::ok();
    case FieldType::choice: return check_choice(where, value, rule.choices);
    case FieldType::choice_list: {
      if (!value.is_array() || value.empty())
        return Status::invalid_input(where + ": expected a non-empty list of " + join(rule.choices));
      for (std::size_t i = 0; i < value.size(); ++i)
        if (auto s = check_choice(where + "[" + std::to_string(i) + "]", value[i], rule.choices); !s) return s;
      return Status::ok();
    }
    case FieldType::participants: {
      if (!value.is_array() || value.empty())
        return Status::invalid_input(where + ": expected a non-empty list of {\"agency\", \"mode\"}");
      std::string at;
      for (std::size_t i = 0; i < value.size(); ++i) {
        at.assign(where).append("[").append(std::to_string(i)).append("]");
        const json& item = value[i];
        if (!item.is_object())
          return Status::invalid_input(at + ": expected {\"agency\", \"mode\"}, got " + shown(item));
        for (const auto& [key, _] : item.items())
          if (key != "agency" && key != "mode")
            return Status::invalid_input(at + ": unknown field '" + printable(key) + "'");
        if (!item.contains("agency")) return Status::invalid_input(at + ".agency: required");
        if (!item.contains("mode")) return Status::invalid_input(at + ".mode: required");
        if (auto s = check_choice(at + ".agency", item["agency"], agencies); !s) return s;
        if (auto s = check_choice(at + ".mode", item["mode"], meeting_modes); !s) return s;
      }
      return Status::ok();
    }
    case FieldType::date:
      if (!value.is_string() || !is_iso_date(value.get<std::string>()))
        return Status::invalid_input(where + ": expected a date YYYY-MM-DD, got " + shown(value));
      return Status::ok();
  }
  return Status::internal("unhandled field type");
}

bool flag(const json& payload, const char* name, bool fallback) {
  auto it = payload.find(name);
  return it == payload.end() ? fallback : it->get<bool>();
}

// Rules that tie one field to another.
Status check_conditional(std::string_view kind, json& payload) {
  std::string k(kind);
  if (kind == "referral_decision" && !payload.contains("urgency")) payload["urgency"] = "standard";
  if (kind == "voice_of_child") {
    bool seen = payload["child_seen"].get<bool>();
    if (!seen && !payload.contains("reason_not_seen"))
      return Status::invalid_input(k + ".reason_not_seen: required when child_seen is false");
    if (!seen && flag(payload, "seen_alone", false))
      return Status::invalid_input(k + ".seen_alone: cannot be true when child_seen is false");
  }
  if (kind == "visit") {
    bool seen = payload["child_seen"].get<bool>();
    bool alone = payload["seen_alone"].get<bool>();
    if (!seen && alone) return Status::invalid_input(k + ".seen_alone: cannot be true when child_seen is false");
    if (!alone && !payload.contains("reason_not_seen_alone"))
      return Status::invalid_input(k + ".reason_not_seen_alone: required when seen_alone is false");
  }
  if (kind == "conference_decision") {
    std::string outcome = payload["outcome"].get<std::string>();
    bool needs_category = outcome == "plan" || outcome == "continue";
    if (needs_category && !payload.contains("category"))
      return Status::invalid_input(k + ".category: required when outcome is " + outcome + " (one of " +
                                   join(abuse_categories) + ")");
    if (!needs_category && payload.contains("category"))
      return Status::invalid_input(k + ".category: only given when outcome is plan or continue");
  }
  return Status::ok();
}

}  // namespace

std::optional<FieldInfo> describe_field(std::string_view kind, std::string_view field) {
  for (const auto& rules : catalogue()) {
    if (rules.kind != kind) continue;
    for (const auto& rule : rules.fields) {
      if (rule.name != field) continue;
      switch (rule.type) {
        case FieldType::text: return FieldInfo{FieldInfo::Type::text, {}};
        case FieldType::boolean: return FieldInfo{FieldInfo::Type::boolean, {}};
        case FieldType::choice: return FieldInfo{FieldInfo::Type::choice, rule.choices};
        case FieldType::choice_list: return FieldInfo{FieldInfo::Type::choice_list, rule.choices};
        case FieldType::participants: return FieldInfo{FieldInfo::Type::participants, agencies};
        case FieldType::date: return FieldInfo{FieldInfo::Type::date, {}};
      }
    }
  }
  return std::nullopt;
}

Result<std::string> validate_payload(std::string_view kind, std::string_view payload_json) {
  const KindRules* rules = nullptr;
  for (const auto& candidate : catalogue())
    if (candidate.kind == kind) rules = &candidate;
  if (rules == nullptr) return Status::invalid_input("unknown task kind '" + printable(kind) + "'");
  std::string k(kind);
  if (payload_json.size() > max_payload_bytes)
    return Status::invalid_input(k + ": payload is " + std::to_string(payload_json.size()) +
                                 " bytes, over the limit of " + std::to_string(max_payload_bytes));
  if (auto bad = first_invalid_utf8(payload_json))
    return Status::invalid_input(k + ": payload is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  json payload = json::parse(payload_json, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) return Status::invalid_input(k + ": payload is not valid JSON");
  if (!payload.is_object()) return Status::invalid_input(k + ": payload must be a JSON object");
  for (const auto& [key, _] : payload.items()) {
    bool known = key == notes_field.name;
    for (const auto& rule : rules->fields) known = known || rule.name == key;
    if (!known) return Status::invalid_input(k + ": unknown field '" + printable(key) + "'");
  }
  std::string where;  // "kind.field", reused: it is only read when something is wrong
  auto check_all = [&](const std::vector<FieldRule>& fields) -> Status {
    for (const auto& rule : fields) {
      where.assign(k).append(".").append(rule.name);
      auto it = payload.find(rule.name);
      if (it == payload.end()) {
        if (rule.required) return Status::invalid_input(where + ": required");
        continue;
      }
      if (auto s = check_field(where, rule, *it); !s) return s;
    }
    return Status::ok();
  };
  if (auto s = check_all(rules->fields); !s) return s;
  if (auto s = check_all({notes_field}); !s) return s;
  if (auto s = check_conditional(kind, payload); !s) return s;
  return payload.dump();
}

}  // namespace casegate
