#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <map>

#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"
#include "casegate/task_kinds.hpp"
#include "test_store.hpp"

namespace casegate::testing {

Instant at(const char* iso) {
  return parse_instant(iso).value();
}

std::string payload_for(const Requirement& r) {
  static const std::map<std::string, std::string> by_requirement{
      {"referral_decision|decision=significant_harm", R"({"decision":"significant_harm"})"},
      {"referral_decision|decision=child_in_need", R"({"decision":"child_in_need"})"},
      {"referral_decision|decision=no_further_action", R"({"decision":"no_further_action"})"},
      {"referral_decision|", R"({"decision":"child_in_need"})"},
      {"strategy_meeting|participants include social_care, police, health",
       R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"written"}]})"},
      {"strategy_meeting|", R"({"participants":[{"agency":"social_care","mode":"video"}]})"},
      {"assessment|", R"({"type":"section_47","outcome":"concerns_substantiated"})"},
      {"voice_of_child|", R"({"child_seen":true,"seen_alone":true,"method":"direct","summary":"wants help"})"},
      {"management_oversight|", R"({"decision":"agreed"})"},
      {"core_group|", R"({"attendees":["social_care","health","education"]})"},
      {"conference_decision|outcome=plan", R"({"outcome":"plan","category":"neglect"})"},
      {"conference_decision|outcome=no_plan", R"({"outcome":"no_plan"})"},
      {"conference_decision|outcome=continue", R"({"outcome":"continue","category":"emotional_abuse"})"},
      {"conference_decision|outcome=end", R"({"outcome":"end"})"},
      {"assessment|type=pre_birth", R"({"type":"pre_birth","outcome":"risk to the unborn child"})"},
      {"voice_of_child|method in observation|parent_report, child_seen=false",
       R"({"child_seen":false,"method":"parent_report","reason_not_seen":"unborn"})"},
      {"birth|", R"({"date":"2026-03-01"})"},
      {"evidence|", R"({"description":"training records for every team"})"},
      {"audit_check|effective=true", R"({"effective":true,"note":"sampled 20 cases"})"},
      {"audit_check|effective=false", R"({"effective":false,"note":"no change seen"})"},
      {"sign_off|", R"({"note":"agreed by the board"})"},
  };
  auto it = by_requirement.find(r.task + "|" + describe(r.conditions));
  if (it == by_requirement.end()) FAIL("no test payload for " << describe(r));
  return it->second;
}

std::string recorder_of(const std::string& kind) {
  if (kind == "management_oversight") return team_manager;
  if (kind == "conference_decision") return conference_chair;
  if (kind == "audit_check") return auditor;
  if (kind == "sign_off") return board_chair;
  return social_worker;
}

EngineFixture::EngineFixture(std::optional<Storage> storage)
    : clock(std::make_shared<ManualClock>(at("2026-03-02T09:00:00Z"))) {
  if (!storage) storage = open_test_store();
  engine = std::make_unique<Engine>(std::move(*storage), seed_workflows(), clock);
  REQUIRE(engine->init(admin, "Ali Admin").to_string() == "ok");
  for (const User& user : {User{social_worker, "Sam Jones", Role::social_worker, "north", true},
                           User{team_manager, "Tariq Khan", Role::team_manager, "north", true},
                           User{conference_chair, "Priya Patel", Role::conference_chair, "", true},
                           User{auditor, "Lee Auditor", Role::auditor, "", true},
                           User{board_chair, "Ross Board", Role::board_chair, "", true},
                           User{south_worker, "Ama Osei", Role::social_worker, "south", true},
                           User{south_manager, "Sara South", Role::team_manager, "south", true}})
    REQUIRE(engine->add_user(admin, user).to_string() == "ok");
}

std::map<std::string, std::string> attributes_for(const std::string& workflow) {
  if (workflow == "pre_birth") return {{"expected_delivery_date", "2026-09-01"}};
  if (workflow == "improvement_action")
    return {{"title", "Every child seen alone"},
            {"theme", "voice_of_the_child"},
            {"owner", "tm.khan"},
            {"target_date", "2026-06-30"}};
  return {};
}

CaseId EngineFixture::open_case(const std::string& workflow, std::optional<int> version) {
  auto opened = engine->open_case(
      social_worker, OpenCaseRequest{workflow, "CHILD-1", "", std::nullopt, attributes_for(workflow), version});
  REQUIRE(opened.status().to_string() == "ok");
  return opened->id;
}

TaskReceipt EngineFixture::record(CaseId id, const std::string& kind, const std::string& payload,
                                  const std::string& as) {
  auto receipt =
      engine->record_task(as.empty() ? recorder_of(kind) : as, RecordTaskRequest{id, kind, payload, std::nullopt});
  INFO(kind << " " << payload);
  REQUIRE(receipt.status().to_string() == "ok");
  return *receipt;
}

FireResult EngineFixture::fire(CaseId id, const std::string& event, const std::string& as) {
  auto result = engine->fire(as, FireRequest{id, event, false, "", std::nullopt});
  INFO(event);
  REQUIRE(result.status().to_string() == "ok");
  return *result;
}

void EngineFixture::satisfy(CaseId id, const Requirement& requirement) {
  record(id, requirement.task, payload_for(requirement));
}

CaseId EngineFixture::case_in_state(const std::string& state, const std::string& workflow_name,
                                    std::optional<int> version) {
  const Workflow* workflow =
      version ? engine->workflows().find(workflow_name, *version) : engine->workflows().latest(workflow_name);
  REQUIRE(workflow != nullptr);
  // Breadth-first search for the shortest path of transitions to `state`.
  std::map<std::string, const TransitionInfo*> reached_by;
  std::deque<std::string> queue{workflow->initial_state()};
  reached_by[workflow->initial_state()] = nullptr;
  while (!queue.empty()) {
    std::string from = queue.front();
    queue.pop_front();
    for (const auto& t : workflow->transitions())
      if (t.from == from && !reached_by.count(t.to)) {
        reached_by[t.to] = &t;
        queue.push_back(t.to);
      }
  }
  REQUIRE(reached_by.count(state) == 1);
  std::vector<const TransitionInfo*> path;
  for (std::string s = state; reached_by[s] != nullptr; s = reached_by[s]->from)
    path.insert(path.begin(), reached_by[s]);
  CaseId id = open_case(workflow_name, workflow->version());
  for (const auto* t : path) {
    for (const auto& r : t->gate) satisfy(id, r);
    auto result = fire(id, t->event);
    REQUIRE(result.outcome == FireOutcome::accepted);
  }
  REQUIRE(state_of(id) == state);
  return id;
}

std::string EngineFixture::state_of(CaseId id) {
  auto status = engine->status(auditor, id);  // an auditor may read every case
  REQUIRE(status.status().to_string() == "ok");
  return status->record.state;
}

std::vector<AuditEntry> EngineFixture::audit_of(CaseId id) {
  auto entries = engine->history(auditor, id);
  REQUIRE(entries.status().to_string() == "ok");
  return *entries;
}

}  // namespace casegate::testing
