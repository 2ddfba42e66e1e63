// casegate: the command-line face of the engine. Parses arguments, calls the public API,
// maps Status codes to exit codes. No logic of its own.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "casegate/seed_workflows.hpp"
#include "cli.hpp"

using namespace casegate;
using nlohmann::json;

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : std::move(fallback);
}

Result<std::optional<Instant>> optional_instant(const std::string& text, const char* field) {
  if (text.empty()) return std::optional<Instant>();
  auto parsed = parse_instant(text, field);
  if (!parsed) return parsed.status();
  return std::optional<Instant>(*parsed);
}

Result<CaseId> parse_case_id(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return Status::invalid_input("case id '" + text.substr(0, 40) + "' is not a positive whole number");
  return static_cast<CaseId>(std::stoll(text));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (buffer.str().size() > 1024 * 1024) return Status::invalid_input("'" + path + "' is larger than 1 MiB");
  return buffer.str();
}

// Refuses to overwrite: a checkpoint or key is never clobbered by accident.
Status write_file(const std::string& path, const std::string& text, bool secret) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, secret ? 0600 : 0644);
  if (fd < 0) return Status::invalid_input("cannot create '" + path + "': " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  return ok ? Status::ok() : Status::internal("cannot write '" + path + "'");
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  cli::Globals g;
  std::string log_level = "warn";
  std::string db_option;

  CLI::App app{"casegate: gated, audited children's social care case workflows"};
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--db", db_option, "database file (default: $CASEGATE_DB, else ./casegate.db)");
  app.add_option("--as", g.as, "acting user (default: $CASEGATE_USER)");
  app.add_flag("--json", g.json, "machine-readable output on stdout");
  app.add_option("--sync", g.sync, "SQLite synchronous mode: FULL (default), NORMAL or OFF")
      ->check(CLI::IsMember({"FULL", "NORMAL", "OFF"}));
  app.add_option("--busy-timeout-ms", g.busy_timeout_ms, "wait this long for another writer (default 5000)")
      ->check(CLI::Range(0, 600000));
  app.add_option("--log-level", log_level, "diagnostics on stderr: off, error, warn (default), info, debug")
      ->check(CLI::IsMember({"off", "error", "warn", "info", "debug"}));
  app.footer(
      "Exit codes: 0 ok, 1 internal error, 2 invalid input or usage, 3 refused, 4 not found,\n"
      "5 conflict (stale --expect-version, busy), 6 integrity failure.");

  int code = 0;
  std::unique_ptr<Engine> engine;
  // Opens the database and resolves the acting user; false (with `code` set) on failure.
  auto ready = [&](bool needs_user) {
    spdlog::set_level(spdlog::level::from_str(log_level));
    g.db = db_option.empty() ? env_or("CASEGATE_DB", "casegate.db") : db_option;
    if (g.as.empty()) g.as = env_or("CASEGATE_USER", "");
    if (needs_user && g.as.empty()) {
      code = cli::report(Status::invalid_input("no acting user: give --as USER or set CASEGATE_USER"));
      return false;
    }
    auto opened = cli::open(g, g.db);
    if (!opened) {
      code = cli::report(opened.status());
      return false;
    }
    engine = std::move(*opened);
    return true;
  };
  auto finish = [&](const Status& status) { code = status ? 0 : cli::report(status); };
  cli::Session session{g, code, engine, ready};
  cli::add_time_and_oversight_commands(app, session);

  // init
  std::string admin_id = "admin", admin_name;
  auto* init = app.add_subcommand("init", "create the database and its first admin");
  init->add_option("--admin", admin_id, "the admin's user id (default: admin)");
  init->add_option("--name", admin_name, "the admin's display name");
  init->callback([&] {
    if (!ready(false)) return;
    auto status = engine->init(admin_id, admin_name);
    if (status && !g.json) std::cout << "initialised " << g.db << " with admin " << admin_id << "\n";
    if (status && g.json) std::cout << json{{"db", g.db}, {"admin", admin_id}}.dump() << "\n";
    finish(status);
  });

  // user
  auto* user = app.add_subcommand("user", "manage users (admins only)");
  user->require_subcommand(1);
  User new_user;
  std::string role_text;
  auto* user_add = user->add_subcommand("add", "add a user");
  user_add->add_option("ID", new_user.id, "user id, e.g. sw.jones")->required();
  user_add
      ->add_option("--role", role_text, "social_worker, team_manager, conference_chair, auditor, board_chair, admin")
      ->required();
  user_add->add_option("--team", new_user.team, "team");
  user_add->add_option("--name", new_user.name, "display name");
  user_add->callback([&] {
    auto role = parse_role(role_text);
    if (!role) return void(code = cli::report(Status::invalid_input("unknown role '" + role_text + "'")));
    if (!ready(true)) return;
    new_user.role = *role;
    auto status = engine->add_user(g.as, new_user);
    if (status) {
      if (g.json)
        std::cout << json(new_user).dump() << "\n";
      else
        std::cout << "added " << new_user.id << " (" << role_text << ")\n";
    }
    finish(status);
  });
  auto* user_list = user->add_subcommand("list", "list users");
  user_list->callback([&] {
    if (!ready(true)) return;
    auto users = engine->list_users(g.as);
    if (!users) return finish(users.status());
    if (g.json) {
      std::cout << json(*users).dump() << "\n";
    } else {
      for (const auto& u : *users)
        std::cout << u.id << "\t" << role_name(u.role) << "\t" << (u.team.empty() ? "-" : u.team) << "\t"
                  << (u.active ? "active" : "inactive") << "\t" << u.name << "\n";
    }
  });
  std::string target_user;
  for (bool active : {false, true}) {
    auto* sub = user->add_subcommand(active ? "activate" : "deactivate",
                                     active ? "let a user act again" : "stop a user from acting (kept for the audit)");
    sub->add_option("ID", target_user, "user id")->required();
    sub->callback([&, active] {
      if (!ready(true)) return;
      auto status = engine->set_user_active(g.as, target_user, active);
      if (status && !g.json) std::cout << (active ? "activated " : "deactivated ") << target_user << "\n";
      if (status && g.json) std::cout << json{{"id", target_user}, {"active", active}}.dump() << "\n";
      finish(status);
    });
  }

  // open
  OpenCaseRequest open_request;
  std::string received_at;
  std::vector<std::string> attributes;
  auto* open = app.add_subcommand("open", "open a case; prints its id");
  open->add_option("WORKFLOW", open_request.workflow, "workflow name, e.g. child_protection")->required();
  open->add_option("--subject", open_request.subject, "your reference for the child")->required();
  open->add_option("--team", open_request.team, "team (default: yours)");
  open->add_option("--received-at", received_at, "when the referral was received (ISO 8601; default now)");
  open->add_option("--attr", attributes, "KEY=VALUE attribute (repeatable)");
  int open_version = 0;
  open->add_option("--workflow-version", open_version, "a registered version (default: the newest)")
      ->check(CLI::Range(1, 1000));
  open->callback([&] {
    auto received = optional_instant(received_at, "--received-at");
    if (!received) return void(code = cli::report(received.status()));
    open_request.received_at = *received;
    if (open_version > 0) open_request.workflow_version = open_version;
    for (const auto& a : attributes) {
      auto eq = a.find('=');
      if (eq == std::string::npos || eq == 0)
        return void(code = cli::report(Status::invalid_input("--attr '" + a.substr(0, 40) + "' is not KEY=VALUE")));
      open_request.attributes[a.substr(0, eq)] = a.substr(eq + 1);
    }
    if (!ready(true)) return;
    auto opened = engine->open_case(g.as, open_request);
    if (!opened) return finish(opened.status());
    if (g.json)
      std::cout << json{{"case", opened->id},
                        {"workflow", opened->workflow},
                        {"workflow_version", opened->workflow_version},
                        {"state", opened->state},
                        {"version", opened->version}}
                       .dump()
                << "\n";
    else
      std::cout << opened->id << "\n";
  });

  // record
  std::string case_text, kind, data, occurred_at;
  auto* record = app.add_subcommand("record", "record a task on a case");
  record->add_option("CASE", case_text, "case id")->required();
  record->add_option("KIND", kind, "task kind, e.g. voice_of_child")->required();
  record->add_option("--data", data, "the task's payload as a JSON object")->required();
  record->add_option("--occurred-at", occurred_at, "when it happened (ISO 8601; default now)");
  record->callback([&] {
    auto id = parse_case_id(case_text);
    if (!id) return void(code = cli::report(id.status()));
    auto occurred = optional_instant(occurred_at, "--occurred-at");
    if (!occurred) return void(code = cli::report(occurred.status()));
    if (!ready(true)) return;
    auto receipt = engine->record_task(g.as, RecordTaskRequest{*id, kind, data, *occurred});
    if (!receipt) return finish(receipt.status());
    if (g.json)
      std::cout << json(*receipt).dump() << "\n";
    else
      cli::print_record(std::cout, *receipt);
  });

  // fire
  FireRequest fire_request;
  std::int64_t expect_version = -1;
  auto* fire = app.add_subcommand("fire", "ask for a case to move on; refused with what is missing");
  fire->add_option("CASE", case_text, "case id")->required();
  fire->add_option("EVENT", fire_request.event, "event, e.g. refer_to_strategy")->required();
  auto* override_flag = fire->add_flag("--override", fire_request.override_gate, "team managers: pass an unmet gate");
  fire->add_option("--reason", fire_request.reason, "why the gate is overridden (required with --override)");
  fire->add_option("--expect-version", expect_version, "refuse with exit 5 unless the case is at this version")
      ->check(CLI::Range(std::int64_t{1}, std::numeric_limits<std::int64_t>::max()));
  fire->callback([&] {
    auto id = parse_case_id(case_text);
    if (!id) return void(code = cli::report(id.status()));
    if (override_flag->count() > 0 && fire_request.reason.empty())
      return void(code = cli::report(Status::invalid_input("--override needs --reason TEXT")));
    if (!ready(true)) return;
    fire_request.case_id = *id;
    if (expect_version > 0) fire_request.expected_version = expect_version;
    auto result = engine->fire(g.as, fire_request);
    if (!result) return finish(result.status());
    if (g.json)
      std::cout << json(*result).dump() << "\n";
    else
      cli::print_fire(std::cout, *result);
    if (result->outcome == FireOutcome::refused) code = cli::report(Status::refused(result->message));
  });

  // status, history
  std::string status_as_of;
  auto* status =
      app.add_subcommand("status", "a case's state, what each event still needs, and its clocks (audited as a view)");
  status->add_option("CASE", case_text, "case id")->required();
  status->add_option("--as-of", status_as_of, "judge clocks as of this time (ISO 8601; default now)");
  status->callback([&] {
    auto id = parse_case_id(case_text);
    if (!id) return void(code = cli::report(id.status()));
    auto as_of = optional_instant(status_as_of, "--as-of");
    if (!as_of) return void(code = cli::report(as_of.status()));
    if (!ready(true)) return;
    auto result = engine->status(g.as, *id, *as_of);
    if (!result) return finish(result.status());
    if (g.json)
      std::cout << json(*result).dump() << "\n";
    else
      cli::print_status(std::cout, *result);
  });
  auto* history = app.add_subcommand("history", "a case's audit entries in order (audited as a view)");
  history->add_option("CASE", case_text, "case id")->required();
  history->callback([&] {
    auto id = parse_case_id(case_text);
    if (!id) return void(code = cli::report(id.status()));
    if (!ready(true)) return;
    auto result = engine->history(g.as, *id);
    if (!result) return finish(result.status());
    if (g.json)
      std::cout << json(*result).dump() << "\n";
    else
      cli::print_history(std::cout, *result);
  });

  // verify, checkpoint, keygen
  std::string checkpoint_file, public_key, key_file, out_file;
  auto* verify = app.add_subcommand("verify", "recompute the audit hash chain; exit 6 if it does not verify");
  verify->add_option("--checkpoint", checkpoint_file,
                     "also check against a signed checkpoint (finds truncation, rewriting)");
  verify->add_option("--public-key", public_key, "require the checkpoint to be signed by this key (64 hex digits)");
  verify->callback([&] {
    std::optional<Checkpoint> checkpoint;
    if (!checkpoint_file.empty()) {
      auto text = read_file(checkpoint_file);
      if (!text) return void(code = cli::report(text.status()));
      auto parsed = parse_checkpoint_json(*text);
      if (!parsed) return void(code = cli::report(parsed.status()));
      checkpoint = *parsed;
    }
    if (!ready(false)) return;
    auto report = engine->verify(checkpoint ? &*checkpoint : nullptr, public_key);
    if (!report) return finish(report.status());
    if (g.json) std::cout << json(*report).dump() << "\n";
    if (report->ok) {
      if (!g.json) {
        std::cout << "audit chain verified: " << report->entries_verified << " entries";
        if (checkpoint)
          std::cout << "; entry " << checkpoint->head.seq << " matches the checkpoint of "
                    << format_instant(checkpoint->at);
        std::cout << "\n";
      }
    } else {
      code = cli::report(Status::integrity("audit chain does not verify at entry " +
                                           std::to_string(report->first_bad_seq) + ": " + report->problem));
    }
  });

  auto* checkpoint =
      app.add_subcommand("checkpoint", "verify the chain and sign its newest entry (keep the file elsewhere)");
  checkpoint
      ->add_option("--key", key_file,
                   "Ed25519 private key, PEM (casegate keygen, or openssl genpkey -algorithm ed25519)")
      ->required();
  checkpoint->add_option("--out", out_file, "write the checkpoint here (default: stdout)");
  checkpoint->callback([&] {
    auto key = read_file(key_file);
    if (!key) return void(code = cli::report(key.status()));
    if (!ready(false)) return;
    auto signed_checkpoint = engine->checkpoint(*key);
    if (!signed_checkpoint) return finish(signed_checkpoint.status());
    std::string text = checkpoint_json(*signed_checkpoint) + "\n";
    if (out_file.empty()) return void(std::cout << text);
    if (auto written = write_file(out_file, text, false); !written) return finish(written);
    std::cerr << "checkpoint of entry " << signed_checkpoint->head.seq << " written to " << out_file << "\n";
  });

  auto* keygen = app.add_subcommand("keygen", "create an Ed25519 key for checkpoints; prints its public key");
  keygen->add_option("--out", out_file, "private key file to create (mode 0600)")->required();
  keygen->callback([&] {
    auto pair = generate_ed25519_key();
    if (!pair) return finish(pair.status());
    if (auto written = write_file(out_file, pair->private_key_pem, true); !written) return finish(written);
    std::cout << pair->public_key << "\n";
  });

  // workflow
  auto* workflow = app.add_subcommand("workflow", "the registered workflows");
  workflow->require_subcommand(1);
  auto* workflow_list = workflow->add_subcommand("list", "names and versions");
  workflow_list->callback([&] {
    auto registry = seed_workflows();
    json list = json::array();
    for (const auto* w : registry.all()) {
      if (g.json)
        list.push_back(json{{"name", w->name()}, {"version", w->version()}, {"initial_state", w->initial_state()}});
      else
        std::cout << w->name() << "\tversion " << w->version() << "\n";
    }
    if (g.json) std::cout << list.dump() << "\n";
  });
  std::string workflow_name, workflow_format = "table";
  int workflow_version = 0;
  auto* workflow_show = workflow->add_subcommand("show", "states, events, gates and clocks, from the compiled machine");
  workflow_show->add_option("NAME", workflow_name, "workflow name")->required();
  workflow_show->add_option("--version", workflow_version, "version (default: newest)");
  workflow_show
      ->add_option("--format", workflow_format, "table (default), dot (Graphviz), mermaid or json (also --json)")
      ->check(CLI::IsMember({"table", "dot", "mermaid", "json"}));
  workflow_show->callback([&] {
    auto registry = seed_workflows();
    const Workflow* w =
        workflow_version > 0 ? registry.find(workflow_name, workflow_version) : registry.latest(workflow_name);
    if (w == nullptr) return void(code = cli::report(Status::not_found("no workflow '" + workflow_name + "'")));
    if (g.json || workflow_format == "json") return void(std::cout << cli::workflow_json(*w).dump() << "\n");
    if (workflow_format == "dot") return cli::print_dot(std::cout, *w);
    if (workflow_format == "mermaid") return cli::print_mermaid(std::cout, *w);
    cli::print_workflow(std::cout, *w);
  });
  auto* workflow_check =
      workflow->add_subcommand("check", "lint registered workflows; exit 0 when clean, 3 with findings");
  workflow_check->add_option("NAME", workflow_name, "only this workflow (every version)");
  workflow_check->callback([&] {
    auto registry = seed_workflows();
    std::vector<const Workflow*> selected;
    for (const Workflow* w : registry.all())
      if (workflow_name.empty() || w->name() == workflow_name) selected.push_back(w);
    if (selected.empty()) return void(code = cli::report(Status::not_found("no workflow '" + workflow_name + "'")));
    code = cli::check_workflows(selected, registry.task_kinds(), g.json);
  });

  // migrate
  std::string migrate_workflow;
  int migrate_to = 0;
  bool dry_run = false, migrate_all = false;
  std::vector<CaseId> migrate_cases;
  auto* migrate = app.add_subcommand("migrate", "move open cases to another version of their workflow");
  migrate->add_option("WORKFLOW", migrate_workflow, "workflow name")->required();
  migrate->add_option("--to-version", migrate_to, "the version to move to")->required()->check(CLI::Range(1, 1000));
  migrate->add_flag("--dry-run", dry_run,
                    "list each case, its state mapping and the events it would gain or lose; change nothing");
  migrate->add_option("--case", migrate_cases, "only this case (repeatable)");
  migrate->add_flag("--all", migrate_all, "every open case below the version");
  migrate->callback([&] {
    if (!dry_run && migrate_cases.empty() && !migrate_all)
      return void(code = cli::report(
                      Status::invalid_input("name the cases to migrate with --case ID, or give --all (or --dry-run)")));
    if (!ready(true)) return;
    auto result = dry_run ? engine->plan_migration(g.as, migrate_workflow, migrate_to, migrate_cases)
                          : engine->migrate(g.as, migrate_workflow, migrate_to, migrate_cases);
    if (!result) return finish(result.status());
    json items = json::array();
    for (const auto& item : *result) {
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
    if (g.json)
      return void(std::cout << json{{"dry_run", dry_run}, {"to_version", migrate_to}, {"cases", items}}.dump() << "\n");
    std::cout << (dry_run ? "would migrate " : "migrated ") << result->size() << " case(s) to " << migrate_workflow
              << " version " << migrate_to << "\n";
    for (const auto& item : *result) {
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
  });

  // scenario
  std::vector<std::string> scenario_files;
  auto* scenario = app.add_subcommand("scenario", "workflow tests written as JSON scenario files");
  scenario->require_subcommand(1);
  auto* scenario_run =
      scenario->add_subcommand("run", "run scenarios on fresh in-memory databases with a virtual clock");
  scenario_run->add_option("FILE", scenario_files, "scenario files")->required();
  scenario_run->callback([&] { code = cli::run_scenarios(scenario_files); });

  // demo
  std::string demo_db = "casegate-demo.db";
  auto* demo = app.add_subcommand("demo", "walk one child-protection case from referral to a plan");
  demo->add_option("--demo-db", demo_db, "database file to (re)create (default: casegate-demo.db)");
  demo->callback([&] {
    spdlog::set_level(spdlog::level::from_str(log_level));
    code = cli::run_demo(g, demo_db);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    auto left = app.remaining();
    if (!left.empty() && app.get_subcommands().empty())
      std::cerr << "casegate: unknown command '" << left.front() << "' (see casegate --help)\n";
    else {
      std::string what = e.what();  // CLI11 lists every unexpected argument: keep it to one short line
      for (char& c : what)
        if (c == '\n') c = ' ';
      if (what.size() > 200) what = what.substr(0, 200) + "...";
      std::cerr << "casegate: " << what << " (see casegate --help)\n";
    }
    return 2;
  }
  return code;
}
