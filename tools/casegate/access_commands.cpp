// Need-to-know access: case lists, allocation, transfer, break-glass, and the access report.
// Each goes through the command protocol; these are its words for people.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.is_null() ? std::string("-") : value.dump();
}

void print_cases(const json& page) {
  for (const json& c : page["cases"])
    std::cout << text_of(c["case"]) << "\t" << text_of(c["workflow"]) << "\t" << text_of(c["state"]) << "\tteam "
              << text_of(c["team"]) << "\tallocated " << text_of(c["allocated_to"]) << "\t" << text_of(c["subject"])
              << "\n";
  if (!page["next"].is_null()) std::cout << "more: --after " << text_of(page["next"]) << "\n";
}

void print_grant(const json& g) {
  std::cout << "grant " << text_of(g["grant"]) << "  case " << text_of(g["case"]) << "  " << text_of(g["user"]) << " ("
            << text_of(g["role"]) << ")  " << text_of(g["granted_at"]) << " until " << text_of(g["expires_at"])
            << "\n  reason: " << text_of(g["reason"]) << "\n";
  if (g.contains("uses")) {
    std::cout << "  used: " << g["uses"].size() << " time(s)";
    for (const json& use : g["uses"]) std::cout << "; " << text_of(use["action"]) << " " << text_of(use["at"]);
    std::cout << "\n";
  }
  if (g["reviewed_by"].is_null())
    std::cout << "  not reviewed\n";
  else
    std::cout << "  reviewed by " << text_of(g["reviewed_by"]) << " at " << text_of(g["reviewed_at"]) << ": "
              << text_of(g["review_note"]) << "\n";
}

}  // namespace

std::vector<Command> access_commands() {
  struct Options {
    std::string team, state, workflow, case_text, user, reason, note, from, to;
    bool mine = false, overdue = false, unreviewed = false;
    std::int64_t limit = 100, after = 0, hours = 0, grant = 0, report_case = 0;
  };
  auto o = std::make_shared<Options>();
  auto case_id = [o]() -> Result<json> {
    auto id = parse_case_id(o->case_text);
    if (!id) return id.status();
    return json(*id);
  };
  // Each command's request, built from its options; --json prints the protocol's answer.
  std::function<Result<json>()> cases = [o] {
    json r{{"command", "cases"}, {"limit", o->limit}, {"after", o->after}};
    put_text(r, "team", o->team);
    put_text(r, "state", o->state);
    put_text(r, "workflow", o->workflow);
    if (o->mine) r["mine"] = true;
    if (o->overdue) r["overdue"] = true;
    return Result<json>(r);
  };
  std::function<Result<json>()> allocate = [o, case_id]() -> Result<json> {
    auto id = case_id();
    if (!id) return id.status();
    return json{{"command", "allocate"}, {"case", *id}, {"user", o->user}};
  };
  std::function<Result<json>()> transfer = [o, case_id]() -> Result<json> {
    auto id = case_id();
    if (!id) return id.status();
    return json{{"command", "transfer"}, {"case", *id}, {"team", o->team}};
  };
  std::function<Result<json>()> access = [o, case_id]() -> Result<json> {
    if (o->case_text.empty()) return Status::invalid_input("access needs a CASE (or: access review GRANT --note TEXT)");
    auto id = case_id();
    if (!id) return id.status();
    json r{{"command", "access"}, {"case", *id}, {"reason", o->reason}};
    if (o->hours != 0) r["hours"] = o->hours;
    return r;
  };
  std::function<Result<json>()> review = [o]() -> Result<json> {
    return json{{"command", "access review"}, {"grant", o->grant}, {"note", o->note}};
  };
  std::function<Result<json>()> report = [o]() -> Result<json> {
    json r{{"command", "oversight access"}};
    if (o->report_case > 0) r["case"] = o->report_case;
    put_text(r, "from", o->from);
    put_text(r, "to", o->to);
    if (o->unreviewed) r["unreviewed"] = true;
    return r;
  };
  auto printed = [](std::function<Result<json>()> request, std::function<void(const json&)> print) {
    return [request = std::move(request), print = std::move(print)](Session& s) {
      auto built = request();
      if (!built) return casegate::cli::report(built.status());
      return run_printed(s, *built, print);
    };
  };

  std::vector<Command> table{
      {"cases", "the cases you may see, a page at a time (audited as a view)",
       [o](CLI::App& c) {
         c.add_option("--team", o->team, "only this team's (one you may see)");
         c.add_option("--state", o->state, "only cases in this state");
         c.add_option("--workflow", o->workflow, "only cases of this workflow");
         c.add_flag("--mine", o->mine, "only the cases allocated to you");
         c.add_flag("--overdue", o->overdue, "only cases with an overdue clock");
         c.add_option("--limit", o->limit, "cases per page, 1..1000 (default 100)");
         c.add_option("--after", o->after, "the page after this case id (from the previous page)");
       },
       printed(cases, print_cases)},
      {"allocate", "allocate a case to a worker of its team (team managers; audited)",
       [o](CLI::App& c) {
         c.add_option("CASE", o->case_text, "case id")->required();
         c.add_option("USER", o->user, "an active social worker or team manager of the case's team")->required();
       },
       printed(allocate,
               [](const json& r) {
                 std::cout << "case " << text_of(r["case"]) << " allocated to " << text_of(r["allocated_to"]) << "\n";
               })},
      {"transfer", "move a case, with its clocks, to another team (team managers; audited)",
       [o](CLI::App& c) {
         c.add_option("CASE", o->case_text, "case id")->required();
         c.add_option("--team", o->team, "the team that takes the case")->required();
       },
       printed(transfer,
               [](const json& r) {
                 std::cout << "case " << text_of(r["case"]) << " transferred to team " << text_of(r["team"]) << "\n";
               })},
      {"access", "break glass: see and work a case outside your relationships, for a stated reason (audited)",
       [o](CLI::App& c) {
         c.add_option("CASE", o->case_text, "case id");
         c.add_option("--reason", o->reason, "why, in at least 10 characters (required)");
         c.add_option("--hours", o->hours, "how long, at most 24 (default: the setting access.break_glass_hours)");
       },
       printed(access,
               [](const json& g) {
                 std::cout << "break-glass access to case " << text_of(g["case"]) << " until "
                           << text_of(g["expires_at"]) << " (grant " << text_of(g["grant"])
                           << "); the case's team managers will review it\n";
               })},
      {"access review", "record a team manager's review of a break-glass grant (audited)",
       [o](CLI::App& c) {
         c.add_option("GRANT", o->grant, "grant id (from oversight access)")->required();
         c.add_option("--note", o->note, "what the review found")->required();
       },
       printed(review, [](const json& g) { std::cout << "grant " << text_of(g["grant"]) << " reviewed\n"; })},
      {"oversight access", "break-glass grants on your team's cases: who, why, until when, what they did",
       [o](CLI::App& c) {
         c.add_option("--case", o->report_case, "only this case's grants");
         c.add_option("--from", o->from, "granted from (date or ISO 8601; default: the beginning)");
         c.add_option("--to", o->to, "granted up to (default: now)");
         c.add_flag("--unreviewed", o->unreviewed, "only grants no manager has reviewed");
       },
       printed(report,
               [](const json& rows) {
                 if (rows.empty()) std::cout << "no break-glass grants\n";
                 for (const json& g : rows) print_grant(g);
               })},
  };
  set_request(table, "cases", cases);
  set_request(table, "allocate", allocate);
  set_request(table, "transfer", transfer);
  set_request(table, "access", access);
  set_request(table, "access review", review);
  set_request(table, "oversight access", report);
  return table;
}

}  // namespace casegate::cli
