#pragma once
// Row readers the store's parts share: the same columns, read one way.
#include "casegate/clocks.hpp"
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

}  // namespace casegate::storage
