// Versions and live cases: a new version changes no open case until it is migrated, and a
// migration that cannot place a case's state does not run at all.
#include <catch2/catch.hpp>

#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

// child_protection v2 presented as a v3 that has dropped one state, optionally mapping it.
class WithoutState final : public Workflow {
 public:
  WithoutState(std::shared_ptr<const Workflow> base, std::string dropped,
               std::map<std::string, std::string, std::less<>> renames)
      : base_(std::move(base)), dropped_(std::move(dropped)), renames_(std::move(renames)) {
    for (const auto& s : base_->states())
      if (s.name != dropped_) states_.push_back(s);
  }
  const std::string& name() const override { return base_->name(); }
  int version() const override { return 3; }
  const std::vector<StateInfo>& states() const override { return states_; }
  const std::vector<TransitionInfo>& transitions() const override { return base_->transitions(); }
  Result<std::string> restore(std::string_view state) const override { return base_->restore(state); }
  Result<Decision> decide(std::string_view state, std::string_view event, std::span<const TaskFact> ledger,
                          bool override_gate) const override {
    return base_->decide(state, event, ledger, override_gate);
  }
  const std::vector<AttributeRule>& required_attributes() const override { return base_->required_attributes(); }
  const std::map<std::string, std::string, std::less<>>& state_renames() const override { return renames_; }
  const std::vector<ClockDefinition>& clock_definitions() const override { return base_->clock_definitions(); }
  const ClockInputs& clock_inputs() const override { return base_->clock_inputs(); }
  std::vector<ClockInstance> clocks(const ClockContext& context) const override { return base_->clocks(context); }

 private:
  std::shared_ptr<const Workflow> base_;
  std::string dropped_;
  std::map<std::string, std::string, std::less<>> renames_;
  std::vector<StateInfo> states_;
};

CaseId plan_ready_for_review(EngineFixture& f, int version) {
  CaseId id = f.case_in_state("child_protection_plan", "child_protection", version);
  f.record(id, "core_group", R"({"attendees":["social_care","health"]})");
  f.record(id, "voice_of_child", R"({"child_seen":true,"method":"direct"})");
  return id;
}

}  // namespace

TEST_CASE("registering version 2 changes no open version 1 case", "[workflows][versions]") {
  EngineFixture f;
  CaseId old_case = plan_ready_for_review(f, 1);
  CaseId new_case = f.open_case();
  CHECK(f.engine->status(team_manager, new_case)->record.workflow_version == 2);
  auto old_status = f.engine->status(team_manager, old_case);
  CHECK(old_status->record.workflow_version == 1);
  CHECK(old_status->events.front().ready);  // v1 rules: no visit needed
  CHECK(f.fire(old_case, "convene_review").outcome == FireOutcome::accepted);
  CaseId v2_case = plan_ready_for_review(f, 2);
  FireResult refused = f.fire(v2_case, "convene_review");
  REQUIRE(refused.missing.size() == 1);
  CHECK(refused.missing[0].task == "visit");
}

TEST_CASE("a dry run lists each case's mapping and what becomes blocked; migrating moves only the chosen",
          "[workflows][versions]") {
  EngineFixture f;
  CaseId ready = plan_ready_for_review(f, 1);
  CaseId other = f.case_in_state("strategy_discussion", "child_protection", 1);
  CaseId closed = f.case_in_state("closed", "child_protection", 1);
  CHECK(f.engine->plan_migration(social_worker, "child_protection", 2, {}).status().code() == Code::refused);
  auto plan = f.engine->plan_migration(team_manager, "child_protection", 2, {});
  REQUIRE(plan.is_ok());
  REQUIRE(plan->size() == 2);  // the closed case stays as it ended
  CHECK(plan->at(0).case_id == ready);
  CHECK(plan->at(0).new_state == "child_protection_plan");
  REQUIRE(plan->at(0).changes.size() == 1);
  CHECK(plan->at(0).changes[0].event == "convene_review");
  CHECK(plan->at(0).changes[0].ready_before);
  CHECK_FALSE(plan->at(0).changes[0].ready_after);
  CHECK(plan->at(0).changes[0].missing_after.at(0).task == "visit");
  CHECK(plan->at(1).changes.empty());
  CHECK(f.engine->status(team_manager, ready)->record.workflow_version == 1);  // a dry run changes nothing

  auto migrated = f.engine->migrate(team_manager, "child_protection", 2, {ready});
  REQUIRE(migrated.is_ok());
  CHECK(migrated->size() == 1);
  auto after = f.engine->status(team_manager, ready);
  CHECK(after->record.workflow_version == 2);
  CHECK(after->record.state == "child_protection_plan");
  CHECK_FALSE(after->events.front().ready);
  CHECK(f.engine->status(team_manager, other)->record.workflow_version == 1);
  CHECK(f.engine->status(team_manager, closed)->record.workflow_version == 1);
  auto history = f.audit_of(ready);
  auto entry =
      std::find_if(history.begin(), history.end(), [](const AuditEntry& e) { return e.entry.action == "migrate"; });
  REQUIRE(entry != history.end());
  CHECK_THAT(entry->entry.detail_json, Catch::Contains(R"("from_version":1,"to_version":2)"));
  CHECK(f.engine->migrate(team_manager, "child_protection", 2, {closed}).status().code() == Code::not_found);
  CHECK(f.engine->verify()->ok);
}

TEST_CASE("a migration that cannot map a state refuses to run, and runs once the new version maps it",
          "[workflows][versions]") {
  for (bool mapped : {false, true}) {
    DYNAMIC_SECTION((mapped ? "mapped" : "not mapped")) {
      std::map<std::string, std::string, std::less<>> renames;
      if (mapped) renames["review_conference"] = "child_protection_plan";
      // `seed` owns the v2 that the pretend v3 wraps, for as long as the engine lives.
      auto seed = std::make_shared<WorkflowRegistry>(seed_workflows());
      WorkflowRegistry with_v3 = seed_workflows();
      REQUIRE(with_v3
                  .add(std::make_shared<WithoutState>(
                      std::shared_ptr<const Workflow>(seed, seed->find("child_protection", 2)), "review_conference",
                      renames))
                  .is_ok());
      EngineFixture f;
      f.engine =
          std::make_unique<Engine>(std::move(open_sqlite_store(":memory:").value()), std::move(with_v3), f.clock);
      REQUIRE(f.engine->init(admin, "").is_ok());
      for (const User& u :
           {User{social_worker, "", Role::social_worker, "north", true},
            User{team_manager, "", Role::team_manager, "north", true},
            User{conference_chair, "", Role::conference_chair, "", true}, User{auditor, "", Role::auditor, "", true}})
        REQUIRE(f.engine->add_user(admin, u).is_ok());
      CaseId reviewing = f.case_in_state("review_conference", "child_protection", 1);
      CaseId planning = f.case_in_state("child_protection_plan", "child_protection", 1);
      auto result = f.engine->migrate(team_manager, "child_protection", 3, {});
      if (mapped) {
        REQUIRE(result.is_ok());
        CHECK(f.engine->status(team_manager, reviewing)->record.state == "child_protection_plan");
        CHECK(f.engine->status(team_manager, reviewing)->record.workflow_version == 3);
      } else {
        CHECK(result.status().code() == Code::refused);
        CHECK_THAT(result.status().message(), Catch::Contains("no place for case 1 (review_conference)"));
        CHECK(f.engine->status(team_manager, reviewing)->record.workflow_version == 1);
        CHECK(f.engine->status(team_manager, planning)->record.workflow_version == 1);  // nothing half-done
      }
    }
  }
}
