// Each seed workflow's clock_inputs() names everything its clocks read: the engine skips the
// clock pass for any other task kind or state, so an input left out would leave clocks stale.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "casegate/calendar.hpp"
#include "casegate/seed_workflows.hpp"
#include "casegate/sqlite_store.hpp"
#include "casegate/task_kinds.hpp"
#include "fixture.hpp"
#include "forwarding_store.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

const WorkflowRegistry& seeds() {
  static const WorkflowRegistry registry = seed_workflows();
  return registry;
}

// Every kind of the catalogue, with each payload variant the seed workflows look at.
const std::vector<std::pair<std::string, std::string>> every_kind_of_task{
    {"referral_decision", R"({"decision":"child_in_need","urgency":"within_24h"})"},
    {"referral_decision", R"({"decision":"significant_harm","urgency":"immediate"})"},
    {"strategy_meeting", R"({"participants":[{"agency":"social_care","mode":"in_person"}]})"},
    {"assessment", R"({"outcome":"concerns_substantiated","type":"section_47"})"},
    {"voice_of_child", R"({"child_seen":true,"method":"direct","seen_alone":true,"summary":"wants help"})"},
    {"management_oversight", R"({"decision":"agreed"})"},
    {"conference_decision", R"({"category":"neglect","outcome":"plan"})"},
    {"conference_decision", R"({"category":"neglect","outcome":"continue"})"},
    {"core_group", R"({"attendees":["social_care","health"]})"},
    {"visit", R"({"child_seen":true,"seen_alone":true})"},
    {"birth", R"({"date":"2026-05-01"})"},
    {"evidence", R"({"description":"training records"})"},
    {"audit_check", R"({"effective":true,"note":"sampled"})"},
    {"sign_off", R"({"note":"agreed"})"},
    {"delay_reason", R"({"clock":"assessment","reason":"family abroad"})"},
};

// A case that went through every state of `workflow` in table order, a week apart, with every
// kind of task recorded in every stage.
struct FullHistory {
  CaseRecord record;
  std::vector<StageRecord> stages;
  std::vector<TaskRecord> tasks;

  explicit FullHistory(const Workflow& workflow) {
    Instant start = at("2026-03-02T09:00:00Z");
    record.id = 1;
    record.workflow = workflow.name();
    record.received_at = start;
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& [key, value] : attributes_for(workflow.name())) attributes[key] = value;
    record.attributes_json = attributes.dump();
    std::int64_t task_id = 0;
    for (const StateInfo& state : workflow.states()) {
      Instant entered = start + std::chrono::hours(24 * 7 * static_cast<int>(stages.size()));
      stages.push_back({static_cast<std::int64_t>(stages.size()) + 1, state.name, entered});
      for (const auto& [kind, payload] : every_kind_of_task) {
        TaskRecord task;
        task.id = ++task_id;
        task.case_id = record.id;
        task.kind = kind;
        task.payload_json = seeds().task_kinds().validate_payload(kind, payload).value();
        task.state = state.name;
        task.stage = stages.back().stage;
        task.occurred_at = entered + std::chrono::minutes(task_id);
        task.recorded_at = task.occurred_at;
        tasks.push_back(task);
      }
    }
    record.state = stages.back().state;
    record.stage = stages.back().stage;
  }
};

std::vector<ClockInstance> clocks_seeing(const Workflow& workflow, const FullHistory& history, bool only_inputs) {
  const ClockInputs& inputs = workflow.clock_inputs();
  std::vector<TaskRecord> tasks;
  for (const auto& t : history.tasks)
    if (!only_inputs || inputs.reads_kind(t.kind)) tasks.push_back(t);
  std::vector<StageRecord> stages;
  for (const auto& s : history.stages)
    if (!only_inputs || inputs.reads_state(s.state)) stages.push_back(s);
  Calendar calendar(Jurisdiction::england_and_wales, {}, 1);
  Settings settings(seeds().settings(), {});
  return workflow.clocks(ClockContext{history.record, tasks, stages, calendar, settings});
}

std::string describe(const std::vector<ClockInstance>& clocks) {
  std::string text;
  for (const auto& c : clocks)
    text += c.clock + "#" + std::to_string(c.cycle) + " " + format_instant(c.started_at) + " due " +
            format_instant(c.due_at) + " met " + (c.met_at ? format_instant(*c.met_at) : "-") + " " + c.anchor + "\n";
  return text;
}

// Counts the clock reads and writes the engine asks of the store.
class CountingStore final : public ForwardingCaseStore {
 public:
  using ForwardingCaseStore::ForwardingCaseStore;
  int clock_reads = 0;
  Result<std::vector<ClockRecord>> clocks_of(CaseId id) override {
    ++clock_reads;
    return ForwardingCaseStore::clocks_of(id);
  }
};

}  // namespace

TEST_CASE("every seed workflow's clocks read only the kinds and states its clock_inputs name", "[clocks]") {
  WorkflowRegistry registry = seed_workflows();
  for (const Workflow* workflow : registry.all()) {
    INFO(workflow->name() << " v" << workflow->version());
    FullHistory history(*workflow);
    auto everything = clocks_seeing(*workflow, history, false);
    REQUIRE_FALSE(everything.empty());
    CHECK(describe(clocks_seeing(*workflow, history, true)) == describe(everything));
  }
}

TEST_CASE("clock inputs name only known task kinds and states of their workflow", "[clocks]") {
  WorkflowRegistry registry = seed_workflows();
  for (const Workflow* workflow : registry.all()) {
    INFO(workflow->name());
    for (const auto& kind : workflow->clock_inputs().task_kinds) CHECK(registry.task_kinds().find(kind) != nullptr);
    for (const auto& state : workflow->clock_inputs().states) CHECK(workflow->has_state(state));
  }
}

TEST_CASE("a task or a state no clock reads leaves the clocks unread; one they read updates them", "[clocks]") {
  Storage storage = open_sqlite_store(":memory:").value();
  auto counting = std::make_shared<CountingStore>(storage.cases);
  CountingStore& store = *counting;
  storage.cases = counting;
  EngineFixture f(std::move(storage));
  CaseId id = f.open_case();
  f.record(id, "referral_decision", R"({"decision":"significant_harm"})");
  int before = store.clock_reads;
  f.record(id, "voice_of_child", payload_for({"voice_of_child"}));
  CHECK(store.clock_reads == before);
  REQUIRE(f.fire(id, "refer_to_strategy").outcome == FireOutcome::accepted);  // strategy_discussion: not read
  CHECK(store.clock_reads == before);
  f.satisfy(id, {"strategy_meeting",
                 {{"participants", FieldCondition::Compare::includes, {"social_care", "police", "health"}, "agency"}}});
  CHECK(store.clock_reads == before + 1);
  REQUIRE(f.fire(id, "start_section_47").outcome == FireOutcome::accepted);  // read: starts initial_conference
  CHECK(store.clock_reads == before + 2);
  auto status = f.engine->status(team_manager, id);
  REQUIRE(status.is_ok());
  bool conference_clock = false;
  for (const auto& c : status->clocks) conference_clock |= c.record.clock == "initial_conference";
  CHECK(conference_clock);
}
