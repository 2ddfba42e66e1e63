#pragma once
// What the protocol's command families share: a command's reply, its handler, its row in the
// table, and the readers of periods and as_of that several commands take.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "casegate/engine.hpp"
#include "request.hpp"

namespace casegate::protocol {

using nlohmann::json;

// A command's result: its JSON, and the outcome code (a refused fire and a chain that does not
// verify have a result and a non-zero code).
struct Reply {
  json body;
  int code = 0;
  std::string message = {};  // with a non-zero code
};
using Handler = std::function<Result<Reply>(Engine&, const std::string& as, const Request&, std::string_view db)>;

struct CommandSpec {
  std::vector<std::string> fields;  // besides "command"
  Handler run;
};

// Unwraps a Result into `out`, or returns its Status from the enclosing handler.
#define CASEGATE_TRY(out, expression)              \
  auto out##_result = (expression);                \
  if (!out##_result) return out##_result.status(); \
  auto out = std::move(*out##_result)

using CommandTable = std::map<std::string, CommandSpec, std::less<>>;

Result<Reply> status_reply(const Status& status, json body);
// "from" and "to" (dates or ISO 8601 times; default: the beginning, and now).
Result<std::pair<Instant, Instant>> period(Engine& engine, const Request& r);
// "as_of" (a date or an ISO 8601 time), when given.
Result<std::optional<Instant>> as_of(const Request& r);

// The commands of need-to-know access: cases, allocate, transfer, access, access review,
// oversight access, events.
CommandTable access_commands();

}  // namespace casegate::protocol
