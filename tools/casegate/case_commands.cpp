// Commands on users and cases: init, user, open, record, fire, status, history, migrate.
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

void print_migration(const std::vector<MigrationItem>& plan, bool dry_run, const std::string& workflow, int to) {
  std::cout << (dry_run ? "would migrate " : "migrated ") << plan.size() << " case(s) to " << workflow << " version "
            << to << "\n";
  for (const auto& item : plan) {
    std::cout << "  case " << item.case_id << " v" << item.from_version << ": " << item.state << " -> "
              << (item.mappable ? item.new_state : std::string("NO MAPPING")) << "\n";
    for (const auto& c : item.changes) {
      std::string was = !c.exists_before ? "new" : c.ready_before ? "ready" : "not ready";
      std::string now = !c.exists_after ? "gone" : c.ready_after ? "ready" : "blocked";
      std::cout << "      " << c.event << ": " << was << " -> " << now;
      for (std::size_t i = 0; i < c.missing_after.size(); ++i)
        std::cout << (i ? "; " : " by ") << describe(c.missing_after[i]);
      std::cout << "\n";
    }
  }
}

}  // namespace

std::vector<Command> case_commands() {
  // Each command's options, owned by the table for as long as it lives.
  struct Options {
    std::string admin_id = "admin", admin_name;
    User new_user;
    std::string role_text, target_user;
    OpenCaseRequest open_request;
    std::string received_at;
    std::vector<std::string> attributes;
    int open_version = 0;
    std::string case_text, kind, data, occurred_at;
    FireRequest fire_request;
    CLI::Option* override_flag = nullptr;
    std::int64_t expect_version = -1;
    std::string status_as_of;
    std::string migrate_workflow;
    int migrate_to = 0;
    bool dry_run = false, migrate_all = false;
    std::vector<CaseId> migrate_cases;
  };
  auto o = std::make_shared<Options>();

  std::vector<Command> table{
      {"init", "create the database and its first admin",
       [o](CLI::App& c) {
         c.add_option("--admin", o->admin_id, "the admin's user id (default: admin)");
         c.add_option("--name", o->admin_name, "the admin's display name");
       },
       [o](Session& s) {
         if (int failed = s.ready(false)) return failed;
         auto status = s.engine->init(o->admin_id, o->admin_name);
         if (status) std::cout << "initialised " << s.globals.db << " with admin " << o->admin_id << "\n";
         return Session::finish(status);
       }},
      {"user", "manage users (admins only)"},
      {"user add", "add a user",
       [o](CLI::App& c) {
         c.add_option("ID", o->new_user.id, "user id, e.g. sw.jones")->required();
         c.add_option("--role", o->role_text,
                      "social_worker, team_manager, conference_chair, auditor, board_chair, admin")
             ->required();
         c.add_option("--team", o->new_user.team, "team");
         c.add_option("--name", o->new_user.name, "display name");
       },
       [o](Session& s) {
         auto role = parse_role(o->role_text);
         if (!role) return report(Status::invalid_input("unknown role '" + o->role_text + "'"));
         if (int failed = s.ready(true)) return failed;
         o->new_user.role = *role;
         auto status = s.engine->add_user(s.globals.as, o->new_user);
         if (status) std::cout << "added " << o->new_user.id << " (" << o->role_text << ")\n";
         return Session::finish(status);
       }},
      {"user list",
       "list users",
       {},
       [](Session& s) {
         if (int failed = s.ready(true)) return failed;
         auto users = s.engine->list_users(s.globals.as);
         if (!users) return Session::finish(users.status());

         for (const auto& u : *users)
           std::cout << u.id << "\t" << role_name(u.role) << "\t" << (u.team.empty() ? "-" : u.team) << "\t"
                     << (u.active ? "active" : "inactive") << "\t" << u.name << "\n";
         return 0;
       }},
  };
  for (bool active : {false, true})
    table.push_back({active ? "user activate" : "user deactivate",
                     active ? "let a user act again" : "stop a user from acting (kept for the audit)",
                     [o](CLI::App& c) { c.add_option("ID", o->target_user, "user id")->required(); },
                     [o, active](Session& s) {
                       if (int failed = s.ready(true)) return failed;
                       auto status = s.engine->set_user_active(s.globals.as, o->target_user, active);
                       if (status) std::cout << (active ? "activated " : "deactivated ") << o->target_user << "\n";
                       return Session::finish(status);
                     }});

  table.push_back(
      {"open", "open a case; prints its id",
       [o](CLI::App& c) {
         c.add_option("WORKFLOW", o->open_request.workflow, "workflow name, e.g. child_protection")->required();
         c.add_option("--subject", o->open_request.subject, "your reference for the child")->required();
         c.add_option("--team", o->open_request.team, "team (default: yours)");
         c.add_option("--received-at", o->received_at, "when the referral was received (ISO 8601; default now)");
         c.add_option("--attr", o->attributes, "KEY=VALUE attribute (repeatable)");
         c.add_option("--workflow-version", o->open_version, "a registered version (default: the newest)")
             ->check(CLI::Range(1, 1000));
       },
       [o](Session& s) {
         auto received = optional_instant(o->received_at, "--received-at");
         if (!received) return report(received.status());
         OpenCaseRequest& request = o->open_request;
         request.received_at = *received;
         if (o->open_version > 0) request.workflow_version = o->open_version;
         for (const auto& a : o->attributes) {
           auto eq = a.find('=');
           if (eq == std::string::npos || eq == 0)
             return report(Status::invalid_input("--attr '" + a.substr(0, 40) + "' is not KEY=VALUE"));
           request.attributes[a.substr(0, eq)] = a.substr(eq + 1);
         }
         if (int failed = s.ready(true)) return failed;
         auto opened = s.engine->open_case(s.globals.as, request);
         if (!opened) return Session::finish(opened.status());
         std::cout << opened->id << "\n";
         return 0;
       }});

  table.push_back(
      {"record", "record a task on a case",
       [o](CLI::App& c) {
         c.add_option("CASE", o->case_text, "case id")->required();
         c.add_option("KIND", o->kind, "task kind, e.g. voice_of_child")->required();
         c.add_option("--data", o->data, "the task's payload as a JSON object")->required();
         c.add_option("--occurred-at", o->occurred_at, "when it happened (ISO 8601; default now)");
       },
       [o](Session& s) {
         auto id = parse_case_id(o->case_text);
         if (!id) return report(id.status());
         auto occurred = optional_instant(o->occurred_at, "--occurred-at");
         if (!occurred) return report(occurred.status());
         if (int failed = s.ready(true)) return failed;
         auto receipt = s.engine->record_task(s.globals.as, RecordTaskRequest{*id, o->kind, o->data, *occurred});
         if (!receipt) return Session::finish(receipt.status());
         print_record(std::cout, *receipt);
         return 0;
       }});

  table.push_back(
      {"fire", "ask for a case to move on; refused with what is missing",
       [o](CLI::App& c) {
         c.add_option("CASE", o->case_text, "case id")->required();
         c.add_option("EVENT", o->fire_request.event, "event, e.g. refer_to_strategy")->required();
         o->override_flag =
             c.add_flag("--override", o->fire_request.override_gate, "team managers: pass an unmet gate");
         c.add_option("--reason", o->fire_request.reason, "why the gate is overridden (required with --override)");
         c.add_option("--expect-version", o->expect_version, "refuse with exit 5 unless the case is at this version")
             ->check(CLI::Range(std::int64_t{1}, std::numeric_limits<std::int64_t>::max()));
       },
       [o](Session& s) {
         auto id = parse_case_id(o->case_text);
         if (!id) return report(id.status());
         if (o->override_flag->count() > 0 && o->fire_request.reason.empty())
           return report(Status::invalid_input("--override needs --reason TEXT"));
         if (int failed = s.ready(true)) return failed;
         o->fire_request.case_id = *id;
         if (o->expect_version > 0) o->fire_request.expected_version = o->expect_version;
         auto result = s.engine->fire(s.globals.as, o->fire_request);
         if (!result) return Session::finish(result.status());
         print_fire(std::cout, *result);
         return result->outcome == FireOutcome::refused ? report(Status::refused(result->message)) : 0;
       }});

  table.push_back({"status", "a case's state, what each event still needs, and its clocks (audited as a view)",
                   [o](CLI::App& c) {
                     c.add_option("CASE", o->case_text, "case id")->required();
                     c.add_option("--as-of", o->status_as_of, "judge clocks as of this time (ISO 8601; default now)");
                   },
                   [o](Session& s) {
                     auto id = parse_case_id(o->case_text);
                     if (!id) return report(id.status());
                     auto as_of = optional_instant(o->status_as_of, "--as-of");
                     if (!as_of) return report(as_of.status());
                     if (int failed = s.ready(true)) return failed;
                     auto result = s.engine->status(s.globals.as, *id, *as_of);
                     if (!result) return Session::finish(result.status());
                     print_status(std::cout, *result);
                     return 0;
                   }});

  table.push_back({"history", "a case's audit entries in order (audited as a view)",
                   [o](CLI::App& c) { c.add_option("CASE", o->case_text, "case id")->required(); },
                   [o](Session& s) {
                     auto id = parse_case_id(o->case_text);
                     if (!id) return report(id.status());
                     if (int failed = s.ready(true)) return failed;
                     auto result = s.engine->history(s.globals.as, *id);
                     if (!result) return Session::finish(result.status());
                     print_history(std::cout, *result);
                     return 0;
                   }});

  table.push_back(
      {"migrate", "move open cases to another version of their workflow",
       [o](CLI::App& c) {
         c.add_option("WORKFLOW", o->migrate_workflow, "workflow name")->required();
         c.add_option("--to-version", o->migrate_to, "the version to move to")->required()->check(CLI::Range(1, 1000));
         c.add_flag("--dry-run", o->dry_run,
                    "list each case, its state mapping and the events it would gain or lose; change nothing");
         c.add_option("--case", o->migrate_cases, "only this case (repeatable)");
         c.add_flag("--all", o->migrate_all, "every open case below the version");
       },
       [o](Session& s) {
         if (!o->dry_run && o->migrate_cases.empty() && !o->migrate_all)
           return report(
               Status::invalid_input("name the cases to migrate with --case ID, or give --all (or --dry-run)"));
         if (int failed = s.ready(true)) return failed;
         auto result =
             o->dry_run ? s.engine->plan_migration(s.globals.as, o->migrate_workflow, o->migrate_to, o->migrate_cases)
                        : s.engine->migrate(s.globals.as, o->migrate_workflow, o->migrate_to, o->migrate_cases);
         if (!result) return Session::finish(result.status());
         print_migration(*result, o->dry_run, o->migrate_workflow, o->migrate_to);
         return 0;
       }});
  // --json: the options as protocol requests.
  set_request(
      table, "init",
      [o]() -> Result<json> {
        return json{{"command", "init"}, {"admin", o->admin_id}, {"name", o->admin_name}};
      },
      false);
  set_request(table, "user add", [o]() -> Result<json> {
    json r{{"command", "user add"}, {"user", o->new_user.id}, {"role", o->role_text}};
    put_text(r, "team", o->new_user.team);
    put_text(r, "name", o->new_user.name);
    return r;
  });
  set_request(table, "user list", []() -> Result<json> { return json{{"command", "user list"}}; });
  for (const char* path : {"user activate", "user deactivate"})
    set_request(table, path, [o, path]() -> Result<json> { return json{{"command", path}, {"user", o->target_user}}; });
  set_request(table, "open", [o]() -> Result<json> {
    json r{{"command", "open"}, {"workflow", o->open_request.workflow}, {"subject", o->open_request.subject}};
    put_text(r, "team", o->open_request.team);
    if (auto received = optional_instant(o->received_at, "--received-at"); !received) return received.status();
    put_text(r, "received_at", o->received_at);
    if (o->open_version > 0) r["workflow_version"] = o->open_version;
    json attributes = json::object();
    for (const auto& a : o->attributes) {
      auto eq = a.find('=');
      if (eq == std::string::npos || eq == 0)
        return Status::invalid_input("--attr '" + a.substr(0, 40) + "' is not KEY=VALUE");
      attributes[a.substr(0, eq)] = a.substr(eq + 1);
    }
    if (!attributes.empty()) r["attr"] = attributes;
    return r;
  });
  set_request(table, "record", [o]() -> Result<json> {
    auto id = parse_case_id(o->case_text);
    if (!id) return id.status();
    if (auto occurred = optional_instant(o->occurred_at, "--occurred-at"); !occurred) return occurred.status();
    // The protocol's data is a JSON value; text that is not JSON is refused as the engine words it.
    json data = json::parse(o->data, nullptr, false);
    if (data.is_discarded()) return Status::invalid_input(o->kind + ": payload is not valid JSON");
    json r{{"command", "record"}, {"case", *id}, {"kind", o->kind}, {"data", data}};
    put_text(r, "occurred_at", o->occurred_at);
    return r;
  });
  set_request(table, "fire", [o]() -> Result<json> {
    auto id = parse_case_id(o->case_text);
    if (!id) return id.status();
    if (o->override_flag->count() > 0 && o->fire_request.reason.empty())
      return Status::invalid_input("--override needs --reason TEXT");
    json r{{"command", "fire"}, {"case", *id}, {"event", o->fire_request.event}};
    if (o->fire_request.override_gate) r["override"] = true;
    put_text(r, "reason", o->fire_request.reason);
    if (o->expect_version > 0) r["expect_version"] = o->expect_version;
    return r;
  });
  set_request(table, "status", [o]() -> Result<json> {
    auto id = parse_case_id(o->case_text);
    if (!id) return id.status();
    if (auto as_of = optional_instant(o->status_as_of, "--as-of"); !as_of) return as_of.status();
    json r{{"command", "status"}, {"case", *id}};
    put_text(r, "as_of", o->status_as_of);
    return r;
  });
  set_request(table, "history", [o]() -> Result<json> {
    auto id = parse_case_id(o->case_text);
    if (!id) return id.status();
    return json{{"command", "history"}, {"case", *id}};
  });
  set_request(table, "migrate", [o]() -> Result<json> {
    if (!o->dry_run && o->migrate_cases.empty() && !o->migrate_all)
      return Status::invalid_input("name the cases to migrate with --case ID, or give --all (or --dry-run)");
    json r{{"command", "migrate"}, {"workflow", o->migrate_workflow}, {"to_version", o->migrate_to}};
    if (o->dry_run) r["dry_run"] = true;
    if (o->migrate_all) r["all"] = true;
    if (!o->migrate_cases.empty()) r["case"] = o->migrate_cases;
    return r;
  });
  return table;
}

}  // namespace casegate::cli
