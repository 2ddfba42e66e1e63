#pragma once
// What managers review: overdue clocks, timeliness, refusals and overrides, the child's voice,
// strategy meetings; and full extraction of the tables.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "casegate/clocks.hpp"
#include "casegate/records.hpp"

namespace casegate {

struct OverdueClock {
  ClockRecord clock;
  std::string subject;
  std::string workflow;
  std::string state;
  double days_overdue = 0;  // as of the report's time, in days of 24 hours
};

struct OverdueReport {
  Instant as_of;
  std::string team;                  // empty: all teams
  std::int64_t total = 0;            // every overdue clock, even past `limit`
  std::vector<OverdueClock> clocks;  // oldest due first
};

struct TimelinessRow {
  std::string clock;
  std::string team;  // empty unless grouped by team
  std::int64_t met_on_time = 0, met_late = 0, overdue = 0, running = 0;
  // met_on_time / (met_on_time + met_late + overdue); null when none of those
  std::optional<double> percent_on_time;
};

struct TimelinessReport {
  Date from, to;  // clocks due on these London dates, inclusive
  Instant as_of;
  std::string by;  // "clock" or "team"
  std::vector<TimelinessRow> rows;
};

struct VoiceRow {
  CaseId case_id = 0;
  std::string team;
  std::int64_t stage = 0;
  std::string state;
  Instant stage_entered_at;
  bool captured = false;
  std::optional<Instant> first_captured_at;  // occurred_at of the first voice_of_child of the stage
  std::optional<double> days_after_stage_began;
  std::optional<bool> child_seen, seen_alone;
  std::string method, advocate;
};

struct StrategyMeetingRow {
  std::int64_t task_id = 0;
  CaseId case_id = 0;
  std::string team;
  Instant occurred_at;
  std::optional<Instant> due_at;              // the case's strategy_discussion clock
  std::optional<std::int64_t> allowed_hours;  // 24, or 4 when immediate
  std::string timeliness;                     // "within", "late", or "no clock" (no significant-harm decision)
  std::vector<std::pair<std::string, std::string>> participants;  // agency, mode
};

// Improvement actions (workflow improvement_action) against their agreed timescale.
struct ActionsRow {
  std::string theme;  // empty when not grouped by theme
  std::int64_t completed_on_time = 0, completed_late = 0, open_overdue = 0, open_on_track = 0;
};

// Rows of one of the exported tables: cases, tasks, audit, clocks.
struct ExportTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // null as nullopt
};

}  // namespace casegate
