#include "request.hpp"

namespace casegate::protocol {
namespace {

Status wrong_type(const char* name, const char* expected) {
  return Status::invalid_input(std::string("field '") + name + "' must be " + expected);
}

}  // namespace

const nlohmann::json* Request::find(const char* name) const {
  auto it = body_.find(name);
  return it == body_.end() || it->is_null() ? nullptr : &*it;
}

Result<std::string> Request::text(const char* name) const {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return Status::invalid_input(std::string("field '") + name + "' is required");
  if (!value->is_string()) return wrong_type(name, "text");
  return value->get<std::string>();
}

Result<std::string> Request::text_or(const char* name, std::string fallback) const {
  if (find(name) == nullptr) return fallback;
  return text(name);
}

Result<std::optional<std::int64_t>> Request::number(const char* name) const {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return std::optional<std::int64_t>();
  if (!value->is_number_integer()) return wrong_type(name, "a whole number");
  return std::optional<std::int64_t>(value->get<std::int64_t>());
}

Result<std::int64_t> Request::required_number(const char* name) const {
  auto value = number(name);
  if (!value) return value.status();
  if (!*value) return Status::invalid_input(std::string("field '") + name + "' is required");
  return **value;
}

Result<bool> Request::flag(const char* name) const {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return false;
  if (!value->is_boolean()) return wrong_type(name, "true or false");
  return value->get<bool>();
}

Result<std::optional<Instant>> Request::instant(const char* name) const {
  if (find(name) == nullptr) return std::optional<Instant>();
  auto given = text(name);
  if (!given) return given.status();
  auto parsed = parse_instant(*given, name);
  if (!parsed) return parsed.status();
  return std::optional<Instant>(*parsed);
}

Result<std::vector<std::int64_t>> Request::numbers(const char* name) const {
  std::vector<std::int64_t> list;
  const nlohmann::json* value = find(name);
  if (value == nullptr) return list;
  if (!value->is_array()) return wrong_type(name, "a list of whole numbers");
  for (const auto& item : *value) {
    if (!item.is_number_integer()) return wrong_type(name, "a list of whole numbers");
    list.push_back(item.get<std::int64_t>());
  }
  return list;
}

Result<std::string> Request::json_text(const char* name) const {
  const nlohmann::json* value = find(name);
  if (value == nullptr) return Status::invalid_input(std::string("field '") + name + "' is required");
  return value->dump();
}

}  // namespace casegate::protocol
