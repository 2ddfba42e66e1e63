#include "pg_oversight_store.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "casegate/utf8.hpp"

namespace casegate::storage {
namespace {

using pg::number;
using pg::text;
using pg::Value;

// A scope as two parameters, $N and $N+1: the team (empty: every team), then the workflows as a
// text[] (null: every workflow). in_scope(N) is the condition on `cases c`.
std::string in_scope(int first) {
  std::string team = "$" + std::to_string(first) + "::text", workflows = "$" + std::to_string(first + 1) + "::text[]";
  return "(" + team + " = '' OR c.team = " + team + ") AND (" + workflows + " IS NULL OR c.workflow = ANY(" +
         workflows + "))";
}
Value scope_team(const CaseScope& scope) {
  return scope.team;
}
Value scope_workflows(const CaseScope& scope) {
  return scope.workflows.empty() ? std::nullopt : Value(pg::text_array(scope.workflows));
}
// The case named by `column` is in the scope bound at $N, $N+1.
std::string case_in_scope(int first, const char* column = "case_id") {
  return std::string(column) + " IN (SELECT c.id FROM cases c WHERE " + in_scope(first) + ")";
}

const std::string open_overdue =
    " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at < $1::text";
// $1 from, $5 the last instant; the scope at $2, $3 (its team also picks the clocks' team).
const std::string open_due =
    " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at >= "
    "$1::text AND k.due_at <= $5::text AND ($2::text = '' OR k.team = $2::text) AND " +
    in_scope(2);
// $1, $2 due dates; the scope at $3, $4 (its team also picks the clocks' team); $6 clock, $7
// outcome (each '' for any), $8 as_of.
const std::string clocks_with_outcome =
    " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.due_date BETWEEN $1::text AND $2::text AND ($6::text = '' "
    "OR k.clock = $6::text) AND ($3::text = '' OR k.team = $3::text) AND " +
    in_scope(3) +
    " AND CASE $7::text WHEN 'met_on_time' THEN k.met_at IS NOT NULL AND k.met_at <= k.due_at "
    "WHEN 'met_late' THEN k.met_at IS NOT NULL AND k.met_at > k.due_at "
    "WHEN 'overdue' THEN k.met_at IS NULL AND k.stopped = 0 AND k.due_at < $8::text "
    "WHEN 'running' THEN k.met_at IS NULL AND k.stopped = 0 AND k.due_at >= $8::text ELSE true END";
const std::string counts =
    "sum(met_on_time), sum(met_late), sum(CASE WHEN due_date < $3::text THEN open ELSE 0 END), "
    "sum(CASE WHEN due_date > $3::text THEN open ELSE 0 END) FROM clock_counts "
    "WHERE due_date BETWEEN $1::text AND $2::text";
const std::string due_today =
    "count(*) FILTER (WHERE due_at < $3::text), count(*) FILTER (WHERE due_at >= $3::text) FROM clocks "
    "WHERE met_at IS NULL AND stopped = 0 AND due_at BETWEEN $1::text AND $2::text";
const std::string audit_select = std::string("SELECT ") + audit_columns + " FROM audit_log ";
// $1 as_of, $2 workflow, $3 clock; the attribute's name is bound ($4), never written into the SQL.
const std::string outcome_counts =
    "count(*) FILTER (WHERE k.met_at IS NOT NULL AND k.met_at <= k.due_at), "
    "count(*) FILTER (WHERE k.met_at IS NOT NULL AND k.met_at > k.due_at), "
    "count(*) FILTER (WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at < $1::text), "
    "count(*) FILTER (WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at >= $1::text) "
    "FROM clocks k JOIN cases c ON c.id = k.case_id WHERE c.workflow = $2::text AND k.clock = $3::text";
// Audit entries of cases in the scope at $1, $2; entries of no case only for the whole scope.
const std::string audit_in_scope =
    "CASE WHEN case_id IS NULL THEN $1::text = '' AND $2::text[] IS NULL ELSE " + case_in_scope(1) + " END";

std::int64_t sum_or_zero(const pg::Rows& rows, int row, int column) {
  return rows.is_null(row, column) ? 0 : rows.integer(row, column);
}

}  // namespace

PgOversightStore::PgOversightStore(PgConnection& connection)
    : overdue_count_(connection.db(),
                     "SELECT (SELECT coalesce(sum(open), 0) FROM clock_counts WHERE due_date < $1::text "
                     "AND ($2::text = '' OR team = $2::text)) + "
                     "(SELECT count(*) FROM clocks WHERE met_at IS NULL AND stopped = 0 AND due_at >= $3::text "
                     "AND due_at < $4::text AND ($2::text = '' OR team = $2::text))"),
      overdue_(connection.db(), std::string("SELECT ") + clock_columns + ", c.subject, c.workflow, c.state" +
                                    open_overdue + " AND $2::text = '' AND " + in_scope(2) +
                                    " ORDER BY k.due_at LIMIT $4::bigint"),
      overdue_team_(connection.db(), std::string("SELECT ") + clock_columns + ", c.subject, c.workflow, c.state" +
                                         open_overdue + " AND k.team = $2::text AND " + in_scope(2) +
                                         " ORDER BY k.due_at LIMIT $4::bigint"),
      due_count_(connection.db(), "SELECT count(*)" + open_due + " AND $4::bigint >= 0"),
      due_(connection.db(), std::string("SELECT ") + clock_columns + ", c.subject, c.workflow, c.state" + open_due +
                                " ORDER BY k.due_at LIMIT $4::bigint"),
      clocks_between_count_(connection.db(), "SELECT count(*)" + clocks_with_outcome + " AND $5::bigint >= 0"),
      clocks_between_(connection.db(), std::string("SELECT ") + clock_columns + ", c.subject, c.workflow, c.state" +
                                           clocks_with_outcome + " ORDER BY k.due_at LIMIT $5::bigint"),
      state_counts_(connection.db(),
                    "SELECT workflow, state, sum(cases) FROM case_counts WHERE ($1::text = '' OR team = $1::text) AND "
                    "($2::text[] IS NULL OR workflow = ANY($2::text[])) GROUP BY workflow, state "
                    "HAVING sum(cases) > 0 ORDER BY workflow, state"),
      timeliness_(connection.db(), "SELECT clock, '', " + counts + " GROUP BY clock"),
      timeliness_by_team_(connection.db(), "SELECT clock, team, " + counts + " GROUP BY clock, team"),
      due_today_(connection.db(), "SELECT clock, '', " + due_today + " GROUP BY clock"),
      due_today_by_team_(connection.db(), "SELECT clock, team, " + due_today + " GROUP BY clock, team"),
      refusals_(connection.db(), audit_select +
                                     "WHERE outcome IN ('refused', 'override') AND outcome = 'refused' AND "
                                     "action = 'fire' AND at BETWEEN $1::text AND $2::text AND " +
                                     case_in_scope(3) + " ORDER BY at, seq"),
      overrides_(connection.db(), audit_select +
                                      "WHERE outcome IN ('refused', 'override') AND outcome = 'override' "
                                      "AND at BETWEEN $1::text AND $2::text AND " +
                                      case_in_scope(3) + " ORDER BY at, seq"),
      stages_with_first_task_(connection.db(),
                              "SELECT s.case_id, c.team, s.stage, s.state, s.entered_at, v.occurred_at, v.payload "
                              "FROM case_stages s JOIN cases c ON c.id = s.case_id "
                              "LEFT JOIN tasks v ON v.id = (SELECT min(t.id) FROM tasks t WHERE t.case_id = s.case_id "
                              "                             AND t.stage = s.stage AND t.kind = $3::text) "
                              "WHERE s.entered_at BETWEEN $1::text AND $2::text AND " +
                                  in_scope(4) + " ORDER BY s.entered_at, s.case_id"),
      tasks_against_clock_(connection.db(),
                           "SELECT t.id, t.case_id, c.team, t.occurred_at, t.payload, k.started_at, k.due_at "
                           "FROM tasks t JOIN cases c ON c.id = t.case_id "
                           "LEFT JOIN clocks k ON k.case_id = t.case_id AND k.clock = $4::text AND k.cycle = 1 "
                           "WHERE t.kind = $3::text AND t.occurred_at BETWEEN $1::text AND $2::text AND " +
                               in_scope(5) + " ORDER BY t.occurred_at, t.id"),
      workflow_tasks_(connection.db(),
                      "SELECT t.id, t.kind, t.payload, t.actor, t.role, t.state, t.stage, t.occurred_at, "
                      "t.recorded_at, c.id FROM cases c JOIN tasks t ON t.case_id = c.id "
                      "WHERE c.workflow = $3::text AND t.kind = $4::text AND " +
                          in_scope(1) + " ORDER BY c.id, t.id"),
      workflow_clocks_(connection.db(), std::string("SELECT ") + clock_columns +
                                            " FROM cases c JOIN clocks k ON k.case_id = c.id "
                                            "WHERE c.workflow = $3::text AND k.clock = $4::text AND " +
                                            in_scope(1) + " ORDER BY c.id, k.cycle"),
      clock_outcomes_(connection.db(), "SELECT '', " + outcome_counts),
      clock_outcomes_by_attribute_(connection.db(), "SELECT coalesce(c.attributes::jsonb ->> $4::text, ''), " +
                                                        outcome_counts + " GROUP BY 1 ORDER BY 1"),
      // Keyset pages ($3: after, $4: rows), so a long export is read a page at a time.
      export_cases_(connection.db(),
                    "SELECT id, workflow, workflow_version, subject, team, state, stage, version, attributes, "
                    "received_at, opened_at, state_entered_at, allocated_to FROM cases c WHERE c.id > $3::bigint AND " +
                        in_scope(1) + " ORDER BY id LIMIT $4::bigint"),
      export_tasks_(connection.db(),
                    "SELECT id, case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at "
                    "FROM tasks t WHERE t.id > $3::bigint AND " +
                        case_in_scope(1, "t.case_id") + " ORDER BY id LIMIT $4::bigint"),
      export_audit_(connection.db(),
                    audit_select + "WHERE seq > $3::bigint AND " + audit_in_scope + " ORDER BY seq LIMIT $4::bigint"),
      // Clocks by whole cases: the page is the clocks of the next $4 cases in scope.
      export_clock_cases_(connection.db(),
                          "SELECT count(*), max(id) FROM (SELECT c.id FROM cases c WHERE c.id > "
                          "$3::bigint AND " +
                              in_scope(1) + " ORDER BY c.id LIMIT $4::bigint) AS page"),
      export_clocks_(connection.db(),
                     "SELECT case_id, clock, cycle, started_at, due_at, due_date, calendar_version, met_at, stopped, "
                     "team, anchor FROM clocks k WHERE k.case_id > $3::bigint AND k.case_id <= $4::bigint AND " +
                         case_in_scope(1, "k.case_id") + " ORDER BY case_id, started_at, clock, cycle"),
      list_cases_(connection.db(),
                  std::string("SELECT ") + case_columns + " FROM cases c WHERE c.id > $1::bigint AND " + in_scope(2) +
                      " AND ($4::text = '' OR c.state = $4::text) AND ($5::text = '' OR c.workflow = $5::text) "
                      "AND ($6::text = '' OR c.allocated_to = $6::text) AND ($7::text IS NULL OR EXISTS (SELECT 1 "
                      "FROM clocks k WHERE k.case_id = c.id AND k.met_at IS NULL AND k.stopped = 0 AND "
                      "k.due_at < $7::text)) ORDER BY c.id LIMIT $8::bigint"),
      grants_(connection.db(), std::string("SELECT ") + grant_columns +
                                   " FROM access_grants g JOIN cases c ON c.id = g.case_id "
                                   "WHERE g.granted_at BETWEEN $1::text AND $2::text AND " +
                                   in_scope(3) +
                                   " AND ($5::bigint IS NULL OR g.case_id = $5::bigint) AND "
                                   "($6::integer = 0 OR g.reviewed_by IS NULL) ORDER BY g.granted_at DESC, g.id DESC"),
      audit_after_(connection.db(),
                   audit_select + "WHERE seq > $3::bigint AND " + audit_in_scope + " ORDER BY seq LIMIT $4::bigint"),
      audit_end_(connection.db(), "SELECT seq FROM audit_head WHERE id = 1") {}

Result<OverdueReport> PgOversightStore::overdue_clocks(Instant as_of, const CaseScope& scope, std::int64_t limit) {
  return pg_guarded([&]() -> Result<OverdueReport> {
    OverdueReport report;
    report.as_of = as_of;
    report.team = scope.team;
    std::string cutoff = format_instant(as_of);
    // Whole days before today from the counts; today's open clocks one by one.
    Date today = london_date(as_of);
    report.total =
        overdue_count_.run({format_date(today), scope.team, format_instant(london_start_of_day(today)), cutoff})
            .integer(0, 0);
    auto rows = (scope.team.empty() ? overdue_ : overdue_team_)
                    .run({cutoff, scope_team(scope), scope_workflows(scope), number(limit)});
    for (int r = 0; r < rows.size(); ++r) report.clocks.push_back(read_overdue(pg::Row(rows, r), as_of));
    return report;
  });
}

Result<DueReport> PgOversightStore::clocks_due(Instant from, Instant last, const CaseScope& scope, std::int64_t limit) {
  return pg_guarded([&]() -> Result<DueReport> {
    DueReport report;
    report.as_of = from;
    report.due_by = last;
    report.team = scope.team;
    std::vector<Value> values{format_instant(from), scope_team(scope), scope_workflows(scope), number(limit),
                              format_instant(last)};
    report.total = due_count_.run(values).integer(0, 0);
    auto rows = due_.run(values);
    for (int r = 0; r < rows.size(); ++r) report.clocks.push_back(read_overdue(pg::Row(rows, r), from));
    return report;
  });
}

Result<ClockListReport> PgOversightStore::clocks_between(const ClockQuery& query, const CaseScope& scope) {
  return pg_guarded([&]() -> Result<ClockListReport> {
    ClockListReport report{query, scope.team, 0, {}};
    std::vector<Value> values{format_date(query.from), format_date(query.to),      scope_team(scope),
                              scope_workflows(scope),  number(query.limit),        query.clock,
                              query.outcome,           format_instant(query.as_of)};
    report.total = clocks_between_count_.run(values).integer(0, 0);
    auto rows = clocks_between_.run(values);
    for (int r = 0; r < rows.size(); ++r) report.clocks.push_back(read_overdue(pg::Row(rows, r), query.as_of));
    return report;
  });
}

Result<std::vector<StateCount>> PgOversightStore::state_counts(const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<StateCount>> {
    std::vector<StateCount> by_state;
    auto rows = state_counts_.run({scope_team(scope), scope_workflows(scope)});
    for (int r = 0; r < rows.size(); ++r)
      by_state.push_back(StateCount{rows.text(r, 0), rows.text(r, 1), false, rows.integer(r, 2)});
    return by_state;
  });
}

Result<TimelinessReport> PgOversightStore::timeliness(Date from, Date to, Instant as_of, bool by_team) {
  return pg_guarded([&]() -> Result<TimelinessReport> {
    TimelinessReport report{from, to, as_of, by_team ? "team" : "clock", {}};
    std::string first = format_date(from), last = format_date(to);
    Date today = london_date(as_of);
    std::string day = format_date(today);
    std::map<std::pair<std::string, std::string>, TimelinessRow> rows;
    {
      // Open clocks due before today are overdue, after today running (from the counts)...
      auto q = (by_team ? timeliness_by_team_ : timeliness_).run({first, last, day});
      for (int r = 0; r < q.size(); ++r)
        rows[{q.text(r, 0), q.text(r, 1)}] =
            TimelinessRow{q.text(r, 0),         q.text(r, 1),         sum_or_zero(q, r, 2), sum_or_zero(q, r, 3),
                          sum_or_zero(q, r, 4), sum_or_zero(q, r, 5), std::nullopt};
    }
    if (first <= day && day <= last) {
      // ... and those due today depend on the hour.
      auto q = (by_team ? due_today_by_team_ : due_today_)
                   .run({format_instant(london_start_of_day(today)), format_instant(london_end_of_day(today)),
                         format_instant(as_of)});
      for (int r = 0; r < q.size(); ++r) {
        auto& row = rows[{q.text(r, 0), q.text(r, 1)}];
        row.clock = q.text(r, 0);
        row.team = q.text(r, 1);
        row.overdue += q.integer(r, 2);
        row.running += q.integer(r, 3);
      }
    }
    finish_timeliness(rows, report);
    return report;
  });
}

Result<std::vector<AuditEntry>> PgOversightStore::audit_with_outcome(std::string_view outcome, Instant from, Instant to,
                                                                     const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> entries;
    auto rows = (outcome == "override" ? overrides_ : refusals_)
                    .run({time_value(from), time_value(to), scope_team(scope), scope_workflows(scope)});
    for (int r = 0; r < rows.size(); ++r) entries.push_back(read_audit(pg::Row(rows, r)));
    return entries;
  });
}

Result<std::vector<StageTaskRow>> PgOversightStore::stages_with_first_task(std::string_view kind, Instant from,
                                                                           Instant to, const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<StageTaskRow>> {
    std::vector<StageTaskRow> result;
    auto rows = stages_with_first_task_.run(
        {time_value(from), time_value(to), text(kind), scope_team(scope), scope_workflows(scope)});
    for (int r = 0; r < rows.size(); ++r) result.push_back(read_stage_task(pg::Row(rows, r)));
    return result;
  });
}

Result<std::vector<TaskAgainstClockRow>> PgOversightStore::tasks_against_clock(std::string_view kind,
                                                                               std::string_view clock, Instant from,
                                                                               Instant to, const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<TaskAgainstClockRow>> {
    std::vector<TaskAgainstClockRow> result;
    auto rows = tasks_against_clock_.run(
        {time_value(from), time_value(to), text(kind), text(clock), scope_team(scope), scope_workflows(scope)});
    for (int r = 0; r < rows.size(); ++r) result.push_back(read_task_against_clock(pg::Row(rows, r)));
    return result;
  });
}

Result<std::vector<TaskRecord>> PgOversightStore::workflow_tasks(std::string_view workflow, std::string_view kind,
                                                                 const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<TaskRecord>> {
    std::vector<TaskRecord> tasks;
    auto rows = workflow_tasks_.run({scope_team(scope), scope_workflows(scope), text(workflow), text(kind)});
    for (int r = 0; r < rows.size(); ++r) {
      pg::Row row(rows, r);
      tasks.push_back(read_task(row, row.integer(9)));
    }
    return tasks;
  });
}

Result<std::vector<ClockRecord>> PgOversightStore::workflow_clocks(std::string_view workflow, std::string_view clock,
                                                                   const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<ClockRecord>> {
    std::vector<ClockRecord> clocks;
    auto rows = workflow_clocks_.run({scope_team(scope), scope_workflows(scope), text(workflow), text(clock)});
    for (int r = 0; r < rows.size(); ++r) clocks.push_back(read_clock(pg::Row(rows, r), 0));
    return clocks;
  });
}

Result<std::vector<ClockOutcomeRow>> PgOversightStore::clock_outcomes(std::string_view workflow, std::string_view clock,
                                                                      Instant as_of, std::string_view group_by) {
  return pg_guarded([&]() -> Result<std::vector<ClockOutcomeRow>> {
    std::vector<ClockOutcomeRow> result;
    std::vector<Value> params{time_value(as_of), text(workflow), text(clock)};
    if (!group_by.empty()) params.push_back(text(group_by));
    auto rows = (group_by.empty() ? clock_outcomes_ : clock_outcomes_by_attribute_).run(params);
    for (int r = 0; r < rows.size(); ++r)
      result.push_back(
          {rows.text(r, 0), rows.integer(r, 1), rows.integer(r, 2), rows.integer(r, 3), rows.integer(r, 4)});
    return result;
  });
}

Result<ExportPage> PgOversightStore::export_page(std::string_view table, const CaseScope& scope, std::int64_t after,
                                                 std::int64_t limit) {
  auto index = export_table_index(table);
  if (!index) return index.status();
  pg::Statement* statement = std::array{&export_cases_, &export_tasks_, &export_audit_, &export_clocks_}[*index];
  return pg_guarded([&]() -> Result<ExportPage> {
    ExportPage page;
    std::int64_t upto = limit;  // the key $4 binds: rows, or for clocks the last case of the page
    bool full = false;
    if (statement == &export_clocks_) {
      auto cases = export_clock_cases_.run({scope_team(scope), scope_workflows(scope), number(after), number(limit)});
      full = cases.integer(0, 0) == limit;
      upto = cases.is_null(0, 1) ? after : cases.integer(0, 1);
    }
    auto rows = statement->run({scope_team(scope), scope_workflows(scope), number(after), number(upto)});
    for (int c = 0; c < rows.columns(); ++c) page.table.columns.emplace_back(rows.column_name(c));
    for (int r = 0; r < rows.size(); ++r) {
      std::vector<std::optional<std::string>> row;
      for (int c = 0; c < rows.columns(); ++c)
        row.push_back(rows.is_null(r, c) ? std::nullopt : std::optional<std::string>(rows.text(r, c)));
      page.table.rows.push_back(std::move(row));
    }
    set_next_page(page, *index, full, upto, limit);
    return page;
  });
}

Status PgOversightStore::export_table(std::string_view table, const CaseScope& scope,
                                      const std::function<void(const ExportTable&)>& chunk) {
  return export_in_pages(*this, table, scope, chunk);
}

Result<AuditFeedPage> PgOversightStore::audit_after(std::int64_t after_seq, std::int64_t limit,
                                                    const CaseScope& scope) {
  return pg_guarded([&]() -> Result<AuditFeedPage> {
    AuditFeedPage page;
    if (limit > 0) {
      auto rows = audit_after_.run({scope_team(scope), scope_workflows(scope), number(after_seq), number(limit)});
      for (int r = 0; r < rows.size(); ++r) page.entries.push_back(read_audit(pg::Row(rows, r)));
    }
    if (limit > 0 && static_cast<std::int64_t>(page.entries.size()) == limit)
      page.through = page.entries.back().seq;
    else
      page.through = std::max(after_seq, audit_end_.run().integer(0, 0));
    return page;
  });
}

Result<std::vector<CaseRecord>> PgOversightStore::list_cases(const CaseQuery& query, const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<CaseRecord>> {
    std::vector<CaseRecord> cases;
    auto rows = list_cases_.run({number(query.after), scope_team(scope), scope_workflows(scope), text(query.state),
                                 text(query.workflow), text(query.allocated_to),
                                 query.overdue_at ? time_value(*query.overdue_at) : std::nullopt, number(query.limit)});
    for (int r = 0; r < rows.size(); ++r) cases.push_back(read_case(pg::Row(rows, r)));
    return cases;
  });
}

Result<std::vector<AccessGrant>> PgOversightStore::grants(const GrantQuery& query, const CaseScope& scope) {
  return pg_guarded([&]() -> Result<std::vector<AccessGrant>> {
    std::vector<AccessGrant> result;
    auto rows =
        grants_.run({time_value(query.from), time_value(query.to), scope_team(scope), scope_workflows(scope),
                     query.case_id ? number(*query.case_id) : std::nullopt, number(query.unreviewed_only ? 1 : 0)});
    for (int r = 0; r < rows.size(); ++r) result.push_back(read_grant(pg::Row(rows, r)));
    return result;
  });
}

}  // namespace casegate::storage
