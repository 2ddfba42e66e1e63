#include "sqlite_rows.hpp"

#include "sqlite_connection.hpp"

namespace casegate::storage {

ClockRecord read_clock(const sqlite::Statement::Use& q, int at) {
  ClockRecord c;
  c.case_id = q.integer(at);
  c.clock = q.text(at + 1);
  c.cycle = q.integer(at + 2);
  c.started_at = parse_stored_time(q.text_view(at + 3));
  c.due_at = parse_stored_time(q.text_view(at + 4));
  c.due_date = q.text(at + 5);
  c.calendar_version = q.integer(at + 6);
  if (!q.is_null(at + 7)) c.met_at = parse_stored_time(q.text_view(at + 7));
  c.stopped = q.integer(at + 8) != 0;
  c.team = q.text(at + 9);
  c.anchor = q.text(at + 10);
  return c;
}

AuditEntry read_audit(const sqlite::Statement::Use& q) {
  AuditEntry e;
  e.seq = q.integer(0);
  e.entry.at = parse_stored_time(q.text_view(1));
  if (!q.is_null(2)) e.entry.case_id = q.integer(2);
  e.entry.actor = q.text(3);
  e.entry.role = q.text(4);
  e.entry.action = q.text(5);
  e.entry.outcome = q.text(6);
  e.entry.detail_json = q.text(7);
  e.prev_hash = q.text(8);
  e.hash = q.text(9);
  return e;
}

}  // namespace casegate::storage
