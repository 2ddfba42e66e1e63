#pragma once
// child_protection (shared/design/workflows.md) as a Boost.MSM front-end, shared by its versions:
// each version instantiates it in a translation unit of its own.
#include "casegate/msm.hpp"

namespace casegate::workflows::child_protection_machine {

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
using multi_agency_strategy_meeting = need<"strategy_meeting", participants_include<"social_care", "police", "health">>;
using strategy_meeting_held = need<"strategy_meeting">;
using assessment_done = need<"assessment">;
using child_voice_captured = need<"voice_of_child">;
using manager_oversight = need<"management_oversight">;
using core_group_held = need<"core_group">;
template <fixed_string Outcome>
using conference_outcome = need<"conference_decision", field_is<"outcome", Outcome>>;

// The machine, by what convening a review needs: version 1 asks for a core group and the
// child's voice; version 2 also for a visit (the child seen alone, or why not).
template <class... ReviewNeeds>
struct child_protection : machine<child_protection<ReviewNeeds...>> {
  using initial_state = referral;
  // The table stays aligned in columns: it reads as the process it encodes.
  // clang-format off
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
      gated<child_protection_plan, convene_review,              review_conference,      ReviewNeeds...>,
      gated<review_conference,     continue_plan,               child_protection_plan,  conference_outcome<"continue">>,
      gated<review_conference,     end_plan,                    child_in_need,          conference_outcome<"end">>,
      gated<child_in_need,         close_case,                  closed,                 child_voice_captured, manager_oversight>>;
  // clang-format on

  static std::vector<ClockDefinition> clock_definitions() {
    return {
        {"referral_decision", "received_at", "referral_decision.working_days (1) working days", {"referral_decision"}},
        {"strategy_discussion",
         "occurred_at of the referral_decision with decision=significant_harm",
         "strategy_discussion.hours (24) hours; strategy_discussion.immediate_hours (4) when its urgency is immediate",
         {"strategy_meeting"}},
        {"assessment",
         "received_at, once a referral decision calls for one (significant_harm or child_in_need)",
         "assessment.working_days (45) working days",
         {"assessment"}},
        {"initial_conference",
         "occurred_at of the strategy_meeting that started section 47",
         "initial_conference.working_days (15) working days",
         {"conference_decision", "initial_conference"}},
        {"core_group",
         "occurred_at of the initial conference's decision with outcome=plan",
         "core_group.working_days (10) working days",
         {"core_group"}},
        {"review_conference",
         "the initial conference's plan decision, then each review's continue decision",
         "review_conference.first_months (3) calendar months, then review_conference.later_months (6)",
         {"conference_decision", "review_conference"}},
    };
  }

  static ClockInputs clock_inputs() {
    return {{"referral_decision", "strategy_meeting", "assessment", "conference_decision", "core_group"},
            {"section_47_enquiry"}};
  }

  static std::vector<ClockInstance> clocks(const ClockContext& c) {
    std::vector<ClockInstance> out;
    auto met = [](const TaskRecord* task) { return task ? std::optional<Instant>(task->occurred_at) : std::nullopt; };
    const Instant received = c.record.received_at;

    const TaskRecord* decision = c.first("referral_decision");
    out.push_back({"referral_decision", 1, received,
                   c.working_days_after(received, c.settings.get("referral_decision.working_days")), met(decision)});

    const TaskRecord* harm = c.first("referral_decision", 0, [&c](const TaskRecord& t) {
      return c.text_field(t, "decision") == "significant_harm";
    });
    if (harm) {
      bool immediate = c.text_field(*harm, "urgency") == "immediate";
      auto hours = c.settings.get(immediate ? "strategy_discussion.immediate_hours" : "strategy_discussion.hours");
      out.push_back({"strategy_discussion", 1, harm->occurred_at, harm->occurred_at + std::chrono::hours(hours),
                     met(c.first("strategy_meeting", harm->id))});
    }

    const TaskRecord* needs_assessment = c.first("referral_decision", 0, [&c](const TaskRecord& t) {
      auto d = c.text_field(t, "decision");
      return d == "significant_harm" || d == "child_in_need";
    });
    if (needs_assessment)
      out.push_back({"assessment", 1, received,
                     c.working_days_after(received, c.settings.get("assessment.working_days")),
                     met(c.first("assessment"))});

    // The strategy meeting that started section 47: the last one of the stage the enquiry followed.
    if (const StageRecord* enquiry = c.first_stage("section_47_enquiry")) {
      const TaskRecord* meeting = nullptr;
      for (const auto& t : c.tasks)
        if (t.kind == "strategy_meeting" && t.stage == enquiry->stage - 1) meeting = &t;
      if (meeting)
        out.push_back({"initial_conference", 1, meeting->occurred_at,
                       c.working_days_after(meeting->occurred_at, c.settings.get("initial_conference.working_days")),
                       met(c.first("conference_decision", 0,
                                   [](const TaskRecord& t) { return t.state == "initial_conference"; }))});
    }

    const TaskRecord* plan = c.first("conference_decision", 0, [&c](const TaskRecord& t) {
      return t.state == "initial_conference" && c.text_field(t, "outcome") == "plan";
    });
    if (plan) {
      out.push_back({"core_group", 1, plan->occurred_at,
                     c.working_days_after(plan->occurred_at, c.settings.get("core_group.working_days")),
                     met(c.first("core_group", plan->id))});
      // Reviews repeat: each continue decision starts the next review's clock.
      const TaskRecord* anchor = plan;
      auto months = c.settings.get("review_conference.first_months");
      for (std::int64_t cycle = 1; anchor != nullptr; ++cycle) {
        const TaskRecord* review = c.first("conference_decision", anchor->id,
                                           [](const TaskRecord& t) { return t.state == "review_conference"; });
        out.push_back({"review_conference", cycle, anchor->occurred_at, c.months_after(anchor->occurred_at, months),
                       met(review)});
        anchor = review && c.text_field(*review, "outcome") == "continue" ? review : nullptr;
        months = c.settings.get("review_conference.later_months");
      }
    }
    return out;
  }
};

}  // namespace casegate::workflows::child_protection_machine
