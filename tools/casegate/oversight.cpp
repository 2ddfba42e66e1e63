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
};

void print_exceptions(const std::vector<AuditEntry>& entries, bool csv, bool overrides) {
  if (csv) write_csv_row(std::cout, {"seq", "at", "case", "actor", "role", "event", "from", "to", "missing", "reason"});
  for (const auto& e : entries) {
    json detail = json::parse(e.entry.detail_json, nullptr, false);
    std::string missing;
    if (detail.is_object() && detail.contains("missing"))
      for (const auto& m : detail["missing"]) missing += (missing.empty() ? "" : "; ") + m.value("task", "");
    std::string event = detail.value("event", ""), reason = detail.value("reason", "");
    std::string case_id = e.entry.case_id ? std::to_string(*e.entry.case_id) : "";
    if (csv) {
      write_csv_row(std::cout, {std::to_string(e.seq), format_instant(e.entry.at), case_id, e.entry.actor, e.entry.role,
                                event, detail.value("from", ""), detail.value("to", ""), missing, reason});
      continue;
    }
    std::cout << format_instant(e.entry.at) << "  case " << case_id << "  " << e.entry.actor << " (" << e.entry.role
              << ")  " << event << "  missing: " << (missing.empty() ? "-" : missing);
    if (overrides) std::cout << "  reason: " << reason;
    std::cout << "\n";
  }
}

}  // namespace

void add_time_and_oversight_commands(CLI::App& app, Session& s) {
  // ---- settings -------------------------------------------------------------------------------
  auto* settings = app.add_subcommand("settings", "deployment settings: clock durations and the jurisdiction");
  settings->require_subcommand(1);
  static std::string setting_key, value;
  auto* set = settings->add_subcommand("set", "change a setting (team managers and admins; audited)");
  set->add_option("KEY", setting_key, "e.g. strategy_discussion.hours")->required();
  set->add_option("VALUE", value, "the new value")->required();
  set->callback([&s] {
    if (!s.ready(true)) return;
    auto status = s.engine->set_setting(s.globals.as, setting_key, value);
    if (status && !s.globals.json) std::cout << setting_key << " = " << value << "\n";
    s.finish(status);
  });
  settings->add_subcommand("list", "every setting with its value")->callback([&s] {
    if (!s.ready(true)) return;
    auto list = s.engine->settings(s.globals.as);
    if (!list) return s.finish(list.status());
    if (s.globals.json) return void(std::cout << json(*list).dump() << "\n");
    for (const auto& item : *list)
      std::cout << std::left << std::setw(38) << item.key << std::setw(20) << item.value
                << (item.is_default ? "(default) " : "") << item.meaning << "\n";
  });

  // ---- calendar -------------------------------------------------------------------------------
  auto* calendar = app.add_subcommand("calendar", "the working-day calendar: bank holidays and local closures");
  calendar->require_subcommand(1);
  static std::string day, reason;
  static int show_year = 0;
  for (auto [name, kind, help] : {std::tuple{"add-closure", "closure", "a local closure day: not a working day"},
                                  std::tuple{"add-working-day", "working", "a day worked despite the rules"}}) {
    auto* change = calendar->add_subcommand(name, help);
    change->add_option("DATE", day, "YYYY-MM-DD")->required();
    change->add_option("--reason", reason, "why (shown with the calendar)")->required();
    change->callback([&s, kind = std::string(kind)] {
      auto date = parse_date(day, "DATE");
      if (!date) return void(s.code = report(date.status()));
      if (!s.ready(true)) return;
      auto status = s.engine->change_calendar(s.globals.as, kind, *date, reason);
      if (status && !s.globals.json)
        std::cout << "calendar: " << day << " " << (kind == "closure" ? "closed" : "worked") << "\n";
      s.finish(status);
    });
  }
  auto* show = calendar->add_subcommand("show", "the non-working weekdays of a year, with the calendar's version");
  show->add_option("YEAR", show_year, "e.g. 2026")->required()->check(CLI::Range(1900, 2200));
  show->callback([&s] {
    if (!s.ready(true)) return;
    auto current = s.engine->calendar(s.globals.as);
    if (!current) return s.finish(current.status());
    auto closures = (*current)->closures(show_year);
    if (s.globals.json) {
      json days = json::array();
      for (const auto& h : closures) days.push_back(json{{"date", format_date(h.date)}, {"name", h.name}});
      std::cout << json{{"year", show_year},
                        {"jurisdiction", jurisdiction_name((*current)->jurisdiction())},
                        {"version", (*current)->version()},
                        {"closed", days}}
                       .dump()
                << "\n";
      return;
    }
    std::cout << show_year << ", " << jurisdiction_name((*current)->jurisdiction()) << ", calendar version "
              << (*current)->version() << "\n";
    for (const auto& h : closures) std::cout << "  " << format_date(h.date) << "  " << h.name << "\n";
  });

  // ---- oversight ------------------------------------------------------------------------------
  auto* oversight = app.add_subcommand("oversight", "reports for managers (audited as views)");
  oversight->require_subcommand(1);

  static PeriodOptions overdue_options;
  static std::int64_t limit = 500;
  auto* overdue = oversight->add_subcommand("overdue", "open clocks past due, oldest first");
  overdue->add_option("--as-of", overdue_options.as_of, "judge as of this time (default now)");
  overdue->add_option("--team", overdue_options.team, "only this team");
  overdue->add_option("--limit", limit, "list at most this many (default 500; the total is always given)");
  overdue->add_flag("--csv", overdue_options.csv, "CSV on stdout");
  overdue->callback([&s] {
    std::optional<Instant> as_of;
    if (!overdue_options.as_of.empty()) {
      auto parsed = parse_bound(overdue_options.as_of, "--as-of", true);
      if (!parsed) return void(s.code = report(parsed.status()));
      as_of = *parsed;
    }
    if (!s.ready(true)) return;
    auto result = s.engine->overdue(s.globals.as, as_of, overdue_options.team, limit);
    if (!result) return s.finish(result.status());
    if (s.globals.json) return void(std::cout << json(*result).dump() << "\n");
    if (overdue_options.csv) {
      write_csv_row(std::cout, {"case", "subject", "workflow", "state", "clock", "cycle", "due_at", "due_date",
                                "days_overdue", "team"});
      for (const auto& o : result->clocks)
        write_csv_row(std::cout, {std::to_string(o.clock.case_id), o.subject, o.workflow, o.state, o.clock.clock,
                                  std::to_string(o.clock.cycle), format_instant(o.clock.due_at), o.clock.due_date,
                                  fixed(o.days_overdue), o.clock.team});
      return;
    }
    std::cout << result->total << " overdue as of " << format_instant(result->as_of) << "\n";
    for (const auto& o : result->clocks)
      std::cout << "  case " << std::left << std::setw(8) << o.clock.case_id << std::setw(22) << o.clock.clock << "due "
                << o.clock.due_date << "  " << std::right << std::setw(7) << fixed(o.days_overdue) << " days over  "
                << std::left << std::setw(14) << o.clock.team << o.state << "\n";
  });

  static PeriodOptions timeliness_options;
  static std::string by = "clock";
  auto* timeliness = oversight->add_subcommand("timeliness", "per clock: met on time, met late, overdue, running");
  timeliness->add_option("--from", timeliness_options.from, "clocks due on or after this date (YYYY-MM-DD)")
      ->required();
  timeliness->add_option("--to", timeliness_options.to, "... and on or before this date")->required();
  timeliness->add_option("--as-of", timeliness_options.as_of, "judge open clocks as of this time (default now)");
  timeliness->add_option("--by", by, "clock (default) or team")->check(CLI::IsMember({"clock", "team"}));
  timeliness->add_flag("--csv", timeliness_options.csv, "CSV on stdout");
  timeliness->callback([&s] {
    auto from = parse_date(timeliness_options.from, "--from");
    auto to = parse_date(timeliness_options.to, "--to");
    if (!from) return void(s.code = report(from.status()));
    if (!to) return void(s.code = report(to.status()));
    std::optional<Instant> as_of;
    if (!timeliness_options.as_of.empty()) {
      auto parsed = parse_bound(timeliness_options.as_of, "--as-of", true);
      if (!parsed) return void(s.code = report(parsed.status()));
      as_of = *parsed;
    }
    if (!s.ready(true)) return;
    auto result = s.engine->timeliness(s.globals.as, *from, *to, as_of, by == "team");
    if (!result) return s.finish(result.status());
    if (s.globals.json) return void(std::cout << json(*result).dump() << "\n");
    if (timeliness_options.csv)
      write_csv_row(std::cout, {"clock", "team", "met_on_time", "met_late", "overdue", "running", "percent_on_time"});
    else
      std::cout << std::left << std::setw(22) << "clock" << std::setw(16) << (by == "team" ? "team" : "") << std::right
                << std::setw(9) << "on time" << std::setw(9) << "late" << std::setw(9) << "overdue" << std::setw(9)
                << "running" << std::setw(10) << "% on time"
                << "\n";
    for (const auto& r : result->rows) {
      std::string percent = r.percent_on_time ? fixed(*r.percent_on_time) : "";
      if (timeliness_options.csv) {
        write_csv_row(std::cout, {r.clock, r.team, std::to_string(r.met_on_time), std::to_string(r.met_late),
                                  std::to_string(r.overdue), std::to_string(r.running), percent});
        continue;
      }
      std::cout << std::left << std::setw(22) << r.clock << std::setw(16) << r.team << std::right << std::setw(9)
                << r.met_on_time << std::setw(9) << r.met_late << std::setw(9) << r.overdue << std::setw(9) << r.running
                << std::setw(10) << (percent.empty() ? "-" : percent) << "\n";
    }
  });

  for (auto [name, outcome, help] :
       {std::tuple{"refusals", "refused", "refused fires: who tried what, and what was missing"},
        std::tuple{"overrides", "override", "every override, with its reason and manager"}}) {
    static PeriodOptions exception_options[2];
    PeriodOptions& options = exception_options[std::string(outcome) == "override"];
    auto* command = oversight->add_subcommand(name, help);
    options.add(command, false);
    command->callback([&s, &options, outcome = std::string(outcome)] {
      if (!s.ready(true)) return;
      auto period = options.period(s.engine->clock().now());
      if (!period) return s.finish(period.status());
      auto result = s.engine->exceptions(s.globals.as, outcome, period->first, period->second);
      if (!result) return s.finish(result.status());
      if (s.globals.json) return void(std::cout << json(*result).dump() << "\n");
      print_exceptions(*result, options.csv, outcome == "override");
    });
  }

  static PeriodOptions voice_options;
  auto* voice = oversight->add_subcommand(
      "voice", "per case and stage: was the child's voice captured, seen alone, advocacy, how soon");
  voice_options.add(voice, false);
  voice->callback([&s] {
    if (!s.ready(true)) return;
    auto period = voice_options.period(s.engine->clock().now());
    if (!period) return s.finish(period.status());
    auto rows = voice_report(*s.engine, s.globals.as, period->first, period->second, voice_options.team);
    if (!rows) return s.finish(rows.status());
    if (s.globals.json) return void(std::cout << json(*rows).dump() << "\n");
    auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "yes" : "no") : ""; };
    if (voice_options.csv)
      write_csv_row(std::cout, {"case", "team", "stage", "state", "stage_entered_at", "captured", "first_captured_at",
                                "days_after_stage_began", "child_seen", "seen_alone", "method", "advocate"});
    for (const auto& r : *rows) {
      std::string days = r.days_after_stage_began ? fixed(*r.days_after_stage_began) : "";
      if (voice_options.csv) {
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
  });

  static PeriodOptions meeting_options;
  static std::string meeting_by;
  auto* meetings = oversight->add_subcommand(
      "strategy-meetings", "meetings held: within 24 h / 4 h or late, and which agencies took part how");
  meeting_options.add(meetings, true);
  meetings->add_option("--by", meeting_by, "team: a summary per team")->check(CLI::IsMember({"team"}));
  meetings->callback([&s] {
    if (!s.ready(true)) return;
    auto period = meeting_options.period(s.engine->clock().now());
    if (!period) return s.finish(period.status());
    auto rows = strategy_meetings_report(*s.engine, s.globals.as, period->first, period->second, meeting_options.team);
    if (!rows) return s.finish(rows.status());
    if (meeting_by == "team") {
      // held, within, late, no clock, and agency/mode counts per team
      std::map<std::string, json> summary;
      for (const auto& r : *rows) {
        json& t = summary[r.team];
        if (t.is_null())
          t = json{{"team", r.team}, {"held", 0},     {"within", 0},
                   {"late", 0},      {"no_clock", 0}, {"agencies", json::object()}};
        t["held"] = t["held"].get<int>() + 1;
        std::string key = r.timeliness == "no clock" ? "no_clock" : r.timeliness;
        t[key] = t[key].get<int>() + 1;
        for (const auto& [agency, mode] : r.participants) {
          json& a = t["agencies"][agency];
          if (a.is_null()) a = json::object();
          a[mode] = a.value(mode, 0) + 1;
        }
      }
      json list = json::array();
      for (auto& [team, t] : summary) list.push_back(t);
      if (s.globals.json) return void(std::cout << list.dump() << "\n");
      if (meeting_options.csv) write_csv_row(std::cout, {"team", "held", "within", "late", "no_clock", "agencies"});
      for (const auto& t : list) {
        if (meeting_options.csv) {
          write_csv_row(std::cout, {t["team"], std::to_string(t["held"].get<int>()),
                                    std::to_string(t["within"].get<int>()), std::to_string(t["late"].get<int>()),
                                    std::to_string(t["no_clock"].get<int>()), t["agencies"].dump()});
          continue;
        }
        std::cout << std::left << std::setw(16) << t["team"].get<std::string>() << t["held"] << " held, " << t["within"]
                  << " within time, " << t["late"] << " late; " << t["agencies"].dump() << "\n";
      }
      return;
    }
    if (s.globals.json) return void(std::cout << json(*rows).dump() << "\n");
    if (meeting_options.csv)
      write_csv_row(std::cout, {"task_id", "case", "team", "occurred_at", "due_at", "allowed_hours", "timeliness",
                                "participants"});
    for (const auto& r : *rows) {
      std::string who;
      for (const auto& [agency, mode] : r.participants) who += (who.empty() ? "" : " ") + agency + ":" + mode;
      if (meeting_options.csv) {
        write_csv_row(std::cout, {std::to_string(r.task_id), std::to_string(r.case_id), r.team,
                                  format_instant(r.occurred_at), r.due_at ? format_instant(*r.due_at) : "",
                                  r.allowed_hours ? std::to_string(*r.allowed_hours) : "", r.timeliness, who});
        continue;
      }
      std::cout << format_instant(r.occurred_at) << "  case " << std::left << std::setw(8) << r.case_id << std::setw(9)
                << r.timeliness << (r.allowed_hours ? "(" + std::to_string(*r.allowed_hours) + " h)  " : "        ")
                << who << "\n";
    }
  });

  static std::string actions_by, actions_as_of;
  static bool actions_csv = false;
  auto* actions =
      oversight->add_subcommand("actions", "improvement actions: completed within their agreed timescale, late, open");
  actions->add_option("--by", actions_by, "theme: one row per theme")->check(CLI::IsMember({"theme"}));
  actions->add_option("--as-of", actions_as_of, "judge open actions as of this time (default now)");
  actions->add_flag("--csv", actions_csv, "CSV on stdout");
  actions->callback([&s] {
    std::optional<Instant> as_of;
    if (!actions_as_of.empty()) {
      auto parsed = parse_bound(actions_as_of, "--as-of", true);
      if (!parsed) return void(s.code = report(parsed.status()));
      as_of = *parsed;
    }
    if (!s.ready(true)) return;
    auto rows = actions_report(*s.engine, s.globals.as, as_of, actions_by == "theme");
    if (!rows) return s.finish(rows.status());
    if (s.globals.json) return void(std::cout << json(*rows).dump() << "\n");
    if (actions_csv)
      write_csv_row(std::cout, {"theme", "completed_on_time", "completed_late", "open_overdue", "open_on_track"});
    for (const auto& r : *rows) {
      std::int64_t all = r.completed_on_time + r.completed_late + r.open_overdue + r.open_on_track;
      if (actions_csv) {
        write_csv_row(std::cout, {r.theme, std::to_string(r.completed_on_time), std::to_string(r.completed_late),
                                  std::to_string(r.open_overdue), std::to_string(r.open_on_track)});
        continue;
      }
      std::cout << (r.theme.empty() ? "all themes" : r.theme) << ": " << r.completed_on_time << " of " << all
                << " completed within the agreed timescale, " << r.completed_late << " completed late, "
                << r.open_overdue << " open and overdue, " << r.open_on_track << " open and on track\n";
    }
  });

  // ---- export and report ----------------------------------------------------------------------
  static std::string table, format = "csv", out_file;
  auto* export_command = app.add_subcommand("export", "every row of a table, for other tools (audited)");
  export_command->add_option("--table", table, "cases, tasks, audit or clocks")
      ->required()
      ->check(CLI::IsMember({"cases", "tasks", "audit", "clocks"}));
  export_command->add_option("--format", format, "csv (default) or json (one array)")
      ->check(CLI::IsMember({"csv", "json"}));
  export_command->callback([&s] {
    if (!s.ready(true)) return;
    bool first_chunk = true, first_row = true;
    auto status = s.engine->export_table(s.globals.as, table, [&](const ExportTable& chunk) {
      if (format == "csv") {
        if (first_chunk) write_csv_row(std::cout, chunk.columns);
        for (const auto& row : chunk.rows) {
          std::vector<std::string> fields;
          for (const auto& v : row) fields.push_back(text_or_empty(v));
          write_csv_row(std::cout, fields);
        }
      } else {
        if (first_chunk) std::cout << "[";
        for (const auto& row : chunk.rows) {
          json object = json::object();
          for (std::size_t c = 0; c < row.size(); ++c)
            object[chunk.columns[c]] = row[c] ? json(*row[c]) : json(nullptr);
          std::cout << (first_row ? "" : ",\n") << object.dump();
          first_row = false;
        }
      }
      first_chunk = false;
    });
    if (status && format == "json") std::cout << "]\n";
    s.finish(status);
  });

  static std::string report_as_of, report_from;
  auto* report_command = app.add_subcommand("report", "one self-contained HTML page of the oversight reports");
  report_command->add_option("--as-of", report_as_of, "the report's time (ISO 8601 or a date; default now)");
  report_command->add_option("--from", report_from, "period start (date; default a year before --as-of)");
  report_command->add_option("--out", out_file, "the HTML file to write")->required();
  report_command->callback([&s] {
    if (!s.ready(true)) return;
    Instant as_of = s.engine->clock().now();
    if (!report_as_of.empty()) {
      auto parsed = parse_bound(report_as_of, "--as-of", true);
      if (!parsed) return void(s.code = report(parsed.status()));
      as_of = *parsed;
    }
    Date to = london_date(as_of), from = add_days(to, -365);
    if (!report_from.empty()) {
      auto parsed = parse_date(report_from, "--from");
      if (!parsed) return void(s.code = report(parsed.status()));
      from = *parsed;
    }
    auto html = render_html_report(*s.engine, s.globals.as, as_of, from, to);
    if (!html) return s.finish(html.status());
    std::ofstream out(out_file, std::ios::binary | std::ios::trunc);
    out << *html;
    if (!out) return s.finish(Status::internal("cannot write '" + out_file + "'"));
    if (!s.globals.json) std::cerr << "report written to " << out_file << "\n";
  });
}

}  // namespace casegate::cli
