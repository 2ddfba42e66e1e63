#include "casegate/clocks.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace casegate {

Settings::Settings(const std::vector<SettingDefinition>& definitions,
                   std::map<std::string, std::int64_t, std::less<>> overrides)
    : definitions_(&definitions), overrides_(std::move(overrides)) {}

std::int64_t Settings::get(std::string_view key) const {
  if (auto it = overrides_.find(key); it != overrides_.end()) return it->second;
  for (const auto& d : *definitions_)
    if (d.key == key) return d.default_value;
  return 0;
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

namespace {

struct PayloadFields {
  std::string payload;  // compared on every hit: a task id can be reused after a rollback
  std::map<std::string, std::string, std::less<>> text;
};

// Recently read tasks' text fields, per thread so no lock is needed. Bounded by size rather than
// count (a payload may be 64 KiB, and a server runs many threads): cleared when full.
constexpr std::size_t max_cached_bytes = 256 * 1024;
thread_local std::unordered_map<std::int64_t, PayloadFields> cached_payloads;
thread_local std::size_t cached_bytes = 0;

const PayloadFields& fields_of(const TaskRecord& task) {
  auto hit = cached_payloads.find(task.id);
  if (hit != cached_payloads.end() && hit->second.payload == task.payload_json) return hit->second;
  // The payload kept, its fields (at most as long again) and the entry's own overhead.
  const std::size_t cost = 2 * task.payload_json.size() + 128;
  if (cached_bytes + cost > max_cached_bytes) {
    cached_payloads.clear();
    cached_bytes = 0;
  }
  cached_bytes += cost;
  PayloadFields fields{task.payload_json, {}};
  auto payload = nlohmann::json::parse(task.payload_json, nullptr, false);
  if (payload.is_object())
    for (const auto& [key, value] : payload.items())
      if (value.is_string()) fields.text.emplace(key, value.get<std::string>());
  return cached_payloads.insert_or_assign(task.id, std::move(fields)).first->second;
}

}  // namespace

std::string ClockContext::text_field(const TaskRecord& task, std::string_view field) const {
  const auto& text = fields_of(task).text;
  auto it = text.find(field);
  return it == text.end() ? std::string() : it->second;
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
