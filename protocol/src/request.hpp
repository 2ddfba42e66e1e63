#pragma once
// A protocol request's fields, read with their types checked: a field of the wrong type, or a
// required one missing, is invalid_input naming it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "casegate/status.hpp"
#include "casegate/time.hpp"

namespace casegate::protocol {

class Request {
 public:
  explicit Request(const nlohmann::json& body) : body_(body) {}

  Result<std::string> text(const char* name) const;  // required
  Result<std::string> text_or(const char* name, std::string fallback) const;
  Result<std::optional<std::int64_t>> number(const char* name) const;  // a whole number, optional
  Result<std::int64_t> required_number(const char* name) const;
  Result<bool> flag(const char* name) const;                          // false when absent
  Result<std::optional<Instant>> instant(const char* name) const;     // ISO 8601, optional
  Result<std::vector<std::int64_t>> numbers(const char* name) const;  // optional list
  // A JSON value (any type), compact; required.
  Result<std::string> json_text(const char* name) const;
  const nlohmann::json* find(const char* name) const;

 private:
  const nlohmann::json& body_;
};

}  // namespace casegate::protocol
