#pragma once
// The JSON forms of casegate's records: one definition used by the audit log, the CLI's --json
// output and embedders. Field names are stable (see docs/cli.md).

#include <nlohmann/json_fwd.hpp>

#include "casegate/engine.hpp"
#include "casegate/records.hpp"
#include "casegate/workflow.hpp"

namespace casegate {

// {"task", "condition" (null when none), "role" (null when any), "scope": "stage"|"case"}
void to_json(nlohmann::json& out, const Requirement& requirement);
// {"id", "name", "role", "team", "active"}
void to_json(nlohmann::json& out, const User& user);
// {"case", "workflow", "workflow_version", "subject", "team", "state", "version",
//  "received_at", "opened_at", "state_entered_at", "allocated_to" (null when not), "attributes"}
void to_json(nlohmann::json& out, const CaseRecord& record);
// {"cases": [case records], "next": the id to give as "after" for the next page, null on the last}
void to_json(nlohmann::json& out, const CasePage& page);
// {"grant", "case", "user", "role", "reason", "granted_at", "expires_at", "reviewed_by", "reviewed_at",
//  "review_note"} (the review's fields null until reviewed)
void to_json(nlohmann::json& out, const AccessGrant& grant);
// A grant's fields and "uses": [{"seq", "at", "action", "outcome"}], what was done under it
void to_json(nlohmann::json& out, const GrantReport& report);
// {"case", "event", "outcome", "from", "to", "missing", "message", "version"}
void to_json(nlohmann::json& out, const FireResult& result);
// {"task_id", "case", "kind", "state", "payload"}
void to_json(nlohmann::json& out, const TaskReceipt& receipt);
// {"case", "workflow", "workflow_version", "subject", "team", "allocated_to", "state", "version", "final",
//  "as_of", "events": [{"event", "to", "ready", "missing"}], "clocks"}
void to_json(nlohmann::json& out, const CaseStatus& status);
// {"seq", "at", "case", "actor", "role", "action", "outcome", "detail" (object), "prev_hash", "hash"}
void to_json(nlohmann::json& out, const AuditEntry& entry);
// {"ok", "entries_verified", "head": {"seq", "hash"}, "first_bad_seq", "problem"}
void to_json(nlohmann::json& out, const ChainReport& report);
// {"from", "event", "to", "gate": [requirements]}
void to_json(nlohmann::json& out, const TransitionInfo& transition);
// {"name", "version", "states": [{"name", "initial", "final"}], "transitions", "clocks": [{"clock", "anchor",
//  "due", "met_by"}], "required_attributes": [{"name", "date"}]}
void to_json(nlohmann::json& out, const Workflow& workflow);
// {"clock", "cycle", "started_at", "due_at" (UTC), "due_date" (London), "state", "met_at", "delay_reason",
//  "calendar_version"}
void to_json(nlohmann::json& out, const ClockView& clock);
// {"as_of", "team", "total", "clocks": [{"case", "subject", "workflow", "state", "clock", "cycle", "due_at",
//  "due_date", "days_overdue", "team"}]}
void to_json(nlohmann::json& out, const OverdueReport& report);
void to_json(nlohmann::json& out, const DueReport& report);
void to_json(nlohmann::json& out, const CaseloadReport& report);
void to_json(nlohmann::json& out, const ClockListReport& report);
// {"from", "to", "as_of", "by", "rows": [{"clock", "team", "met_on_time", "met_late", "overdue", "running",
//  "percent_on_time"}]}
void to_json(nlohmann::json& out, const TimelinessReport& report);
// A time that may be absent: its ISO 8601 text, or null. Every optional time in casegate's JSON.
nlohmann::json time_or_null(const std::optional<Instant>& at);
// The text, or null when it is empty.
nlohmann::json text_or_null(const std::string& text);
// Row `row` of an export as {column: value}, null for a null value: the JSON export's rows.
nlohmann::json export_row(const ExportTable& table, std::size_t row);
// {"key", "value", "default", "meaning"}
void to_json(nlohmann::json& out, const SettingView& setting);

}  // namespace casegate
