#pragma once
// The casegate command: thin glue between arguments and the public API.
#include <iosfwd>
#include <memory>
#include <string>

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

}  // namespace casegate::cli
