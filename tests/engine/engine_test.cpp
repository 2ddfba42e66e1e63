#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "casegate/json.hpp"
#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"
#include "fixture.hpp"
#include "forwarding_store.hpp"

using namespace casegate;
using namespace casegate::testing;
using nlohmann::json;

namespace {

json detail_of(const AuditEntry& entry) {
  return json::parse(entry.entry.detail_json);
}

const char* const significant_harm = R"({"decision":"significant_harm","urgency":"within_24h"})";

}  // namespace

TEST_CASE("a refused step names what is missing and leaves the case where it was", "[engine]") {
  EngineFixture f;
  CaseId id = f.open_case();
  FireResult refused = f.fire(id, "refer_to_strategy");
  CHECK(refused.outcome == FireOutcome::refused);
  CHECK(refused.refusal == RefusalReason::gate_unmet);
  REQUIRE(refused.missing.size() == 1);
  CHECK(refused.missing[0] == Requirement{"referral_decision",
                                          {{"decision", FieldCondition::Compare::equals, {"significant_harm"}}},
                                          std::nullopt,
                                          Scope::stage});
  CHECK(refused.version == 1);
  CHECK(f.state_of(id) == "referral");

  f.record(id, "referral_decision", significant_harm);
  FireResult accepted = f.fire(id, "refer_to_strategy");
  CHECK(accepted.outcome == FireOutcome::accepted);
  CHECK(accepted.from == "referral");
  CHECK(accepted.to == "strategy_discussion");
  CHECK(accepted.version == 2);
}

TEST_CASE("a decision of the wrong kind does not open a gate that needs another", "[engine]") {
  EngineFixture f;
  CaseId id = f.open_case();
  f.record(id, "referral_decision", R"({"decision":"child_in_need"})");
  CHECK(f.fire(id, "refer_to_strategy").outcome == FireOutcome::refused);
  CHECK(f.fire(id, "step_down").outcome == FireOutcome::accepted);
  CHECK(f.state_of(id) == "child_in_need");
}

TEST_CASE("a strategy meeting without the police is not enough to start section 47", "[engine]") {
  EngineFixture f;
  CaseId id = f.case_in_state("strategy_discussion");
  f.record(id, "strategy_meeting",
           R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"health","mode":"phone"}]})");
  FireResult refused = f.fire(id, "start_section_47");
  REQUIRE(refused.outcome == FireOutcome::refused);
  REQUIRE(refused.missing.size() == 1);
  CHECK(refused.missing[0].conditions ==
        std::vector<FieldCondition>{
            {"participants", FieldCondition::Compare::includes, {"social_care", "police", "health"}, "agency"}});
  CHECK(describe(refused.missing[0].conditions) == "participants include social_care, police, health");
  // Any meeting is enough to decide against an enquiry, with a manager's oversight.
  f.record(id, "management_oversight", R"({"decision":"no enquiry: CIN plan"})");
  CHECK(f.fire(id, "no_section_47").outcome == FireOutcome::accepted);
}

TEST_CASE("the child's voice from an earlier stage does not satisfy a stage gate", "[engine]") {
  EngineFixture f;
  CaseId id = f.case_in_state("child_protection_plan", "child_protection", 1);  // voice recorded in section 47
  f.record(id, "core_group", R"({"attendees":["social_care","health"]})");
  FireResult refused = f.fire(id, "convene_review");
  REQUIRE(refused.outcome == FireOutcome::refused);
  REQUIRE(refused.missing.size() == 1);
  CHECK(refused.missing[0].task == "voice_of_child");
  CHECK(refused.missing[0].scope == Scope::stage);
  f.record(id, "voice_of_child", R"({"child_seen":true,"seen_alone":false,"method":"direct"})");
  CHECK(f.fire(id, "convene_review").outcome == FireOutcome::accepted);
}

TEST_CASE("decisions are recorded only by the role that owns them, and refusals are audited", "[engine]") {
  EngineFixture f;
  CaseId id = f.case_in_state("initial_conference");
  const std::pair<const char*, const char*> owned[] = {
      {"conference_decision", R"({"outcome":"plan","category":"neglect"})"},
      {"management_oversight", R"({"decision":"agreed"})"},
      {"audit_check", R"({"effective":true,"note":"ok"})"},
      {"sign_off", R"({"note":"ok"})"},
  };
  for (auto [kind, payload] : owned) {
    INFO(kind);
    auto refused = f.engine->record_task(social_worker, RecordTaskRequest{id, kind, payload, std::nullopt});
    REQUIRE(refused.status().code() == Code::refused);
    CHECK_THAT(refused.status().message(), Catch::Contains("recorded only by a"));
    auto last = f.audit_of(id).back();
    CHECK(last.entry.action == "record");
    CHECK(last.entry.outcome == "refused");
    CHECK(last.entry.actor == social_worker);
  }
  f.record(id, "conference_decision", R"({"outcome":"plan","category":"neglect"})", conference_chair);
  CHECK(f.fire(id, "start_plan").outcome == FireOutcome::accepted);
}

TEST_CASE("an admin manages users but does not work cases", "[engine]") {
  EngineFixture f;
  auto opened = f.engine->open_case(admin, OpenCaseRequest{"child_protection", "C", "", std::nullopt, {}});
  CHECK(opened.status().code() == Code::refused);
  CHECK(f.engine->add_user(social_worker, User{"new.user", "", Role::social_worker, "", true}).code() == Code::refused);
  // A worker's cases are their team's: no team, no user.
  CHECK(f.engine->add_user(admin, User{"new.user", "", Role::social_worker, "", true}).to_string() ==
        "invalid_input: a social_worker needs a team (--team)");
  CHECK(f.engine->add_user(admin, User{"new.user", "", Role::social_worker, "north", true}).is_ok());
  CHECK(f.engine->add_user(admin, User{"new.user", "", Role::social_worker, "north", true}).code() ==
        Code::invalid_input);
  CHECK(f.engine->add_user(admin, User{"bad id!", "", Role::social_worker, "", true}).code() == Code::invalid_input);
  CHECK(f.engine->init("second.admin", "").code() == Code::refused);
}

TEST_CASE("unknown and inactive users are refused before anything happens", "[engine]") {
  EngineFixture f;
  CaseId id = f.open_case();
  auto unknown = f.engine->fire("nobody", FireRequest{id, "refer_to_strategy", false, "", std::nullopt});
  CHECK(unknown.status().code() == Code::not_found);
  CHECK(unknown.status().message() == "user 'nobody' does not exist");

  REQUIRE(f.engine->set_user_active(admin, social_worker, false).is_ok());
  auto inactive =
      f.engine->record_task(social_worker, RecordTaskRequest{id, "referral_decision", significant_harm, std::nullopt});
  CHECK(inactive.status().code() == Code::denied);
  CHECK_THAT(inactive.status().message(), Catch::Contains("inactive"));
  CHECK(f.audit_of(id).back().entry.outcome == "denied");
  // Read-only commands too.
  CHECK(f.engine->list_users(social_worker).status().code() == Code::denied);
  CHECK(f.engine->settings(social_worker).status().code() == Code::denied);
  CHECK(f.engine->calendar(social_worker).status().code() == Code::denied);
  CHECK(f.engine->settings("nobody").status().to_string() == "not_found: user 'nobody' does not exist");
  REQUIRE(f.engine->set_user_active(admin, social_worker, true).is_ok());
  CHECK(f.engine->record_task(social_worker, RecordTaskRequest{id, "referral_decision", significant_harm, std::nullopt})
            .is_ok());
}

TEST_CASE("unknown cases, events, kinds and workflows get errors that name them", "[engine]") {
  EngineFixture f;
  CaseId id = f.open_case();
  auto no_case = f.engine->fire(social_worker, FireRequest{999, "refer_to_strategy", false, "", std::nullopt});
  CHECK(no_case.status().to_string() == "not_found: case 999 does not exist");
  auto no_event = f.engine->fire(social_worker, FireRequest{id, "teleport", false, "", std::nullopt});
  CHECK(no_event.status().to_string() == "invalid_input: unknown event 'teleport' for workflow child_protection");
  auto no_kind = f.engine->record_task(social_worker, RecordTaskRequest{id, "horoscope", "{}", std::nullopt});
  CHECK(no_kind.status().to_string() == "invalid_input: unknown task kind 'horoscope'");
  auto no_workflow = f.engine->open_case(social_worker, OpenCaseRequest{"adoption", "C", "", std::nullopt, {}});
  CHECK(no_workflow.status().to_string() == "invalid_input: unknown workflow 'adoption'");
  auto no_status = f.engine->status(social_worker, 404);
  CHECK(no_status.status().code() == Code::not_found);
}

TEST_CASE("an event not valid in the state is refused with the events that are", "[engine]") {
  EngineFixture f;
  CaseId id = f.open_case();
  FireResult refused = f.fire(id, "start_plan");
  CHECK(refused.outcome == FireOutcome::refused);
  CHECK(refused.refusal == RefusalReason::not_valid_in_state);
  CHECK(refused.message ==
        "start_plan is not valid in state referral; valid: refer_to_strategy, step_down, close_no_further_action");
  auto audit = f.audit_of(id).back();
  CHECK(audit.entry.outcome == "refused");
  CHECK(detail_of(audit)["missing"] == json::array());
}

TEST_CASE("a team manager overrides a gate with a reason, and the override is audited", "[engine][override]") {
  EngineFixture f;
  CaseId id = f.open_case();
  auto by_worker = f.engine->fire(social_worker, FireRequest{id, "refer_to_strategy", true, "urgent", std::nullopt});
  CHECK(by_worker.status().to_string() == "refused: a social_worker may not override a gate on a case");
  CHECK(f.state_of(id) == "referral");

  auto no_reason = f.engine->fire(team_manager, FireRequest{id, "refer_to_strategy", true, " ", std::nullopt});
  CHECK(no_reason.status().to_string() == "invalid_input: override reason must not be empty");

  auto overridden = f.engine->fire(
      team_manager, FireRequest{id, "refer_to_strategy", true, "police at the door; decision to follow", std::nullopt});
  REQUIRE(overridden.is_ok());
  CHECK(overridden->outcome == FireOutcome::override);
  CHECK(overridden->to == "strategy_discussion");
  REQUIRE(overridden->missing.size() == 1);
  CHECK(overridden->missing[0].task == "referral_decision");

  auto audit = f.audit_of(id);
  auto entry =
      std::find_if(audit.begin(), audit.end(), [](const AuditEntry& e) { return e.entry.outcome == "override"; });
  REQUIRE(entry != audit.end());
  CHECK(entry->entry.actor == team_manager);
  json detail = detail_of(*entry);
  CHECK(detail["reason"] == "police at the door; decision to follow");
  CHECK(detail["missing"][0]["task"] == "referral_decision");
  CHECK(detail["from"] == "referral");
  CHECK(detail["to"] == "strategy_discussion");
}

TEST_CASE("an override where nothing is missing is an ordinary acceptance", "[engine][override]") {
  EngineFixture f;
  CaseId id = f.open_case();
  f.record(id, "referral_decision", significant_harm);
  auto result =
      f.engine->fire(team_manager, FireRequest{id, "refer_to_strategy", true, "belt and braces", std::nullopt});
  REQUIRE(result.is_ok());
  CHECK(result->outcome == FireOutcome::accepted);
  CHECK(result->missing.empty());
}

TEST_CASE("a stale expected version is a conflict, audited, and changes nothing", "[engine]") {
  EngineFixture f;
  CaseId id = f.open_case();
  f.record(id, "referral_decision", significant_harm);
  auto stale = f.engine->fire(social_worker, FireRequest{id, "refer_to_strategy", false, "", 7});
  CHECK(stale.status().to_string() == "conflict: case 1 is at version 1, not the expected 7");
  CHECK(f.audit_of(id).back().entry.outcome == "conflict");
  auto current = f.engine->fire(social_worker, FireRequest{id, "refer_to_strategy", false, "", 1});
  REQUIRE(current.is_ok());
  CHECK(current->outcome == FireOutcome::accepted);
}

TEST_CASE("business times may not lie in the future or before the referral", "[engine]") {
  EngineFixture f;
  auto future =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", at("2026-03-02T09:06:00Z"), {}});
  CHECK(future.status().to_string() == "invalid_input: received_at 2026-03-02T09:06:00.000Z is in the future");
  auto skewed =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", at("2026-03-02T09:04:00Z"), {}});
  REQUIRE(skewed.is_ok());  // within the five minutes allowed for clock skew
  auto opened =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", at("2026-03-01T18:00:00Z"), {}});
  REQUIRE(opened.is_ok());
  auto early = f.engine->record_task(
      social_worker, RecordTaskRequest{opened->id, "referral_decision", significant_harm, at("2026-03-01T17:59:59Z")});
  CHECK(early.status().code() == Code::invalid_input);
  CHECK_THAT(early.status().message(), Catch::Contains("before case 2 was received"));
  auto held_yesterday = f.engine->record_task(
      social_worker, RecordTaskRequest{opened->id, "referral_decision", significant_harm, at("2026-03-01T19:00:00Z")});
  REQUIRE(held_yesterday.is_ok());
}

TEST_CASE("every command is audited with a chain that verifies", "[engine][audit]") {
  EngineFixture f;
  CaseId id = f.open_case();
  f.record(id, "referral_decision", significant_harm);
  f.fire(id, "refer_to_strategy");
  auto bad = f.engine->record_task(social_worker,
                                   RecordTaskRequest{id, "strategy_meeting", R"({"participants":[]})", std::nullopt});
  CHECK(bad.status().code() == Code::invalid_input);
  auto history = f.audit_of(id);
  std::vector<std::string> seen;
  for (const auto& e : history) seen.push_back(e.entry.action + ":" + e.entry.outcome);
  CHECK(seen == std::vector<std::string>{"open:accepted", "record:accepted", "fire:accepted", "record:invalid"});
  CHECK(detail_of(history[3])["error"] ==
        "strategy_meeting.participants: expected a non-empty list of {\"agency\", \"mode\"}");
  CHECK(detail_of(history[1])["payload_sha256"].get<std::string>().size() == 64);
  // The history view above is itself audited: the next read shows it.
  CHECK(f.audit_of(id).back().entry.action == "view");
  auto report = f.engine->verify();
  REQUIRE(report.is_ok());
  CHECK(report->ok);
  CHECK(report->entries_verified == 8 /*init, 7 users*/ + 4 + 2 /*views*/);
}

TEST_CASE("status lists every event of the state with what it still needs", "[engine]") {
  EngineFixture f;
  CaseId id = f.case_in_state("section_47_enquiry");
  f.record(id, "assessment", R"({"type":"section_47","outcome":"ongoing"})");
  auto status = f.engine->status(team_manager, id);
  REQUIRE(status.is_ok());
  REQUIRE(status->events.size() == 2);
  CHECK(status->events[0].event == "convene_initial_conference");
  CHECK(status->events[0].to == "initial_conference");
  CHECK_FALSE(status->events[0].ready);
  REQUIRE(status->events[0].missing.size() == 1);
  CHECK(status->events[0].missing[0].task == "voice_of_child");
  CHECK(status->events[1].event == "step_down");
  CHECK(status->events[1].missing.size() == 2);
  auto last = f.audit_of(id).back();
  CHECK(last.entry.action == "view");
  CHECK(detail_of(last)["view"] == "status");
}

namespace {

// Wraps the real audit log and fails the next append once, as if the disk filled between the
// case update and the audit entry.
class FailingAuditLog final : public ForwardingAuditLog {
 public:
  using ForwardingAuditLog::ForwardingAuditLog;
  bool fail_next_append = false;

  Result<AuditEntry> append(const AuditDraft& draft) override {
    if (fail_next_append) {
      fail_next_append = false;
      return Status::internal("disk full (injected)");
    }
    return ForwardingAuditLog::append(draft);
  }
};

}  // namespace

TEST_CASE("a failure between the state update and the audit append writes nothing", "[engine][atomicity]") {
  Storage storage = open_sqlite_store(":memory:").value();
  std::shared_ptr<CaseStore> cases = storage.cases;
  auto failing = std::make_shared<FailingAuditLog>(storage.audit);
  FailingAuditLog* store = failing.get();
  storage.audit = failing;
  EngineFixture f(std::move(storage));
  CaseId id = f.open_case();
  f.record(id, "referral_decision", significant_harm);

  store->fail_next_append = true;
  auto fired = f.engine->fire(social_worker, FireRequest{id, "refer_to_strategy", false, "", std::nullopt});
  CHECK(fired.status().to_string() == "internal: disk full (injected)");
  auto status = f.engine->status(team_manager, id);
  CHECK(status->record.state == "referral");
  CHECK(status->record.version == 1);

  store->fail_next_append = true;
  auto recorded = f.engine->record_task(
      social_worker, RecordTaskRequest{id, "assessment", R"({"type":"section_47","outcome":"x"})", std::nullopt});
  CHECK(recorded.status().code() == Code::internal);
  // The assessment was rolled back with its audit entry.
  auto tasks = cases->tasks_of(id);
  REQUIRE(tasks.is_ok());
  REQUIRE(tasks->size() == 1);
  CHECK(tasks->front().kind == "referral_decision");

  // Both failed attempts are audited afterwards in their own transactions, and the chain holds.
  auto history = f.audit_of(id);
  int errors = 0;
  for (const auto& e : history) errors += e.entry.outcome == "error";
  CHECK(errors == 2);
  CHECK(f.engine->verify()->ok);
}

TEST_CASE("free text that looks like SQL is stored as text and changes nothing else", "[engine][hostile]") {
  EngineFixture f;
  auto opened = f.engine->open_case(social_worker, OpenCaseRequest{"child_protection",
                                                                   "x'); DROP TABLE cases; --",
                                                                   "",
                                                                   std::nullopt,
                                                                   {{"school", "'; DELETE FROM audit_log; --"}}});
  REQUIRE(opened.is_ok());
  auto status = f.engine->status(team_manager, opened->id);
  CHECK(status->record.subject == "x'); DROP TABLE cases; --");
  CHECK(f.engine->verify()->ok);
  auto bad_attr =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", std::nullopt, {{"a b", "x"}}});
  CHECK(bad_attr.status().code() == Code::invalid_input);
  auto bad_subject =
      f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "caf\xC3", "", std::nullopt, {}});
  CHECK(bad_subject.status().to_string() == "invalid_input: subject is not valid UTF-8");
}
