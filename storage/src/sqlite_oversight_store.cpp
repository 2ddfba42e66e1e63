#include "sqlite_oversight_store.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "casegate/utf8.hpp"
#include "sqlite_rows.hpp"

namespace casegate::storage {
namespace {

std::string with_clock_columns(const std::string& before, const std::string& after) {
  return before + clock_columns + after;
}

const std::string open_overdue =
    " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at < ?1";
// ?1 from, ?5 the last instant; the scope at ?2, ?3 (its team also picks the clocks' team).
const std::string open_due =
    " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at >= ?1 "
    "AND k.due_at <= ?5 AND (?2 = '' OR k.team = ?2) AND " +
    in_scope(2);
// ?1, ?2 due dates; the scope at ?3, ?4 (its team also picks the clocks' team); ?6 clock, ?7
// outcome (each '' for any), ?8 as_of.
const std::string clocks_with_outcome =
    " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.due_date BETWEEN ?1 AND ?2 AND (?6 = '' OR k.clock = ?6) "
    "AND (?3 = '' OR k.team = ?3) AND " +
    in_scope(3) +
    " AND CASE ?7 WHEN 'met_on_time' THEN k.met_at IS NOT NULL AND k.met_at <= k.due_at "
    "WHEN 'met_late' THEN k.met_at IS NOT NULL AND k.met_at > k.due_at "
    "WHEN 'overdue' THEN k.met_at IS NULL AND k.stopped = 0 AND k.due_at < ?8 "
    "WHEN 'running' THEN k.met_at IS NULL AND k.stopped = 0 AND k.due_at >= ?8 ELSE 1 END";
const std::string counts =
    "sum(met_on_time), sum(met_late), sum(CASE WHEN due_date < ?3 THEN open ELSE 0 END), "
    "sum(CASE WHEN due_date > ?3 THEN open ELSE 0 END) FROM clock_counts WHERE due_date BETWEEN ?1 AND ?2";
const std::string due_today =
    "sum(due_at < ?3), sum(due_at >= ?3) FROM clocks "
    "WHERE met_at IS NULL AND stopped = 0 AND due_at BETWEEN ?1 AND ?2";
const std::string audit_select = std::string("SELECT ") + audit_columns + " FROM audit_log ";

// The case named by `column` is in the scope bound at ?N, ?N+1.
std::string case_in_scope(int first_index, const char* column = "case_id") {
  return std::string(column) + " IN (SELECT c.id FROM cases c WHERE " + in_scope(first_index) + ")";
}
// ?1 as_of, ?2 workflow, ?3 clock. The attribute's path is bound (?4), never written into the SQL.
const std::string outcome_counts =
    "sum(k.met_at IS NOT NULL AND k.met_at <= k.due_at), sum(k.met_at IS NOT NULL AND k.met_at > k.due_at), "
    "sum(k.met_at IS NULL AND k.stopped = 0 AND k.due_at < ?1), "
    "sum(k.met_at IS NULL AND k.stopped = 0 AND k.due_at >= ?1) "
    "FROM clocks k JOIN cases c ON c.id = k.case_id WHERE c.workflow = ?2 AND k.clock = ?3";

// ?1 after, the scope at ?2, ?3, ?4 state, ?5 workflow (as `workflow_condition` tests it), ?6
// allocated to, ?7 overdue at, ?8 limit.
std::string list_cases_sql(const std::string& workflow_condition) {
  return std::string("SELECT ") + case_columns + " FROM cases c WHERE c.id > ?1 AND " + in_scope(2) +
         " AND (?4 = '' OR c.state = ?4) AND " + workflow_condition +
         " AND (?6 = '' OR c.allocated_to = ?6) AND (?7 IS NULL OR EXISTS (SELECT 1 FROM clocks k "
         "WHERE k.case_id = c.id AND k.met_at IS NULL AND k.stopped = 0 AND k.due_at < ?7)) ORDER BY c.id LIMIT ?8";
}

}  // namespace

SqliteOversightStore::SqliteOversightStore(SqliteConnection& connection)
    : overdue_count_(connection.db(),
                     "SELECT (SELECT coalesce(sum(open), 0) FROM clock_counts WHERE due_date < ?1 "
                     "AND (?2 = '' OR team = ?2)) + "
                     "(SELECT count(*) FROM clocks WHERE met_at IS NULL AND stopped = 0 AND due_at >= ?3 "
                     "AND due_at < ?4 AND (?2 = '' OR team = ?2))"),
      // Every team: in due order from the index of open clocks; one team: that team's clocks.
      overdue_(connection.db(),
               with_clock_columns("SELECT ", ", c.subject, c.workflow, c.state" + open_overdue + " AND ?2 = '' AND " +
                                                 in_scope(2) + " ORDER BY k.due_at LIMIT ?4")
                   .c_str()),
      overdue_team_(connection.db(), with_clock_columns("SELECT ", ", c.subject, c.workflow, c.state" + open_overdue +
                                                                       " AND k.team = ?2 AND " + in_scope(2) +
                                                                       " ORDER BY k.due_at LIMIT ?4")
                                         .c_str()),
      due_count_(connection.db(), ("SELECT count(*)" + open_due + " AND ?4 >= 0").c_str()),
      due_(connection.db(),
           with_clock_columns("SELECT ", ", c.subject, c.workflow, c.state" + open_due + " ORDER BY k.due_at LIMIT ?4")
               .c_str()),
      clocks_between_count_(connection.db(), ("SELECT count(*)" + clocks_with_outcome + " AND ?5 >= 0").c_str()),
      clocks_between_(connection.db(),
                      with_clock_columns("SELECT ", ", c.subject, c.workflow, c.state" + clocks_with_outcome +
                                                        " ORDER BY k.due_at LIMIT ?5")
                          .c_str()),
      state_counts_(connection.db(),
                    "SELECT workflow, state, sum(cases) FROM case_counts WHERE (?1 = '' OR team = ?1) AND (?2 IS NULL "
                    "OR workflow IN (SELECT value FROM json_each(?2))) GROUP BY workflow, state "
                    "HAVING sum(cases) > 0 ORDER BY workflow, state"),
      timeliness_(connection.db(), ("SELECT clock, '', " + counts + " GROUP BY clock").c_str()),
      timeliness_by_team_(connection.db(), ("SELECT clock, team, " + counts + " GROUP BY clock, team").c_str()),
      due_today_(connection.db(), ("SELECT clock, '', " + due_today + " GROUP BY clock").c_str()),
      due_today_by_team_(connection.db(), ("SELECT clock, team, " + due_today + " GROUP BY clock, team").c_str()),
      refusals_(connection.db(),
                (audit_select +
                 "WHERE outcome IN ('refused', 'override') AND outcome = 'refused' AND action = 'fire' "
                 "AND at BETWEEN ?1 AND ?2 AND " +
                 case_in_scope(3) + " ORDER BY at, seq")
                    .c_str()),
      overrides_(connection.db(), (audit_select +
                                   "WHERE outcome IN ('refused', 'override') AND outcome = 'override' "
                                   "AND at BETWEEN ?1 AND ?2 AND " +
                                   case_in_scope(3) + " ORDER BY at, seq")
                                      .c_str()),
      stages_with_first_task_(
          connection.db(),
          (std::string("SELECT s.case_id, c.team, s.stage, s.state, s.entered_at, v.occurred_at, v.payload "
                       "FROM case_stages s JOIN cases c ON c.id = s.case_id "
                       "LEFT JOIN tasks v ON v.id = (SELECT min(t.id) FROM case_directory d JOIN tasks t ON t.id = d.n "
                       "                             WHERE d.case_id = s.case_id AND d.kind = 1 "
                       "                             AND t.stage = s.stage AND t.kind = ?4) "
                       "WHERE s.entered_at BETWEEN ?1 AND ?2 AND ") +
           in_scope(5) + " ORDER BY s.entered_at, s.case_id")
              .c_str()),
      // SQLite re-plans when ?4 is bound, so a partial index on one kind still serves it.
      tasks_against_clock_(
          connection.db(),
          (std::string("SELECT t.id, t.case_id, c.team, t.occurred_at, t.payload, k.started_at, k.due_at "
                       "FROM tasks t JOIN cases c ON c.id = t.case_id "
                       "LEFT JOIN clocks k ON k.case_id = t.case_id AND k.clock = ?5 AND k.cycle = 1 "
                       "WHERE t.kind = ?4 AND t.occurred_at BETWEEN ?1 AND ?2 AND ") +
           in_scope(6) + " ORDER BY t.occurred_at, t.id")
              .c_str()),
      // The workflow's cases by cases_by_workflow, then each case's tasks by its directory.
      workflow_tasks_(connection.db(),
                      (std::string("SELECT t.id, t.kind, t.payload, t.actor, t.role, t.state, t.stage, t.occurred_at, "
                                   "t.recorded_at, c.id FROM cases c JOIN case_directory d ON d.case_id = c.id "
                                   "AND d.kind = 1 JOIN tasks t ON t.id = d.n WHERE c.workflow = ?3 AND t.kind = ?4 "
                                   "AND ") +
                       in_scope(1) + " ORDER BY c.id, t.id")
                          .c_str()),
      workflow_clocks_(connection.db(), with_clock_columns("SELECT ",
                                                           " FROM cases c JOIN clocks k ON k.case_id = c.id "
                                                           "WHERE c.workflow = ?3 AND k.clock = ?4 AND " +
                                                               in_scope(1) + " ORDER BY c.id, k.cycle")
                                            .c_str()),
      clock_outcomes_(connection.db(), ("SELECT '', " + outcome_counts).c_str()),
      clock_outcomes_by_attribute_(
          connection.db(), ("SELECT coalesce(json_extract(c.attributes, '$.\"' || ?4 || '\"'), ''), " + outcome_counts +
                            " GROUP BY 1 ORDER BY 1")
                               .c_str()),
      // Keyset pages (?3: after, ?4: rows), so a long export is read a page at a time.
      export_cases_(connection.db(),
                    ("SELECT id, workflow, workflow_version, subject, team, state, stage, version, attributes, "
                     "received_at, opened_at, state_entered_at, allocated_to FROM cases c WHERE c.id > ?3 AND " +
                     in_scope(1) + " ORDER BY id LIMIT ?4")
                        .c_str()),
      export_tasks_(connection.db(),
                    ("SELECT id, case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at "
                     "FROM tasks t WHERE t.id > ?3 AND " +
                     case_in_scope(1, "t.case_id") + " ORDER BY id LIMIT ?4")
                        .c_str()),
      export_audit_(connection.db(),
                    (audit_select + "WHERE seq > ?3 AND CASE WHEN case_id IS NULL THEN ?1 = '' AND ?2 IS NULL ELSE " +
                     case_in_scope(1) + " END ORDER BY seq LIMIT ?4")
                        .c_str()),
      // Clocks by whole cases: the page is the clocks of the next ?4 cases in scope.
      export_clock_cases_(connection.db(),
                          ("SELECT count(*), max(id) FROM (SELECT c.id FROM cases c WHERE c.id > ?3 AND " +
                           in_scope(1) + " ORDER BY c.id LIMIT ?4)")
                              .c_str()),
      export_clocks_(connection.db(),
                     ("SELECT case_id, clock, cycle, started_at, due_at, due_date, calendar_version, met_at, stopped, "
                      "team, anchor FROM clocks k WHERE k.case_id > ?3 AND k.case_id <= ?4 AND " +
                      case_in_scope(1, "k.case_id") + " ORDER BY case_id, started_at, clock, cycle")
                         .c_str()),
      list_cases_(connection.db(), list_cases_sql("(?5 = '' OR c.workflow = ?5)").c_str()),
      // One workflow's cases by cases_by_workflow: the statement above would read every case.
      list_workflow_cases_(connection.db(), list_cases_sql("c.workflow = ?5").c_str()),
      grants_(connection.db(),
              (std::string("SELECT ") + grant_columns + " FROM access_grants g JOIN cases c ON c.id = g.case_id " +
               "WHERE g.granted_at BETWEEN ?1 AND ?2 AND " + in_scope(3) +
               " AND (?5 IS NULL OR g.case_id = ?5) AND (?6 = 0 OR g.reviewed_by IS NULL) "
               "ORDER BY g.granted_at DESC, g.id DESC")
                  .c_str()),
      audit_after_(connection.db(),
                   (audit_select + "WHERE seq > ?3 AND CASE WHEN case_id IS NULL THEN ?1 = '' AND ?2 IS NULL ELSE " +
                    case_in_scope(1) + " END ORDER BY seq LIMIT ?4")
                       .c_str()),
      audit_end_(connection.db(), "SELECT coalesce(max(seq), 0) FROM audit_log") {}

Result<OverdueReport> SqliteOversightStore::overdue_clocks(Instant as_of, const CaseScope& scope, std::int64_t limit) {
  return guarded([&]() -> Result<OverdueReport> {
    const std::string& team = scope.team;
    OverdueReport report;
    report.as_of = as_of;
    report.team = team;
    std::string cutoff = format_instant(as_of);
    {
      // Whole days before today from the counts; today's open clocks one by one.
      Date today = london_date(as_of);
      std::string day = format_date(today), day_start = format_instant(london_start_of_day(today));
      auto q = overdue_count_.start();
      q.bind(1, day).bind(2, team).bind(3, day_start).bind(4, cutoff);
      q.step();
      report.total = q.integer(0);
    }
    auto q = (team.empty() ? overdue_ : overdue_team_).start();
    q.bind(1, cutoff).bind(4, limit);
    bind_scope(q, 2, scope);
    while (q.step()) report.clocks.push_back(read_overdue(q, as_of));
    return report;
  });
}

Result<DueReport> SqliteOversightStore::clocks_due(Instant from, Instant last, const CaseScope& scope,
                                                   std::int64_t limit) {
  return guarded([&]() -> Result<DueReport> {
    DueReport report;
    report.as_of = from;
    report.due_by = last;
    report.team = scope.team;
    std::string first = format_instant(from), end = format_instant(last);
    for (auto* statement : {&due_count_, &due_}) {
      auto q = statement->start();
      q.bind(1, first).bind(4, limit).bind(5, end);
      bind_scope(q, 2, scope);
      if (statement == &due_count_) {
        q.step();
        report.total = q.integer(0);
      } else {
        while (q.step()) report.clocks.push_back(read_overdue(q, from));
      }
    }
    return report;
  });
}

Result<ClockListReport> SqliteOversightStore::clocks_between(const ClockQuery& query, const CaseScope& scope) {
  return guarded([&]() -> Result<ClockListReport> {
    ClockListReport report{query, scope.team, 0, {}};
    // Bound texts must outlive the statements' steps.
    const std::string from = format_date(query.from), to = format_date(query.to), as_of = format_instant(query.as_of);
    for (auto* statement : {&clocks_between_count_, &clocks_between_}) {
      auto q = statement->start();
      q.bind(1, from).bind(2, to).bind(5, query.limit);
      q.bind(6, query.clock).bind(7, query.outcome).bind(8, as_of);
      bind_scope(q, 3, scope);
      if (statement == &clocks_between_count_) {
        q.step();
        report.total = q.integer(0);
      } else {
        while (q.step()) report.clocks.push_back(read_overdue(q, query.as_of));
      }
    }
    return report;
  });
}

Result<std::vector<StateCount>> SqliteOversightStore::state_counts(const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<StateCount>> {
    std::vector<StateCount> rows;
    auto q = state_counts_.start();
    bind_scope(q, 1, scope);
    while (q.step()) rows.push_back(StateCount{q.text(0), q.text(1), false, q.integer(2)});
    return rows;
  });
}

Result<TimelinessReport> SqliteOversightStore::timeliness(Date from, Date to, Instant as_of, bool by_team) {
  return guarded([&]() -> Result<TimelinessReport> {
    TimelinessReport report{from, to, as_of, by_team ? "team" : "clock", {}};
    std::string first = format_date(from), last = format_date(to);
    Date today = london_date(as_of);
    std::string day = format_date(today), day_start = format_instant(london_start_of_day(today)),
                day_end = format_instant(london_end_of_day(today)), cutoff = format_instant(as_of);
    std::map<std::pair<std::string, std::string>, TimelinessRow> rows;
    {
      // Open clocks due before today are overdue, after today running (from the counts)...
      auto q = (by_team ? timeliness_by_team_ : timeliness_).start();
      q.bind(1, first).bind(2, last).bind(3, day);
      while (q.step())
        rows[{q.text(0), q.text(1)}] =
            TimelinessRow{q.text(0), q.text(1), q.integer(2), q.integer(3), q.integer(4), q.integer(5), std::nullopt};
    }
    if (first <= day && day <= last) {
      // ... and those due today depend on the hour.
      auto q = (by_team ? due_today_by_team_ : due_today_).start();
      q.bind(1, day_start).bind(2, day_end).bind(3, cutoff);
      while (q.step()) {
        auto& row = rows[{q.text(0), q.text(1)}];
        row.clock = q.text(0);
        row.team = q.text(1);
        row.overdue += q.integer(2);
        row.running += q.integer(3);
      }
    }
    finish_timeliness(rows, report);
    return report;
  });
}

Result<std::vector<AuditEntry>> SqliteOversightStore::audit_with_outcome(std::string_view outcome, Instant from,
                                                                         Instant to, const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> entries;
    std::string first = format_instant(from), last = format_instant(to);
    auto q = (outcome == "override" ? overrides_ : refusals_).start();
    q.bind(1, first).bind(2, last);
    bind_scope(q, 3, scope);
    while (q.step()) entries.push_back(read_audit(q));
    return entries;
  });
}

Result<std::vector<StageTaskRow>> SqliteOversightStore::stages_with_first_task(std::string_view kind, Instant from,
                                                                               Instant to, const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<StageTaskRow>> {
    std::vector<StageTaskRow> rows;
    std::string first = format_instant(from), last = format_instant(to);
    auto q = stages_with_first_task_.start();
    q.bind(1, first).bind(2, last).bind(4, kind);
    bind_scope(q, 5, scope);
    while (q.step()) rows.push_back(read_stage_task(q));
    return rows;
  });
}

Result<std::vector<TaskAgainstClockRow>> SqliteOversightStore::tasks_against_clock(std::string_view kind,
                                                                                   std::string_view clock, Instant from,
                                                                                   Instant to, const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<TaskAgainstClockRow>> {
    std::vector<TaskAgainstClockRow> rows;
    std::string first = format_instant(from), last = format_instant(to);
    auto q = tasks_against_clock_.start();
    q.bind(1, first).bind(2, last).bind(4, kind).bind(5, clock);
    bind_scope(q, 6, scope);
    while (q.step()) rows.push_back(read_task_against_clock(q));
    return rows;
  });
}

Result<std::vector<TaskRecord>> SqliteOversightStore::workflow_tasks(std::string_view workflow, std::string_view kind,
                                                                     const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<TaskRecord>> {
    std::vector<TaskRecord> tasks;
    auto q = workflow_tasks_.start();
    q.bind(3, workflow).bind(4, kind);
    bind_scope(q, 1, scope);
    while (q.step()) tasks.push_back(read_task(q, q.integer(9)));
    return tasks;
  });
}

Result<std::vector<ClockRecord>> SqliteOversightStore::workflow_clocks(std::string_view workflow,
                                                                       std::string_view clock, const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<ClockRecord>> {
    std::vector<ClockRecord> clocks;
    auto q = workflow_clocks_.start();
    q.bind(3, workflow).bind(4, clock);
    bind_scope(q, 1, scope);
    while (q.step()) clocks.push_back(read_clock(q, 0));
    return clocks;
  });
}

Result<std::vector<ClockOutcomeRow>> SqliteOversightStore::clock_outcomes(std::string_view workflow,
                                                                          std::string_view clock, Instant as_of,
                                                                          std::string_view group_by) {
  return guarded([&]() -> Result<std::vector<ClockOutcomeRow>> {
    std::vector<ClockOutcomeRow> rows;
    std::string cutoff = format_instant(as_of);
    auto q = (group_by.empty() ? clock_outcomes_ : clock_outcomes_by_attribute_).start();
    q.bind(1, cutoff).bind(2, workflow).bind(3, clock);
    if (!group_by.empty()) q.bind(4, group_by);
    while (q.step()) rows.push_back({q.text(0), q.integer(1), q.integer(2), q.integer(3), q.integer(4)});
    return rows;
  });
}

Result<ExportPage> SqliteOversightStore::export_page(std::string_view table, const CaseScope& scope, std::int64_t after,
                                                     std::int64_t limit) {
  auto index = export_table_index(table);
  if (!index) return index.status();
  sqlite::Statement* statement = std::array{&export_cases_, &export_tasks_, &export_audit_, &export_clocks_}[*index];
  return guarded([&]() -> Result<ExportPage> {
    ExportPage page;
    std::int64_t upto = limit;  // the key ?4 binds: rows, or for clocks the last case of the page
    bool full = false;
    if (statement == &export_clocks_) {
      auto cases = export_clock_cases_.start();
      bind_scope(cases, 1, scope);
      cases.bind(3, after).bind(4, limit);
      cases.step();
      full = cases.integer(0) == limit;
      upto = cases.is_null(1) ? after : cases.integer(1);
    }
    auto q = statement->start();
    bind_scope(q, 1, scope);
    q.bind(3, after).bind(4, upto);
    int columns = sqlite3_column_count(statement->handle());
    for (int c = 0; c < columns; ++c) page.table.columns.emplace_back(sqlite3_column_name(statement->handle(), c));
    while (q.step()) {
      std::vector<std::optional<std::string>> row;
      for (int c = 0; c < columns; ++c)
        row.push_back(q.is_null(c) ? std::nullopt : std::optional<std::string>(q.text(c)));
      page.table.rows.push_back(std::move(row));
    }
    set_next_page(page, *index, full, upto, limit);
    return page;
  });
}

Status SqliteOversightStore::export_table(std::string_view table, const CaseScope& scope,
                                          const std::function<void(const ExportTable&)>& chunk) {
  return export_in_pages(*this, table, scope, chunk);
}

Result<AuditFeedPage> SqliteOversightStore::audit_after(std::int64_t after_seq, std::int64_t limit,
                                                        const CaseScope& scope) {
  return guarded([&]() -> Result<AuditFeedPage> {
    AuditFeedPage page;
    if (limit > 0) {
      auto q = audit_after_.start();
      bind_scope(q, 1, scope);
      q.bind(3, after_seq).bind(4, limit);
      while (q.step()) page.entries.push_back(read_audit(q));
    }
    if (limit > 0 && static_cast<std::int64_t>(page.entries.size()) == limit) {
      page.through = page.entries.back().seq;
    } else {
      auto end = audit_end_.start();
      end.step();
      page.through = std::max(after_seq, end.integer(0));
    }
    return page;
  });
}

Result<std::vector<CaseRecord>> SqliteOversightStore::list_cases(const CaseQuery& query, const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<CaseRecord>> {
    std::vector<CaseRecord> cases;
    auto q = (query.workflow.empty() ? list_cases_ : list_workflow_cases_).start();
    q.bind(1, query.after)
        .bind(4, query.state)
        .bind(5, query.workflow)
        .bind(6, query.allocated_to)
        .bind(8, query.limit);
    bind_scope(q, 2, scope);
    if (query.overdue_at)
      q.bind_copy(7, format_instant(*query.overdue_at));
    else
      q.bind_null(7);
    while (q.step()) cases.push_back(read_case(q));
    return cases;
  });
}

Result<std::vector<AccessGrant>> SqliteOversightStore::grants(const GrantQuery& query, const CaseScope& scope) {
  return guarded([&]() -> Result<std::vector<AccessGrant>> {
    std::vector<AccessGrant> grants;
    auto q = grants_.start();
    q.bind_copy(1, format_instant(query.from))
        .bind_copy(2, format_instant(query.to))
        .bind(6, std::int64_t{query.unreviewed_only});
    bind_scope(q, 3, scope);
    if (query.case_id)
      q.bind(5, *query.case_id);
    else
      q.bind_null(5);
    while (q.step()) grants.push_back(read_grant(q));
    return grants;
  });
}

}  // namespace casegate::storage
