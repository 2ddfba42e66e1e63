// improvement_action, version 1 (shared/design/workflows.md): one action of an inspection's
// improvement plan, from planned to signed off. One MSM machine per translation unit.
#include "casegate/msm.hpp"
#include "seed.hpp"

namespace casegate::workflows {
namespace {

using planned = state<"planned">;
using in_progress = state<"in_progress">;
using completed = state<"completed">;
using assured = state<"assured">;
using closed = final_state<"closed">;

using start = event<"start">;
using complete = event<"complete">;
using assure = event<"assure">;
using reopen = event<"reopen">;
using close = event<"close">;

using evidence_given = need<"evidence">;
using audit_found_effective = need<"audit_check", flag_is<"effective", true>>;
using audit_found_ineffective = need<"audit_check", flag_is<"effective", false>>;
using signed_off = need<"sign_off">;

struct improvement_action_v1 : machine<improvement_action_v1> {
  using initial_state = planned;
  // The table stays aligned in columns: it reads as the process it encodes.
  // clang-format off
  using transition_table = table<
      //      Start        Event     Next         Gate
      ungated<planned,     start,    in_progress>,
      gated<  in_progress, complete, completed,   evidence_given>,
      gated<  completed,   assure,   assured,     audit_found_effective>,
      gated<  completed,   reopen,   in_progress, audit_found_ineffective>,
      gated<  assured,     close,    closed,      signed_off>>;
  // clang-format on

  static std::vector<AttributeRule> required_attributes() {
    return {{"title", false}, {"theme", false}, {"owner", false}, {"target_date", true}};
  }

  static std::vector<ClockDefinition> clock_definitions() {
    return {{"target",
             "received_at (when the action was opened)",
             "the end of target_date (the agreed timescale)",
             {"", "completed"}}};
  }

  static ClockInputs clock_inputs() { return {{}, {"completed"}}; }

  static std::vector<ClockInstance> clocks(const ClockContext& c) {
    auto target = c.date_attribute("target_date");
    if (!target) return {};
    const StageRecord* done = c.first_stage("completed");
    return {{"target", 1, c.record.received_at, london_end_of_day(*target),
             done ? std::optional<Instant>(done->entered_at) : std::nullopt}};
  }
};

}  // namespace

std::shared_ptr<const Workflow> make_improvement_action_v1() {
  return std::make_shared<MsmWorkflow<improvement_action_v1>>("improvement_action", 1);
}

}  // namespace casegate::workflows
