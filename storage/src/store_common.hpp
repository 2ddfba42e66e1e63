#pragma once
// What the SQLite and PostgreSQL stores share: values read back from storage, a clock's share of
// the per-day counts, and values kept between commands while nobody else writes.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "casegate/case_store.hpp"
#include "casegate/clocks.hpp"
#include "casegate/oversight_store.hpp"
#include "casegate/records.hpp"
#include "casegate/time.hpp"

namespace casegate::storage {

// Stored text read back; a malformed value means the database was edited (throws).
Instant parse_stored_time(std::string_view text);
Role parse_stored_role(std::string_view text);

// The columns read_clock reads, from `clocks k`.
inline constexpr const char* clock_columns =
    "k.case_id, k.clock, k.cycle, k.started_at, k.due_at, k.due_date, k.calendar_version, k.met_at, k.stopped, "
    "k.team, k.anchor";
// The columns read_audit reads, from `audit_log`.
inline constexpr const char* audit_columns = "seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash";
// The columns read_case reads, from `cases c`.
inline constexpr const char* case_columns =
    "c.id, c.workflow, c.workflow_version, c.subject, c.team, c.state, c.stage, c.version, c.attributes, "
    "c.received_at, c.opened_at, c.state_entered_at, c.allocated_to";
// The columns read_grant reads, from `access_grants g`.
inline constexpr const char* grant_columns =
    "g.id, g.case_id, g.user_id, g.role, g.reason, g.granted_at, g.expires_at, g.reviewed_by, g.reviewed_at, "
    "g.review_note";

// Row readers over any row with integer(c), text(c), text_view(c) and is_null(c).
// read_clock reads clock_columns from column `at`; the others read their columns from 0.
template <class Row>
ClockRecord read_clock(const Row& q, int at) {
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

template <class Row>
AuditEntry read_audit(const Row& q) {
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

template <class Row>
CaseRecord read_case(const Row& q) {
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

template <class Row>
AccessGrant read_grant(const Row& q) {
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

// A task of case `case_id`: id, kind, payload, actor, role, state, stage, occurred_at, recorded_at.
template <class Row>
TaskRecord read_task(const Row& q, CaseId case_id) {
  TaskRecord t;
  t.id = q.integer(0);
  t.case_id = case_id;
  t.kind = q.text(1);
  t.payload_json = q.text(2);
  t.actor = q.text(3);
  t.role = parse_stored_role(q.text_view(4));
  t.state = q.text(5);
  t.stage = q.integer(6);
  t.occurred_at = parse_stored_time(q.text_view(7));
  t.recorded_at = parse_stored_time(q.text_view(8));
  return t;
}

// case_id, team, stage, state, entered_at, then the first task's occurred_at and payload (or nulls).
template <class Row>
StageTaskRow read_stage_task(const Row& q) {
  StageTaskRow row;
  row.case_id = q.integer(0);
  row.team = q.text(1);
  row.stage = q.integer(2);
  row.state = q.text(3);
  row.stage_entered_at = parse_stored_time(q.text_view(4));
  if (!q.is_null(5)) row.first_task = StageTaskRow::Task{parse_stored_time(q.text_view(5)), q.text(6)};
  return row;
}

// task id, case_id, team, occurred_at, payload, then the clock's started_at and due_at (or nulls).
template <class Row>
TaskAgainstClockRow read_task_against_clock(const Row& q) {
  TaskAgainstClockRow row;
  row.task_id = q.integer(0);
  row.case_id = q.integer(1);
  row.team = q.text(2);
  row.occurred_at = parse_stored_time(q.text_view(3));
  row.payload_json = q.text(4);
  if (!q.is_null(5)) {
    row.clock_started_at = parse_stored_time(q.text_view(5));
    row.clock_due_at = parse_stored_time(q.text_view(6));
  }
  return row;
}

// clock_columns, then the case's subject, workflow and state: an open clock overdue at `as_of`.
template <class Row>
OverdueClock read_overdue(const Row& q, Instant as_of) {
  OverdueClock row;
  row.clock = read_clock(q, 0);
  row.subject = q.text(11);
  row.workflow = q.text(12);
  row.state = q.text(13);
  row.days_overdue = std::chrono::duration<double, std::ratio<86400>>(as_of - row.clock.due_at).count();
  return row;
}

// The hash before the first audit entry.
inline constexpr std::string_view genesis_hash = "0000000000000000000000000000000000000000000000000000000000000000";

// A clock's counts: met on time, met late, open (neither met nor stopped).
struct ClockCounts {
  std::int64_t on_time = 0, late = 0, open = 0;
  explicit ClockCounts(const ClockRecord& c) {
    if (c.met_at)
      (*c.met_at <= c.due_at ? on_time : late) = 1;
    else if (!c.stopped)
      open = 1;
  }
};

// Calls add(clock, on_time, late, open) with the changes to the per-day counts when a clock moves
// from `before` (null: a new clock) to `after`; rows with no change are skipped.
template <class Add>
void count_clock_change(const ClockRecord* before, const ClockRecord& after, Add&& add) {
  auto changed = [&](const ClockRecord& c, std::int64_t on_time, std::int64_t late, std::int64_t open) {
    if (on_time != 0 || late != 0 || open != 0) add(c, on_time, late, open);
  };
  ClockCounts now(after);
  if (before == nullptr) return changed(after, now.on_time, now.late, now.open);
  ClockCounts was(*before);
  if (before->due_date == after.due_date && before->clock == after.clock && before->team == after.team)
    return changed(after, now.on_time - was.on_time, now.late - was.late, now.open - was.open);
  changed(*before, -was.on_time, -was.late, -was.open);
  changed(after, now.on_time, now.late, now.open);
}

// The bytes of a hash written in hex.
std::string hex_to_bytes(std::string_view hex);

// Checks audit entries read in seq order from the first, as verify_chain reads them.
class ChainCheck {
 public:
  // `at_text` is the stored time, `read` reads the whole entry. false: stop, a problem was found.
  bool next(std::int64_t seq, std::string_view at_text, const std::function<AuditEntry()>& read);
  const ChainReport& report() const { return report_; }

 private:
  bool fail(std::int64_t seq, std::string problem);
  ChainReport report_{true, 0, {0, std::string(genesis_hash)}, 0, {}};
};

// One stored calendar change (id, kind, date, value) added to `data`; throws on a bad date.
void add_calendar_row(CaseStore::CalendarData& data, std::int64_t id, const std::string& kind, std::string_view date,
                      const std::string& value);

// Timeliness rows keyed by (clock, team) into the report: percentages, and no empty rows.
void finish_timeliness(std::map<std::pair<std::string, std::string>, TimelinessRow>& rows, TimelinessReport& report);

// The export tables by name: cases 0, tasks 1, audit 2, clocks 3; invalid_input for another name.
Result<int> export_table_index(std::string_view table);
inline constexpr int export_clocks_index = 3;
// Sets page.next: for clocks (paged by cases) `upto` when the page held `limit` cases, otherwise
// the first column of the last row when the page is full.
void set_next_page(ExportPage& page, int table, bool full_of_cases, std::int64_t upto, std::int64_t limit);

// OversightStore::export_table as export_page after export_page, in the one transaction of the
// command: bounded memory, one snapshot.
Status export_in_pages(OversightStore& store, std::string_view table, const CaseScope& scope,
                       const std::function<void(const ExportTable&)>& chunk);

// A connection's count of moments when what its parts cache may have gone stale: a rollback, or
// another writer committing since our last command.
class CacheGeneration {
 public:
  std::uint64_t cache_generation() const { return cache_generation_; }

 protected:
  void forget_cached() noexcept { ++cache_generation_; }

 private:
  std::uint64_t cache_generation_ = 0;
};

// A value a part keeps between commands, dropped when the connection's generation moves.
template <class T>
class Cached {
 public:
  explicit Cached(const CacheGeneration& connection) : connection_(connection) {}
  T* get() {
    if (generation_ != connection_.cache_generation()) value_.reset();
    return value_ ? &*value_ : nullptr;
  }
  T& set(T value) {
    generation_ = connection_.cache_generation();
    return value_.emplace(std::move(value));
  }
  void reset() { value_.reset(); }

 private:
  const CacheGeneration& connection_;
  std::uint64_t generation_ = 0;
  std::optional<T> value_;
};

}  // namespace casegate::storage
