// libFuzzer target: commands given as JSON, run through the whole engine on a fresh in-memory
// database: [{"op": "open"|"record"|"fire"|"status"|"history", "as": USER, "case": N,
// "kind"/"event": NAME, "data": PAYLOAD, "override": bool, "reason": TEXT, "expect": N}, ...].
// Input that is not such JSON is used raw, as an event name and as a payload. Checks: no crash
// or sanitizer report, errors are one line, every command by a known user adds exactly one
// audit entry (views add one too), and the chain verifies at the end.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "casegate/casegate.hpp"

using namespace casegate;
using nlohmann::json;

namespace {

std::string text_of(const json& command, const char* field) {
  auto it = command.find(field);
  if (it == command.end()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, json::error_handler_t::replace);
}

void check_one_line(const Status& status) {
  if (!status.is_ok() && (status.message().empty() || status.message().find('\n') != std::string::npos)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto clock = std::make_shared<ManualClock>(parse_instant("2026-03-02T09:00:00Z").value());
  auto engine = std::move(open_engine(":memory:", {}, clock).value());
  if (!engine->init("admin", "")) __builtin_trap();
  // North's worker and manager, a chair, and south's worker (who has no access to north's cases).
  for (auto [id, role, team] : {std::tuple{"sw", Role::social_worker, "north"},
                                {"tm", Role::team_manager, "north"},
                                {"chair", Role::conference_chair, ""},
                                {"osei", Role::social_worker, "south"}})
    if (!engine->add_user("admin", User{id, "", role, team, true})) __builtin_trap();
  CaseId first = engine->open_case("sw", OpenCaseRequest{"child_protection", "F", "", std::nullopt, {}}).value().id;

  json commands = json::parse(input, nullptr, false);
  if (commands.is_discarded() || !commands.is_array()) {
    commands = json::array({json{{"op", "record"}, {"kind", "strategy_meeting"}, {"data", input}},
                            json{{"op", "fire"}, {"event", input}}});
  }
  std::int64_t entries = engine->verify()->entries_verified;
  int steps = 0;
  for (const auto& command : commands) {
    if (++steps > 64 || !command.is_object()) break;
    std::string op = text_of(command, "op"), as = text_of(command, "as");
    if (as.empty()) as = "sw";
    CaseId id = command.contains("case") && command["case"].is_number_integer() ? command["case"].get<CaseId>() : first;
    Status status;
    if (op == "open") {
      status =
          engine
              ->open_case(
                  as, OpenCaseRequest{text_of(command, "workflow"), text_of(command, "subject"), "", std::nullopt, {}})
              .status();
    } else if (op == "record") {
      status =
          engine
              ->record_task(as, RecordTaskRequest{id, text_of(command, "kind"), text_of(command, "data"), std::nullopt})
              .status();
    } else if (op == "fire") {
      std::optional<std::int64_t> expect;
      if (command.contains("expect") && command["expect"].is_number_integer())
        expect = command["expect"].get<std::int64_t>();
      bool override_gate =
          command.contains("override") && command["override"].is_boolean() && command["override"].get<bool>();
      status =
          engine
              ->fire(as, FireRequest{id, text_of(command, "event"), override_gate, text_of(command, "reason"), expect})
              .status();
    } else if (op == "status") {
      status = engine->status(as, id).status();
    } else if (op == "history") {
      status = engine->history(as, id).status();
    } else {
      continue;
    }
    check_one_line(status);
    clock->advance(std::chrono::minutes(1));
    bool known_user = as == "sw" || as == "tm" || as == "chair" || as == "osei" || as == "admin";
    std::int64_t now = engine->verify()->entries_verified;
    if (now != entries + (known_user ? 1 : 0)) std::abort();
    entries = now;
  }
  auto report = engine->verify();
  if (!report || !report->ok) std::abort();
  return 0;
}
