#pragma once
// The one command protocol (shared/design/service.md, section 2): a JSON request names a command
// as typed on the CLI ("fire", "user add", "oversight overdue") with its arguments by name, and
// gets back the JSON the CLI prints with --json and an outcome code. The C ABI, and later the
// HTTP server, are doors onto this one implementation.
//
//   {"command": "fire", "case": 12, "event": "start_section_47", "expect_version": 3}
//   {"command": "record", "case": 12, "kind": "referral_decision", "data": {"decision": "significant_harm"}}

#include <string>
#include <string_view>
#include <vector>

#include "casegate/engine.hpp"

namespace casegate {

// Outcome codes, the CLI's exit codes: 0 ok, 1 internal, 2 invalid, 3 refused or denied,
// 4 not found, 5 conflict, 6 integrity.
int outcome_code(Code code);

struct ProtocolResponse {
  int code = 0;
  // The command's JSON. A failure that has no result of its own (anything but a refused fire or
  // a chain that does not verify) is {"error": {"code": "<name>", "message": "<one line>"}}.
  std::string json;
  // When code is not 0: the one line a person reads (the CLI prints it on stderr).
  std::string message;
  // The reply kept for the request's idempotency key, answered again without running anything.
  bool replayed = false;
};

// Runs one request as `as_user`. Never throws: malformed JSON, an unknown command, a missing or
// mistyped field and invalid UTF-8 are code 2 with a message naming the problem. `database` is
// only echoed by "init" (as the CLI does).
// A command that changes something takes "idempotency_key" (Engine::once): the request runs at
// most once for the key, and a retry gets the first reply, `replayed`. Replies of code 1
// (internal) and 5 (conflict: busy, or a stale expected version) are not kept, so a retry runs.
ProtocolResponse execute_request(Engine& engine, std::string_view as_user, std::string_view request_json,
                                 std::string_view database = {});

// Every command the protocol knows, as typed.
std::vector<std::string> protocol_commands();

}  // namespace casegate
