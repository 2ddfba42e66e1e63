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

namespace casegate::cli {

struct Globals {
  std::string db;
  std::string as;
  bool json = false;
  std::string sync = "FULL";
  int busy_timeout_ms = 5000;
};

// Exit codes: 0 ok, 1 internal, 2 invalid input or usage, 3 refused, 4 not found, 5 conflict,
// 6 integrity.
int exit_code(Code code);
// Prints "casegate: <message>" on stderr and returns the exit code for `status`.
int report(const Status& status);

Result<std::unique_ptr<Engine>> open(const Globals& globals, const std::string& db_path);

// Human-readable forms, shared by the commands and the demo.
void print_fire(std::ostream& out, const FireResult& result);
void print_record(std::ostream& out, const TaskReceipt& receipt);
void print_status(std::ostream& out, const CaseStatus& status);
void print_history(std::ostream& out, const std::vector<AuditEntry>& entries);
void print_workflow(std::ostream& out, const Workflow& workflow);

int run_demo(const Globals& globals, const std::string& db_path);

// What a subcommand's callback needs: the parsed globals, the engine once opened, the exit code.
struct Session {
  Globals& globals;
  int& code;
  std::unique_ptr<Engine>& engine;
  std::function<bool(bool needs_user)> ready;  // opens the engine; false (code set) on failure
  void finish(const Status& status) { code = status ? 0 : report(status); }
};

// Parses an ISO 8601 instant, or a date meaning the start (or, with `end`, the end) of that London day.
Result<Instant> parse_bound(const std::string& text, const char* field, bool end);

// RFC 4180: fields quoted when they hold a comma, a quote or a line break.
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);

void add_time_and_oversight_commands(CLI::App& app, Session& session);

// Workflow views: Graphviz, Mermaid, JSON; and the linter (exit 0 clean, 3 with findings).
void print_dot(std::ostream& out, const Workflow& workflow);
void print_mermaid(std::ostream& out, const Workflow& workflow);
nlohmann::json workflow_json(const Workflow& workflow);
int check_workflows(const std::vector<const Workflow*>& workflows, const TaskKindCatalogue& kinds, bool as_json);

// casegate scenario run: exit 0 when every expectation of every file holds, 3 otherwise.
int run_scenarios(const std::vector<std::string>& files);

}  // namespace casegate::cli
