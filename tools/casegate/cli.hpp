#pragma once
// The casegate command: thin glue between arguments and the public API.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "casegate/casegate.hpp"
#include "casegate/json.hpp"
#include "casegate/protocol.hpp"

namespace casegate::cli {

struct Globals {
  std::string db;
  std::string as;
  bool json = false;
  std::string sync = "FULL";
  std::string wal_checkpoint = "background";
  int busy_timeout_ms = 5000;
};

// Prints "casegate: <message>" on stderr and returns the exit code for `status`: the protocol's
// outcome code (0 ok, 1 internal, 2 invalid input or usage, 3 refused, 4 not found, 5 conflict,
// 6 integrity).
int report(const Status& status);

Result<std::unique_ptr<Engine>> open(const Globals& globals, const std::string& db_path);

// Human-readable forms, shared by the commands and the demo.
void print_fire(std::ostream& out, const FireResult& result);
void print_record(std::ostream& out, const TaskReceipt& receipt);
void print_status(std::ostream& out, const CaseStatus& status);
void print_history(std::ostream& out, const std::vector<AuditEntry>& entries);
void print_workflow(std::ostream& out, const Workflow& workflow);

int run_demo(const Globals& globals, const std::string& db_path);

// Reads a file of at most 1 MiB.
Result<std::string> read_file(const std::string& path);
// Creates a file that does not exist yet (a checkpoint or key is never clobbered); 0600 when `secret`.
Status write_file(const std::string& path, const std::string& text, bool secret);
// An ISO 8601 instant, or nullopt for empty text.
Result<std::optional<Instant>> optional_instant(const std::string& text, const char* field);
Result<CaseId> parse_case_id(const std::string& text);
// An optional --as-of bound: nullopt when not given.
Result<std::optional<Instant>> as_of_bound(const std::string& text);

// What a command's handler works with: the parsed global options, and the engine once opened.
struct Session {
  Globals globals;
  std::string log_level = "warn";
  std::string db_option;  // --db as given; globals.db is what it resolves to
  std::unique_ptr<Engine> engine;

  // Resolves the database and the acting user (required when `needs_user`) and opens the
  // engine: 0, or the exit code of the error, already reported.
  int ready(bool needs_user);
  // 0 for ok, else the error reported and its exit code.
  static int finish(const Status& status) { return status ? 0 : report(status); }
};

// One row of the command table: the command as typed (a space between a group and its command:
// "oversight overdue"), what it does, its options (bound to the command's own state, created
// with the table), and its handler, which returns the exit code. A row without a handler is a
// group that needs one of its commands.
struct Command {
  std::string path;
  std::string help;
  std::function<void(CLI::App&)> options = {};
  std::function<int(Session&)> run = {};
  // With --json, a command that has a request goes through the command protocol instead of
  // `run`: the options become the protocol request (or a one-line error), and the protocol's
  // answer is what is printed. One implementation serves the CLI, the C ABI and the server.
  std::function<Result<nlohmann::json>()> request = {};
  bool needs_user = true;  // for the request: whether an acting user must be named
  // For the request: whether it reads the database. The workflow commands answer from the
  // compiled workflows alone, on an in-memory engine.
  bool needs_database = true;
};

// Gives the command at `path` in `table` its protocol request (see Command::request).
void set_request(std::vector<Command>& table, std::string_view path, std::function<Result<nlohmann::json>()> request,
                 bool needs_user = true, bool needs_database = true);
// Runs `request` through the command protocol and prints its answer as --json does: the result
// on stdout, a failure's one line on stderr. Returns the outcome code.
int run_request(Session& session, const nlohmann::json& request, bool needs_user, bool needs_database = true);
// Runs `request` (which needs an acting user) through the protocol and hands its answer to
// `print`, the command's words for people; a failure's one line goes to stderr.
int run_printed(Session& session, const nlohmann::json& request,
                const std::function<void(const nlohmann::json&)>& print);
// An optional text option as a request field: absent when empty.
void put_text(nlohmann::json& request, const char* field, const std::string& value);

// The table, by family: cases and users; integrity; workflows, scenarios and the demo; settings,
// calendar, oversight, export and the HTML report; the action plan's report; need-to-know access.
std::vector<Command> case_commands();
std::vector<Command> integrity_commands();
std::vector<Command> workflow_commands();
std::vector<Command> manager_commands();
std::vector<Command> action_plan_commands();
std::vector<Command> access_commands();
std::vector<Command> serve_commands();

// Adds the global options and every command of `table` to `app`; a command's handler leaves its
// exit code in `code`.
void add_commands(CLI::App& app, const std::vector<Command>& table, Session& session, int& code);
// Parses and runs the chosen command: its exit code, or 2 (one line on stderr) for bad usage.
int parse_and_run(CLI::App& app, int argc, char** argv, const int& code);

// RFC 4180: fields quoted when they hold a comma, a quote or a line break.
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);

// casegate scenario run: exit 0 when every expectation of every file holds, 3 otherwise.
int run_scenarios(const std::vector<std::string>& files);

}  // namespace casegate::cli
