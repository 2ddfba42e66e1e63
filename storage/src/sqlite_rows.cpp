#include "sqlite_rows.hpp"

#include <nlohmann/json.hpp>

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

CaseRecord read_case(const sqlite::Statement::Use& q) {
  CaseRecord r;
  r.id = q.integer(0);
  r.workflow = q.text(1);
  r.workflow_version = static_cast<int>(q.integer(2));
  r.subject = q.text(3);
  r.team = q.text(4);
  r.state = q.text(5);
  r.stage = q.integer(6);
  r.version = q.integer(7);
  r.attributes_json = q.text(8);
  r.received_at = parse_stored_time(q.text_view(9));
  r.opened_at = parse_stored_time(q.text_view(10));
  r.state_entered_at = parse_stored_time(q.text_view(11));
  if (!q.is_null(12)) r.allocated_to = q.text(12);
  return r;
}

AccessGrant read_grant(const sqlite::Statement::Use& q) {
  AccessGrant g;
  g.id = q.integer(0);
  g.case_id = q.integer(1);
  g.user = q.text(2);
  g.role = parse_stored_role(q.text_view(3));
  g.reason = q.text(4);
  g.granted_at = parse_stored_time(q.text_view(5));
  g.expires_at = parse_stored_time(q.text_view(6));
  if (!q.is_null(7)) g.reviewed_by = q.text(7);
  if (!q.is_null(8)) g.reviewed_at = parse_stored_time(q.text_view(8));
  g.review_note = q.text(9);
  return g;
}

std::string in_scope(int first_index) {
  std::string team = "?" + std::to_string(first_index), workflows = "?" + std::to_string(first_index + 1);
  return "(" + team + " = '' OR c.team = " + team + ") AND (" + workflows +
         " IS NULL OR c.workflow IN (SELECT value FROM json_each(" + workflows + ")))";
}

void bind_scope(sqlite::Statement::Use& q, int first_index, const CaseScope& scope) {
  q.bind(first_index, scope.team);
  if (scope.workflows.empty())
    q.bind_null(first_index + 1);
  else
    q.bind_copy(first_index + 1, nlohmann::json(scope.workflows).dump());
}

}  // namespace casegate::storage
