// casegate scenario run FILE...: workflow tests for authors, without C++. Each file is JSON:
//   {"name", "start": ISO8601, "users": [{"id", "role", "team"}], "settings": {KEY: VALUE},
//    "steps": [{"at": ISO8601 | "advance": "26h"|"3d"|"90m", "as": USER, "case": LABEL,
//               one of "open": WORKFLOW (with "subject", "received_at", "attributes"),
//                      "record": KIND (with "data", "occurred_at"),
//                      "fire": EVENT (with "override", "reason", "expect_version"),
//                      "check": true (only expectations),
//               "expect": {"outcome", "state", "missing": [KIND...], "error": TEXT,
//                          "clocks": [{"clock", "cycle", "due_date", "due_at", "state"}]}}]}
// Each runs on a fresh in-memory database with a virtual clock. Every failed expectation is
// printed with its step; the exit code is 0 only when all pass.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"
#include "cli.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

Result<std::chrono::milliseconds> parse_duration(const std::string& text) {
  if (text.size() < 2) return Status::invalid_input("advance: '" + text + "' is not a duration such as 26h, 3d or 90m");
  std::int64_t amount = 0;
  try {
    amount = std::stoll(text.substr(0, text.size() - 1));
  } catch (...) {
    return Status::invalid_input("advance: '" + text + "' is not a duration such as 26h, 3d or 90m");
  }
  switch (text.back()) {
    case 'm': return std::chrono::milliseconds(std::chrono::minutes(amount));
    case 'h': return std::chrono::milliseconds(std::chrono::hours(amount));
    case 'd': return std::chrono::milliseconds(std::chrono::hours(24 * amount));
    default: return Status::invalid_input("advance: '" + text + "' is not a duration such as 26h, 3d or 90m");
  }
}

struct Runner {
  std::string file;
  int failures = 0;
  void fail(std::size_t step, const std::string& what, const std::string& message) {
    ++failures;
    std::cout << file << ": step " << step << " (" << what << "): " << message << "\n";
  }

  int run(const json& scenario) {
    std::string name = text(scenario, "name");
    auto start = parse_instant(text(scenario, "start"), "start");
    if (!start) return fail(0, "start", start.status().message()), failures;
    auto clock = std::make_shared<ManualClock>(*start);
    auto store = open_sqlite_store(":memory:");
    if (!store) return fail(0, "open", store.status().message()), failures;
    Engine engine(std::move(*store), seed_workflows(), clock);
    if (auto s = engine.init("admin", "Scenario admin"); !s) return fail(0, "init", s.message()), failures;
    // Expectations of state and clocks are read by an auditor, who may read every case.
    const std::string observer = "scenario.observer";
    if (auto s = engine.add_user("admin", User{observer, "Scenario observer", Role::auditor, "", true}); !s)
      return fail(0, "observer", s.message()), failures;
    for (const auto& u : scenario.value("users", json::array())) {
      auto role = parse_role(text(u, "role"));
      if (!role)
        fail(0, "users", "unknown role '" + text(u, "role") + "'");
      else if (auto s = engine.add_user("admin", User{text(u, "id"), text(u, "name"), *role, text(u, "team"), true});
               !s)
        fail(0, "users", s.message());
    }
    const json settings = scenario.value("settings", json::object());  // kept: items() refers to it
    for (const auto& [key, value] : settings.items())
      if (auto s = engine.set_setting("admin", key, value.is_string() ? value.get<std::string>() : value.dump()); !s)
        fail(0, "settings", s.message());

    std::map<std::string, CaseId> cases;
    std::string last_case;
    std::size_t number = 0;
    for (const auto& step : scenario.value("steps", json::array())) {
      ++number;
      if (step.contains("at")) {
        auto at = parse_instant(text(step, "at"), "at");
        if (!at) {
          fail(number, "at", at.status().message());
          continue;
        }
        clock->set(*at);
      }
      if (step.contains("advance")) {
        auto by = parse_duration(text(step, "advance"));
        if (!by)
          fail(number, "advance", by.status().message());
        else
          clock->advance(*by);
      }
      std::string as = text(step, "as");
      std::string label = step.contains("case") ? text(step, "case") : last_case;
      auto optional_time = [&](const char* key) -> std::optional<Instant> {
        if (!step.contains(key)) return std::nullopt;
        auto parsed = parse_instant(text(step, key), key);
        return parsed ? std::optional<Instant>(*parsed) : std::nullopt;
      };
      if (!step.contains("open") && (label.empty() || !cases.count(label))) {
        fail(number, "case", label.empty() ? "no case opened yet" : "no case '" + label + "' opened");
        continue;
      }
      std::string what;
      Status status;
      std::vector<std::string> missing;
      std::string fire_outcome;
      if (step.contains("open")) {
        what = "open " + text(step, "open");
        OpenCaseRequest request{text(step, "open"),
                                step.contains("subject") ? text(step, "subject") : "SCENARIO",
                                text(step, "team"),
                                optional_time("received_at"),
                                {}};
        const json attributes = step.value("attributes", json::object());  // kept: items() refers to it
        for (const auto& [key, value] : attributes.items())
          request.attributes[key] = value.is_string() ? value.get<std::string>() : value.dump();
        auto opened = engine.open_case(as, request);
        status = opened.status();
        if (opened) {
          last_case = label = step.contains("case") ? label : "#" + std::to_string(opened->id);
          cases[last_case] = opened->id;
        }
      } else if (step.contains("record")) {
        what = "record " + text(step, "record");
        std::string data = step.contains("data")
                               ? (step["data"].is_string() ? step["data"].get<std::string>() : step["data"].dump())
                               : "{}";
        status = engine
                     .record_task(
                         as, RecordTaskRequest{cases[label], text(step, "record"), data, optional_time("occurred_at")})
                     .status();
      } else if (step.contains("fire")) {
        what = "fire " + text(step, "fire");
        std::optional<std::int64_t> expect_version;
        if (step.contains("expect_version")) expect_version = step["expect_version"].get<std::int64_t>();
        auto fired = engine.fire(as, FireRequest{cases[label], text(step, "fire"), step.value("override", false),
                                                 text(step, "reason"), expect_version});
        status = fired.status();
        if (fired) {
          fire_outcome = std::string(fire_outcome_name(fired->outcome));
          for (const auto& r : fired->missing) missing.push_back(r.task);
        }
      } else {
        what = "check";
      }
      if (!step.contains("expect")) {
        if (!status && what != "check") fail(number, what, "failed: " + status.message());
        continue;
      }
      const json& expect = step["expect"];
      std::string outcome = fire_outcome.empty() ? std::string(audit_outcome(status.code())) : fire_outcome;
      if (expect.contains("outcome") && text(expect, "outcome") != outcome)
        fail(number, what,
             "expected outcome " + text(expect, "outcome") + ", got " + outcome +
                 (status ? (missing.empty() ? "" : " (missing " + json(missing).dump() + ")")
                         : " (" + status.message() + ")"));
      if (expect.contains("missing")) {
        auto wanted = expect["missing"].get<std::vector<std::string>>();
        if (wanted != missing)
          fail(number, what, "expected missing " + json(wanted).dump() + ", got " + json(missing).dump());
      }
      if (expect.contains("error") && status.message().find(text(expect, "error")) == std::string::npos)
        fail(number, what,
             "expected an error containing '" + text(expect, "error") + "', got '" + status.message() + "'");
      if (expect.contains("state") || expect.contains("clocks")) {
        auto current = engine.status(observer, cases[label], clock->now());
        if (!current) {
          fail(number, what, "cannot read case '" + label + "': " + current.status().message());
          continue;
        }
        if (expect.contains("state") && text(expect, "state") != current->record.state)
          fail(number, what, "expected state " + text(expect, "state") + ", got " + current->record.state);
        for (const auto& wanted : expect.value("clocks", json::array())) {
          std::string clock_name = text(wanted, "clock");
          std::int64_t cycle = wanted.value("cycle", 1);
          auto found = std::find_if(current->clocks.begin(), current->clocks.end(), [&](const ClockView& c) {
            return c.record.clock == clock_name && c.record.cycle == cycle;
          });
          if (found == current->clocks.end()) {
            if (text(wanted, "state") != "absent")
              fail(number, what, "expected clock " + clock_name + ", none started");
            continue;
          }
          if (text(wanted, "state") == "absent")
            fail(number, what, "expected no clock " + clock_name + ", it has started");
          if (wanted.contains("due_date") && text(wanted, "due_date") != found->record.due_date)
            fail(number, what,
                 "expected clock " + clock_name + " due " + text(wanted, "due_date") + ", got " +
                     found->record.due_date);
          if (wanted.contains("due_at") && text(wanted, "due_at") != format_instant(found->record.due_at))
            fail(number, what,
                 "expected clock " + clock_name + " due at " + text(wanted, "due_at") + ", got " +
                     format_instant(found->record.due_at));
          if (wanted.contains("state") && text(wanted, "state") != "absent" &&
              text(wanted, "state") != clock_state_name(found->state))
            fail(number, what,
                 "expected clock " + clock_name + " " + text(wanted, "state") + ", got " +
                     std::string(clock_state_name(found->state)));
        }
      }
    }
    auto verified = engine.verify();
    if (!verified || !verified->ok) fail(number, "verify", "the audit chain does not verify");
    std::cout << file << ": " << (name.empty() ? "scenario" : name) << ": " << number << " steps, "
              << (failures ? std::to_string(failures) + " failed" : std::string("all expectations met")) << "\n";
    return failures;
  }
};

}  // namespace

int run_scenarios(const std::vector<std::string>& files) {
  int failed_files = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "casegate: cannot read scenario '" << file << "'\n";
      return 4;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    json scenario = json::parse(buffer.str(), nullptr, false);
    if (scenario.is_discarded() || !scenario.is_object()) {
      std::cerr << "casegate: scenario '" << file << "' is not a JSON object\n";
      return 2;
    }
    Runner runner{file};
    int failures = 0;
    try {
      failures = runner.run(scenario);
    } catch (const json::exception& error) {
      std::cout << file << ": malformed step: " << error.what() << "\n";
      failures = 1;
    }
    failed_files += failures > 0;
  }
  std::cout << files.size() - failed_files << " passed, " << failed_files << " failed\n";
  return failed_files ? 3 : 0;
}

}  // namespace casegate::cli
