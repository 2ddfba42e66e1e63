#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "casegate/csv.hpp"
#include "casegate/protocol.hpp"
#include "cli.hpp"

namespace casegate::cli {

int report(const Status& status) {
  std::cerr << "casegate: " << status.message() << "\n";
  return outcome_code(status.code());  // the exit codes are the protocol's outcome codes
}

Result<std::unique_ptr<Engine>> open(const Globals& globals, const std::string& db_path) {
  SqliteOptions options;
  if (globals.sync == "FULL")
    options.synchronous = Synchronous::full;
  else if (globals.sync == "NORMAL")
    options.synchronous = Synchronous::normal;
  else if (globals.sync == "OFF")
    options.synchronous = Synchronous::off;
  else
    return Status::invalid_input("--sync must be FULL, NORMAL or OFF, not '" + globals.sync + "'");
  options.busy_timeout_ms = globals.busy_timeout_ms;
  options.wal_checkpoint_in_background = globals.wal_checkpoint != "inline";
  return open_engine(db_path, options);
}

namespace {

void print_missing(std::ostream& out, const std::vector<Requirement>& missing, const char* indent) {
  for (const auto& requirement : missing) out << indent << "- " << describe(requirement) << "\n";
}

}  // namespace

void print_fire(std::ostream& out, const FireResult& result) {
  out << "case " << result.case_id << ": " << result.event << " " << fire_outcome_name(result.outcome);
  switch (result.outcome) {
    case FireOutcome::accepted:
      out << ": " << result.from << " -> " << result.to << " (version " << result.version << ")\n";
      break;
    case FireOutcome::override:
      out << " by a team manager: " << result.from << " -> " << result.to << " (version " << result.version
          << ")\n  without:\n";
      print_missing(out, result.missing, "    ");
      break;
    case FireOutcome::refused:
      if (result.refusal == RefusalReason::gate_unmet) {
        out << " in " << result.from << "; missing:\n";
        print_missing(out, result.missing, "  ");
      } else {
        out << "\n";
      }
      break;
  }
}

void print_record(std::ostream& out, const TaskReceipt& receipt) {
  out << "case " << receipt.case_id << ": recorded " << receipt.kind << " (task " << receipt.task_id << ") in "
      << receipt.state << "\n";
}

void print_status(std::ostream& out, const CaseStatus& status) {
  const auto& r = status.record;
  out << "case " << r.id << " (" << r.workflow << " v" << r.workflow_version << ", subject " << r.subject << ", team "
      << (r.team.empty() ? "-" : r.team) << ")\n";
  out << "  state:   " << r.state << (status.final ? " (final)" : "") << " since " << format_instant(r.state_entered_at)
      << "\n";
  out << "  version: " << r.version << "\n";
  out << "  allocated to: " << (r.allocated_to.empty() ? "nobody" : r.allocated_to) << "\n";
  if (status.events.empty()) {
    out << "  no events: the case is finished\n";
  } else {
    out << "  events:\n";
    for (const auto& e : status.events) {
      out << "    " << std::left << std::setw(28) << e.event << "-> " << std::setw(24) << e.to
          << (e.ready ? "ready" : "missing:") << "\n";
      print_missing(out, e.missing, "        ");
    }
  }
  if (status.clocks.empty()) return;
  out << "  clocks (as of " << format_instant(status.as_of) << "):\n";
  for (const auto& c : status.clocks) {
    out << "    " << std::left << std::setw(22)
        << (c.record.clock + (c.record.cycle > 1 ? " #" + std::to_string(c.record.cycle) : "")) << std::setw(9)
        << clock_state_name(c.state) << "due " << format_instant(c.record.due_at) << " (" << c.record.due_date << ")";
    if (c.record.met_at) out << ", met " << format_instant(*c.record.met_at);
    if (!c.delay_reason.empty()) out << ", delay: " << c.delay_reason;
    out << "\n";
  }
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  out << csv_row(fields);
}

void print_history(std::ostream& out, const std::vector<AuditEntry>& entries) {
  for (const auto& e : entries) {
    out << std::right << std::setw(6) << e.seq << "  " << format_instant(e.entry.at) << "  " << std::left
        << std::setw(16) << e.entry.actor << std::setw(17) << e.entry.role << std::setw(7) << e.entry.action
        << std::setw(9) << e.entry.outcome << e.entry.detail_json << "\n";
  }
}

void print_workflow(std::ostream& out, const Workflow& workflow) {
  out << workflow.name() << " version " << workflow.version() << "\n\nstates:\n";
  for (const auto& s : workflow.states())
    out << "  " << s.name << (s.initial ? " (initial)" : "") << (s.final ? " (final)" : "") << "\n";
  out << "\n"
      << std::left << std::setw(24) << "from" << std::setw(29) << "event" << std::setw(24) << "to"
      << "gate\n";
  for (const auto& t : workflow.transitions()) {
    out << std::setw(24) << t.from << std::setw(29) << t.event << std::setw(24) << t.to;
    if (t.gate.empty()) out << "(none)";
    for (std::size_t i = 0; i < t.gate.size(); ++i) out << (i ? "; " : "") << describe(t.gate[i]);
    out << "\n";
  }
  if (workflow.clock_definitions().empty()) return;
  out << "\nclocks:\n";
  for (const auto& c : workflow.clock_definitions())
    out << "  " << c.name << "\n    from:   " << c.anchor << "\n    due:    " << c.due
        << "\n    met by: " << describe(c.met_by) << "\n";
}

}  // namespace casegate::cli
