// Clock upkeep inside a running command: the calendar and settings in force, and each case's
// clocks recomputed by its workflow and stored.
#include <algorithm>
#include <charconv>

#include "engine_impl.hpp"

namespace casegate {

Result<std::shared_ptr<const Calendar>> Engine::Impl::current_calendar() {
  auto data = cases().calendar();
  if (!data) return data.status();
  if (!calendar_cache || calendar_cache->version() != data->version ||
      calendar_cache->jurisdiction() != data->jurisdiction)
    calendar_cache = std::make_shared<const Calendar>(data->jurisdiction, data->changes, data->version);
  return calendar_cache;
}

Result<Settings> Engine::Impl::current_settings() {
  auto stored = cases().settings();
  if (!stored) return stored.status();
  std::map<std::string, std::int64_t, std::less<>> values;
  for (const auto& [key, value] : *stored) {
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    // Validated when set; a value edited in the file by hand falls back to the default.
    if (workflows.find_setting(key) && error == std::errc() && end == value.data() + value.size()) values[key] = number;
  }
  return Settings(workflows.settings(), std::move(values));
}

Status Engine::Impl::update_clocks(const Workflow& workflow, const CaseRecord& record,
                                   const std::vector<TaskRecord>* known_tasks) {
  const CaseId id = record.id;
  Result<std::vector<TaskRecord>> loaded = std::vector<TaskRecord>{};
  if (known_tasks == nullptr) loaded = cases().tasks_of(id);
  if (!loaded) return loaded.status();
  const ClockInputs& inputs = workflow.clock_inputs();
  // Only the kinds the clocks read; tasks this pass loaded itself are moved, not copied.
  std::vector<TaskRecord> tasks;
  if (known_tasks) {
    for (const TaskRecord& task : *known_tasks)
      if (inputs.reads_kind(task.kind)) tasks.push_back(task);
  } else {
    for (TaskRecord& task : *loaded)
      if (inputs.reads_kind(task.kind)) tasks.push_back(std::move(task));
  }
  std::vector<StageRecord> stages;
  if (!inputs.states.empty()) {
    auto all_stages = cases().stages_of(id);
    if (!all_stages) return all_stages.status();
    for (StageRecord& stage : *all_stages)
      if (inputs.reads_state(stage.state)) stages.push_back(std::move(stage));
  }
  auto stored = cases().clocks_of(id);
  if (!stored) return stored.status();
  auto calendar = current_calendar();
  if (!calendar) return calendar.status();
  auto settings = current_settings();
  if (!settings) return settings.status();
  ClockContext context{record, tasks, stages, **calendar, *settings};
  const bool finished = workflow.is_final(record.state);
  for (const ClockInstance& instance : workflow.clocks(context)) {
    auto same = std::find_if(stored->begin(), stored->end(), [&](const ClockRecord& c) {
      return c.clock == instance.clock && c.cycle == instance.cycle;
    });
    if (same == stored->end()) {
      ClockRecord started{id,
                          instance.clock,
                          instance.cycle,
                          instance.started_at,
                          instance.due_at,
                          format_date(london_date(instance.due_at)),
                          (*calendar)->version(),
                          instance.met_at,
                          finished && !instance.met_at,
                          record.team,
                          instance.anchor};
      if (auto s = cases().save_clock(started, nullptr); !s) return s;
      continue;
    }
    if (same->met_at || same->stopped) continue;
    const ClockRecord before = *same;
    // A deadline once set keeps its due time (calendar or setting changes do not move it), unless
    // an anchor that had not happened (an event awaited) now sets an earlier one.
    bool changed = false;
    if (instance.anchor != same->anchor) {
      same->anchor = instance.anchor;
      same->due_at = instance.due_at;
      same->due_date = format_date(london_date(instance.due_at));
      same->calendar_version = (*calendar)->version();
      changed = true;
    }
    if (instance.met_at) {
      same->met_at = instance.met_at;
      changed = true;
    }
    if (changed)
      if (auto s = cases().save_clock(*same, &before); !s) return s;
  }
  if (finished)
    for (ClockRecord& open : *stored)
      if (!open.met_at && !open.stopped) {
        const ClockRecord before = open;
        open.stopped = true;
        if (auto s = cases().save_clock(open, &before); !s) return s;
      }
  return Status::ok();
}

}  // namespace casegate
