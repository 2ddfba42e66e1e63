// child_protection's clocks at their edges: holidays, late-night starts, month ends, the clock
// changes in March and October.
#include <catch2/catch.hpp>

#include "casegate/seed_reports.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

struct ClockCase {
  EngineFixture f;
  CaseId id = 0;

  explicit ClockCase(const char* received, const char* now) {
    f.clock->set(at(now));
    id = f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", at(received), {}}).value().id;
  }
  void record(const std::string& kind, const std::string& payload, const char* occurred, const std::string& as = "") {
    auto r =
        f.engine->record_task(as.empty() ? recorder_of(kind) : as, RecordTaskRequest{id, kind, payload, at(occurred)});
    INFO(kind << " " << r.status().to_string());
    REQUIRE(r.is_ok());
  }
  void fire(const std::string& event) { REQUIRE(f.fire(id, event).outcome == FireOutcome::accepted); }
  ClockView clock(const std::string& name, std::int64_t cycle = 1, const char* as_of = nullptr) {
    auto status = f.engine->status(team_manager, id, as_of ? std::optional<Instant>(at(as_of)) : std::nullopt);
    REQUIRE(status.is_ok());
    for (const auto& c : status->clocks)
      if (c.record.clock == name && c.record.cycle == cycle) return c;
    FAIL("no clock " << name << " #" << cycle);
    return {};
  }
  bool has_clock(const std::string& name) {
    auto status = f.engine->status(team_manager, id);
    for (const auto& c : status->clocks)
      if (c.record.clock == name) return true;
    return false;
  }
};

const char* const harm_24h = R"({"decision":"significant_harm","urgency":"within_24h"})";
const char* const harm_now = R"({"decision":"significant_harm","urgency":"immediate"})";
const char* const full_meeting =
    R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"written"}]})";

}  // namespace

TEST_CASE("a referral received on Christmas Eve is due at the end of the next working day", "[clocks]") {
  ClockCase c("2026-12-24T16:30:00Z", "2026-12-24T17:00:00Z");
  ClockView decision = c.clock("referral_decision", 1, "2026-12-29T12:00:00Z");
  CHECK(format_instant(decision.record.due_at) == "2026-12-29T23:59:59.999Z");  // 25, 28 (substitute) are holidays
  CHECK(decision.record.due_date == "2026-12-29");
  CHECK(decision.state == ClockState::running);
  CHECK(c.clock("referral_decision", 1, "2026-12-30T00:00:00Z").state == ClockState::overdue);
  CHECK_FALSE(c.has_clock("assessment"));  // no decision yet calls for one
}

TEST_CASE("a strategy discussion started at 22:00 on a Friday is due in exact hours", "[clocks]") {
  ClockCase c("2026-11-27T21:00:00Z", "2026-11-28T09:00:00Z");
  c.record("referral_decision", harm_24h, "2026-11-27T22:00:00Z");
  CHECK(format_instant(c.clock("strategy_discussion").record.due_at) == "2026-11-28T22:00:00.000Z");
  ClockCase urgent("2026-11-27T21:00:00Z", "2026-11-28T09:00:00Z");
  urgent.record("referral_decision", harm_now, "2026-11-27T22:00:00Z");
  CHECK(format_instant(urgent.clock("strategy_discussion").record.due_at) == "2026-11-28T02:00:00.000Z");
  // Held at 01:30 on Saturday, recorded on Monday: judged by when it was held.
  urgent.f.clock->set(at("2026-11-30T09:00:00Z"));
  urgent.record("strategy_meeting", full_meeting, "2026-11-28T01:30:00Z");
  ClockView met = urgent.clock("strategy_discussion");
  CHECK(met.state == ClockState::met);
  CHECK(format_instant(*met.record.met_at) == "2026-11-28T01:30:00.000Z");
  CHECK(*met.record.met_at <= met.record.due_at);
}

TEST_CASE("working-day deadlines end at local midnight across both clock changes", "[clocks]") {
  ClockCase spring("2026-03-27T10:00:00Z", "2026-03-27T11:00:00Z");  // Friday, GMT; due Monday, BST
  CHECK(format_instant(spring.clock("referral_decision").record.due_at) == "2026-03-30T22:59:59.999Z");
  ClockCase autumn("2026-10-23T10:00:00Z", "2026-10-23T11:00:00Z");  // Friday, BST; due Monday, GMT
  CHECK(format_instant(autumn.clock("referral_decision").record.due_at) == "2026-10-26T23:59:59.999Z");
  // A referral at 23:30 UTC on 30 June is already 1 July in London.
  ClockCase late("2026-06-30T23:30:00Z", "2026-07-01T08:00:00Z");
  CHECK(late.clock("referral_decision").record.due_date == "2026-07-02");
}

TEST_CASE("an initial conference is due 15 working days after the strategy meeting that started section 47",
          "[clocks]") {
  ClockCase c("2026-12-14T09:00:00Z", "2026-12-18T09:00:00Z");
  c.record("referral_decision", harm_24h, "2026-12-14T10:00:00Z");
  c.fire("refer_to_strategy");
  c.record("strategy_meeting", full_meeting, "2026-12-15T09:00:00Z");
  c.fire("start_section_47");
  // 16..18, 21..24 (7), 29..31 (10), 4..8 Jan (15): Christmas, Boxing substitute and New Year skipped.
  CHECK(format_instant(c.clock("initial_conference").record.due_at) == "2027-01-08T23:59:59.999Z");
  CHECK(c.clock("assessment").record.due_date == "2027-02-18");
}

TEST_CASE("reviews are due 3 months after the initial conference, then 6 after each review", "[clocks]") {
  ClockCase c("2027-01-04T09:00:00Z", "2027-01-31T18:00:00Z");
  c.record("referral_decision", harm_24h, "2027-01-04T10:00:00Z");
  c.fire("refer_to_strategy");
  c.record("strategy_meeting", full_meeting, "2027-01-05T09:00:00Z");
  c.fire("start_section_47");
  c.record("assessment", R"({"type":"section_47","outcome":"substantiated"})", "2027-01-20T09:00:00Z");
  c.record("voice_of_child", R"({"child_seen":true,"seen_alone":true,"method":"direct"})", "2027-01-21T09:00:00Z");
  c.fire("convene_initial_conference");
  c.record("conference_decision", R"({"outcome":"plan","category":"neglect"})", "2027-01-31T15:00:00Z");
  c.fire("start_plan");
  CHECK(c.clock("initial_conference").state == ClockState::met);
  ClockView first = c.clock("review_conference");
  CHECK(format_instant(first.record.due_at) == "2027-04-30T22:59:59.999Z");  // 31 Jan + 3 months, clamped; BST
  CHECK(c.clock("core_group").record.due_date == "2027-02-12");
  c.f.clock->set(at("2027-04-20T12:00:00Z"));
  c.record("core_group", R"({"attendees":["social_care","health"]})", "2027-02-10T10:00:00Z");
  c.record("voice_of_child", R"({"child_seen":true,"method":"direct"})", "2027-04-10T10:00:00Z");
  c.record("visit", R"({"child_seen":true,"seen_alone":true})", "2027-04-11T10:00:00Z");  // version 2 asks for it
  c.fire("convene_review");
  c.record("conference_decision", R"({"outcome":"continue","category":"neglect"})", "2027-04-20T11:00:00Z");
  c.fire("continue_plan");
  CHECK(c.clock("review_conference", 1).state == ClockState::met);
  CHECK(c.clock("review_conference", 2).record.due_date == "2027-10-20");
}

TEST_CASE("a missed clock keeps its due time and shows its delay reason", "[clocks]") {
  ClockCase c("2026-11-02T09:00:00Z", "2026-11-05T09:00:00Z");
  CHECK(c.clock("referral_decision").state == ClockState::overdue);
  c.record("delay_reason", R"({"clock":"referral_decision","reason":"referrer unreachable until Thursday"})",
           "2026-11-05T08:00:00Z");
  c.record("referral_decision", harm_24h, "2026-11-05T08:30:00Z");
  ClockView late = c.clock("referral_decision");
  CHECK(late.state == ClockState::met);
  CHECK(late.record.due_date == "2026-11-03");
  CHECK(*late.record.met_at > late.record.due_at);
  CHECK(late.delay_reason == "referrer unreachable until Thursday");
}

TEST_CASE("durations are settings, and a calendar change moves only clocks that start afterwards",
          "[clocks][settings]") {
  EngineFixture f;
  f.clock->set(at("2026-11-30T09:00:00Z"));
  CHECK(f.engine->set_setting(social_worker, "strategy_discussion.hours", "12").code() == Code::refused);
  CHECK(f.engine->set_setting(team_manager, "strategy_discussion.hours", "twelve").code() == Code::invalid_input);
  CHECK(f.engine->set_setting(team_manager, "strategy_discussion.hours", "0").code() == Code::invalid_input);
  CHECK(f.engine->set_setting(team_manager, "strategy.hours", "12").code() == Code::invalid_input);
  REQUIRE(f.engine->set_setting(team_manager, "strategy_discussion.hours", "12").is_ok());
  CaseId before =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", at("2026-11-30T08:00:00Z"), {}})
          ->id;
  f.record(before, "referral_decision", harm_24h);
  auto clocks = f.engine->status(team_manager, before)->clocks;
  auto strategy = std::find_if(clocks.begin(), clocks.end(),
                               [](const ClockView& c) { return c.record.clock == "strategy_discussion"; });
  REQUIRE(strategy != clocks.end());
  CHECK(format_instant(strategy->record.due_at) == "2026-11-30T21:00:00.000Z");
  CHECK(strategy->record.calendar_version == 0);

  REQUIRE(f.engine->change_calendar(team_manager, "closure", parse_date("2026-12-01").value(), "IT outage").is_ok());
  CHECK(f.engine->change_calendar(social_worker, "closure", parse_date("2026-12-02").value(), "x").code() ==
        Code::refused);
  auto kept = f.engine->status(team_manager, before)->clocks;
  auto referral =
      std::find_if(kept.begin(), kept.end(), [](const ClockView& c) { return c.record.clock == "referral_decision"; });
  REQUIRE(referral != kept.end());
  CHECK(referral->record.due_date == "2026-12-01");  // set before the closure: kept
  CaseId after =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "D", "", at("2026-11-30T08:00:00Z"), {}})
          ->id;
  auto moved = f.engine->status(team_manager, after)->clocks.front();
  CHECK(moved.record.due_date == "2026-12-02");
  CHECK(moved.record.calendar_version == 1);
  auto listed = f.engine->settings(team_manager);
  REQUIRE(listed.is_ok());
  auto hours = std::find_if(listed->begin(), listed->end(),
                            [](const SettingView& s) { return s.key == "strategy_discussion.hours"; });
  CHECK(hours->value == "12");
  CHECK_FALSE(hours->is_default);
}

TEST_CASE("closing a case stops its unmet clocks", "[clocks]") {
  ClockCase c("2026-11-02T09:00:00Z", "2026-11-02T10:00:00Z");
  c.record("referral_decision", R"({"decision":"no_further_action"})", "2026-11-02T09:30:00Z");
  c.record("management_oversight", R"({"decision":"agreed"})", "2026-11-02T09:45:00Z");
  c.fire("close_no_further_action");
  CHECK(c.clock("referral_decision").state == ClockState::met);
  CHECK_FALSE(c.has_clock("assessment"));
  // A child-in-need case closed before its assessment: the assessment clock stops, it is not overdue.
  ClockCase cin("2026-11-02T09:00:00Z", "2026-11-02T10:00:00Z");
  cin.record("referral_decision", R"({"decision":"child_in_need"})", "2026-11-02T09:30:00Z");
  cin.fire("step_down");
  cin.record("voice_of_child", R"({"child_seen":true,"method":"direct"})", "2026-11-02T09:40:00Z");
  cin.record("management_oversight", R"({"decision":"close"})", "2026-11-02T09:45:00Z");
  cin.fire("close_case");
  CHECK(cin.clock("assessment", 1, "2027-06-01T00:00:00Z").state == ClockState::stopped);
}

namespace {

struct PreBirthCase {
  EngineFixture f;
  CaseId id = 0;
  explicit PreBirthCase(const char* delivery) {
    f.clock->set(at("2026-03-02T09:00:00Z"));
    id = f.engine
             ->open_case(
                 social_worker,
                 OpenCaseRequest{
                     "pre_birth", "UNBORN-1", "", at("2026-03-02T08:00:00Z"), {{"expected_delivery_date", delivery}}})
             .value()
             .id;
  }
  ClockView clock(const std::string& name) {
    auto status = f.engine->status(team_manager, id);  // kept alive while its clocks are read
    REQUIRE(status.is_ok());
    for (const auto& c : status->clocks)
      if (c.record.clock == name) return c;
    FAIL("no clock " << name);
    return {};
  }
};

}  // namespace

TEST_CASE("a pre-birth conference is due 6 weeks before the expected delivery date", "[clocks][pre_birth]") {
  PreBirthCase c("2026-09-01");
  CHECK(format_instant(c.clock("pre_birth_conference").record.due_at) == "2026-07-21T22:59:59.999Z");
  CHECK(c.clock("assessment").record.due_date == "2026-05-07");  // 45 working days, Easter and early May skipped
  auto missing = c.f.engine->open_case(social_worker, OpenCaseRequest{"pre_birth", "U", "", std::nullopt, {}});
  CHECK(missing.status().to_string() ==
        "invalid_input: pre_birth needs the attribute expected_delivery_date (a date YYYY-MM-DD)");
  auto bad = c.f.engine->open_case(
      social_worker, OpenCaseRequest{"pre_birth", "U", "", std::nullopt, {{"expected_delivery_date", "soon"}}});
  CHECK(bad.status().code() == Code::invalid_input);
}

TEST_CASE("an unborn child's voice comes by observation or the parents' account", "[workflows][pre_birth]") {
  EngineFixture f;
  CaseId id = f.case_in_state("pre_birth_assessment", "pre_birth");
  f.record(id, "assessment", R"({"type":"pre_birth","outcome":"x"})");
  f.record(id, "strategy_meeting", R"({"participants":[{"agency":"health","mode":"phone"}]})");
  f.record(id, "voice_of_child", R"({"child_seen":true,"method":"direct"})");
  FireResult refused = f.fire(id, "convene_conference");
  REQUIRE(refused.missing.size() == 1);
  CHECK(describe(refused.missing[0].conditions) == "method in observation|parent_report, child_seen=false");
  f.record(id, "voice_of_child", R"({"child_seen":false,"method":"observation","reason_not_seen":"unborn"})");
  CHECK(f.fire(id, "convene_conference").outcome == FireOutcome::accepted);
}

TEST_CASE("the post-birth review is due at the earlier of 3 months after the plan and 10 working days after the birth",
          "[clocks][pre_birth]") {
  PreBirthCase c("2026-09-01");
  auto& f = c.f;
  auto record = [&](const char* kind, const char* payload, const char* occurred) {
    REQUIRE(f.engine->record_task(recorder_of(kind), RecordTaskRequest{c.id, kind, payload, at(occurred)}).is_ok());
  };
  f.clock->set(at("2026-07-10T12:00:00Z"));
  record("referral_decision", R"({"decision":"significant_harm"})", "2026-03-02T10:00:00Z");
  f.fire(c.id, "start_assessment");
  record("assessment", R"({"type":"pre_birth","outcome":"x"})", "2026-04-01T10:00:00Z");
  record("strategy_meeting", R"({"participants":[{"agency":"health","mode":"phone"}]})", "2026-04-02T10:00:00Z");
  record("voice_of_child", R"({"child_seen":false,"method":"parent_report","reason_not_seen":"unborn"})",
         "2026-04-03T10:00:00Z");
  f.fire(c.id, "convene_conference");
  record("conference_decision", R"({"outcome":"plan","category":"neglect"})", "2026-07-10T10:00:00Z");
  f.fire(c.id, "start_plan");
  CHECK(c.clock("pre_birth_conference").state == ClockState::met);
  ClockView before_birth = c.clock("post_birth_review");
  CHECK(before_birth.record.due_date == "2026-10-10");  // the birth has not happened: 3 months
  f.clock->set(at("2026-08-20T12:00:00Z"));
  record("birth", R"({"date":"2026-08-18"})", "2026-08-18T06:00:00Z");
  f.fire(c.id, "born");
  ClockView after_birth = c.clock("post_birth_review");
  CHECK(after_birth.record.due_date == "2026-09-02");  // 10 working days after 18 August (31 August a holiday)
  CHECK(after_birth.record.anchor == "birth");
  // A late birth does not push the deadline past 3 months.
  PreBirthCase late("2026-12-20");
  auto& g = late.f;
  auto record_late = [&](const char* kind, const char* payload, const char* occurred) {
    REQUIRE(g.engine->record_task(recorder_of(kind), RecordTaskRequest{late.id, kind, payload, at(occurred)}).is_ok());
  };
  g.clock->set(at("2027-01-20T12:00:00Z"));
  record_late("referral_decision", R"({"decision":"significant_harm"})", "2026-03-02T10:00:00Z");
  g.fire(late.id, "start_assessment");
  record_late("assessment", R"({"type":"pre_birth","outcome":"x"})", "2026-04-01T10:00:00Z");
  record_late("strategy_meeting", R"({"participants":[{"agency":"health","mode":"phone"}]})", "2026-04-02T10:00:00Z");
  record_late("voice_of_child", R"({"child_seen":false,"method":"observation","reason_not_seen":"unborn"})",
              "2026-04-03T10:00:00Z");
  g.fire(late.id, "convene_conference");
  record_late("conference_decision", R"({"outcome":"plan","category":"neglect"})", "2026-10-01T10:00:00Z");
  g.fire(late.id, "start_plan");
  record_late("birth", R"({"date":"2027-01-10"})", "2027-01-10T06:00:00Z");
  CHECK(late.clock("post_birth_review").record.due_date == "2027-01-01");
  CHECK(late.clock("post_birth_review").record.anchor == "conference");
}

TEST_CASE("an improvement action's target is met on completion, and actions are counted per theme",
          "[clocks][improvement_action]") {
  EngineFixture f;
  f.clock->set(at("2026-05-01T09:00:00Z"));
  auto open = [&](const char* theme, const char* target) {
    return f.engine
        ->open_case(team_manager,
                    OpenCaseRequest{"improvement_action",
                                    "ACTION",
                                    "",
                                    std::nullopt,
                                    {{"title", "t"}, {"theme", theme}, {"owner", "tm.khan"}, {"target_date", target}}})
        .value()
        .id;
  };
  auto complete = [&](CaseId id, const char* when) {
    f.clock->set(at(when));
    REQUIRE(f.fire(id, "start", team_manager).outcome == FireOutcome::accepted);
    f.record(id, "evidence", R"({"description":"done"})");
    REQUIRE(f.fire(id, "complete", team_manager).outcome == FireOutcome::accepted);
  };
  CaseId on_time = open("voice_of_the_child", "2026-06-30");
  CaseId late = open("voice_of_the_child", "2026-05-31");
  CaseId open_overdue = open("voice_of_the_child", "2026-05-15");
  CaseId on_track = open("supervision", "2026-12-31");
  complete(on_time, "2026-06-10T10:00:00Z");
  complete(late, "2026-06-10T10:00:00Z");
  auto status = f.engine->status(team_manager, on_time);
  CHECK(status->clocks.front().state == ClockState::met);
  CHECK(status->clocks.front().record.due_date == "2026-06-30");
  auto actions = actions_report(*f.engine, team_manager, at("2026-06-20T00:00:00Z"), true);
  REQUIRE(actions.is_ok());
  REQUIRE(actions->size() == 2);
  CHECK(actions->at(0).theme == "supervision");
  CHECK(actions->at(0).open_on_track == 1);
  CHECK(actions->at(1).theme == "voice_of_the_child");
  CHECK(actions->at(1).completed_on_time == 1);
  CHECK(actions->at(1).completed_late == 1);
  CHECK(actions->at(1).open_overdue == 1);
  auto overall = actions_report(*f.engine, team_manager, at("2026-06-20T00:00:00Z"), false);
  CHECK(overall->at(0).completed_on_time + overall->at(0).completed_late + overall->at(0).open_overdue +
            overall->at(0).open_on_track ==
        4);
  (void)open_overdue;
  (void)on_track;
}
