// workflow check on a machine with every fault the linter looks for, and on the seed workflows.
#include "casegate/lint.hpp"

#include <catch2/catch.hpp>

#include "casegate/msm.hpp"
#include "casegate/seed_workflows.hpp"

using namespace casegate;
using namespace casegate::workflows;

namespace faulty {

using start = state<"start">;
using middle = state<"middle">;
using stuck = state<"stuck">;    // no way out, not final
using orphan = state<"orphan">;  // never reached
using done = final_state<"done">;

using go = event<"go">;
using finish = event<"finish">;
using wander = event<"wander">;
using revive = event<"revive">;

struct machine_v1 : machine<machine_v1> {
  using initial_state = start;
  // The table stays aligned in columns: it reads as the process it encodes.
  // clang-format off
  using transition_table = table<
      gated<start,  go,     middle, need<"referral_decision", field_is<"decision", "maybe">>>,
      gated<middle, finish, done,   need<"strategy_meeting", participants_include<"social_care", "army">>,
                                    need<"voice_of_child", flag_is<"child_seen", true>>>,
      ungated<middle, wander, stuck>,
      ungated<orphan, go,     start>,
      gated<done,   revive, start,  need<"conference_decision", field_is<"category", "bad_luck">>>>;
  // clang-format on

  static std::vector<ClockDefinition> clock_definitions() {
    return {{"decision", "received_at", "1 working day", {"horoscope"}},
            {"decision", "received_at", "2 working days", {"", "limbo"}},
            {"answer", "received_at", "5 days", {"voice_of_child", "orphan"}}};
  }
  static ClockInputs clock_inputs() { return {{"voice_of_child", "horoscope"}, {"limbo"}}; }
};

}  // namespace faulty

TEST_CASE("workflow check names every fault of a faulty workflow, one line each", "[workflows][lint]") {
  MsmWorkflow<faulty::machine_v1> workflow("faulty", 1);
  auto findings = lint_workflow(workflow, seed_workflows().task_kinds());
  auto has = [&](const std::string& text) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const std::string& f) { return f.find(text) != std::string::npos; });
  };
  for (const auto& f : findings) CHECK(f.rfind("faulty v1: ", 0) == 0);
  CHECK(has("state 'orphan' is not reachable from 'start'"));
  CHECK(has("state 'stuck' is not final and has no way out"));
  CHECK(has("final state 'done' has a way out"));
  CHECK(
      has("start --go--> middle: gate condition 'decision=maybe' can never hold: referral_decision.decision is never "
          "'maybe'"));
  CHECK(has("gate condition 'participants include social_care, army' can never hold: 'army' is not an agency"));
  CHECK(has("gate condition 'category=bad_luck' can never hold"));
  CHECK(has("clock 'decision' is met by unknown task kind 'horoscope'"));
  CHECK(has("clock 'decision' is met on entering 'limbo', which is not a state"));
  CHECK(has("clock name 'decision' is used twice"));
  CHECK(has("clock 'answer' is met in 'orphan', which is never reached"));
  CHECK(has("clocks read unknown task kind 'horoscope'"));
  CHECK(has("clocks read stages in 'limbo', which is not a state"));
  CHECK_FALSE(has("voice_of_child"));  // child_seen=true can hold
  CHECK(findings.size() == 12);
}

TEST_CASE("the seed workflows pass workflow check", "[workflows][lint]") {
  auto registry = seed_workflows();
  for (const Workflow* w : registry.all()) {
    INFO(w->name() << " v" << w->version());
    CHECK(lint_workflow(*w, registry.task_kinds()).empty());
  }
}
