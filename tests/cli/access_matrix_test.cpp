// The access matrix of docs/access.md, cell by cell: every role, in every relationship with a
// case, trying every command on it, once through the engine and once through the CLI. The
// document is the expectation, so it cannot drift from the code.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "casegate/casegate.hpp"
#include "cli_runner.hpp"
#include "fixture.hpp"
#include "test_store.hpp"

using namespace casegate;
using namespace casegate::testing;
using nlohmann::json;

namespace {

const std::vector<std::string> roles{"social_worker", "team_manager", "conference_chair",
                                     "auditor",       "board_chair",  "admin"};
const std::vector<std::string> relationships{"own team", "other team", "allocated", "break-glass",
                                             "break-glass expired"};
const std::vector<std::string> commands{"status",   "history",  "record", "fire",         "override",
                                        "allocate", "transfer", "access", "access review"};

std::string actor_of(const std::string& role) {
  static const std::map<std::string, std::string> actors{
      {"social_worker", social_worker},       {"team_manager", team_manager},
      {"conference_chair", conference_chair}, {"auditor", auditor},
      {"board_chair", board_chair},           {"admin", admin}};
  return actors.at(role);
}

// What each role records: a case task, or the kind only that role records.
std::pair<std::string, std::string> task_of(const std::string& role) {
  if (role == "conference_chair") return {"conference_decision", R"({"outcome":"plan","category":"neglect"})"};
  if (role == "auditor") return {"audit_check", R"({"effective":true,"note":"sampled"})"};
  if (role == "board_chair") return {"sign_off", R"({"note":"agreed"})"};
  return {"referral_decision", R"({"decision":"significant_harm"})"};
}

// A worker of team north who is never an actor here: their break-glass grants on south's cases
// are the ones a manager reviews, and give no actor access.
const char* const north_witness = "sw.witness";

void add_witness(EngineFixture& f) {
  REQUIRE(f.engine->add_user(admin, User{north_witness, "", Role::social_worker, "north", true}).is_ok());
}

// One cell's case, made ready so that the command, if allowed, succeeds: its gates are met and
// another user's break-glass grant on it is there to review.
struct Prepared {
  bool applicable = true;  // false: the relationship cannot be set up for this role (n/a)
  CaseId id = 0;
  std::string subject, workflow, team_worker;
  std::int64_t witness_grant = 0;
};

Prepared prepare(EngineFixture& f, const std::string& role, const std::string& relationship, int serial) {
  Prepared p;
  const std::string actor = actor_of(role);
  const bool theirs = relationship == "own team" || relationship == "allocated";
  // A board chair's relationship is with improvement actions; outside it, with children's cases.
  p.workflow = role == "board_chair" && theirs ? "improvement_action" : "child_protection";
  if (role == "board_chair" && relationship == "other team") p.workflow = "improvement_action";
  p.team_worker = theirs ? social_worker : south_worker;
  const std::string manager = theirs ? team_manager : south_manager;
  p.subject = "SUBJECT-" + std::to_string(serial);
  auto opened = f.engine->open_case(
      p.team_worker, OpenCaseRequest{p.workflow, p.subject, "", std::nullopt, attributes_for(p.workflow)});
  REQUIRE(opened.status().to_string() == "ok");
  p.id = opened->id;
  if (p.workflow == "child_protection")
    REQUIRE(f.engine
                ->record_task(p.team_worker, RecordTaskRequest{p.id, "referral_decision",
                                                               R"({"decision":"significant_harm"})", std::nullopt})
                .is_ok());
  const std::string outsider = theirs ? south_worker : north_witness;
  auto witness = f.engine->break_glass(outsider, p.id, "a witness grant, to be reviewed", std::nullopt);
  REQUIRE(witness.status().to_string() == "ok");
  p.witness_grant = witness->id;
  if (relationship == "allocated") {
    if (role != "social_worker" && role != "team_manager") p.applicable = false;
    if (p.applicable) REQUIRE(f.engine->allocate(manager, p.id, actor).status().to_string() == "ok");
  }
  if (relationship == "break-glass" || relationship == "break-glass expired") {
    Instant now = f.clock->now();
    if (relationship == "break-glass expired") f.clock->set(now - std::chrono::hours(10));
    p.applicable = f.engine->break_glass(actor, p.id, "needed to check a report from school", 8).is_ok();
    f.clock->set(now);
  }
  return p;
}

std::string outcome_of(const Status& status) {
  if (status) return "yes";
  if (status.code() == Code::denied) return "denied";
  if (status.code() == Code::refused) return "refused";
  return "error: " + status.to_string();
}

std::string run_on_engine(EngineFixture& f, const std::string& role, const std::string& command, const Prepared& p) {
  const std::string as = actor_of(role);
  const std::string event = p.workflow == "child_protection" ? "refer_to_strategy" : "start";
  Status status;
  if (command == "status") status = f.engine->status(as, p.id).status();
  if (command == "history") status = f.engine->history(as, p.id).status();
  if (command == "record") {
    auto [kind, payload] = task_of(role);
    status = f.engine->record_task(as, RecordTaskRequest{p.id, kind, payload, std::nullopt}).status();
  }
  if (command == "fire") status = f.engine->fire(as, FireRequest{p.id, event, false, "", std::nullopt}).status();
  if (command == "override")
    status = f.engine->fire(as, FireRequest{p.id, event, true, "urgent: police attending", std::nullopt}).status();
  if (command == "allocate") status = f.engine->allocate(as, p.id, p.team_worker).status();
  if (command == "transfer") status = f.engine->transfer(as, p.id, "east").status();
  if (command == "access")
    status = f.engine->break_glass(as, p.id, "needed to check a report from school", std::nullopt).status();
  if (command == "access review") status = f.engine->review_access(as, p.witness_grant, "proportionate").status();
  if (status.code() == Code::denied)
    CHECK(status.message().find(p.subject) == std::string::npos);  // a denial names nothing of the case
  return outcome_of(status);
}

std::vector<std::string> cli_args(const std::string& role, const std::string& command, const Prepared& p) {
  const std::string id = std::to_string(p.id);
  const std::string event = p.workflow == "child_protection" ? "refer_to_strategy" : "start";
  std::vector<std::string> args{"--as", actor_of(role), "--json"};
  std::vector<std::string> rest;
  if (command == "status") rest = {"status", id};
  if (command == "history") rest = {"history", id};
  if (command == "record") rest = {"record", id, task_of(role).first, "--data", task_of(role).second};
  if (command == "fire") rest = {"fire", id, event};
  if (command == "override") rest = {"fire", id, event, "--override", "--reason", "urgent: police attending"};
  if (command == "allocate") rest = {"allocate", id, p.team_worker};
  if (command == "transfer") rest = {"transfer", id, "--team", "east"};
  if (command == "access") rest = {"access", id, "--reason", "needed to check a report from school"};
  if (command == "access review")
    rest = {"access", "review", std::to_string(p.witness_grant), "--note", "proportionate"};
  args.insert(args.end(), rest.begin(), rest.end());
  return args;
}

// The matrix as docs/access.md states it: role -> relationship -> command -> outcome.
using Matrix = std::map<std::string, std::map<std::string, std::map<std::string, std::string>>>;

Matrix documented_matrix() {
  std::ifstream in(std::string(CASEGATE_TEST_DATA) + "/../docs/access.md");
  REQUIRE(in);
  Matrix matrix;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) {
      auto first = cell.find_first_not_of(' '), last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    if (cells.size() != 2 + commands.size() || std::find(roles.begin(), roles.end(), cells[0]) == roles.end()) continue;
    for (std::size_t c = 0; c < commands.size(); ++c) matrix[cells[0]][cells[1]][commands[c]] = cells[2 + c];
  }
  return matrix;
}

}  // namespace

TEST_CASE("access: docs/access.md has a cell for every role, relationship and command", "[cli][access]") {
  Matrix matrix = documented_matrix();
  for (const auto& role : roles)
    for (const auto& relationship : relationships)
      for (const auto& command : commands) {
        INFO(role << " / " << relationship << " / " << command);
        CHECK(matrix[role][relationship].count(command) == 1);
      }
}

TEST_CASE("access: every cell of the matrix, through the engine", "[cli][access]") {
  Matrix matrix = documented_matrix();
  EngineFixture f;
  add_witness(f);
  int serial = 0;
  // CASEGATE_PRINT_MATRIX=1: print the engine's matrix as docs/access.md's rows, on stderr.
  const bool print = std::getenv("CASEGATE_PRINT_MATRIX") != nullptr;
  for (const auto& role : roles)
    for (const auto& relationship : relationships) {
      if (print) std::cerr << "| " << role << " | " << relationship << " |";
      for (const auto& command : commands) {
        INFO(role << " / " << relationship << " / " << command);
        Prepared p = prepare(f, role, relationship, ++serial);
        std::string got = p.applicable ? run_on_engine(f, role, command, p) : "n/a";
        if (print) std::cerr << " " << got << " |";
        CHECK(got == matrix[role][relationship][command]);
        if (got == "denied" || got == "refused") {
          auto entries = f.engine->history(auditor, p.id).value();
          auto mine = std::find_if(entries.rbegin(), entries.rend(),
                                   [&](const AuditEntry& e) { return e.entry.actor == actor_of(role); });
          REQUIRE(mine != entries.rend());
          CHECK(mine->entry.outcome == got);  // every denial and refusal is audited as such
        }
      }
      if (print) std::cerr << "\n";
    }
}

TEST_CASE("access: every cell of the matrix, through the CLI", "[cli][access]") {
  Matrix matrix = documented_matrix();
  Cli cli;
  struct Planned {
    std::string role, relationship, command;
    Prepared prepared;
  };
  std::vector<Planned> plan;
  {
    // One database for every cell, each with a case of its own, prepared through the engine on
    // the system's time (the CLI's), so that a grant 10 hours old has expired for the CLI too.
    EngineFixture f(open_test_store(cli.db()));
    f.clock->set(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
    add_witness(f);
    int serial = 0;
    for (const auto& role : roles)
      for (const auto& relationship : relationships)
        for (const auto& command : commands)
          plan.push_back({role, relationship, command, prepare(f, role, relationship, ++serial)});
  }
  for (const Planned& cell : plan) {
    INFO(cell.role << " / " << cell.relationship << " / " << cell.command);
    if (!cell.prepared.applicable) {
      CHECK(matrix[cell.role][cell.relationship][cell.command] == "n/a");
      continue;
    }
    Run run = cli(cli_args(cell.role, cell.command, cell.prepared));
    std::string got = run.exit_code == 0 ? "yes" : "exit " + std::to_string(run.exit_code);
    if (run.exit_code == 3) {
      // Denied and refused share exit 3; the audit log tells them apart.
      auto engine = open_engine(cli.db()).value();
      auto entries = engine->history(auditor, cell.prepared.id).value();
      auto mine = std::find_if(entries.rbegin(), entries.rend(),
                               [&](const AuditEntry& e) { return e.entry.actor == actor_of(cell.role); });
      REQUIRE(mine != entries.rend());
      got = mine->entry.outcome;
      CHECK(run.out.empty());
      CHECK(run.err.find(cell.prepared.subject) == std::string::npos);
      CHECK(run.err.find("south") == std::string::npos);
      CHECK(run.err.find("referral") == std::string::npos);
    }
    CHECK(got == matrix[cell.role][cell.relationship][cell.command]);
  }
}
