#pragma once
// Oversight reports that belong to the seed workflows, written on Engine::report and the
// OversightStore's name-neutral queries: the child's voice in each stage, strategy meetings
// against their clock, improvement actions against their agreed timescale.

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "casegate/engine.hpp"

namespace casegate {

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

// Strategy meetings of one team: how many, judged against their clock, and which agencies took
// part in which mode.
struct StrategyMeetingTeamRow {
  std::string team;
  std::int64_t held = 0, within = 0, late = 0, no_clock = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> agencies;  // agency -> mode -> meetings
};
std::vector<StrategyMeetingTeamRow> strategy_meetings_by_team(const std::vector<StrategyMeetingRow>& rows);

// Improvement actions (workflow improvement_action) against their agreed timescale.
struct ActionsRow {
  std::string theme;  // empty when not grouped by theme
  std::int64_t completed_on_time = 0, completed_late = 0, open_overdue = 0, open_on_track = 0;
};

// A task recorded on an improvement action, as the action plan's audit reads it.
struct ActionTask {
  std::int64_t task_id = 0;
  std::string by;                       // who recorded it
  Instant at;                           // when it happened
  std::string description, link, note;  // evidence: description and link; audit check, sign-off: note
  std::optional<bool> effective;        // audit check only
};

// One improvement action: its target, how it stands against it, and the newest evidence, audit
// check and sign-off recorded on it. Each is empty when none was recorded, as when a team manager
// overrode the step: the list shows what was recorded, not what the state implies.
struct ActionRow {
  CaseId case_id = 0;
  std::string team, state, title, theme, owner, target_date;
  std::optional<Instant> due_at, completed_at;  // the target clock: when due, and when met
  std::string standing;  // as ActionsRow's columns: completed_on_time, completed_late, open_overdue, open_on_track
  std::optional<ActionTask> evidence, audit_check, sign_off;
};

// Every stage entered between two times (of `team`'s cases; empty: all), with the first
// voice_of_child recorded in it. Audited as the view "voice".
Result<std::vector<VoiceRow>> voice_report(Engine& engine, std::string_view as, Instant from, Instant to,
                                           std::string_view team);
// Every strategy meeting held between two times, judged against the case's strategy_discussion
// clock. Audited as the view "strategy_meetings".
Result<std::vector<StrategyMeetingRow>> strategy_meetings_report(Engine& engine, std::string_view as, Instant from,
                                                                 Instant to, std::string_view team);
// Improvement actions completed within their target, late, open and overdue, open and on track;
// overall (no row when there are none) or per theme. Audited as the view "actions".
Result<std::vector<ActionsRow>> actions_report(Engine& engine, std::string_view as, std::optional<Instant> as_of,
                                               bool by_theme);
// Every improvement action of the cases in the user's scope (narrowed to `team`), by case, judged
// as of `as_of`. Audited as the view "actions" with by=action.
Result<std::vector<ActionRow>> action_list_report(Engine& engine, std::string_view as, std::optional<Instant> as_of,
                                                  std::string_view team);

// The JSON forms (CLI --json and export); field names are stable (docs/cli.md).
// {"case", "team", "stage", "state", "stage_entered_at", "captured", "first_captured_at",
//  "days_after_stage_began", "child_seen", "seen_alone", "method", "advocate"}
void to_json(nlohmann::json& out, const VoiceRow& row);
// {"task_id", "case", "team", "occurred_at", "due_at", "allowed_hours", "timeliness", "participants": [{"agency",
// "mode"}]}
void to_json(nlohmann::json& out, const StrategyMeetingRow& row);
// {"team", "held", "within", "late", "no_clock", "agencies": {agency: {mode: count}}}
void to_json(nlohmann::json& out, const StrategyMeetingTeamRow& row);
// {"theme", "completed_on_time", "completed_late", "open_overdue", "open_on_track"}
void to_json(nlohmann::json& out, const ActionsRow& row);
// {"case", "team", "title", "theme", "owner", "target_date", "state", "due_at", "completed_at", "standing",
//  "evidence": {"task_id", "by", "at", "description", "link"}, "audit_check": {"task_id", "by", "at", "effective",
//  "note"}, "sign_off": {"task_id", "by", "at", "note"}}; each task null when none was recorded.
void to_json(nlohmann::json& out, const ActionRow& row);

}  // namespace casegate
