// casegate settings, calendar, oversight, export and report: the commands managers use.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "html_report.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

std::string text_or_empty(const std::optional<std::string>& value) {
  return value.value_or("");
}
std::string fixed(double value) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << value;
  return out.str();
}

// A period of whole London days, and the time open clocks are judged at (nullopt: now).
struct DatePeriod {
  Date from, to;
  std::optional<Instant> as_of;
};

// The options every period report takes: --from/--to (dates or instants), --as-of, --team, --csv.
struct PeriodOptions {
  std::string from, to, as_of, team;
  bool csv = false;
  void add(CLI::App* command, bool period_required) {
    auto* f = command->add_option("--from", from, "start: a date (London) or an ISO 8601 time");
    auto* t = command->add_option("--to", to, "end: a date (London, inclusive) or an ISO 8601 time");
    if (period_required) {
      f->required();
      t->required();
    }
    command->add_option("--team", team, "only this team");
    command->add_flag("--csv", csv, "CSV on stdout instead of a table");
  }
  // Missing bounds: from the start of time to `now`.
  Result<std::pair<Instant, Instant>> period(Instant now) const {
    Instant start = Instant{}, end = now;
    if (!from.empty()) {
      auto parsed = parse_bound(from, "--from", false);
      if (!parsed) return parsed.status();
      start = *parsed;
    }
    if (!to.empty()) {
      auto parsed = parse_bound(to, "--to", true);
      if (!parsed) return parsed.status();
      end = *parsed;
    }
    if (end < start) return Status::invalid_input("--to is before --from");
    return std::pair{start, end};
  }
  // For the reports by due date: --from and --to as dates, and --as-of.
  Result<DatePeriod> dates() const {
    auto first = parse_date(from, "--from");
    if (!first) return first.status();
    auto last = parse_date(to, "--to");
    if (!last) return last.status();
    auto judged_at = as_of_bound(as_of);
    if (!judged_at) return judged_at.status();
    return DatePeriod{*first, *last, *judged_at};
  }
};

void print_exceptions(const std::vector<AuditEntry>& entries, bool csv, bool overrides) {
  if (csv) write_csv_row(std::cout, {"seq", "at", "case", "actor", "role", "event", "from", "to", "missing", "reason"});
  for (const auto& e : entries) {
    FireAttempt attempt = read_fire_attempt(e);
    std::string missing;
    for (const auto& task : attempt.missing_tasks) missing += (missing.empty() ? "" : "; ") + task;
    const std::string &event = attempt.event, &reason = attempt.reason;
    std::string case_id = e.entry.case_id ? std::to_string(*e.entry.case_id) : "";
    if (csv) {
      write_csv_row(std::cout, {std::to_string(e.seq), format_instant(e.entry.at), case_id, e.entry.actor, e.entry.role,
                                event, attempt.from, attempt.to, missing, reason});
      continue;
    }
    std::cout << format_instant(e.entry.at) << "  case " << case_id << "  " << e.entry.actor << " (" << e.entry.role
              << ")  " << event << "  missing: " << (missing.empty() ? "-" : missing);
    if (overrides) std::cout << "  reason: " << reason;
    std::cout << "\n";
  }
}

}  // namespace

Result<std::optional<Instant>> as_of_bound(const std::string& text) {
  if (text.empty()) return std::optional<Instant>();
  auto parsed = parse_bound(text, "--as-of", true);
  if (!parsed) return parsed.status();
  return std::optional<Instant>(*parsed);
}

std::vector<Command> manager_commands() {
  struct Options {
    std::string setting_key, value;
    std::string day, reason;
    int show_year = 0;
    PeriodOptions overdue, due, caseload, clocks, timeliness, refusals, overrides, voice, meetings;
    int working_days = 5;
    std::string due_workflow, clock, outcome;
    std::int64_t limit = 500;
    std::string timeliness_by = "clock", meetings_by;
    std::string table, format = "csv", out_file, report_as_of, report_from;
  };
  auto o = std::make_shared<Options>();

  std::vector<Command> commands{
      {"settings", "deployment settings: clock durations and the jurisdiction"},
      {"settings set", "change a setting (team managers and admins; audited)",
       [o](CLI::App& c) {
         c.add_option("KEY", o->setting_key, "e.g. strategy_discussion.hours")->required();
         c.add_option("VALUE", o->value, "the new value")->required();
       },
       [o](Session& s) {
         if (int failed = s.ready(true)) return failed;
         auto status = s.engine->set_setting(s.globals.as, o->setting_key, o->value);
         if (status) std::cout << o->setting_key << " = " << o->value << "\n";
         return Session::finish(status);
       }},
      {"settings list",
       "every setting with its value",
       {},
       [](Session& s) {
         if (int failed = s.ready(true)) return failed;
         auto list = s.engine->settings(s.globals.as);
         if (!list) return Session::finish(list.status());

         for (const auto& item : *list)
           std::cout << std::left << std::setw(38) << item.key << std::setw(20) << item.value
                     << (item.is_default ? "(default) " : "") << item.meaning << "\n";
         return 0;
       }},
      {"calendar", "the working-day calendar: bank holidays and local closures"},
  };
  for (auto [name, kind, help] : {std::tuple{"add-closure", "closure", "a local closure day: not a working day"},
                                  std::tuple{"add-working-day", "working", "a day worked despite the rules"}})
    commands.push_back({std::string("calendar ") + name, help,
                        [o](CLI::App& c) {
                          c.add_option("DATE", o->day, "YYYY-MM-DD")->required();
                          c.add_option("--reason", o->reason, "why (shown with the calendar)")->required();
                        },
                        [o, kind = std::string(kind)](Session& s) {
                          auto date = parse_date(o->day, "DATE");
                          if (!date) return report(date.status());
                          if (int failed = s.ready(true)) return failed;
                          auto status = s.engine->change_calendar(s.globals.as, kind, *date, o->reason);
                          if (status)
                            std::cout << "calendar: " << o->day << " " << (kind == "closure" ? "closed" : "worked")
                                      << "\n";
                          return Session::finish(status);
                        }});
  commands.push_back(
      {"calendar show", "the non-working weekdays of a year, with the calendar's version",
       [o](CLI::App& c) { c.add_option("YEAR", o->show_year, "e.g. 2026")->required()->check(CLI::Range(1900, 2200)); },
       [o](Session& s) {
         if (int failed = s.ready(true)) return failed;
         auto current = s.engine->calendar(s.globals.as);
         if (!current) return Session::finish(current.status());
         auto closures = (*current)->closures(o->show_year);

         std::cout << o->show_year << ", " << jurisdiction_name((*current)->jurisdiction()) << ", calendar version "
                   << (*current)->version() << "\n";
         for (const auto& h : closures) std::cout << "  " << format_date(h.date) << "  " << h.name << "\n";
         return 0;
       }});

  commands.push_back({"oversight", "reports for managers (audited as views)"});
  commands.push_back(
      {"oversight overdue", "open clocks past due, oldest first",
       [o](CLI::App& c) {
         c.add_option("--as-of", o->overdue.as_of, "judge as of this time (default now)");
         c.add_option("--team", o->overdue.team, "only this team");
         c.add_option("--limit", o->limit, "list at most this many (default 500; the total is always given)");
         c.add_flag("--csv", o->overdue.csv, "CSV on stdout");
       },
       [o](Session& s) {
         auto as_of = as_of_bound(o->overdue.as_of);
         if (!as_of) return report(as_of.status());
         if (int failed = s.ready(true)) return failed;
         auto result = s.engine->overdue(s.globals.as, *as_of, o->overdue.team, o->limit);
         if (!result) return Session::finish(result.status());

         if (o->overdue.csv) {
           write_csv_row(std::cout, {"case", "subject", "workflow", "state", "clock", "cycle", "due_at", "due_date",
                                     "days_overdue", "team"});
           for (const auto& d : result->clocks)
             write_csv_row(std::cout, {std::to_string(d.clock.case_id), d.subject, d.workflow, d.state, d.clock.clock,
                                       std::to_string(d.clock.cycle), format_instant(d.clock.due_at), d.clock.due_date,
                                       fixed(d.days_overdue), d.clock.team});
           return 0;
         }
         std::cout << result->total << " overdue as of " << format_instant(result->as_of) << "\n";
         for (const auto& d : result->clocks)
           std::cout << "  case " << std::left << std::setw(8) << d.clock.case_id << std::setw(22) << d.clock.clock
                     << "due " << d.clock.due_date << "  " << std::right << std::setw(7) << fixed(d.days_overdue)
                     << " days over  " << std::left << std::setw(14) << d.clock.team << d.state << "\n";
         return 0;
       }});
  commands.push_back(
      {"oversight due", "open clocks falling due within the next working days, soonest first",
       [o](CLI::App& c) {
         c.add_option("--working-days", o->working_days, "how many working days ahead (default 5)")
             ->check(CLI::Range(1, 30));
         c.add_option("--as-of", o->due.as_of, "from this time (default now)");
         c.add_option("--team", o->due.team, "only this team");
         c.add_option("--workflow", o->due_workflow, "only this workflow's cases");
         c.add_option("--limit", o->limit, "list at most this many (default 500; the total is always given)");
         c.add_flag("--csv", o->due.csv, "CSV on stdout");
       },
       [o](Session& s) {
         auto as_of = as_of_bound(o->due.as_of);
         if (!as_of) return report(as_of.status());
         if (int failed = s.ready(true)) return failed;
         auto result =
             s.engine->due_soon(s.globals.as, *as_of, o->due.team, o->working_days, o->limit, o->due_workflow);
         if (!result) return Session::finish(result.status());
         if (o->due.csv)
           write_csv_row(std::cout, {"case", "subject", "workflow", "state", "clock", "due_at", "team"});
         else
           std::cout << result->total << " due by " << format_instant(result->due_by) << "\n";
         for (const auto& d : result->clocks) {
           if (o->due.csv)
             write_csv_row(std::cout, {std::to_string(d.clock.case_id), d.subject, d.workflow, d.state, d.clock.clock,
                                       format_instant(d.clock.due_at), d.clock.team});
           else
             std::cout << "  case " << std::left << std::setw(8) << d.clock.case_id << std::setw(22) << d.clock.clock
                       << "due " << format_instant(d.clock.due_at) << "  " << std::setw(14) << d.clock.team << d.state
                       << "\n";
         }
         return 0;
       }});
  commands.push_back(
      {"oversight clocks", "the clocks behind a timeliness figure: due on these dates, with this outcome",
       [o](CLI::App& c) {
         o->clocks.add(&c, true);
         c.add_option("--clock", o->clock, "only this clock");
         c.add_option("--outcome", o->outcome, "met_on_time, met_late, overdue or running (default any)");
         c.add_option("--as-of", o->clocks.as_of, "judge open clocks as of this time (default now)");
         c.add_option("--limit", o->limit, "list at most this many (default 500; the total is always given)");
       },
       [o](Session& s) {
         auto period = o->clocks.dates();
         if (!period) return report(period.status());
         if (int failed = s.ready(true)) return failed;
         ClockQuery query{
             period->from, period->to, o->clock, o->outcome, period->as_of.value_or(s.engine->clock().now()), o->limit};
         auto result = s.engine->clocks_due_between(s.globals.as, query, o->clocks.team);
         if (!result) return Session::finish(result.status());
         if (o->clocks.csv)
           write_csv_row(std::cout, {"case", "subject", "clock", "due_at", "met_at", "team"});
         else
           std::cout << result->total << " clocks\n";
         for (const auto& d : result->clocks) {
           std::string met = d.clock.met_at ? format_instant(*d.clock.met_at) : "";
           if (o->clocks.csv)
             write_csv_row(std::cout, {std::to_string(d.clock.case_id), d.subject, d.clock.clock,
                                       format_instant(d.clock.due_at), met, d.clock.team});
           else
             std::cout << "  case " << std::left << std::setw(8) << d.clock.case_id << std::setw(22) << d.clock.clock
                       << "due " << format_instant(d.clock.due_at) << "  met " << (met.empty() ? "-" : met) << "  "
                       << d.clock.team << "\n";
         }
         return 0;
       }});
  commands.push_back({"oversight caseload", "cases in each state of each workflow",
                      [o](CLI::App& c) {
                        c.add_option("--team", o->caseload.team, "only this team");
                        c.add_flag("--csv", o->caseload.csv, "CSV on stdout");
                      },
                      [o](Session& s) {
                        if (int failed = s.ready(true)) return failed;
                        auto result = s.engine->caseload(s.globals.as, o->caseload.team);
                        if (!result) return Session::finish(result.status());
                        if (o->caseload.csv)
                          write_csv_row(std::cout, {"workflow", "state", "final", "cases"});
                        else
                          std::cout << result->open << " open cases\n";
                        for (const auto& row : result->states) {
                          if (o->caseload.csv)
                            write_csv_row(std::cout, {row.workflow, row.state, row.final ? "true" : "false",
                                                      std::to_string(row.cases)});
                          else
                            std::cout << "  " << std::left << std::setw(20) << row.workflow << std::setw(26)
                                      << row.state << std::right << std::setw(8) << row.cases
                                      << (row.final ? "  (closed)" : "") << "\n";
                        }
                        return 0;
                      }});
  commands.push_back(
      {"oversight timeliness", "per clock: met on time, met late, overdue, running",
       [o](CLI::App& c) {
         c.add_option("--from", o->timeliness.from, "clocks due on or after this date (YYYY-MM-DD)")->required();
         c.add_option("--to", o->timeliness.to, "... and on or before this date")->required();
         c.add_option("--as-of", o->timeliness.as_of, "judge open clocks as of this time (default now)");
         c.add_option("--by", o->timeliness_by, "clock (default) or team")->check(CLI::IsMember({"clock", "team"}));
         c.add_flag("--csv", o->timeliness.csv, "CSV on stdout");
       },
       [o](Session& s) {
         auto period = o->timeliness.dates();
         if (!period) return report(period.status());
         if (int failed = s.ready(true)) return failed;
         bool by_team = o->timeliness_by == "team";
         auto result = s.engine->timeliness(s.globals.as, period->from, period->to, period->as_of, by_team);
         if (!result) return Session::finish(result.status());

         bool csv = o->timeliness.csv;
         if (csv)
           write_csv_row(std::cout,
                         {"clock", "team", "met_on_time", "met_late", "overdue", "running", "percent_on_time"});
         else
           std::cout << std::left << std::setw(22) << "clock" << std::setw(16) << (by_team ? "team" : "") << std::right
                     << std::setw(9) << "on time" << std::setw(9) << "late" << std::setw(9) << "overdue" << std::setw(9)
                     << "running" << std::setw(10) << "% on time"
                     << "\n";
         for (const auto& r : result->rows) {
           std::string percent = r.percent_on_time ? fixed(*r.percent_on_time) : "";
           if (csv) {
             write_csv_row(std::cout, {r.clock, r.team, std::to_string(r.met_on_time), std::to_string(r.met_late),
                                       std::to_string(r.overdue), std::to_string(r.running), percent});
             continue;
           }
           std::cout << std::left << std::setw(22) << r.clock << std::setw(16) << r.team << std::right << std::setw(9)
                     << r.met_on_time << std::setw(9) << r.met_late << std::setw(9) << r.overdue << std::setw(9)
                     << r.running << std::setw(10) << (percent.empty() ? "-" : percent) << "\n";
         }
         return 0;
       }});
  struct Exceptions {
    const char *name, *outcome, *help;
    PeriodOptions* options;
  };
  for (const Exceptions& e :
       {Exceptions{"refusals", "refused", "refused fires: who tried what, and what was missing", &o->refusals},
        Exceptions{"overrides", "override", "every override, with its reason and manager", &o->overrides}})
    commands.push_back({std::string("oversight ") + e.name, e.help,
                        [options = e.options](CLI::App& c) { options->add(&c, false); },
                        [options = e.options, outcome = std::string(e.outcome)](Session& s) {
                          if (int failed = s.ready(true)) return failed;
                          auto period = options->period(s.engine->clock().now());
                          if (!period) return Session::finish(period.status());
                          auto result = s.engine->exceptions(s.globals.as, outcome, period->first, period->second);
                          if (!result) return Session::finish(result.status());
                          print_exceptions(*result, options->csv, outcome == "override");
                          return 0;
                        }});
  commands.push_back(
      {"oversight voice", "per case and stage: was the child's voice captured, seen alone, advocacy, how soon",
       [o](CLI::App& c) { o->voice.add(&c, false); },
       [o](Session& s) {
         if (int failed = s.ready(true)) return failed;
         auto period = o->voice.period(s.engine->clock().now());
         if (!period) return Session::finish(period.status());
         auto rows = voice_report(*s.engine, s.globals.as, period->first, period->second, o->voice.team);
         if (!rows) return Session::finish(rows.status());

         auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "yes" : "no") : ""; };
         bool csv = o->voice.csv;
         if (csv)
           write_csv_row(std::cout,
                         {"case", "team", "stage", "state", "stage_entered_at", "captured", "first_captured_at",
                          "days_after_stage_began", "child_seen", "seen_alone", "method", "advocate"});
         for (const auto& r : *rows) {
           std::string days = r.days_after_stage_began ? fixed(*r.days_after_stage_began) : "";
           if (csv) {
             write_csv_row(std::cout, {std::to_string(r.case_id), r.team, std::to_string(r.stage), r.state,
                                       format_instant(r.stage_entered_at), r.captured ? "yes" : "no",
                                       r.first_captured_at ? format_instant(*r.first_captured_at) : "", days,
                                       flag(r.child_seen), flag(r.seen_alone), r.method, r.advocate});
             continue;
           }
           std::cout << "case " << std::left << std::setw(8) << r.case_id << std::setw(24) << r.state
                     << (r.captured ? "captured after " + days + " days" : std::string("NOT captured"));
           if (r.captured)
             std::cout << ", seen " << (r.child_seen && *r.child_seen ? "yes" : "no") << ", alone "
                       << (r.seen_alone && *r.seen_alone ? "yes" : "no") << ", " << r.method
                       << (r.advocate.empty() ? "" : ", advocate " + r.advocate);
           std::cout << "\n";
         }
         return 0;
       }});
  commands.push_back(
      {"oversight strategy-meetings", "meetings held: within 24 h / 4 h or late, and which agencies took part how",
       [o](CLI::App& c) {
         o->meetings.add(&c, true);
         c.add_option("--by", o->meetings_by, "team: a summary per team")->check(CLI::IsMember({"team"}));
       },
       [o](Session& s) {
         if (int failed = s.ready(true)) return failed;
         auto period = o->meetings.period(s.engine->clock().now());
         if (!period) return Session::finish(period.status());
         auto rows = strategy_meetings_report(*s.engine, s.globals.as, period->first, period->second, o->meetings.team);
         if (!rows) return Session::finish(rows.status());
         bool csv = o->meetings.csv;
         if (o->meetings_by == "team") {
           auto teams = strategy_meetings_by_team(*rows);

           if (csv) write_csv_row(std::cout, {"team", "held", "within", "late", "no_clock", "agencies"});
           for (const auto& t : teams) {
             if (csv) {
               write_csv_row(std::cout, {t.team, std::to_string(t.held), std::to_string(t.within),
                                         std::to_string(t.late), std::to_string(t.no_clock), json(t.agencies).dump()});
               continue;
             }
             std::cout << std::left << std::setw(16) << t.team << t.held << " held, " << t.within << " within time, "
                       << t.late << " late; " << json(t.agencies).dump() << "\n";
           }
           return 0;
         }

         if (csv)
           write_csv_row(std::cout, {"task_id", "case", "team", "occurred_at", "due_at", "allowed_hours", "timeliness",
                                     "participants"});
         for (const auto& r : *rows) {
           std::string who;
           for (const auto& [agency, mode] : r.participants) who += (who.empty() ? "" : " ") + agency + ":" + mode;
           if (csv) {
             write_csv_row(std::cout, {std::to_string(r.task_id), std::to_string(r.case_id), r.team,
                                       format_instant(r.occurred_at), r.due_at ? format_instant(*r.due_at) : "",
                                       r.allowed_hours ? std::to_string(*r.allowed_hours) : "", r.timeliness, who});
             continue;
           }
           std::cout << format_instant(r.occurred_at) << "  case " << std::left << std::setw(8) << r.case_id
                     << std::setw(9) << r.timeliness
                     << (r.allowed_hours ? "(" + std::to_string(*r.allowed_hours) + " h)  " : "        ") << who
                     << "\n";
         }
         return 0;
       }});
  commands.push_back({"export", "every row of a table, for other tools (audited)",
                      [o](CLI::App& c) {
                        c.add_option("--table", o->table, "cases, tasks, audit or clocks")
                            ->required()
                            ->check(CLI::IsMember({"cases", "tasks", "audit", "clocks"}));
                        c.add_option("--format", o->format, "csv (default) or json (one array)")
                            ->check(CLI::IsMember({"csv", "json"}));
                      },
                      [o](Session& s) {
                        if (o->format == "json")
                          return run_request(s, json{{"command", "export"}, {"table", o->table}}, true);
                        if (int failed = s.ready(true)) return failed;
                        bool first_chunk = true;  // CSV streams; JSON is the protocol's answer
                        auto status = s.engine->export_table(s.globals.as, o->table, [&](const ExportTable& chunk) {
                          if (first_chunk) write_csv_row(std::cout, chunk.columns);
                          for (const auto& row : chunk.rows) {
                            std::vector<std::string> fields;
                            for (const auto& v : row) fields.push_back(text_or_empty(v));
                            write_csv_row(std::cout, fields);
                          }
                          first_chunk = false;
                        });
                        return Session::finish(status);
                      }});

  commands.push_back({"report", "one self-contained HTML page of the oversight reports",
                      [o](CLI::App& c) {
                        c.add_option("--as-of", o->report_as_of, "the report's time (ISO 8601 or a date; default now)");
                        c.add_option("--from", o->report_from, "period start (date; default a year before --as-of)");
                        c.add_option("--out", o->out_file, "the HTML file to write")->required();
                      },
                      [o](Session& s) {
                        if (int failed = s.ready(true)) return failed;
                        auto given = as_of_bound(o->report_as_of);
                        if (!given) return report(given.status());
                        Instant as_of = given->value_or(s.engine->clock().now());
                        Date to = london_date(as_of), from = add_days(to, -365);
                        if (!o->report_from.empty()) {
                          auto parsed = parse_date(o->report_from, "--from");
                          if (!parsed) return report(parsed.status());
                          from = *parsed;
                        }
                        auto html = render_html_report(*s.engine, s.globals.as, as_of, from, to);
                        if (!html) return Session::finish(html.status());
                        std::ofstream out(o->out_file, std::ios::binary | std::ios::trunc);
                        out << *html;
                        if (!out) return Session::finish(Status::internal("cannot write '" + o->out_file + "'"));
                        if (!s.globals.json) std::cerr << "report written to " << o->out_file << "\n";
                        return 0;
                      }});
  // --json: the options as protocol requests.
  set_request(commands, "settings list", []() -> Result<json> { return json{{"command", "settings list"}}; });
  set_request(commands, "settings set", [o]() -> Result<json> {
    return json{{"command", "settings set"}, {"key", o->setting_key}, {"value", o->value}};
  });
  for (const char* path : {"calendar add-closure", "calendar add-working-day"})
    set_request(commands, path, [o, path]() -> Result<json> {
      return json{{"command", path}, {"date", o->day}, {"reason", o->reason}};
    });
  set_request(commands, "calendar show", [o]() -> Result<json> {
    return json{{"command", "calendar show"}, {"year", o->show_year}};
  });
  set_request(commands, "oversight overdue", [o]() -> Result<json> {
    json r{{"command", "oversight overdue"}, {"limit", o->limit}};
    put_text(r, "as_of", o->overdue.as_of);
    put_text(r, "team", o->overdue.team);
    return r;
  });
  set_request(commands, "oversight due", [o]() -> Result<json> {
    json r{{"command", "oversight due"}, {"limit", o->limit}, {"working_days", o->working_days}};
    put_text(r, "as_of", o->due.as_of);
    put_text(r, "team", o->due.team);
    put_text(r, "workflow", o->due_workflow);
    return r;
  });
  set_request(commands, "oversight clocks", [o]() -> Result<json> {
    json r{{"command", "oversight clocks"}, {"from", o->clocks.from}, {"to", o->clocks.to}, {"limit", o->limit}};
    put_text(r, "clock", o->clock);
    put_text(r, "outcome", o->outcome);
    put_text(r, "team", o->clocks.team);
    put_text(r, "as_of", o->clocks.as_of);
    return r;
  });
  set_request(commands, "oversight caseload", [o]() -> Result<json> {
    json r{{"command", "oversight caseload"}};
    put_text(r, "team", o->caseload.team);
    return r;
  });
  set_request(commands, "oversight timeliness", [o]() -> Result<json> {
    json r{{"command", "oversight timeliness"},
           {"from", o->timeliness.from},
           {"to", o->timeliness.to},
           {"by", o->timeliness_by}};
    put_text(r, "as_of", o->timeliness.as_of);
    return r;
  });
  auto period_request = [](const char* command, const PeriodOptions& p) {
    json r{{"command", command}};
    put_text(r, "from", p.from);
    put_text(r, "to", p.to);
    put_text(r, "team", p.team);
    return r;
  };
  set_request(commands, "oversight refusals",
              [o, period_request]() -> Result<json> { return period_request("oversight refusals", o->refusals); });
  set_request(commands, "oversight overrides",
              [o, period_request]() -> Result<json> { return period_request("oversight overrides", o->overrides); });
  set_request(commands, "oversight voice",
              [o, period_request]() -> Result<json> { return period_request("oversight voice", o->voice); });
  set_request(commands, "oversight strategy-meetings", [o, period_request]() -> Result<json> {
    json r = period_request("oversight strategy-meetings", o->meetings);
    put_text(r, "by", o->meetings_by);
    return r;
  });
  set_request(commands, "export", [o]() -> Result<json> { return json{{"command", "export"}, {"table", o->table}}; });
  return commands;
}

}  // namespace casegate::cli
