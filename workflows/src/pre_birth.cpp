// pre_birth, version 1 (shared/design/workflows.md): an unborn child's case, from referral to
// a plan and a review after the birth. One MSM machine per translation unit.
#include "casegate/msm.hpp"
#include "seed.hpp"

namespace casegate::workflows {
namespace {

using pre_birth_referral = state<"pre_birth_referral">;
using pre_birth_assessment = state<"pre_birth_assessment">;
using pre_birth_conference = state<"pre_birth_conference">;
using pre_birth_plan = state<"pre_birth_plan">;
using post_birth_review = state<"post_birth_review">;
using child_in_need = state<"child_in_need">;
using closed = final_state<"closed">;

using start_assessment = event<"start_assessment">;
using convene_conference = event<"convene_conference">;
using start_plan = event<"start_plan">;
using no_plan = event<"no_plan">;
using born = event<"born">;
using continue_plan = event<"continue_plan">;
using end_plan = event<"end_plan">;
using close_case = event<"close_case">;

using referral_decided = need<"referral_decision">;
using pre_birth_assessment_done = need<"assessment", field_is<"type", "pre_birth">>;
using strategy_meeting_held = need<"strategy_meeting">;
// An unborn child cannot be seen: their voice comes through observation or the parents' account.
using unborn_voice_captured =
    need<"voice_of_child", all_of<field_in<"method", "observation", "parent_report">, flag_is<"child_seen", false>>>;
using manager_oversight = need<"management_oversight">;
using birth_recorded = need<"birth">;
template <fixed_string Outcome>
using conference_outcome = need<"conference_decision", field_is<"outcome", Outcome>>;

struct pre_birth_v1 : machine<pre_birth_v1> {
  using initial_state = pre_birth_referral;
  // The table stays aligned in columns: it reads as the process it encodes.
  // clang-format off
  using transition_table = table<
      //    Start                 Event               Next                  Gate
      gated<pre_birth_referral,   start_assessment,   pre_birth_assessment, referral_decided>,
      gated<pre_birth_assessment, convene_conference, pre_birth_conference, pre_birth_assessment_done, strategy_meeting_held, unborn_voice_captured>,
      gated<pre_birth_conference, start_plan,         pre_birth_plan,       conference_outcome<"plan">>,
      gated<pre_birth_conference, no_plan,            child_in_need,        conference_outcome<"no_plan">>,
      gated<pre_birth_plan,       born,               post_birth_review,    birth_recorded>,
      // Continuing the plan moves the child into child_protection, outside this workflow: the
      // pre-birth case closes with a manager's oversight.
      gated<post_birth_review,    continue_plan,      closed,               conference_outcome<"continue">, manager_oversight>,
      gated<post_birth_review,    end_plan,           child_in_need,        conference_outcome<"end">>,
      gated<child_in_need,        close_case,         closed,               manager_oversight>>;
  // clang-format on

  static std::vector<AttributeRule> required_attributes() { return {{"expected_delivery_date", true}}; }

  static std::vector<ClockDefinition> clock_definitions() {
    return {
        {"assessment", "received_at", "assessment.working_days (45) working days", {"assessment"}},
        {"pre_birth_conference",
         "received_at",
         "the expected_delivery_date less pre_birth_conference.weeks_before_delivery (6) weeks (34 weeks of pregnancy)",
         {"conference_decision", "pre_birth_conference"}},
        {"post_birth_review",
         "the pre-birth conference's plan decision; the birth, once it happens",
         "the earlier of post_birth_review.months (3) calendar months after the decision and "
         "post_birth_review.working_days_after_birth (10) working days after the birth date",
         {"conference_decision", "post_birth_review"}},
    };
  }

  static ClockInputs clock_inputs() { return {{"assessment", "conference_decision", "birth"}, {}}; }

  static std::vector<ClockInstance> clocks(const ClockContext& c) {
    std::vector<ClockInstance> out;
    auto met = [](const TaskRecord* task) { return task ? std::optional<Instant>(task->occurred_at) : std::nullopt; };
    const Instant received = c.record.received_at;
    out.push_back({"assessment", 1, received, c.working_days_after(received, c.settings.get("assessment.working_days")),
                   met(c.first("assessment"))});
    if (auto delivery = c.date_attribute("expected_delivery_date")) {
      Date due =
          add_days(*delivery, -7 * static_cast<int>(c.settings.get("pre_birth_conference.weeks_before_delivery")));
      out.push_back({"pre_birth_conference", 1, received, london_end_of_day(due),
                     met(c.first("conference_decision", 0,
                                 [](const TaskRecord& t) { return t.state == "pre_birth_conference"; }))});
    }
    const TaskRecord* plan = c.first("conference_decision", 0, [&c](const TaskRecord& t) {
      return t.state == "pre_birth_conference" && c.text_field(t, "outcome") == "plan";
    });
    if (plan) {
      ClockInstance review{
          "post_birth_review",
          1,
          plan->occurred_at,
          c.months_after(plan->occurred_at, c.settings.get("post_birth_review.months")),
          met(c.first("conference_decision", 0, [](const TaskRecord& t) { return t.state == "post_birth_review"; })),
          "conference"};
      // The birth is ignored until it happens; then the earlier deadline wins.
      if (const TaskRecord* birth = c.first("birth")) {
        if (auto date = parse_date(c.text_field(*birth, "date"))) {
          Instant after_birth = london_end_of_day(c.calendar.add_working_days(
              *date, static_cast<int>(c.settings.get("post_birth_review.working_days_after_birth"))));
          if (after_birth < review.due_at) {
            review.due_at = after_birth;
            review.anchor = "birth";
          }
        }
      }
      out.push_back(review);
    }
    return out;
  }
};

}  // namespace

std::shared_ptr<const Workflow> make_pre_birth_v1() {
  return std::make_shared<MsmWorkflow<pre_birth_v1>>("pre_birth", 1);
}

}  // namespace casegate::workflows
