#include "casegate/seed_reports.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "casegate/json.hpp"

namespace casegate {
namespace {

using nlohmann::json;
using days = std::chrono::duration<double, std::ratio<86400>>;

template <class T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

ReportDetail between(Instant from, Instant to) {
  return {{"from", format_instant(from)}, {"to", format_instant(to)}};
}

}  // namespace

Result<std::vector<VoiceRow>> voice_report(Engine& engine, std::string_view as, Instant from, Instant to,
                                           std::string_view team) {
  std::vector<VoiceRow> rows;
  Status status = engine.report(
      as, "voice", team, [&](OversightStore& store, const CaseScope& scope, ReportDetail& detail) -> Status {
        detail = between(from, to);
        auto stages = store.stages_with_first_task("voice_of_child", from, to, scope);
        if (!stages) return stages.status();
        for (StageTaskRow& stage : *stages) {
          VoiceRow row;
          row.case_id = stage.case_id;
          row.team = std::move(stage.team);
          row.stage = stage.stage;
          row.state = std::move(stage.state);
          row.stage_entered_at = stage.stage_entered_at;
          row.captured = stage.first_task.has_value();
          if (row.captured) {
            row.first_captured_at = stage.first_task->occurred_at;
            row.days_after_stage_began = days(*row.first_captured_at - row.stage_entered_at).count();
            auto payload = nlohmann::json::parse(stage.first_task->payload_json, nullptr, false);
            if (payload.is_object()) {
              if (payload.contains("child_seen")) row.child_seen = payload["child_seen"].get<bool>();
              if (payload.contains("seen_alone")) row.seen_alone = payload["seen_alone"].get<bool>();
              row.method = payload.value("method", "");
              row.advocate = payload.value("advocate", "");
            }
          }
          rows.push_back(std::move(row));
        }
        return Status::ok();
      });
  if (!status) return status;
  return rows;
}

Result<std::vector<StrategyMeetingRow>> strategy_meetings_report(Engine& engine, std::string_view as, Instant from,
                                                                 Instant to, std::string_view team) {
  std::vector<StrategyMeetingRow> rows;
  Status status = engine.report(
      as, "strategy_meetings", team,
      [&](OversightStore& store, const CaseScope& scope, ReportDetail& detail) -> Status {
        detail = between(from, to);
        auto tasks = store.tasks_against_clock("strategy_meeting", "strategy_discussion", from, to, scope);
        if (!tasks) return tasks.status();
        for (TaskAgainstClockRow& task : *tasks) {
          StrategyMeetingRow row;
          row.task_id = task.task_id;
          row.case_id = task.case_id;
          row.team = std::move(task.team);
          row.occurred_at = task.occurred_at;
          auto payload = nlohmann::json::parse(task.payload_json, nullptr, false);
          if (payload.is_object() && payload.contains("participants"))
            for (const auto& p : payload["participants"])
              row.participants.emplace_back(p.value("agency", ""), p.value("mode", ""));
          if (!task.clock_due_at) {
            row.timeliness = "no clock";
          } else {
            row.due_at = task.clock_due_at;
            row.allowed_hours =
                std::chrono::duration_cast<std::chrono::hours>(*task.clock_due_at - *task.clock_started_at).count();
            row.timeliness = row.occurred_at <= *row.due_at ? "within" : "late";
          }
          rows.push_back(std::move(row));
        }
        return Status::ok();
      });
  if (!status) return status;
  return rows;
}

std::vector<StrategyMeetingTeamRow> strategy_meetings_by_team(const std::vector<StrategyMeetingRow>& rows) {
  std::map<std::string, StrategyMeetingTeamRow> teams;
  for (const auto& r : rows) {
    StrategyMeetingTeamRow& t = teams[r.team];
    t.team = r.team;
    ++t.held;
    ++(r.timeliness == "within" ? t.within : r.timeliness == "late" ? t.late : t.no_clock);
    for (const auto& [agency, mode] : r.participants) ++t.agencies[agency][mode];
  }
  std::vector<StrategyMeetingTeamRow> list;
  for (auto& [team, row] : teams) list.push_back(std::move(row));
  return list;
}

Result<std::vector<ActionsRow>> actions_report(Engine& engine, std::string_view as, std::optional<Instant> as_of,
                                               bool by_theme) {
  std::vector<ActionsRow> rows;
  // Counts of every action, whatever the user's scope: an aggregate.
  Status status =
      engine.report(as, "actions", {}, [&](OversightStore& store, const CaseScope&, ReportDetail& detail) -> Status {
        Instant when = as_of.value_or(engine.clock().now());
        detail = {{"as_of", format_instant(when)}};
        auto outcomes = store.clock_outcomes("improvement_action", "target", when, by_theme ? "theme" : "");
        if (!outcomes) return outcomes.status();
        for (const ClockOutcomeRow& o : *outcomes)
          if (by_theme || o.met_on_time + o.met_late + o.open_overdue + o.open_on_time > 0)
            rows.push_back({o.group, o.met_on_time, o.met_late, o.open_overdue, o.open_on_time});
        return Status::ok();
      });
  if (!status) return status;
  return rows;
}

namespace {

std::string text_field(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ActionTask action_task(const TaskRecord& task) {
  ActionTask out{task.id, task.actor, task.occurred_at, {}, {}, {}, std::nullopt};
  json payload = json::parse(task.payload_json, nullptr, false);
  if (!payload.is_object()) return out;
  out.description = text_field(payload, "description");
  out.link = text_field(payload, "link");
  out.note = text_field(payload, "note");
  if (auto it = payload.find("effective"); it != payload.end() && it->is_boolean()) out.effective = it->get<bool>();
  return out;
}

std::string standing(const ClockRecord& clock, Instant when) {
  if (clock.met_at) return *clock.met_at <= clock.due_at ? "completed_on_time" : "completed_late";
  if (clock.stopped) return "";
  return clock.due_at < when ? "open_overdue" : "open_on_track";
}

}  // namespace

Result<std::vector<ActionRow>> action_list_report(Engine& engine, std::string_view as, std::optional<Instant> as_of,
                                                  std::string_view team) {
  constexpr std::string_view workflow = "improvement_action";
  std::vector<ActionRow> rows;
  Status status = engine.report(
      as, "actions", team, [&](OversightStore& store, const CaseScope& scope, ReportDetail& detail) -> Status {
        Instant when = as_of.value_or(engine.clock().now());
        detail = {{"as_of", format_instant(when)}, {"by", "action"}};
        std::map<CaseId, std::size_t> row_of;
        CaseQuery query;
        query.workflow = workflow;
        query.limit = 1000;
        for (;;) {
          auto page = store.list_cases(query, scope);
          if (!page) return page.status();
          for (const CaseRecord& c : *page) {
            json attributes = json::parse(c.attributes_json, nullptr, false);
            if (!attributes.is_object()) attributes = json::object();
            row_of[c.id] = rows.size();
            ActionRow row;
            row.case_id = c.id;
            row.team = c.team;
            row.state = c.state;
            row.title = text_field(attributes, "title");
            row.theme = text_field(attributes, "theme");
            row.owner = text_field(attributes, "owner");
            row.target_date = text_field(attributes, "target_date");
            rows.push_back(std::move(row));
          }
          if (static_cast<std::int64_t>(page->size()) < query.limit) break;
          query.after = page->back().id;
        }
        auto clocks = store.workflow_clocks(workflow, "target", scope);
        if (!clocks) return clocks.status();
        for (const ClockRecord& clock : *clocks) {
          auto found = row_of.find(clock.case_id);
          if (found == row_of.end()) continue;  // not listed: none expected, the reads share one transaction
          ActionRow& row = rows[found->second];
          row.due_at = clock.due_at;
          row.completed_at = clock.met_at;
          row.standing = standing(clock, when);
        }
        for (auto [kind, field] :
             {std::pair{"evidence", &ActionRow::evidence}, std::pair{"audit_check", &ActionRow::audit_check},
              std::pair{"sign_off", &ActionRow::sign_off}}) {
          auto tasks = store.workflow_tasks(workflow, kind, scope);
          if (!tasks) return tasks.status();
          // In order of recording, so the newest of each kind is the one kept.
          for (const TaskRecord& task : *tasks)
            if (auto found = row_of.find(task.case_id); found != row_of.end())
              rows[found->second].*field = action_task(task);
        }
        return Status::ok();
      });
  if (!status) return status;
  return rows;
}

void to_json(json& out, const VoiceRow& r) {
  out = json{{"case", r.case_id},
             {"team", r.team},
             {"stage", r.stage},
             {"state", r.state},
             {"stage_entered_at", format_instant(r.stage_entered_at)},
             {"captured", r.captured},
             {"first_captured_at", time_or_null(r.first_captured_at)},
             {"days_after_stage_began",
              r.days_after_stage_began ? json(std::round(*r.days_after_stage_began * 10) / 10) : json(nullptr)},
             {"child_seen", optional_value(r.child_seen)},
             {"seen_alone", optional_value(r.seen_alone)},
             {"method", r.method.empty() ? json(nullptr) : json(r.method)},
             {"advocate", r.advocate.empty() ? json(nullptr) : json(r.advocate)}};
}

void to_json(json& out, const StrategyMeetingRow& r) {
  json participants = json::array();
  for (const auto& [agency, mode] : r.participants) participants.push_back(json{{"agency", agency}, {"mode", mode}});
  out = json{{"task_id", r.task_id},
             {"case", r.case_id},
             {"team", r.team},
             {"occurred_at", format_instant(r.occurred_at)},
             {"due_at", time_or_null(r.due_at)},
             {"allowed_hours", optional_value(r.allowed_hours)},
             {"timeliness", r.timeliness},
             {"participants", participants}};
}

void to_json(json& out, const StrategyMeetingTeamRow& row) {
  out = json{{"team", row.team}, {"held", row.held},         {"within", row.within},
             {"late", row.late}, {"no_clock", row.no_clock}, {"agencies", row.agencies}};
}

void to_json(json& out, const ActionsRow& row) {
  out = json{{"theme", row.theme.empty() ? json(nullptr) : json(row.theme)},
             {"completed_on_time", row.completed_on_time},
             {"completed_late", row.completed_late},
             {"open_overdue", row.open_overdue},
             {"open_on_track", row.open_on_track}};
}

namespace {

// A recorded task's own fields after the ones every task has.
json recorded(const ActionTask& task, const json& own) {
  json out{{"task_id", task.task_id}, {"by", task.by}, {"at", format_instant(task.at)}};
  out.update(own);
  return out;
}

}  // namespace

void to_json(json& out, const ActionRow& r) {
  out = json{
      {"case", r.case_id},
      {"team", r.team},
      {"title", r.title},
      {"theme", r.theme},
      {"owner", r.owner},
      {"target_date", r.target_date},
      {"state", r.state},
      {"due_at", time_or_null(r.due_at)},
      {"completed_at", time_or_null(r.completed_at)},
      {"standing", text_or_null(r.standing)},
      {"evidence", r.evidence ? recorded(*r.evidence, json::object({{"description", r.evidence->description},
                                                                    {"link", text_or_null(r.evidence->link)}}))
                              : json(nullptr)},
      {"audit_check",
       r.audit_check ? recorded(*r.audit_check, json::object({{"effective", optional_value(r.audit_check->effective)},
                                                              {"note", r.audit_check->note}}))
                     : json(nullptr)},
      {"sign_off", r.sign_off ? recorded(*r.sign_off, json::object({{"note", r.sign_off->note}})) : json(nullptr)}};
}

}  // namespace casegate
