#pragma once
// Row readers the store's parts share: the same columns, read one way.
#include "casegate/clocks.hpp"
#include "casegate/oversight.hpp"
#include "casegate/records.hpp"
#include "sqlite.hpp"

namespace casegate::storage {

// The columns read_clock reads, from `clocks k`.
inline constexpr const char* clock_columns =
    "k.case_id, k.clock, k.cycle, k.started_at, k.due_at, k.due_date, k.calendar_version, k.met_at, k.stopped, "
    "k.team, k.anchor";
// Reads clock_columns starting at column `at`.
ClockRecord read_clock(const sqlite::Statement::Use& q, int at);

// The columns read_audit reads, from `audit_log`.
inline constexpr const char* audit_columns = "seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash";
AuditEntry read_audit(const sqlite::Statement::Use& q);

// The columns read_case reads, from `cases c`.
inline constexpr const char* case_columns =
    "c.id, c.workflow, c.workflow_version, c.subject, c.team, c.state, c.stage, c.version, c.attributes, "
    "c.received_at, c.opened_at, c.state_entered_at, c.allocated_to";
CaseRecord read_case(const sqlite::Statement::Use& q);

// The columns read_grant reads, from `access_grants g`.
inline constexpr const char* grant_columns =
    "g.id, g.case_id, g.user_id, g.role, g.reason, g.granted_at, g.expires_at, g.reviewed_by, g.reviewed_at, "
    "g.review_note";
AccessGrant read_grant(const sqlite::Statement::Use& q);

// A scope as two parameters, ?N and ?N+1: the team (empty: every team), then the workflows as a
// JSON array for json_each (null: every workflow). in_scope(N) is the condition on `cases c`.
std::string in_scope(int first_index);
void bind_scope(sqlite::Statement::Use& q, int first_index, const CaseScope& scope);

}  // namespace casegate::storage
