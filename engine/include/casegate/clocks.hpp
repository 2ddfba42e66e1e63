#pragma once
// Statutory clocks: a deadline that starts at an anchor (case received, a task's occurred_at, a
// decision), runs for a duration (hours, working days, calendar months) and is met by a task.
// Workflows compute their clocks from a case's facts (Workflow::clocks); the engine stores each
// clock the first time it starts, with the calendar version used, and keeps its due time.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "casegate/calendar.hpp"
#include "casegate/records.hpp"

namespace casegate {

// A state the case entered: stage n began at entered_at.
struct StageRecord {
  std::int64_t stage = 0;
  std::string state;
  Instant entered_at;
};

// A deployment setting a workflow's clocks read, with its default and bounds; workflows
// contribute theirs to the WorkflowRegistry (e.g. "strategy_discussion.hours" = 24).
struct SettingDefinition {
  std::string key;
  std::int64_t default_value;
  std::int64_t min, max;
  std::string meaning;
};

// The settings in force: every definition's default, unless overridden. Built for every clock
// pass, so it refers to the definitions rather than copying them.
class Settings {
 public:
  // REQUIRES: `definitions` outlives this.
  Settings(const std::vector<SettingDefinition>& definitions,
           std::map<std::string, std::int64_t, std::less<>> overrides);
  // REQUIRES: `key` is defined.
  std::int64_t get(std::string_view key) const;

 private:
  const std::vector<SettingDefinition>* definitions_;
  std::map<std::string, std::int64_t, std::less<>> overrides_;
};

// What a workflow reads to compute a case's clocks.
struct ClockContext {
  const CaseRecord& record;
  std::span<const TaskRecord> tasks;  // in recording order
  std::span<const StageRecord> stages;
  const Calendar& calendar;
  const Settings& settings;

  // The end of the nth working day after `anchor`'s London date.
  Instant working_days_after(Instant anchor, std::int64_t n) const;
  // The end of the London day `n` calendar months after `anchor`'s London date (clamped).
  Instant months_after(Instant anchor, std::int64_t n) const;
  // The first task of `kind` after task `after_id` (0: any) satisfying `matches`, or null.
  const TaskRecord* first(std::string_view kind, std::int64_t after_id = 0,
                          const std::function<bool(const TaskRecord&)>& matches = {}) const;
  // The stage that first entered `state`, or null.
  const StageRecord* first_stage(std::string_view state) const;
  // A date attribute given when the case was opened (validated then), or nullopt.
  std::optional<Date> date_attribute(std::string_view name) const;
  // A top-level text field of a task's payload, or "". A payload's fields are kept from one
  // command to the next on the same thread, so a case's clocks do not parse its tasks again.
  std::string text_field(const TaskRecord& task, std::string_view field) const;
};

// One clock of one case (cycle counts repeats, e.g. review conferences).
struct ClockInstance {
  std::string clock;
  std::int64_t cycle = 1;
  Instant started_at;
  Instant due_at;
  std::optional<Instant> met_at;
  // For a clock due at "the earlier of" several anchors: which one set due_at. When a later
  // anchor happens (a birth) and names another, the stored deadline moves to the new one.
  std::string anchor = {};
};

enum class ClockState { running, met, overdue, stopped };
std::string_view clock_state_name(ClockState state);

// A clock as stored and reported.
struct ClockRecord {
  CaseId case_id = 0;
  std::string clock;
  std::int64_t cycle = 1;
  Instant started_at;
  Instant due_at;
  std::string due_date;  // London date of due_at, YYYY-MM-DD
  std::int64_t calendar_version = 0;
  std::optional<Instant> met_at;
  bool stopped = false;  // the case was finished before the clock was met
  std::string team;
  std::string anchor;  // see ClockInstance::anchor

  // Met (on time or late), stopped, or else running or overdue as of `as_of`.
  ClockState state(Instant as_of) const;
};

}  // namespace casegate
