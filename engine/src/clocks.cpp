#include "casegate/clocks.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace casegate {

const std::vector<Settings::Definition>& Settings::definitions() {
  static const std::vector<Definition> all{
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
  return all;
}

const Settings::Definition* Settings::find(std::string_view key) {
  for (const auto& d : definitions())
    if (d.key == key) return &d;
  return nullptr;
}

Settings::Settings(std::map<std::string, std::int64_t, std::less<>> overrides) : values_(std::move(overrides)) {}

std::int64_t Settings::get(std::string_view key) const {
  if (auto it = values_.find(key); it != values_.end()) return it->second;
  const Definition* definition = find(key);
  return definition ? definition->default_value : 0;
}

Instant ClockContext::working_days_after(Instant anchor, std::int64_t n) const {
  return london_end_of_day(calendar.add_working_days(london_date(anchor), static_cast<int>(n)));
}

Instant ClockContext::months_after(Instant anchor, std::int64_t n) const {
  return london_end_of_day(add_months(london_date(anchor), static_cast<int>(n)));
}

const TaskRecord* ClockContext::first(std::string_view kind, std::int64_t after_id,
                                      const std::function<bool(const TaskRecord&)>& matches) const {
  for (const auto& task : tasks)
    if (task.kind == kind && task.id > after_id && (!matches || matches(task))) return &task;
  return nullptr;
}

const StageRecord* ClockContext::first_stage(std::string_view state) const {
  for (const auto& stage : stages)
    if (stage.state == state) return &stage;
  return nullptr;
}

std::optional<Date> ClockContext::date_attribute(std::string_view name) const {
  auto attributes = nlohmann::json::parse(record.attributes_json, nullptr, false);
  if (!attributes.is_object()) return std::nullopt;
  auto it = attributes.find(name);
  if (it == attributes.end() || !it->is_string()) return std::nullopt;
  auto date = parse_date(it->get<std::string>());
  return date ? std::optional<Date>(*date) : std::nullopt;
}

std::string ClockContext::text_field(const TaskRecord& task, std::string_view field) const {
  auto cached = parsed_payloads.find(task.id);
  if (cached == parsed_payloads.end()) {
    std::map<std::string, std::string, std::less<>> fields;
    auto payload = nlohmann::json::parse(task.payload_json, nullptr, false);
    if (payload.is_object())
      for (const auto& [key, value] : payload.items())
        if (value.is_string()) fields.emplace(key, value.get<std::string>());
    cached = parsed_payloads.emplace(task.id, std::move(fields)).first;
  }
  auto it = cached->second.find(field);
  return it == cached->second.end() ? std::string() : it->second;
}

std::string_view clock_state_name(ClockState state) {
  switch (state) {
    case ClockState::running: return "running";
    case ClockState::met: return "met";
    case ClockState::overdue: return "overdue";
    case ClockState::stopped: return "stopped";
  }
  return "running";
}

ClockState ClockRecord::state(Instant as_of) const {
  if (met_at) return ClockState::met;
  if (stopped) return ClockState::stopped;
  return as_of > due_at ? ClockState::overdue : ClockState::running;
}

}  // namespace casegate
