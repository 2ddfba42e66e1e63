#include "casegate/protocol.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "casegate/checkpoint.hpp"
#include "casegate/json.hpp"
#include "casegate/lint.hpp"
#include "casegate/seed_reports.hpp"
#include "casegate/utf8.hpp"
#include "command_table.hpp"

namespace casegate {
namespace {

using namespace protocol;

json migration_json(const std::vector<MigrationItem>& plan) {
  json items = json::array();
  for (const auto& item : plan) {
    json changes = json::array();
    for (const auto& c : item.changes)
      changes.push_back(json{{"event", c.event},
                             {"ready_before", c.ready_before},
                             {"ready_after", c.ready_after},
                             {"exists_before", c.exists_before},
                             {"exists_after", c.exists_after},
                             {"missing_after", c.missing_after}});
    items.push_back(json{{"case", item.case_id},
                         {"from_version", item.from_version},
                         {"state", item.state},
                         {"new_state", item.mappable ? json(item.new_state) : json(nullptr)},
                         {"mappable", item.mappable},
                         {"changes", changes}});
  }
  return items;
}

std::map<std::string, CommandSpec, std::less<>> case_and_user_commands();
std::map<std::string, CommandSpec, std::less<>> manager_commands();

const std::map<std::string, CommandSpec, std::less<>>& commands() {
  static const auto all = [] {
    auto table = case_and_user_commands();
    table.merge(manager_commands());
    table.merge(access_commands());
    return table;
  }();
  return all;
}

std::map<std::string, CommandSpec, std::less<>> case_and_user_commands() {
  std::map<std::string, CommandSpec, std::less<>> t;
  t["init"] = {{"admin", "name"},
               [](Engine& e, const std::string&, const Request& r, std::string_view db) -> Result<Reply> {
                 CASEGATE_TRY(admin, r.text_or("admin", "admin"));
                 CASEGATE_TRY(name, r.text_or("name", ""));
                 return status_reply(e.init(admin, name), json{{"db", db}, {"admin", admin}});
               }};
  t["user add"] = {{"user", "role", "team", "name"},
                   [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                     CASEGATE_TRY(id, r.text("user"));
                     CASEGATE_TRY(role_text, r.text("role"));
                     CASEGATE_TRY(team, r.text_or("team", ""));
                     CASEGATE_TRY(name, r.text_or("name", ""));
                     auto role = parse_role(role_text);
                     if (!role) return Status::invalid_input("unknown role '" + printable(role_text, 40) + "'");
                     User user{id, name, *role, team, true};
                     return status_reply(e.add_user(as, user), json(user));
                   }};
  t["user list"] = {{}, [](Engine& e, const std::string& as, const Request&, std::string_view) -> Result<Reply> {
                      CASEGATE_TRY(users, e.list_users(as));
                      return Reply{json(users)};
                    }};
  for (bool active : {false, true})
    t[active ? "user activate" : "user deactivate"] = {
        {"user"}, [active](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
          CASEGATE_TRY(id, r.text("user"));
          return status_reply(e.set_user_active(as, id, active), json{{"id", id}, {"active", active}});
        }};
  t["open"] = {{"workflow", "subject", "team", "received_at", "attr", "workflow_version"},
               [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                 OpenCaseRequest request;
                 CASEGATE_TRY(workflow, r.text("workflow"));
                 CASEGATE_TRY(subject, r.text("subject"));
                 CASEGATE_TRY(team, r.text_or("team", ""));
                 CASEGATE_TRY(received, r.instant("received_at"));
                 CASEGATE_TRY(version, r.number("workflow_version"));
                 request.workflow = workflow;
                 request.subject = subject;
                 request.team = team;
                 request.received_at = received;
                 if (version) request.workflow_version = static_cast<int>(*version);
                 if (const json* attributes = r.find("attr")) {
                   if (!attributes->is_object())
                     return Status::invalid_input("field 'attr' must be an object of texts");
                   for (const auto& [key, value] : attributes->items()) {
                     if (!value.is_string()) return Status::invalid_input("field 'attr' must be an object of texts");
                     request.attributes[key] = value.get<std::string>();
                   }
                 }
                 CASEGATE_TRY(opened, e.open_case(as, request));
                 return Reply{json{{"case", opened.id},
                                   {"workflow", opened.workflow},
                                   {"workflow_version", opened.workflow_version},
                                   {"state", opened.state},
                                   {"version", opened.version}}};
               }};
  t["record"] = {{"case", "kind", "data", "occurred_at"},
                 [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                   CASEGATE_TRY(id, r.required_number("case"));
                   CASEGATE_TRY(kind, r.text("kind"));
                   CASEGATE_TRY(data, r.json_text("data"));
                   CASEGATE_TRY(occurred, r.instant("occurred_at"));
                   CASEGATE_TRY(receipt, e.record_task(as, RecordTaskRequest{id, kind, data, occurred}));
                   return Reply{json(receipt)};
                 }};
  t["fire"] = {{"case", "event", "override", "reason", "expect_version"},
               [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                 FireRequest request;
                 CASEGATE_TRY(id, r.required_number("case"));
                 CASEGATE_TRY(event, r.text("event"));
                 CASEGATE_TRY(override_gate, r.flag("override"));
                 CASEGATE_TRY(reason, r.text_or("reason", ""));
                 CASEGATE_TRY(expected, r.number("expect_version"));
                 if (override_gate && reason.empty()) return Status::invalid_input("override needs a reason");
                 request = FireRequest{id, event, override_gate, reason, expected};
                 CASEGATE_TRY(fired, e.fire(as, request));
                 if (fired.outcome == FireOutcome::refused)
                   return Reply{json(fired), outcome_code(Code::refused), fired.message};
                 return Reply{json(fired)};
               }};
  t["status"] = {{"case", "as_of"},
                 [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                   CASEGATE_TRY(id, r.required_number("case"));
                   CASEGATE_TRY(when, r.instant("as_of"));
                   CASEGATE_TRY(status, e.status(as, id, when));
                   return Reply{json(status)};
                 }};
  t["history"] = {{"case"}, [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                    CASEGATE_TRY(id, r.required_number("case"));
                    CASEGATE_TRY(entries, e.history(as, id));
                    return Reply{json(entries)};
                  }};
  t["migrate"] = {{"workflow", "to_version", "dry_run", "case", "all"},
                  [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                    CASEGATE_TRY(workflow, r.text("workflow"));
                    CASEGATE_TRY(to, r.required_number("to_version"));
                    CASEGATE_TRY(dry_run, r.flag("dry_run"));
                    CASEGATE_TRY(all, r.flag("all"));
                    CASEGATE_TRY(cases, r.numbers("case"));
                    if (!dry_run && cases.empty() && !all)
                      return Status::invalid_input("name the cases to migrate with case, or give all (or dry_run)");
                    int version = static_cast<int>(to);
                    CASEGATE_TRY(plan, dry_run ? e.plan_migration(as, workflow, version, cases)
                                               : e.migrate(as, workflow, version, cases));
                    return Reply{json{{"dry_run", dry_run}, {"to_version", to}, {"cases", migration_json(plan)}}};
                  }};
  t["verify"] = {{"checkpoint", "public_key"},
                 [](Engine& e, const std::string&, const Request& r, std::string_view) -> Result<Reply> {
                   std::optional<Checkpoint> checkpoint;
                   if (const json* given = r.find("checkpoint")) {
                     CASEGATE_TRY(parsed, parse_checkpoint_json(given->dump()));
                     checkpoint = parsed;
                   }
                   CASEGATE_TRY(key, r.text_or("public_key", ""));
                   CASEGATE_TRY(report, e.verify(checkpoint ? &*checkpoint : nullptr, key));
                   if (report.ok) return Reply{json(report)};
                   return Reply{json(report), outcome_code(Code::integrity),
                                "audit chain does not verify at entry " + std::to_string(report.first_bad_seq) + ": " +
                                    report.problem};
                 }};
  return t;
}

std::map<std::string, CommandSpec, std::less<>> manager_commands() {
  std::map<std::string, CommandSpec, std::less<>> t;
  t["settings list"] = {{}, [](Engine& e, const std::string& as, const Request&, std::string_view) -> Result<Reply> {
                          CASEGATE_TRY(list, e.settings(as));
                          return Reply{json(list)};
                        }};
  t["settings set"] = {{"key", "value"},
                       [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                         CASEGATE_TRY(key, r.text("key"));
                         CASEGATE_TRY(value, r.text("value"));
                         return status_reply(e.set_setting(as, key, value), json{{"key", key}, {"value", value}});
                       }};
  for (auto [name, kind] : {std::pair{"calendar add-closure", "closure"}, {"calendar add-working-day", "working"}})
    t[name] = {{"date", "reason"},
               [kind = std::string(kind)](Engine& e, const std::string& as, const Request& r,
                                          std::string_view) -> Result<Reply> {
                 CASEGATE_TRY(day, r.text("date"));
                 CASEGATE_TRY(reason, r.text("reason"));
                 CASEGATE_TRY(date, parse_date(day, "date"));
                 return status_reply(e.change_calendar(as, kind, date, reason), json{{"date", day}, {"change", kind}});
               }};
  t["calendar show"] = {{"year"},
                        [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                          CASEGATE_TRY(year, r.required_number("year"));
                          if (year < 1900 || year > 2200)
                            return Status::invalid_input("field 'year' must be 1900..2200");
                          CASEGATE_TRY(calendar, e.calendar(as));
                          json days = json::array();
                          for (const auto& h : calendar->closures(static_cast<int>(year)))
                            days.push_back(json{{"date", format_date(h.date)}, {"name", h.name}});
                          return Reply{json{{"year", year},
                                            {"jurisdiction", jurisdiction_name(calendar->jurisdiction())},
                                            {"version", calendar->version()},
                                            {"closed", days}}};
                        }};
  t["oversight overdue"] = {{"as_of", "team", "limit"},
                            [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                              CASEGATE_TRY(when, as_of(r));
                              CASEGATE_TRY(team, r.text_or("team", ""));
                              CASEGATE_TRY(limit, r.number("limit"));
                              CASEGATE_TRY(report, e.overdue(as, when, team, limit.value_or(500)));
                              return Reply{json(report)};
                            }};
  t["oversight due"] = {{"as_of", "team", "working_days", "limit", "workflow"},
                        [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                          CASEGATE_TRY(when, as_of(r));
                          CASEGATE_TRY(team, r.text_or("team", ""));
                          CASEGATE_TRY(days, r.number("working_days"));
                          CASEGATE_TRY(limit, r.number("limit"));
                          if (days && (*days < 1 || *days > 30))
                            return Status::invalid_input("working_days must be 1..30");
                          CASEGATE_TRY(workflow, r.text_or("workflow", ""));
                          CASEGATE_TRY(report, e.due_soon(as, when, team, static_cast<int>(days.value_or(5)),
                                                          limit.value_or(500), workflow));
                          return Reply{json(report)};
                        }};
  t["oversight clocks"] = {{"from", "to", "clock", "outcome", "team", "as_of", "limit"},
                           [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                             CASEGATE_TRY(from_text, r.text("from"));
                             CASEGATE_TRY(to_text, r.text("to"));
                             ClockQuery query;
                             CASEGATE_TRY(from, parse_date(from_text, "from"));
                             CASEGATE_TRY(to, parse_date(to_text, "to"));
                             CASEGATE_TRY(clock, r.text_or("clock", ""));
                             CASEGATE_TRY(outcome, r.text_or("outcome", ""));
                             CASEGATE_TRY(team, r.text_or("team", ""));
                             CASEGATE_TRY(when, as_of(r));
                             CASEGATE_TRY(limit, r.number("limit"));
                             query.from = from;
                             query.to = to;
                             query.clock = clock;
                             query.outcome = outcome;
                             query.as_of = when.value_or(e.clock().now());
                             query.limit = limit.value_or(500);
                             CASEGATE_TRY(report, e.clocks_due_between(as, query, team));
                             return Reply{json(report)};
                           }};
  t["oversight caseload"] = {{"team"},
                             [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                               CASEGATE_TRY(team, r.text_or("team", ""));
                               CASEGATE_TRY(report, e.caseload(as, team));
                               return Reply{json(report)};
                             }};
  t["oversight timeliness"] = {
      {"from", "to", "as_of", "by"},
      [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
        CASEGATE_TRY(from_text, r.text("from"));
        CASEGATE_TRY(to_text, r.text("to"));
        CASEGATE_TRY(from, parse_date(from_text, "from"));
        CASEGATE_TRY(to, parse_date(to_text, "to"));
        CASEGATE_TRY(when, as_of(r));
        CASEGATE_TRY(by, r.text_or("by", "clock"));
        if (by != "clock" && by != "team") return Status::invalid_input("field 'by' must be clock or team");
        CASEGATE_TRY(report, e.timeliness(as, from, to, when, by == "team"));
        return Reply{json(report)};
      }};
  for (auto [name, outcome] : {std::pair{"oversight refusals", "refused"}, {"oversight overrides", "override"}})
    t[name] = {{"from", "to", "team"},
               [outcome = std::string(outcome)](Engine& e, const std::string& as, const Request& r,
                                                std::string_view) -> Result<Reply> {
                 CASEGATE_TRY(between, period(e, r));
                 CASEGATE_TRY(entries, e.exceptions(as, outcome, between.first, between.second));
                 return Reply{json(entries)};
               }};
  t["oversight voice"] = {{"from", "to", "team"},
                          [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                            CASEGATE_TRY(between, period(e, r));
                            CASEGATE_TRY(team, r.text_or("team", ""));
                            CASEGATE_TRY(rows, voice_report(e, as, between.first, between.second, team));
                            return Reply{json(rows)};
                          }};
  t["oversight strategy-meetings"] = {
      {"from", "to", "team", "by"},
      [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
        if (!r.find("from") || !r.find("to")) return Status::invalid_input("fields 'from' and 'to' are required");
        CASEGATE_TRY(between, period(e, r));
        CASEGATE_TRY(team, r.text_or("team", ""));
        CASEGATE_TRY(by, r.text_or("by", ""));
        if (!by.empty() && by != "team") return Status::invalid_input("field 'by' must be team");
        CASEGATE_TRY(rows, strategy_meetings_report(e, as, between.first, between.second, team));
        return Reply{by == "team" ? json(strategy_meetings_by_team(rows)) : json(rows)};
      }};
  t["oversight actions"] = {{"as_of", "by", "team"},
                            [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                              CASEGATE_TRY(when, as_of(r));
                              CASEGATE_TRY(by, r.text_or("by", ""));
                              CASEGATE_TRY(team, r.text_or("team", ""));
                              if (!by.empty() && by != "theme" && by != "action")
                                return Status::invalid_input("field 'by' must be theme or action");
                              if (by == "action") {
                                CASEGATE_TRY(rows, action_list_report(e, as, when, team));
                                return Reply{json(rows)};
                              }
                              // The counts cover every team's actions; only the list of actions is narrowed to a team.
                              if (!team.empty()) return Status::invalid_input("field 'team' needs by=action");
                              CASEGATE_TRY(rows, actions_report(e, as, when, by == "theme"));
                              return Reply{json(rows)};
                            }};
  t["export"] = {{"table", "format"},
                 [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                   CASEGATE_TRY(table, r.text("table"));
                   CASEGATE_TRY(format, r.text_or("format", "json"));
                   if (format != "json")
                     return Status::invalid_input("field 'format' must be json here (CSV is the CLI's)");
                   json rows = json::array();
                   Status exported = e.export_table(as, table, [&](const ExportTable& chunk) {
                     for (std::size_t row = 0; row < chunk.rows.size(); ++row) rows.push_back(export_row(chunk, row));
                   });
                   return status_reply(exported, std::move(rows));
                 }};
  t["workflow list"] = {
      {}, [](Engine& e, const std::string&, const Request&, std::string_view) -> Result<Reply> {
        json list = json::array();
        for (const auto* w : e.workflows().all())
          list.push_back({{"name", w->name()}, {"version", w->version()}, {"initial_state", w->initial_state()}});
        return Reply{list};
      }};
  t["workflow show"] = {
      {"workflow", "version"}, [](Engine& e, const std::string&, const Request& r, std::string_view) -> Result<Reply> {
        CASEGATE_TRY(name, r.text("workflow"));
        CASEGATE_TRY(version, r.number("version"));
        const Workflow* w = version ? e.workflows().find(name, static_cast<int>(*version)) : e.workflows().latest(name);
        if (w == nullptr) return Status::not_found("no workflow '" + printable(name) + "'");
        return Reply{json(*w)};
      }};
  t["workflow check"] = {{"workflow"},
                         [](Engine& e, const std::string&, const Request& r, std::string_view) -> Result<Reply> {
                           CASEGATE_TRY(name, r.text_or("workflow", ""));
                           CASEGATE_TRY(lint, lint_workflows(e.workflows(), name));
                           Reply reply{json{{"checked", lint.checked}, {"findings", lint.findings}}};
                           if (!lint.findings.empty())
                             reply = Reply{reply.body, 3, std::to_string(lint.findings.size()) + " finding(s)"};
                           return reply;
                         }};
  return t;
}

// The commands that change something, which take an idempotency key.
bool changes_something(std::string_view command) {
  static const std::vector<std::string_view> changing{"user add",
                                                      "user activate",
                                                      "user deactivate",
                                                      "settings set",
                                                      "open",
                                                      "record",
                                                      "fire",
                                                      "migrate",
                                                      "allocate",
                                                      "transfer",
                                                      "access",
                                                      "access review",
                                                      "calendar add-closure",
                                                      "calendar add-working-day"};
  return std::find(changing.begin(), changing.end(), command) != changing.end();
}

std::string kept_form(const ProtocolResponse& response) {
  return json{{"code", response.code}, {"json", response.json}, {"message", response.message}}.dump();
}

ProtocolResponse from_kept_form(const std::string& kept) {
  json form = json::parse(kept);
  return ProtocolResponse{form.at("code").get<int>(), form.at("json").get<std::string>(),
                          form.at("message").get<std::string>(), true};
}

json error_json(const Status& status) {
  return json{{"error", {{"code", code_name(status.code())}, {"message", status.message()}}}};
}

}  // namespace

int outcome_code(Code code) {
  switch (code) {
    case Code::ok: return 0;
    case Code::internal: return 1;
    case Code::invalid_input: return 2;
    case Code::refused: return 3;
    case Code::denied: return 3;
    case Code::not_found: return 4;
    case Code::conflict: return 5;
    case Code::integrity: return 6;
  }
  return 1;
}

std::vector<std::string> protocol_commands() {
  std::vector<std::string> names;
  for (const auto& [name, spec] : commands()) names.push_back(name);
  return names;
}

ProtocolResponse execute_request(Engine& engine, std::string_view as_user, std::string_view request_json,
                                 std::string_view database) {
  auto fail = [](const Status& status) {
    return ProtocolResponse{outcome_code(status.code()), error_json(status).dump(), status.message()};
  };
  try {
    json body = json::parse(request_json, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return fail(Status::invalid_input("the request is not valid JSON (UTF-8)"));
    if (!body.is_object()) return fail(Status::invalid_input("the request must be a JSON object"));
    auto command = body.find("command");
    if (command == body.end() || !command->is_string())
      return fail(Status::invalid_input("field 'command' (text) is required"));
    auto spec = commands().find(command->get_ref<const std::string&>());
    if (spec == commands().end()) {
      std::string shown = command->dump();
      return fail(Status::invalid_input("unknown command " + printable(shown)));
    }
    std::optional<std::string> idempotency_key;
    if (auto key = body.find("idempotency_key"); key != body.end()) {
      if (!changes_something(spec->first))
        return fail(Status::invalid_input(spec->first + " changes nothing, so it takes no idempotency_key"));
      if (!key->is_string()) return fail(Status::invalid_input("field 'idempotency_key' must be text"));
      idempotency_key = key->get<std::string>();
      body.erase(key);
    }
    for (const auto& [key, value] : body.items())
      if (key != "command" &&
          std::find(spec->second.fields.begin(), spec->second.fields.end(), key) == spec->second.fields.end())
        return fail(Status::invalid_input(spec->first + ": unknown field " + printable(json(key).dump())));
    auto run = [&] {
      Request request(body);
      Result<Reply> reply = spec->second.run(engine, std::string(as_user), request, database);
      if (!reply) return fail(reply.status());
      return ProtocolResponse{reply->code, reply->body.dump(), reply->message};
    };
    if (!idempotency_key) return run();
    ProtocolResponse response;
    auto once = engine.once(as_user, *idempotency_key, body.dump(), [&](bool& keep) {
      try {
        response = run();
      } catch (const std::exception& error) {
        response = fail(Status::internal(std::string("the request could not be answered: ") + error.what()));
      }
      keep = response.code != outcome_code(Code::internal) && response.code != outcome_code(Code::conflict);
      return kept_form(response);
    });
    if (!once) return fail(once.status());
    return once->replayed ? from_kept_form(once->reply) : response;
  } catch (const std::exception& error) {
    // nlohmann throws on dumping text that is not UTF-8; nothing else is expected here.
    return fail(Status::internal(std::string("the request could not be answered: ") + error.what()));
  }
}

}  // namespace casegate
