// The seed workflows' task kinds with their payload rules (workflows.md, "Task kinds and payload
// rules"), and the settings their clocks read.
#include <nlohmann/json.hpp>

#include "casegate/seed_task_kinds.hpp"
#include "seed.hpp"

namespace casegate::workflows {
namespace {

using nlohmann::json;

// Built on use, not at static initialisation: a registry may be built by another translation
// unit's static initialiser, before this one's would have run.
std::vector<std::string> agencies() {
  return {"social_care", "police", "health", "education", "gp", "referrer", "other"};
}
std::vector<std::string> meeting_modes() {
  return {"in_person", "phone", "video", "written"};
}
std::vector<std::string> abuse_categories() {
  return {"neglect", "physical_abuse", "sexual_abuse", "emotional_abuse"};
}

FieldRule text(std::string name, bool required = true) {
  return {std::move(name), FieldType::text, required};
}
FieldRule flag(std::string name, bool required = true) {
  return {std::move(name), FieldType::boolean, required};
}
FieldRule choice(std::string name, std::vector<std::string> choices, bool required = true) {
  return {std::move(name), FieldType::choice, required, std::move(choices)};
}

bool flag_or(const json& payload, const char* name, bool fallback) {
  auto it = payload.find(name);
  return it == payload.end() ? fallback : it->get<bool>();
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::vector<TaskKind> seed_kinds() {
  std::vector<TaskKind> kinds{
      {"referral_decision",
       {},
       {choice("decision", {"significant_harm", "child_in_need", "no_further_action"}),
        choice("urgency", {"immediate", "within_24h", "standard"}, false)},
       [](json& payload) {
         if (!payload.contains("urgency")) payload["urgency"] = "standard";
         return Status::ok();
       }},
      {"strategy_meeting",
       {},
       {{"participants",
         FieldType::record_list,
         true,
         {},
         {choice("agency", agencies()), choice("mode", meeting_modes())}}}},
      {"assessment", {}, {choice("type", {"child_and_family", "section_47", "pre_birth"}), text("outcome")}},
      {"voice_of_child",
       {},
       {flag("child_seen"), choice("method", {"direct", "observation", "advocate", "parent_report", "written"}),
        text("reason_not_seen", false), flag("seen_alone", false), text("advocate", false), text("summary", false)},
       [](json& payload) {
         bool seen = payload["child_seen"].get<bool>();
         if (!seen && !payload.contains("reason_not_seen"))
           return Status::invalid_input("voice_of_child.reason_not_seen: required when child_seen is false");
         if (!seen && flag_or(payload, "seen_alone", false))
           return Status::invalid_input("voice_of_child.seen_alone: cannot be true when child_seen is false");
         return Status::ok();
       }},
      {"management_oversight", {}, {text("decision")}},
      {"conference_decision",
       {},
       {choice("outcome", {"plan", "no_plan", "continue", "end"}), choice("category", abuse_categories(), false)},
       [](json& payload) {
         std::string outcome = payload["outcome"].get<std::string>();
         bool needs_category = outcome == "plan" || outcome == "continue";
         if (needs_category && !payload.contains("category"))
           return Status::invalid_input("conference_decision.category: required when outcome is " + outcome +
                                        " (one of " + joined(abuse_categories()) + ")");
         if (!needs_category && payload.contains("category"))
           return Status::invalid_input("conference_decision.category: only given when outcome is plan or continue");
         return Status::ok();
       }},
      {"core_group", {}, {{"attendees", FieldType::choice_list, true, agencies()}}},
      {"visit",
       {},
       {flag("child_seen"), flag("seen_alone"), text("reason_not_seen_alone", false)},
       [](json& payload) {
         bool seen = payload["child_seen"].get<bool>();
         bool alone = payload["seen_alone"].get<bool>();
         if (!seen && alone) return Status::invalid_input("visit.seen_alone: cannot be true when child_seen is false");
         if (!alone && !payload.contains("reason_not_seen_alone"))
           return Status::invalid_input("visit.reason_not_seen_alone: required when seen_alone is false");
         return Status::ok();
       }},
      {"birth", {}, {{"date", FieldType::date, true}}},
      {"evidence", {}, {text("description"), text("link", false)}},
      {"audit_check", {}, {flag("effective"), text("note")}},
      {"sign_off", {}, {text("note")}},
      {"delay_reason", {}, {text("clock"), text("reason")}, {}, TaskKind::DelayExplanation{"clock", "reason"}},
  };
  // Who may record each kind is what the gates were compiled with.
  for (TaskKind& kind : kinds) kind.recorded_only_by = find_seed_task_kind(kind.name)->recorded_only_by;
  return kinds;
}

std::vector<SettingDefinition> seed_settings() {
  return {
      {"referral_decision.working_days", 1, 0, 60, "a referral decision is due this many working days after receipt"},
      {"strategy_discussion.hours", 24, 1, 720,
       "a strategy discussion is due this many hours after a significant-harm decision"},
      {"strategy_discussion.immediate_hours", 4, 1, 720, "... when the decision's urgency is immediate"},
      {"assessment.working_days", 45, 1, 365, "an assessment is due this many working days after receipt"},
      {"initial_conference.working_days", 15, 1, 365,
       "an initial conference is due this many working days after the strategy meeting that started section 47"},
      {"core_group.working_days", 10, 1, 365,
       "the first core group is due this many working days after the initial conference's plan"},
      {"review_conference.first_months", 3, 1, 24,
       "the first review conference is due this many months after the initial conference"},
      {"review_conference.later_months", 6, 1, 24, "later reviews are due this many months after the previous review"},
      {"pre_birth_conference.weeks_before_delivery", 6, 0, 30,
       "a pre-birth conference is due this many weeks before the expected delivery date"},
      {"post_birth_review.months", 3, 1, 24,
       "a post-birth review is due this many months after the pre-birth conference's decision..."},
      {"post_birth_review.working_days_after_birth", 10, 1, 365,
       "... or this many working days after the birth, whichever is earlier"},
  };
}

}  // namespace

Status add_seed_catalogue(WorkflowRegistry& registry) {
  for (TaskKind& kind : seed_kinds())
    if (Status added = registry.add_task_kind(std::move(kind)); !added) return added;
  for (SettingDefinition& setting : seed_settings())
    if (Status added = registry.add_setting(std::move(setting)); !added) return added;
  return Status::ok();
}

}  // namespace casegate::workflows
