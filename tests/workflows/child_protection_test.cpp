#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "casegate/json.hpp"
#include "casegate/seed_workflows.hpp"
#include "casegate/task_kinds.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

Requirement req(const char* task, const char* condition = "", std::optional<Role> role = std::nullopt) {
  return Requirement{task, condition, role, Scope::stage};
}

// The child_protection table of shared/design/workflows.md, written out independently of the code.
const std::vector<TransitionInfo>& specified_table() {
  const auto tm = Role::team_manager;
  const auto chair = Role::conference_chair;
  static const std::vector<TransitionInfo> table{
      {"referral", "refer_to_strategy", "strategy_discussion", {req("referral_decision", "decision=significant_harm")}},
      {"referral", "step_down", "child_in_need", {req("referral_decision", "decision=child_in_need")}},
      {"referral", "close_no_further_action", "closed",
       {req("referral_decision", "decision=no_further_action"), req("management_oversight", "", tm)}},
      {"strategy_discussion", "start_section_47", "section_47_enquiry",
       {req("strategy_meeting", "participants include social_care, police, health")}},
      {"strategy_discussion", "no_section_47", "child_in_need",
       {req("strategy_meeting"), req("management_oversight", "", tm)}},
      {"section_47_enquiry", "convene_initial_conference", "initial_conference",
       {req("assessment"), req("voice_of_child")}},
      {"section_47_enquiry", "step_down", "child_in_need",
       {req("assessment"), req("voice_of_child"), req("management_oversight", "", tm)}},
      {"initial_conference", "start_plan", "child_protection_plan", {req("conference_decision", "outcome=plan", chair)}},
      {"initial_conference", "no_plan", "child_in_need", {req("conference_decision", "outcome=no_plan", chair)}},
      {"child_protection_plan", "convene_review", "review_conference", {req("core_group"), req("voice_of_child")}},
      {"review_conference", "continue_plan", "child_protection_plan",
       {req("conference_decision", "outcome=continue", chair)}},
      {"review_conference", "end_plan", "child_in_need", {req("conference_decision", "outcome=end", chair)}},
      {"child_in_need", "close_case", "closed", {req("voice_of_child"), req("management_oversight", "", tm)}},
  };
  return table;
}

bool same(const TransitionInfo& a, const TransitionInfo& b) {
  return a.from == b.from && a.event == b.event && a.to == b.to && a.gate == b.gate;
}

}  // namespace

TEST_CASE("child_protection's compiled table is the specified one", "[workflows]") {
  auto registry = seed_workflows();
  const Workflow* workflow = registry.find("child_protection", 1);
  REQUIRE(workflow != nullptr);
  const auto& compiled = workflow->transitions();
  REQUIRE(compiled.size() == specified_table().size());
  for (std::size_t i = 0; i < compiled.size(); ++i) {
    INFO(specified_table()[i].from << " " << specified_table()[i].event);
    CHECK(same(compiled[i], specified_table()[i]));
  }
  std::vector<std::string> states;
  for (const auto& s : workflow->states()) states.push_back(s.name + (s.initial ? "*" : "") + (s.final ? "!" : ""));
  std::sort(states.begin(), states.end());
  CHECK(states == std::vector<std::string>{"child_in_need", "child_protection_plan", "closed!", "initial_conference",
                                           "referral*", "review_conference", "section_47_enquiry", "strategy_discussion"});
}

TEST_CASE("child_protection's exported table matches its reviewed golden copy", "[workflows][golden]") {
  auto registry = seed_workflows();
  nlohmann::json exported = registry.find("child_protection", 1)->transitions();
  std::ifstream golden(CASEGATE_TEST_DATA "/workflows/golden/child_protection_v1.json");
  REQUIRE(golden.good());
  nlohmann::json expected = nlohmann::json::parse(golden);
  // On an intended change: regenerate with `casegate workflow show child_protection --json`, review, commit.
  CHECK(exported == expected["transitions"]);
}

TEST_CASE("every row of child_protection is accepted when its gate holds and names each missing requirement",
          "[workflows][engine]") {
  for (const auto& row : specified_table()) {
    DYNAMIC_SECTION(row.from << " --" << row.event << "--> " << row.to) {
      EngineFixture f;
      for (std::size_t left_out = 0; left_out < row.gate.size(); ++left_out) {
        INFO("without " << describe(row.gate[left_out]));
        CaseId id = f.case_in_state(row.from);
        for (std::size_t i = 0; i < row.gate.size(); ++i)
          if (i != left_out) f.satisfy(id, row.gate[i]);
        FireResult refused = f.fire(id, row.event);
        CHECK(refused.outcome == FireOutcome::refused);
        CHECK(refused.missing == std::vector<Requirement>{row.gate[left_out]});
        CHECK(f.state_of(id) == row.from);
        f.satisfy(id, row.gate[left_out]);
        FireResult accepted = f.fire(id, row.event);
        CHECK(accepted.outcome == FireOutcome::accepted);
        CHECK(f.state_of(id) == row.to);
      }
      // With nothing recorded in this stage, the refusal names the whole gate.
      CaseId bare = f.case_in_state(row.from);
      CHECK(f.fire(bare, row.event).missing == row.gate);
    }
  }
}

TEST_CASE("a final state has no way out", "[workflows]") {
  EngineFixture f;
  CaseId id = f.case_in_state("closed");
  FireResult refused = f.fire(id, "close_case");
  CHECK(refused.refusal == RefusalReason::not_valid_in_state);
  CHECK(refused.message == "close_case is not valid in state closed; valid: none (final state)");
  auto status = f.engine->status(team_manager, id);
  CHECK(status->final);
  CHECK(status->events.empty());
}

TEST_CASE("every state of every seed workflow round-trips through the machine by name", "[workflows]") {
  auto registry = seed_workflows();
  for (const Workflow* workflow : registry.all()) {
    for (const auto& state : workflow->states()) {
      INFO(workflow->name() << " " << state.name);
      CHECK(workflow->restore(state.name).value() == state.name);
    }
    CHECK(workflow->restore("no_such_state").status().code() == Code::internal);
  }
}

TEST_CASE("every gate of every seed workflow names a catalogued task kind", "[workflows]") {
  auto registry = seed_workflows();
  for (const Workflow* workflow : registry.all())
    for (const auto& t : workflow->transitions())
      for (const auto& r : t.gate) {
        INFO(workflow->name() << " " << t.event << " " << r.task);
        CHECK(find_task_kind(r.task) != nullptr);
      }
}
