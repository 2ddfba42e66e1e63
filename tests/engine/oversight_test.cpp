// Oversight reports on a generated set of a few thousand cases, checked against counts the
// generator keeps itself and against the exported rows, counted here independently of SQL.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "casegate/seed_reports.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

constexpr int generated_cases = 2500;

struct Expected {
  std::int64_t refusals = 0, overrides = 0;
  std::int64_t stages = 0, voice_captured = 0;
  std::int64_t meetings = 0, meetings_within = 0, meetings_late = 0;
};

}  // namespace

TEST_CASE("oversight reports agree with independent counts over thousands of cases", "[engine][oversight]") {
  EngineFixture f;
  std::mt19937 random(7);
  auto chance = [&](int percent) { return std::uniform_int_distribution<int>(1, 100)(random) <= percent; };
  auto minutes = [&](int low, int high) {
    return std::chrono::minutes(std::uniform_int_distribution<int>(low, high)(random));
  };
  Expected expected;
  const Instant start = at("2026-01-05T09:00:00Z");
  const Instant as_of = at("2026-09-01T12:00:00Z");
  f.clock->set(as_of);
  for (int n = 0; n < generated_cases; ++n) {
    Instant received = start + std::chrono::hours(n * 2);
    // Two teams, each working its own cases.
    const std::string worker = n % 3 ? social_worker : south_worker, manager = n % 3 ? team_manager : south_manager;
    CaseId id =
        f.engine->open_case(worker, OpenCaseRequest{"child_protection", "G" + std::to_string(n), "", received, {}})->id;
    ++expected.stages;  // referral
    auto fire = [&](const char* event) {
      const std::string& as = worker;
      auto result = f.engine->fire(as, FireRequest{id, event, false, "", std::nullopt}).value();
      if (result.outcome == FireOutcome::refused)
        ++expected.refusals;
      else
        ++expected.stages;
      return result.outcome;
    };
    auto record = [&](const std::string& kind, const std::string& payload, Instant occurred) {
      std::string as = recorder_of(kind) == social_worker ? worker : recorder_of(kind);
      REQUIRE(f.engine->record_task(as, RecordTaskRequest{id, kind, payload, occurred}).is_ok());
    };
    if (chance(10)) fire("refer_to_strategy");  // too early: refused
    bool immediate = chance(25);
    Instant decided = received + minutes(10, 30 * 60);
    record(
        "referral_decision",
        immediate ? R"({"decision":"significant_harm","urgency":"immediate"})" : R"({"decision":"significant_harm"})",
        decided);
    fire("refer_to_strategy");
    if (chance(15)) {
      REQUIRE(
          f.engine->fire(manager, FireRequest{id, "start_section_47", true, "police already involved", std::nullopt})
              ->outcome == FireOutcome::override);
      ++expected.overrides;
      ++expected.stages;
    } else {
      Instant held = decided + minutes(30, 30 * 60);
      record(
          "strategy_meeting",
          R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"video"}]})",
          held);
      ++expected.meetings;
      bool within = held <= decided + std::chrono::hours(immediate ? 4 : 24);
      (within ? expected.meetings_within : expected.meetings_late)++;
      fire("start_section_47");
    }
    if (chance(60)) {
      Instant seen = received + std::chrono::hours(48) + minutes(0, 20 * 24 * 60);
      record("assessment", R"({"type":"section_47","outcome":"x"})", seen);
      if (chance(80)) {
        record("voice_of_child",
               chance(50) ? R"({"child_seen":true,"seen_alone":true,"method":"direct"})"
                          : R"({"child_seen":true,"method":"advocate","advocate":"NYAS"})",
               seen);
        ++expected.voice_captured;
        fire("convene_initial_conference");
      } else {
        fire("convene_initial_conference");  // refused: voice missing
      }
    }
  }

  // Timeliness and overdue: against the exported clock rows, counted here.
  std::map<std::string, std::array<std::int64_t, 4>> counted;  // on time, late, overdue, running
  std::int64_t overdue_total = 0;
  std::string cutoff = format_instant(as_of);
  REQUIRE(f.engine
              ->export_table(auditor, "clocks",
                             [&](const ExportTable& table) {
                               for (const auto& row : table.rows) {
                                 // case_id, clock, cycle, started_at, due_at, due_date, calendar_version, met_at,
                                 // stopped, team
                                 const std::string& due_at = *row[4];
                                 bool stopped = *row[8] == "1";
                                 auto& c = counted[*row[1]];
                                 if (row[7])
                                   ++c[*row[7] <= due_at ? 0 : 1];
                                 else if (!stopped)
                                   ++c[due_at < cutoff ? 2 : 3];
                                 overdue_total += !row[7] && !stopped && due_at < cutoff;
                               }
                             })
              .is_ok());
  auto timeliness =
      f.engine->timeliness(auditor, parse_date("2000-01-01").value(), parse_date("2100-01-01").value(), as_of, false);
  REQUIRE(timeliness.is_ok());
  REQUIRE(timeliness->rows.size() == counted.size());
  for (const auto& row : timeliness->rows) {
    INFO(row.clock);
    CHECK(std::array<std::int64_t, 4>{row.met_on_time, row.met_late, row.overdue, row.running} == counted[row.clock]);
  }
  // The clocks behind each figure: as many as the figure says (an auditor's scope is every team).
  for (const auto& row : timeliness->rows) {
    const std::array<std::pair<const char*, std::int64_t>, 4> outcomes{{{"met_on_time", row.met_on_time},
                                                                        {"met_late", row.met_late},
                                                                        {"overdue", row.overdue},
                                                                        {"running", row.running}}};
    for (const auto& [outcome, figure] : outcomes) {
      ClockQuery query{
          parse_date("2000-01-01").value(), parse_date("2100-01-01").value(), row.clock, outcome, as_of, 1};
      auto listed = f.engine->clocks_due_between(auditor, query, "");
      REQUIRE(listed.is_ok());
      INFO(row.clock << " " << outcome);
      CHECK(listed->total == figure);
      CHECK(listed->clocks.size() == (figure > 0 ? 1u : 0u));
    }
  }
  ClockQuery every_south{parse_date("2000-01-01").value(), parse_date("2100-01-01").value(), "", "", as_of, 100000};
  auto south_clocks = f.engine->clocks_due_between(south_manager, every_south, "");
  REQUIRE(south_clocks.is_ok());
  for (const auto& clock : south_clocks->clocks) CHECK(clock.clock.team == "south");
  CHECK(f.engine->clocks_due_between(south_manager, every_south, "north").status().code() == Code::denied);
  every_south.outcome = "late";
  CHECK(f.engine->clocks_due_between(auditor, every_south, "").status().code() == Code::invalid_input);
  CHECK(counted["strategy_discussion"][0] + counted["strategy_discussion"][1] == expected.meetings);
  CHECK(counted["strategy_discussion"][0] == expected.meetings_within);
  auto overdue = f.engine->overdue(auditor, as_of, "", 100000);
  REQUIRE(overdue.is_ok());
  CHECK(overdue->total == overdue_total);
  CHECK(static_cast<std::int64_t>(overdue->clocks.size()) == overdue_total);
  for (std::size_t i = 1; i < overdue->clocks.size(); ++i)
    CHECK(overdue->clocks[i - 1].clock.due_at <= overdue->clocks[i].clock.due_at);
  auto south = f.engine->overdue(auditor, as_of, "south", 100000);
  std::int64_t south_counted = 0;
  for (const auto& o : overdue->clocks) south_counted += o.clock.team == "south";
  CHECK(south->total == south_counted);

  // Refusals, overrides, voice and strategy meetings: against what the generator did.
  Instant everything_from = at("2000-01-01T00:00:00Z"), everything_to = at("2100-01-01T00:00:00Z");
  CHECK(static_cast<std::int64_t>(f.engine->exceptions(auditor, "refused", everything_from, everything_to)->size()) ==
        expected.refusals);
  auto overrides = f.engine->exceptions(auditor, "override", everything_from, everything_to);
  CHECK(static_cast<std::int64_t>(overrides->size()) == expected.overrides);
  for (const auto& e : *overrides)
    CHECK(nlohmann::json::parse(e.entry.detail_json)["reason"] == "police already involved");
  auto voice = voice_report(*f.engine, auditor, everything_from, everything_to, "");
  CHECK(static_cast<std::int64_t>(voice->size()) == expected.stages);
  std::int64_t captured = 0;
  for (const auto& v : *voice) captured += v.captured;
  CHECK(captured == expected.voice_captured);
  auto meetings = strategy_meetings_report(*f.engine, auditor, everything_from, everything_to, "");
  CHECK(static_cast<std::int64_t>(meetings->size()) == expected.meetings);
  std::int64_t within = 0;
  for (const auto& m : *meetings) within += m.timeliness == "within";
  CHECK(within == expected.meetings_within);
  // Per team, the same meetings: every one counted once, by its judgement and its participants.
  std::int64_t held = 0, team_within = 0, team_late = 0, participants = 0, listed_participants = 0;
  std::string previous_team;
  for (const auto& t : strategy_meetings_by_team(*meetings)) {
    CHECK(t.team > previous_team);
    previous_team = t.team;
    CHECK(t.held == t.within + t.late + t.no_clock);
    held += t.held;
    team_within += t.within;
    team_late += t.late;
    for (const auto& [agency, modes] : t.agencies)
      for (const auto& [mode, count] : modes) participants += count;
  }
  for (const auto& m : *meetings) listed_participants += static_cast<std::int64_t>(m.participants.size());
  CHECK(held == expected.meetings);
  CHECK(team_within == expected.meetings_within);
  CHECK(team_late == expected.meetings - expected.meetings_within);
  CHECK(participants == listed_participants);
  // What the refusal entries say, read back: each names its event and what was missing.
  auto refusals = f.engine->exceptions(auditor, "refused", everything_from, everything_to);
  REQUIRE(refusals.is_ok());
  for (const auto& e : *refusals) {
    FireAttempt attempt = read_fire_attempt(e);
    CHECK_FALSE(attempt.event.empty());
    CHECK_FALSE(attempt.missing_tasks.empty());
    CHECK(attempt.from == attempt.to);
  }

  CHECK(f.engine->overdue(social_worker, as_of, "", 10).status().code() == Code::refused);
  CHECK(f.engine->verify()->ok);
}

TEST_CASE("a clock due on the report's own day is running before its hour and overdue after", "[engine][oversight]") {
  EngineFixture f;
  f.clock->set(at("2026-11-28T09:00:00Z"));
  CaseId id =
      f.engine
          ->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "north", at("2026-11-27T21:00:00Z"), {}})
          ->id;
  REQUIRE(
      f.engine
          ->record_task(social_worker, RecordTaskRequest{id, "referral_decision", R"({"decision":"significant_harm"})",
                                                         at("2026-11-27T22:00:00Z")})
          .is_ok());
  Date day = parse_date("2026-11-28").value();
  auto strategy = [&](const char* as_of) {
    auto report = f.engine->timeliness(auditor, day, day, at(as_of), true);
    REQUIRE(report.is_ok());
    for (const auto& row : report->rows)
      if (row.clock == "strategy_discussion") return std::pair{row.overdue, row.running};
    return std::pair<std::int64_t, std::int64_t>{-1, -1};
  };
  CHECK(strategy("2026-11-28T21:59:59Z") == std::pair<std::int64_t, std::int64_t>{0, 1});
  CHECK(strategy("2026-11-28T22:00:01Z") == std::pair<std::int64_t, std::int64_t>{1, 0});
  CHECK(strategy("2026-11-29T10:00:00Z") == std::pair<std::int64_t, std::int64_t>{1, 0});
  CHECK(f.engine->overdue(auditor, at("2026-11-28T21:59:59Z"), "", 10)->total == 0);
  CHECK(f.engine->overdue(auditor, at("2026-11-28T22:00:01Z"), "", 10)->total == 1);
  CHECK(f.engine->overdue(auditor, at("2026-11-28T22:00:01Z"), "south", 10)->total == 0);
  CHECK(f.engine->overdue(auditor, at("2026-11-29T22:00:01Z"), "north", 10)->total == 1);  // the decision was met
}

TEST_CASE("an export read a page at a time gives the rows of the export in one go", "[engine][oversight]") {
  EngineFixture f;
  for (int n = 0; n < 7; ++n) f.case_in_state("strategy_discussion");
  for (std::string table : {"cases", "tasks", "audit", "clocks"}) {
    std::vector<std::vector<std::optional<std::string>>> whole, paged;
    std::vector<std::string> columns;
    REQUIRE(f.engine
                ->export_table(auditor, table,
                               [&](const ExportTable& chunk) {
                                 columns = chunk.columns;
                                 whole.insert(whole.end(), chunk.rows.begin(), chunk.rows.end());
                               })
                .is_ok());
    std::int64_t after = 0;
    int pages = 0;
    for (bool opening = true;; opening = false) {
      auto page = f.engine->export_page(auditor, table, after, 2, opening);
      REQUIRE(page.is_ok());
      CHECK(page->table.columns == columns);
      paged.insert(paged.end(), page->table.rows.begin(), page->table.rows.end());
      ++pages;
      if (!page->next) break;
      after = *page->next;
    }
    INFO(table);
    CHECK(pages > 2);
    if (table == "audit") {
      // The views of both exports were appended after the log they read.
      REQUIRE(paged.size() == whole.size() + 2);
      paged.resize(whole.size());
    }
    CHECK(paged == whole);
  }
  // Pages after the first are the export's own reads: the export is audited once.
  CHECK(f.engine->export_page(social_worker, "cases", 0, 2, true).status().code() == Code::refused);
  CHECK(f.engine->export_page(social_worker, "cases", 0, 2, false).status().code() == Code::refused);
  CHECK(f.engine->export_page(auditor, "cases", 0, 0, true).status().code() == Code::invalid_input);
  CHECK(f.engine->export_page(auditor, "secrets", 0, 2, true).status().code() == Code::invalid_input);
}

TEST_CASE("the caseload follows every open, move and transfer, per team", "[engine][oversight]") {
  EngineFixture f;
  f.clock->set(at("2026-12-18T09:00:00Z"));
  auto open = [&](const char* worker, const char* subject) {
    return f.engine->open_case(worker, OpenCaseRequest{"child_protection", subject, "", at("2026-12-18T08:00:00Z"), {}})
        ->id;
  };
  CaseId north_a = open(social_worker, "N1"), north_b = open(social_worker, "N2");
  open(social_worker, "N3");
  open(south_worker, "S1");
  REQUIRE(f.engine
              ->record_task(social_worker, RecordTaskRequest{north_a, "referral_decision",
                                                             R"({"decision":"significant_harm"})", std::nullopt})
              .is_ok());
  REQUIRE(f.engine->fire(social_worker, FireRequest{north_a, "refer_to_strategy", false, "", std::nullopt})->outcome ==
          FireOutcome::accepted);
  CHECK(f.engine->fire(social_worker, FireRequest{north_b, "refer_to_strategy", false, "", std::nullopt})->outcome ==
        FireOutcome::refused);
  REQUIRE(f.engine->transfer(team_manager, north_b, "south").is_ok());

  auto counts = [](const CaseloadReport& report) {
    std::map<std::string, std::int64_t> by_state;
    for (const auto& row : report.states) by_state[row.workflow + "/" + row.state] += row.cases;
    return by_state;
  };
  using Counts = std::map<std::string, std::int64_t>;
  auto every = f.engine->caseload(auditor, "");
  REQUIRE(every.is_ok());
  CHECK(counts(*every) == Counts{{"child_protection/referral", 3}, {"child_protection/strategy_discussion", 1}});
  CHECK(every->open == 4);
  auto north = f.engine->caseload(team_manager, "");
  CHECK(counts(*north) == Counts{{"child_protection/referral", 1}, {"child_protection/strategy_discussion", 1}});
  CHECK(north->team == "north");
  CHECK(counts(*f.engine->caseload(auditor, "south")) == Counts{{"child_protection/referral", 2}});
  // Another team's caseload is not a manager's to see, and a worker sees no oversight at all.
  CHECK(f.engine->caseload(team_manager, "south").status().code() == Code::denied);
  CHECK(f.engine->caseload(social_worker, "").status().code() == Code::refused);

  // Against the exported cases, counted here: the counts are the rows.
  Counts exported;
  REQUIRE(f.engine
              ->export_table(auditor, "cases",
                             [&](const ExportTable& table) {
                               auto column = [&](const char* name) {
                                 return std::find(table.columns.begin(), table.columns.end(), name) -
                                        table.columns.begin();
                               };
                               for (const auto& row : table.rows)
                                 ++exported[*row[column("workflow")] + "/" + *row[column("state")]];
                             })
              .is_ok());
  CHECK(counts(*every) == exported);
}

TEST_CASE("clocks due within five working days skip weekends and bank holidays", "[engine][oversight]") {
  EngineFixture f;
  // Friday 18 December 2026: Christmas (Friday 25th) and Boxing Day's substitute (Monday 28th)
  // are bank holidays, so the fifth working day is Tuesday 29th.
  f.clock->set(at("2026-12-18T09:00:00Z"));
  auto open = [&](const char* worker, const char* subject, const char* received) {
    return f.engine->open_case(worker, OpenCaseRequest{"child_protection", subject, "", at(received), {}})->id;
  };
  // A referral decision is due one working day after the referral arrives.
  f.clock->set(at("2027-01-04T09:00:00Z"));  // referrals are not received in the future
  CaseId overdue = open(social_worker, "past", "2026-12-10T10:00:00Z");
  CaseId monday = open(social_worker, "monday", "2026-12-18T08:00:00Z");
  CaseId christmas_eve = open(south_worker, "eve", "2026-12-23T10:00:00Z");
  CaseId after_holiday = open(social_worker, "tuesday", "2026-12-24T10:00:00Z");
  CaseId later = open(social_worker, "later", "2026-12-29T10:00:00Z");
  f.clock->set(at("2026-12-18T09:00:00Z"));

  auto due = f.engine->due_soon(auditor, std::nullopt, "", 5);
  REQUIRE(due.is_ok());
  CHECK(format_instant(due->due_by) == "2026-12-29T23:59:59.999Z");
  CHECK(due->working_days == 5);
  std::vector<CaseId> listed;
  for (const auto& clock : due->clocks) {
    listed.push_back(clock.clock.case_id);
    CHECK(clock.days_overdue < 0);
  }
  CHECK(listed == std::vector<CaseId>{monday, christmas_eve, after_holiday});
  CHECK(due->total == 3);
  CHECK(std::find(listed.begin(), listed.end(), overdue) == listed.end());
  CHECK(std::find(listed.begin(), listed.end(), later) == listed.end());

  // A team's manager: their team's clocks only; the total too, past the limit.
  auto north = f.engine->due_soon(team_manager, std::nullopt, "", 5, 1);
  REQUIRE(north.is_ok());
  CHECK(north->total == 2);
  REQUIRE(north->clocks.size() == 1);
  CHECK(north->clocks[0].clock.case_id == monday);
  CHECK(f.engine->due_soon(team_manager, std::nullopt, "south", 5).status().code() == Code::denied);
  CHECK(f.engine->due_soon(auditor, std::nullopt, "", 31).status().code() == Code::invalid_input);
  CHECK(f.engine->due_soon(auditor, std::nullopt, "", 1)->total == 1);  // Monday's
  // One workflow's: none of these are improvement actions.
  CHECK(f.engine->due_soon(auditor, std::nullopt, "", 5, 10, "child_protection")->total == 3);
  CHECK(f.engine->due_soon(auditor, std::nullopt, "", 5, 10, "improvement_action")->total == 0);
  CHECK(f.engine->due_soon(board_chair, std::nullopt, "", 5, 10, "child_protection")->total == 0);  // not theirs
}
