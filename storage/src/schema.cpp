#include "schema.hpp"

#include <string>

namespace casegate::storage {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all{
      {1, "users, cases, tasks and the append-only, hash-chained audit_log",
       R"sql(
CREATE TABLE users (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  team        TEXT NOT NULL DEFAULT '',
  active      INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE cases (
  id               INTEGER PRIMARY KEY,
  workflow         TEXT NOT NULL,
  workflow_version INTEGER NOT NULL,
  subject          TEXT NOT NULL,
  team             TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL,
  stage            INTEGER NOT NULL DEFAULT 1,
  version          INTEGER NOT NULL DEFAULT 1,
  attributes       TEXT NOT NULL DEFAULT '{}',
  received_at      TEXT NOT NULL,
  opened_at        TEXT NOT NULL,
  state_entered_at TEXT NOT NULL
) STRICT;

CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  kind        TEXT NOT NULL,
  payload     TEXT NOT NULL,
  actor       TEXT NOT NULL REFERENCES users(id),
  role        TEXT NOT NULL,
  state       TEXT NOT NULL,
  stage       INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX tasks_by_case ON tasks(case_id);

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  case_id   INTEGER,
  actor     TEXT NOT NULL,
  role      TEXT NOT NULL,
  action    TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
      {2, "index the audit log by case, so a case's history is not a scan of the whole log",
       R"sql(
CREATE INDEX audit_log_by_case ON audit_log(case_id, seq);
)sql"},
      {3,
       "clocks, the stages a case went through, deployment settings and calendar changes; "
       "an index of refusals and overrides for oversight",
       R"sql(
CREATE TABLE case_stages (
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  stage      INTEGER NOT NULL,
  state      TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  PRIMARY KEY (case_id, stage)
) STRICT, WITHOUT ROWID;
-- Earlier stages of existing cases are not known: only their current one is kept.
INSERT INTO case_stages (case_id, stage, state, entered_at) SELECT id, stage, state, state_entered_at FROM cases;

CREATE TABLE clocks (
  case_id          INTEGER NOT NULL REFERENCES cases(id),
  clock            TEXT NOT NULL,
  cycle            INTEGER NOT NULL,
  started_at       TEXT NOT NULL,
  due_at           TEXT NOT NULL,
  due_date         TEXT NOT NULL,
  calendar_version INTEGER NOT NULL,
  met_at           TEXT,
  stopped          INTEGER NOT NULL DEFAULT 0,
  team             TEXT NOT NULL,
  anchor           TEXT NOT NULL DEFAULT '',  -- which start set the due time, when a clock has several
  PRIMARY KEY (case_id, clock, cycle)
) STRICT, WITHOUT ROWID;
CREATE INDEX clocks_open_by_due ON clocks(due_at) WHERE met_at IS NULL AND stopped = 0;
CREATE INDEX clocks_open_by_team ON clocks(team, due_at) WHERE met_at IS NULL AND stopped = 0;

-- Timeliness and overdue counts read this, not the clocks: one row per due date, clock and
-- team, kept by the store as it writes clocks (save_clock). "open" is neither met nor stopped.
CREATE TABLE clock_counts (
  due_date    TEXT NOT NULL,
  clock       TEXT NOT NULL,
  team        TEXT NOT NULL,
  met_on_time INTEGER NOT NULL,
  met_late    INTEGER NOT NULL,
  open        INTEGER NOT NULL,
  PRIMARY KEY (due_date, clock, team)
) STRICT, WITHOUT ROWID;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE calendar_changes (
  id    INTEGER PRIMARY KEY,
  kind  TEXT NOT NULL,   -- closure, working, jurisdiction
  date  TEXT,
  value TEXT NOT NULL    -- the reason, or the jurisdiction
) STRICT;

CREATE INDEX audit_log_exceptions ON audit_log(at) WHERE outcome IN ('refused', 'override');
CREATE INDEX tasks_by_kind_time ON tasks(kind, occurred_at);
)sql"},
      {4,
       "fewer index pages written per command: a team's overdue clocks are read in due order from the "
       "index of all open clocks, and only strategy meetings (the one report by task time) are indexed by time",
       R"sql(
DROP INDEX clocks_open_by_team;
DROP INDEX tasks_by_kind_time;
CREATE INDEX tasks_strategy_meetings ON tasks(occurred_at) WHERE kind = 'strategy_meeting';
)sql"},
      {5,
       "need-to-know access: a case's allocated worker, and break-glass grants with their review; "
       "existing cases keep their team and start unallocated",
       R"sql(
ALTER TABLE cases ADD COLUMN allocated_to TEXT REFERENCES users(id);
CREATE INDEX cases_by_allocation ON cases(allocated_to) WHERE allocated_to IS NOT NULL;

CREATE TABLE access_grants (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  user_id     TEXT NOT NULL REFERENCES users(id),
  role        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  granted_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  reviewed_by TEXT REFERENCES users(id),
  reviewed_at TEXT,
  review_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX access_grants_by_case ON access_grants(case_id, user_id, expires_at);
CREATE INDEX access_grants_by_time ON access_grants(granted_at);
)sql"},
      {6, "exactly-once requests: a request's idempotency key, kept with its reply by the user who sent it",
       R"sql(
CREATE TABLE idempotency_keys (
  user_id        TEXT NOT NULL,
  key            TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  reply          TEXT NOT NULL,
  stored_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_time ON idempotency_keys(stored_at);
)sql"},
      {7,
       "the caseload: cases per team, workflow and state, kept by triggers in the command's own "
       "transaction, so a dashboard's counts read a few rows rather than every case; and the cases of a "
       "workflow found by index (an action plan's few actions among a million child-protection cases)",
       R"sql(
CREATE INDEX cases_by_workflow ON cases(workflow);
CREATE TABLE case_counts (
  team     TEXT NOT NULL,
  workflow TEXT NOT NULL,
  state    TEXT NOT NULL,
  cases    INTEGER NOT NULL,
  PRIMARY KEY (team, workflow, state)
) STRICT, WITHOUT ROWID;
INSERT INTO case_counts SELECT team, workflow, state, count(*) FROM cases GROUP BY team, workflow, state;
CREATE TRIGGER case_counts_open AFTER INSERT ON cases BEGIN
  INSERT INTO case_counts VALUES (new.team, new.workflow, new.state, 1)
    ON CONFLICT DO UPDATE SET cases = cases + 1;
END;
CREATE TRIGGER case_counts_move AFTER UPDATE OF team, workflow, state ON cases
  WHEN old.team IS NOT new.team OR old.workflow IS NOT new.workflow OR old.state IS NOT new.state BEGIN
  UPDATE case_counts SET cases = cases - 1 WHERE team = old.team AND workflow = old.workflow AND state = old.state;
  INSERT INTO case_counts VALUES (new.team, new.workflow, new.state, 1)
    ON CONFLICT DO UPDATE SET cases = cases + 1;
END;
)sql"},
      {8,
       "the caseload's move trigger as one upsert of two rows (the old state's -1, the new state's +1): "
       "a trigger firing is dear, and one statement in it costs less than two (W1's storage work: 1.6% fewer "
       "instructions)",
       R"sql(
DROP TRIGGER case_counts_move;
CREATE TRIGGER case_counts_move AFTER UPDATE OF team, workflow, state ON cases
  WHEN old.team IS NOT new.team OR old.workflow IS NOT new.workflow OR old.state IS NOT new.state BEGIN
  INSERT INTO case_counts VALUES (old.team, old.workflow, old.state, -1), (new.team, new.workflow, new.state, 1)
    ON CONFLICT DO UPDATE SET cases = cases + excluded.cases;
END;
)sql"},
      {9,
       "one case directory for what is read by case: the stages a case went through, its tasks and its audit "
       "entries, in one b-tree keyed by case, which replaces case_stages and the indexes of tasks and audit entries "
       "by case; a command then writes one page for all three where it wrote up to three",
       R"sql(
-- kind: 0 a stage (n its number, with its state and when it was entered), 1 a task (n its id), 2 an audit
-- entry (n its seq). No foreign key: an audit entry may name a case id that was never opened (a denied look).
CREATE TABLE case_directory (
  case_id    INTEGER NOT NULL,
  kind       INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),  -- not IN (...): that builds a table per insert
  n          INTEGER NOT NULL,
  state      TEXT,
  entered_at TEXT,
  PRIMARY KEY (case_id, kind, n)
) STRICT, WITHOUT ROWID;
INSERT INTO case_directory SELECT case_id, 0, stage, state, entered_at FROM case_stages;
INSERT INTO case_directory SELECT case_id, 1, id, NULL, NULL FROM tasks;
INSERT INTO case_directory SELECT case_id, 2, seq, NULL, NULL FROM audit_log WHERE case_id IS NOT NULL;
DROP TABLE case_stages;
DROP INDEX tasks_by_case;
DROP INDEX audit_log_by_case;
-- For readers of stages (reports, copy): the store itself reads and writes case_directory. The store
-- writes a task's and an audit entry's line with its own statement, not a trigger: a trigger firing
-- costs about as much as the insert it follows.
CREATE VIEW case_stages AS SELECT case_id, n AS stage, state, entered_at FROM case_directory WHERE kind = 0;
)sql"},
  };
  return all;
}

int latest_schema_version() {
  return migrations().back().version;
}

int schema_version(sqlite::Database& db) {
  sqlite::Statement query(db, "PRAGMA user_version");
  auto use = query.start();
  use.step();
  return static_cast<int>(use.integer(0));
}

void migrate(sqlite::Database& db) {
  int current = schema_version(db);
  if (current > latest_schema_version())
    throw SchemaTooNew("database schema version " + std::to_string(current) +
                       " is newer than this casegate supports (" + std::to_string(latest_schema_version()) +
                       "); upgrade casegate");
  for (const auto& migration : migrations()) {
    if (migration.version <= current) continue;
    db.execute("BEGIN IMMEDIATE");
    try {
      // Another process may have migrated while we waited for the lock.
      if (schema_version(db) < migration.version) {
        db.execute(migration.sql);
        db.execute(("PRAGMA user_version = " + std::to_string(migration.version)).c_str());
      }
      db.execute("COMMIT");
    } catch (...) {
      sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

}  // namespace casegate::storage
