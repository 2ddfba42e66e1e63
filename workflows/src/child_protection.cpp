// child_protection, version 1 (shared/design/workflows.md): referral to plan, with the
// statutory gates. One MSM machine per translation unit.
#include "msm_workflow.hpp"
#include "seed.hpp"

namespace casegate::workflows {
namespace {

using referral = state<"referral">;
using strategy_discussion = state<"strategy_discussion">;
using section_47_enquiry = state<"section_47_enquiry">;
using initial_conference = state<"initial_conference">;
using child_protection_plan = state<"child_protection_plan">;
using review_conference = state<"review_conference">;
using child_in_need = state<"child_in_need">;
using closed = final_state<"closed">;

using refer_to_strategy = event<"refer_to_strategy">;
using step_down = event<"step_down">;
using close_no_further_action = event<"close_no_further_action">;
using start_section_47 = event<"start_section_47">;
using no_section_47 = event<"no_section_47">;
using convene_initial_conference = event<"convene_initial_conference">;
using start_plan = event<"start_plan">;
using no_plan = event<"no_plan">;
using convene_review = event<"convene_review">;
using continue_plan = event<"continue_plan">;
using end_plan = event<"end_plan">;
using close_case = event<"close_case">;

using significant_harm_decision = need<"referral_decision", field_is<"decision", "significant_harm">>;
using child_in_need_decision = need<"referral_decision", field_is<"decision", "child_in_need">>;
using no_further_action_decision = need<"referral_decision", field_is<"decision", "no_further_action">>;
using multi_agency_strategy_meeting =
    need<"strategy_meeting", participants_include<"social_care", "police", "health">>;
using strategy_meeting_held = need<"strategy_meeting">;
using assessment_done = need<"assessment">;
using child_voice_captured = need<"voice_of_child">;
using manager_oversight = need<"management_oversight">;
using core_group_held = need<"core_group">;
template <fixed_string Outcome>
using conference_outcome = need<"conference_decision", field_is<"outcome", Outcome>>;

struct child_protection_v1 : machine<child_protection_v1> {
  using initial_state = referral;
  using transition_table = table<
      //    Start                  Event                        Next                    Gate
      gated<referral,              refer_to_strategy,           strategy_discussion,    significant_harm_decision>,
      gated<referral,              step_down,                   child_in_need,          child_in_need_decision>,
      gated<referral,              close_no_further_action,     closed,                 no_further_action_decision, manager_oversight>,
      gated<strategy_discussion,   start_section_47,            section_47_enquiry,     multi_agency_strategy_meeting>,
      gated<strategy_discussion,   no_section_47,               child_in_need,          strategy_meeting_held, manager_oversight>,
      gated<section_47_enquiry,    convene_initial_conference,  initial_conference,     assessment_done, child_voice_captured>,
      gated<section_47_enquiry,    step_down,                   child_in_need,          assessment_done, child_voice_captured, manager_oversight>,
      gated<initial_conference,    start_plan,                  child_protection_plan,  conference_outcome<"plan">>,
      gated<initial_conference,    no_plan,                     child_in_need,          conference_outcome<"no_plan">>,
      gated<child_protection_plan, convene_review,              review_conference,      core_group_held, child_voice_captured>,
      gated<review_conference,     continue_plan,               child_protection_plan,  conference_outcome<"continue">>,
      gated<review_conference,     end_plan,                    child_in_need,          conference_outcome<"end">>,
      gated<child_in_need,         close_case,                  closed,                 child_voice_captured, manager_oversight>>;
};

}  // namespace

std::shared_ptr<const Workflow> make_child_protection_v1() {
  return std::make_shared<MsmWorkflow<child_protection_v1>>("child_protection", 1);
}

}  // namespace casegate::workflows
