// Payload rules of the task-kind catalogue: generic checks of each field type, applied to the
// kinds the workflows register.
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "casegate/task_kinds.hpp"
#include "casegate/utf8.hpp"

namespace casegate {
namespace {

using nlohmann::json;

// Every kind also accepts an optional free-text "notes" field.
const FieldRule notes_field{"notes", FieldType::text, false};

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

bool contains(const std::vector<std::string>& items, std::string_view value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

std::string shown(const json& value) {
  return printable(value.dump(), 40);
}

// {"a", "b"}: the fields of a record_list's items, as a message shows them.
std::string item_shape(const FieldRule& rule) {
  std::string text;
  for (const auto& item : rule.items) text += (text.empty() ? "{\"" : ", \"") + item.name + "\"";
  return text + "}";
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

Status check_choice(const std::string& where, const json& value, const std::vector<std::string>& choices) {
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
    case FieldType::record_list: {
      if (!value.is_array() || value.empty())
        return Status::invalid_input(where + ": expected a non-empty list of " + item_shape(rule));
      std::string at;
      for (std::size_t i = 0; i < value.size(); ++i) {
        at.assign(where).append("[").append(std::to_string(i)).append("]");
        const json& item = value[i];
        if (!item.is_object())
          return Status::invalid_input(at + ": expected " + item_shape(rule) + ", got " + shown(item));
        for (const auto& entry : item.items()) {
          const std::string& key = entry.key();
          if (std::none_of(rule.items.begin(), rule.items.end(), [&](const FieldRule& f) { return f.name == key; }))
            return Status::invalid_input(at + ": unknown field '" + printable(key) + "'");
        }
        for (const auto& field : rule.items)
          if (!item.contains(field.name)) return Status::invalid_input(at + "." + field.name + ": required");
        for (const auto& field : rule.items)
          if (auto s = check_field(at + "." + field.name, field, item[field.name]); !s) return s;
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

bool is_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status check_rule(const std::string& kind, const FieldRule& rule) {
  if (!is_name(rule.name) || rule.name == notes_field.name)
    return Status::invalid_input("task kind " + kind + ": field '" + rule.name + "' is not a usable name");
  bool needs_choices = rule.type == FieldType::choice || rule.type == FieldType::choice_list;
  if (needs_choices == rule.choices.empty())
    return Status::invalid_input("task kind " + kind + "." + rule.name +
                                 (needs_choices ? ": a choice needs choices" : ": only a choice has choices"));
  if ((rule.type == FieldType::record_list) == rule.items.empty())
    return Status::invalid_input("task kind " + kind + "." + rule.name + ": a record_list, and only it, has items");
  for (const auto& item : rule.items)
    if (auto s = check_rule(kind + "." + rule.name, item); !s) return s;
  return Status::ok();
}

}  // namespace

Status TaskKindCatalogue::add(TaskKind kind) {
  if (!is_name(kind.name))
    return Status::invalid_input("task kind '" + printable(kind.name) + "' is not a usable name");
  if (kinds_.contains(kind.name)) return Status::invalid_input("task kind " + kind.name + " is registered already");
  for (const auto& rule : kind.fields)
    if (auto s = check_rule(kind.name, rule); !s) return s;
  std::string name = kind.name;
  kinds_.emplace(std::move(name), std::move(kind));
  return Status::ok();
}

const TaskKind* TaskKindCatalogue::find(std::string_view name) const {
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<const TaskKind*> TaskKindCatalogue::all() const {
  std::vector<const TaskKind*> list;
  for (const auto& [name, kind] : kinds_) list.push_back(&kind);
  return list;
}

std::optional<FieldInfo> TaskKindCatalogue::describe_field(std::string_view kind, std::string_view field,
                                                           std::string_view item_field) const {
  const TaskKind* rules = find(kind);
  if (rules == nullptr) return std::nullopt;
  for (const auto& rule : rules->fields) {
    if (rule.name != field) continue;
    if (item_field.empty()) return FieldInfo{rule.type, rule.choices};
    for (const auto& item : rule.items)
      if (item.name == item_field) return FieldInfo{item.type, item.choices};
  }
  return std::nullopt;
}

Result<std::string> TaskKindCatalogue::validate_payload(std::string_view kind, std::string_view payload_json) const {
  const TaskKind* rules = find(kind);
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
  if (rules->cross_field_rules)
    if (auto s = rules->cross_field_rules(payload); !s) return s;
  return payload.dump();
}

}  // namespace casegate
