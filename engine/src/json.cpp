#include "casegate/json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace casegate {

using nlohmann::json;

void to_json(json& out, const Requirement& requirement) {
  out = json::object();
  out["task"] = requirement.task;
  out["condition"] = requirement.conditions.empty() ? json(nullptr) : json(describe(requirement.conditions));
  out["role"] = requirement.role ? json(role_name(*requirement.role)) : json(nullptr);
  out["scope"] = scope_name(requirement.scope);
}

void to_json(json& out, const User& user) {
  out = json{{"id", user.id},
             {"name", user.name},
             {"role", role_name(user.role)},
             {"team", user.team},
             {"active", user.active}};
}

void to_json(json& out, const CaseRecord& record) {
  json attributes = json::parse(record.attributes_json, nullptr, false);
  out = json{{"case", record.id},
             {"workflow", record.workflow},
             {"workflow_version", record.workflow_version},
             {"subject", record.subject},
             {"team", record.team},
             {"state", record.state},
             {"version", record.version},
             {"received_at", format_instant(record.received_at)},
             {"opened_at", format_instant(record.opened_at)},
             {"state_entered_at", format_instant(record.state_entered_at)},
             {"allocated_to", text_or_null(record.allocated_to)},
             {"attributes", attributes.is_discarded() ? json::object() : attributes}};
}

void to_json(json& out, const CasePage& page) {
  out = json{{"cases", page.cases}, {"next", page.next ? json(*page.next) : json(nullptr)}};
}

void to_json(json& out, const AccessGrant& grant) {
  out = json{{"grant", grant.id},
             {"case", grant.case_id},
             {"user", grant.user},
             {"role", role_name(grant.role)},
             {"reason", grant.reason},
             {"granted_at", format_instant(grant.granted_at)},
             {"expires_at", format_instant(grant.expires_at)},
             {"reviewed_by", text_or_null(grant.reviewed_by)},
             {"reviewed_at", time_or_null(grant.reviewed_at)},
             {"review_note", text_or_null(grant.review_note)}};
}

void to_json(json& out, const GrantReport& report) {
  to_json(out, report.grant);
  json uses = json::array();
  for (const AuditEntry& use : report.uses)
    uses.push_back(json{{"seq", use.seq},
                        {"at", format_instant(use.entry.at)},
                        {"action", use.entry.action},
                        {"outcome", use.entry.outcome}});
  out["uses"] = std::move(uses);
}

void to_json(json& out, const FireResult& result) {
  out = json{{"case", result.case_id},    {"event", result.event},    {"outcome", fire_outcome_name(result.outcome)},
             {"from", result.from},       {"to", result.to},          {"missing", result.missing},
             {"message", result.message}, {"version", result.version}};
}

void to_json(json& out, const TaskReceipt& receipt) {
  out = json{{"task_id", receipt.task_id},
             {"case", receipt.case_id},
             {"kind", receipt.kind},
             {"state", receipt.state},
             {"payload", json::parse(receipt.payload_json, nullptr, false)}};
}

void to_json(json& out, const CaseStatus& status) {
  json events = json::array();
  for (const auto& e : status.events)
    events.push_back(json{{"event", e.event}, {"to", e.to}, {"ready", e.ready}, {"missing", e.missing}});
  out = json{{"case", status.record.id},
             {"workflow", status.record.workflow},
             {"workflow_version", status.record.workflow_version},
             {"subject", status.record.subject},
             {"team", status.record.team},
             {"allocated_to", text_or_null(status.record.allocated_to)},
             {"state", status.record.state},
             {"version", status.record.version},
             {"final", status.final},
             {"as_of", format_instant(status.as_of)},
             {"events", events},
             {"clocks", status.clocks}};
}

void to_json(json& out, const AuditEntry& entry) {
  json detail = json::parse(entry.entry.detail_json, nullptr, false);
  out = json{{"seq", entry.seq},
             {"at", format_instant(entry.entry.at)},
             {"case", entry.entry.case_id ? json(*entry.entry.case_id) : json(nullptr)},
             {"actor", entry.entry.actor},
             {"role", entry.entry.role},
             {"action", entry.entry.action},
             {"outcome", entry.entry.outcome},
             {"detail", detail.is_discarded() ? json(entry.entry.detail_json) : detail},
             {"prev_hash", entry.prev_hash},
             {"hash", entry.hash}};
}

void to_json(json& out, const ChainReport& report) {
  out = json{{"ok", report.ok},
             {"entries_verified", report.entries_verified},
             {"head", json{{"seq", report.head.seq}, {"hash", report.head.hash}}},
             {"first_bad_seq", report.ok ? json(nullptr) : json(report.first_bad_seq)},
             {"problem", report.ok ? json(nullptr) : json(report.problem)}};
}

void to_json(json& out, const TransitionInfo& transition) {
  out = json{{"from", transition.from}, {"event", transition.event}, {"to", transition.to}, {"gate", transition.gate}};
}

json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json export_row(const ExportTable& table, std::size_t row) {
  json object = json::object();
  const auto& values = table.rows[row];
  for (std::size_t c = 0; c < values.size(); ++c)
    object[table.columns[c]] = values[c] ? json(*values[c]) : json(nullptr);
  return object;
}

json time_or_null(const std::optional<Instant>& at) {
  return at ? json(format_instant(*at)) : json(nullptr);
}

void to_json(json& out, const Workflow& w) {
  json states = json::array(), clocks = json::array(), attributes = json::array();
  for (const auto& s : w.states()) states.push_back(json{{"name", s.name}, {"initial", s.initial}, {"final", s.final}});
  for (const auto& c : w.clock_definitions())
    clocks.push_back(json{{"clock", c.name}, {"anchor", c.anchor}, {"due", c.due}, {"met_by", describe(c.met_by)}});
  for (const auto& a : w.required_attributes()) attributes.push_back(json{{"name", a.name}, {"date", a.is_date}});
  out =
      json{{"name", w.name()}, {"version", w.version()},           {"states", states}, {"transitions", w.transitions()},
           {"clocks", clocks}, {"required_attributes", attributes}};
}

void to_json(json& out, const ClockView& clock) {
  const ClockRecord& c = clock.record;
  out = json{{"clock", c.clock},
             {"cycle", c.cycle},
             {"started_at", format_instant(c.started_at)},
             {"due_at", format_instant(c.due_at)},
             {"due_date", c.due_date},
             {"state", clock_state_name(clock.state)},
             {"met_at", time_or_null(c.met_at)},
             {"delay_reason", clock.delay_reason.empty() ? json(nullptr) : json(clock.delay_reason)},
             {"calendar_version", c.calendar_version}};
}

namespace {
// A clock with its case.
json clock_row(const OverdueClock& o) {
  return json{{"case", o.clock.case_id},
              {"subject", o.subject},
              {"workflow", o.workflow},
              {"state", o.state},
              {"clock", o.clock.clock},
              {"cycle", o.clock.cycle},
              {"due_at", format_instant(o.clock.due_at)},
              {"due_date", o.clock.due_date},
              {"team", o.clock.team}};
}
// An open clock with its case and `days` after (overdue) or before (due) its due time.
json open_clock_row(const OverdueClock& o, std::string_view days_key, double days) {
  json row = clock_row(o);
  row[days_key] = std::round(days * 10) / 10;
  return row;
}
}  // namespace

void to_json(json& out, const OverdueReport& report) {
  json clocks = json::array();
  for (const auto& o : report.clocks) clocks.push_back(open_clock_row(o, "days_overdue", o.days_overdue));
  out = json{{"as_of", format_instant(report.as_of)},
             {"team", report.team.empty() ? json(nullptr) : json(report.team)},
             {"total", report.total},
             {"clocks", clocks}};
}

void to_json(json& out, const DueReport& report) {
  json clocks = json::array();
  for (const auto& o : report.clocks) clocks.push_back(open_clock_row(o, "days_until_due", -o.days_overdue));
  out = json{{"as_of", format_instant(report.as_of)},
             {"due_by", format_instant(report.due_by)},
             {"working_days", report.working_days},
             {"team", report.team.empty() ? json(nullptr) : json(report.team)},
             {"total", report.total},
             {"clocks", clocks}};
}

void to_json(json& out, const ClockListReport& report) {
  json clocks = json::array();
  for (const auto& o : report.clocks) {
    json row = clock_row(o);  // met clocks too: the times say how late, not a day count
    row["met_at"] = time_or_null(o.clock.met_at);
    clocks.push_back(std::move(row));
  }
  const ClockQuery& q = report.query;
  out = json{{"from", format_date(q.from)},
             {"to", format_date(q.to)},
             {"clock", q.clock.empty() ? json(nullptr) : json(q.clock)},
             {"outcome", q.outcome.empty() ? json(nullptr) : json(q.outcome)},
             {"as_of", format_instant(q.as_of)},
             {"team", report.team.empty() ? json(nullptr) : json(report.team)},
             {"total", report.total},
             {"clocks", clocks}};
}

void to_json(json& out, const CaseloadReport& report) {
  json states = json::array();
  for (const auto& row : report.states)
    states.push_back(
        json{{"workflow", row.workflow}, {"state", row.state}, {"final", row.final}, {"cases", row.cases}});
  out = json{
      {"team", report.team.empty() ? json(nullptr) : json(report.team)}, {"open", report.open}, {"states", states}};
}

void to_json(json& out, const TimelinessReport& report) {
  json rows = json::array();
  for (const auto& r : report.rows)
    rows.push_back(
        json{{"clock", r.clock},
             {"team", report.by == "team" ? json(r.team) : json(nullptr)},
             {"met_on_time", r.met_on_time},
             {"met_late", r.met_late},
             {"overdue", r.overdue},
             {"running", r.running},
             {"percent_on_time", r.percent_on_time ? json(std::round(*r.percent_on_time * 10) / 10) : json(nullptr)}});
  out = json{{"from", format_date(report.from)},
             {"to", format_date(report.to)},
             {"as_of", format_instant(report.as_of)},
             {"by", report.by},
             {"rows", rows}};
}

void to_json(json& out, const SettingView& setting) {
  out = json{
      {"key", setting.key}, {"value", setting.value}, {"default", setting.is_default}, {"meaning", setting.meaning}};
}

}  // namespace casegate
