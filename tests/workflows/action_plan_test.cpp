// The action plan's list: each improvement action with what was recorded on it, never what its
// state implies, and only the actions the user may see.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "casegate/seed_reports.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

CaseId open_action(EngineFixture& f, const char* as, const char* title, const char* theme, const char* target) {
  return f.engine
      ->open_case(as, OpenCaseRequest{"improvement_action",
                                      title,
                                      "",
                                      std::nullopt,
                                      {{"title", title}, {"theme", theme}, {"owner", as}, {"target_date", target}}})
      .value()
      .id;
}

const ActionRow& row_of(const std::vector<ActionRow>& rows, CaseId id) {
  for (const auto& row : rows)
    if (row.case_id == id) return row;
  FAIL("action " << id << " is not listed");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("the action plan lists each action with the newest evidence, audit check and sign-off recorded",
          "[improvement_action][oversight]") {
  EngineFixture f;
  f.clock->set(at("2026-05-01T09:00:00Z"));
  CaseId assured = open_action(f, team_manager, "Every child seen alone", "voice_of_the_child", "2026-06-30");
  CaseId overridden = open_action(f, team_manager, "Supervision monthly", "supervision", "2026-06-30");
  CaseId overdue = open_action(f, team_manager, "Chronologies current", "supervision", "2026-05-15");
  CaseId south = open_action(f, south_manager, "South's own action", "supervision", "2026-12-31");

  // Evidence found wanting by the audit, the action reopened and evidenced again, then assured and
  // signed off: the list shows the second evidence and the effective check.
  f.clock->set(at("2026-05-10T09:00:00Z"));
  REQUIRE(f.fire(assured, "start", team_manager).outcome == FireOutcome::accepted);
  f.record(assured, "evidence", R"({"description":"first draft"})", team_manager);
  REQUIRE(f.fire(assured, "complete", team_manager).outcome == FireOutcome::accepted);
  f.record(assured, "audit_check", R"({"effective":false,"note":"no sample"})", auditor);
  REQUIRE(f.fire(assured, "reopen", team_manager).outcome == FireOutcome::accepted);
  f.record(assured, "evidence", R"({"description":"audit of 20 files","link":"https://intranet.example/a"})",
           team_manager);
  REQUIRE(f.fire(assured, "complete", team_manager).outcome == FireOutcome::accepted);
  f.clock->set(at("2026-07-02T09:00:00Z"));
  f.record(assured, "audit_check", R"({"effective":true,"note":"sampled 20"})", auditor);
  REQUIRE(f.fire(assured, "assure", team_manager).outcome == FireOutcome::accepted);
  f.record(assured, "sign_off", R"({"note":"accepted by the board"})", board_chair);
  REQUIRE(f.fire(assured, "close", team_manager).outcome == FireOutcome::accepted);

  // Completed by a manager's override: no evidence was recorded, and the list must say so.
  REQUIRE(f.fire(overridden, "start", team_manager).outcome == FireOutcome::accepted);
  FireRequest override_complete{overridden, "complete", true, "evidence held on the paper file", std::nullopt};
  REQUIRE(f.engine->fire(team_manager, override_complete)->outcome == FireOutcome::override);

  const Instant as_of = at("2026-07-03T00:00:00Z");
  auto mine = action_list_report(*f.engine, team_manager, as_of, "");
  REQUIRE(mine.is_ok());
  REQUIRE(mine->size() == 3);  // not the south team's action
  for (const auto& row : *mine) CHECK(row.case_id != south);

  const ActionRow& a = row_of(*mine, assured);
  CHECK(a.state == "closed");
  CHECK(a.title == "Every child seen alone");
  CHECK(a.theme == "voice_of_the_child");
  CHECK(a.owner == team_manager);
  CHECK(a.target_date == "2026-06-30");
  CHECK(a.standing == "completed_on_time");  // met on first entering completed, 10 May
  REQUIRE(a.completed_at);
  CHECK(*a.completed_at == at("2026-05-10T09:00:00Z"));
  REQUIRE(a.evidence);
  CHECK(a.evidence->description == "audit of 20 files");
  CHECK(a.evidence->link == "https://intranet.example/a");
  CHECK(a.evidence->by == team_manager);
  REQUIRE(a.audit_check);
  CHECK(a.audit_check->effective == true);
  CHECK(a.audit_check->note == "sampled 20");
  CHECK(a.audit_check->by == auditor);
  REQUIRE(a.sign_off);
  CHECK(a.sign_off->note == "accepted by the board");
  CHECK(a.sign_off->by == board_chair);
  CHECK(a.sign_off->at == at("2026-07-02T09:00:00Z"));

  const ActionRow& o = row_of(*mine, overridden);
  CHECK(o.state == "completed");
  CHECK(o.standing == "completed_late");  // completed on 2 July, after its 30 June target
  CHECK_FALSE(o.evidence);
  CHECK_FALSE(o.audit_check);
  CHECK_FALSE(o.sign_off);

  const ActionRow& d = row_of(*mine, overdue);
  CHECK(d.state == "planned");
  CHECK(d.standing == "open_overdue");
  CHECK_FALSE(d.completed_at);

  // The JSON form says "none recorded" as null, and a missing link as null.
  nlohmann::json shown = o;
  CHECK(shown["evidence"].is_null());
  CHECK(shown["standing"] == "completed_late");
  nlohmann::json closed = a;
  CHECK(closed["evidence"]["link"] == "https://intranet.example/a");
  CHECK(closed["audit_check"]["effective"] == true);
  CHECK(closed["sign_off"]["by"] == board_chair);

  SECTION("an auditor sees every team's actions, and they agree with the counts by theme") {
    auto every = action_list_report(*f.engine, auditor, as_of, "");
    REQUIRE(every.is_ok());
    CHECK(every->size() == 4);
    CHECK(row_of(*every, south).standing == "open_on_track");
    auto counts = actions_report(*f.engine, auditor, as_of, true);
    REQUIRE(counts.is_ok());
    for (const auto& theme : *counts) {
      std::int64_t listed[4] = {0, 0, 0, 0};
      for (const auto& row : *every) {
        if (row.theme != theme.theme) continue;
        int at = row.standing == "completed_on_time" ? 0
                 : row.standing == "completed_late"  ? 1
                 : row.standing == "open_overdue"    ? 2
                                                     : 3;
        ++listed[at];
      }
      CHECK(listed[0] == theme.completed_on_time);
      CHECK(listed[1] == theme.completed_late);
      CHECK(listed[2] == theme.open_overdue);
      CHECK(listed[3] == theme.open_on_track);
    }
  }

  SECTION("another team's list is denied, and a social worker has no oversight reports") {
    CHECK(action_list_report(*f.engine, team_manager, as_of, "south").status().code() == Code::denied);
    CHECK(action_list_report(*f.engine, social_worker, as_of, "").status().code() == Code::refused);
    auto south_list = action_list_report(*f.engine, south_manager, as_of, "south");
    REQUIRE(south_list.is_ok());
    REQUIRE(south_list->size() == 1);
    CHECK(south_list->front().case_id == south);
  }
}
