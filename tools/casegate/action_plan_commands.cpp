// casegate oversight actions: the action plan's audit, as counts or as one row per action with
// the evidence, audit check and sign-off recorded on it.
#include <algorithm>
#include <iomanip>
#include <iostream>

#include "casegate/seed_reports.hpp"
#include "cli.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

void print_counts(const std::vector<ActionsRow>& rows, bool csv) {
  if (csv) write_csv_row(std::cout, {"theme", "completed_on_time", "completed_late", "open_overdue", "open_on_track"});
  for (const auto& r : rows) {
    if (csv) {
      write_csv_row(std::cout, {r.theme, std::to_string(r.completed_on_time), std::to_string(r.completed_late),
                                std::to_string(r.open_overdue), std::to_string(r.open_on_track)});
      continue;
    }
    std::int64_t all = r.completed_on_time + r.completed_late + r.open_overdue + r.open_on_track;
    std::cout << (r.theme.empty() ? "all themes" : r.theme) << ": " << r.completed_on_time << " of " << all
              << " completed within the agreed timescale, " << r.completed_late << " completed late, " << r.open_overdue
              << " open and overdue, " << r.open_on_track << " open and on track\n";
  }
}

std::string time_or_empty(const std::optional<Instant>& at) {
  return at ? format_instant(*at) : "";
}

// who and when, then the task's own fields: empty fields when none was recorded.
std::vector<std::string> task_fields(const std::optional<ActionTask>& task, std::vector<std::string> own) {
  if (!task) return std::vector<std::string>(2 + own.size());
  own.insert(own.begin(), {task->by, format_instant(task->at)});
  return own;
}

std::string words(std::string identifier) {
  std::replace(identifier.begin(), identifier.end(), '_', ' ');
  return identifier;
}

void print_actions(const std::vector<ActionRow>& rows, bool csv) {
  if (csv)
    write_csv_row(std::cout, {"case",
                              "team",
                              "title",
                              "theme",
                              "owner",
                              "target_date",
                              "state",
                              "due_at",
                              "completed_at",
                              "standing",
                              "evidence_by",
                              "evidence_at",
                              "evidence_description",
                              "evidence_link",
                              "audit_check_by",
                              "audit_check_at",
                              "audit_check_effective",
                              "audit_check_note",
                              "sign_off_by",
                              "sign_off_at",
                              "sign_off_note"});
  for (const auto& r : rows) {
    std::string effective = r.audit_check && r.audit_check->effective ? (*r.audit_check->effective ? "yes" : "no") : "";
    if (csv) {
      std::vector<std::string> fields{std::to_string(r.case_id),
                                      r.team,
                                      r.title,
                                      r.theme,
                                      r.owner,
                                      r.target_date,
                                      r.state,
                                      time_or_empty(r.due_at),
                                      time_or_empty(r.completed_at),
                                      r.standing};
      for (auto part :
           {task_fields(r.evidence, {r.evidence ? r.evidence->description : "", r.evidence ? r.evidence->link : ""}),
            task_fields(r.audit_check, {effective, r.audit_check ? r.audit_check->note : ""}),
            task_fields(r.sign_off, {r.sign_off ? r.sign_off->note : ""})})
        fields.insert(fields.end(), part.begin(), part.end());
      write_csv_row(std::cout, fields);
      continue;
    }
    std::cout << "case " << std::left << std::setw(8) << r.case_id << std::setw(14) << r.state << std::setw(20)
              << (r.standing.empty() ? "no target" : words(r.standing)) << r.theme << ": " << r.title << "\n"
              << "  evidence:    "
              << (r.evidence ? r.evidence->description + " (" + r.evidence->by + ")" : std::string("none recorded"))
              << "\n  audit check: "
              << (r.audit_check ? (effective == "yes" ? "effective" : "not effective") + std::string(", ") +
                                      r.audit_check->note + " (" + r.audit_check->by + ")"
                                : std::string("none recorded"))
              << "\n  sign-off:    "
              << (r.sign_off ? r.sign_off->note + " (" + r.sign_off->by + ")" : std::string("none recorded")) << "\n";
  }
}

}  // namespace

std::vector<Command> action_plan_commands() {
  struct Options {
    std::string by, as_of, team;
    bool csv = false;
  };
  auto o = std::make_shared<Options>();
  std::vector<Command> commands{
      {"oversight actions",
       "improvement actions against their agreed timescale: counts, or each action with its evidence, audit check "
       "and sign-off",
       [o](CLI::App& c) {
         c.add_option("--by", o->by,
                      "theme: one row per theme; action: each action you may see, with its evidence, audit check "
                      "and sign-off")
             ->check(CLI::IsMember({"theme", "action"}));
         c.add_option("--team", o->team, "with --by action: only this team's actions");
         c.add_option("--as-of", o->as_of, "judge open actions as of this time (default now)");
         c.add_flag("--csv", o->csv, "CSV on stdout");
       },
       [o](Session& s) {
         auto as_of = as_of_bound(o->as_of);
         if (!as_of) return report(as_of.status());
         if (!o->team.empty() && o->by != "action")
           return report(Status::invalid_input("--team needs --by action: the counts cover every team"));
         if (int failed = s.ready(true)) return failed;
         if (o->by == "action") {
           auto rows = action_list_report(*s.engine, s.globals.as, *as_of, o->team);
           if (!rows) return Session::finish(rows.status());
           print_actions(*rows, o->csv);
           return 0;
         }
         auto rows = actions_report(*s.engine, s.globals.as, *as_of, o->by == "theme");
         if (!rows) return Session::finish(rows.status());
         print_counts(*rows, o->csv);
         return 0;
       }}};
  set_request(commands, "oversight actions", [o]() -> Result<json> {
    json r{{"command", "oversight actions"}};
    put_text(r, "as_of", o->as_of);
    put_text(r, "by", o->by);
    put_text(r, "team", o->team);
    return r;
  });
  return commands;
}

}  // namespace casegate::cli
