#include "casegate/status.hpp"

#include <cstdio>
#include <cstdlib>

namespace casegate {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::ok: return "ok";
    case Code::invalid_input: return "invalid_input";
    case Code::refused: return "refused";
    case Code::denied: return "denied";
    case Code::not_found: return "not_found";
    case Code::conflict: return "conflict";
    case Code::integrity: return "integrity";
    case Code::internal: return "internal";
  }
  return "internal";
}

std::string_view audit_outcome(Code code) {
  switch (code) {
    case Code::ok: return "accepted";
    case Code::invalid_input: return "invalid";
    case Code::refused: return "refused";
    case Code::denied: return "denied";
    case Code::not_found: return "not_found";
    case Code::conflict: return "conflict";
    default: return "error";
  }
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string text(code_name(code_));
  text += ": ";
  text += message_;
  return text;
}

void terminate_on_unchecked_result(const Status& status) {
  std::fprintf(stderr, "casegate: value() of a failed Result: %s\n", status.to_string().c_str());
  std::abort();
}

}  // namespace casegate
