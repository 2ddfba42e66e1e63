// casegate copy: a SQLite database moved into an empty PostgreSQL one, row for row, in one
// transaction on each side, with the audit chain checked as it is copied.
#include <array>
#include <vector>

#include "casegate/postgres_store.hpp"
#include "pg_connection.hpp"
#include "schema.hpp"
#include "sqlite_connection.hpp"

namespace casegate {
namespace {

using namespace storage;

struct Table {
  const char* name;
  std::vector<const char*> columns;
  const char* order;  // SQLite ORDER BY: parents before children, the audit log in seq order
};

// Every table, parents first. The names are constants: no SQL is built from input.
const std::vector<Table>& tables() {
  static const std::vector<Table> all{
      {"users", {"id", "name", "role", "team", "active"}, "id"},
      {"cases",
       {"id", "workflow", "workflow_version", "subject", "team", "state", "stage", "version", "attributes",
        "received_at", "opened_at", "state_entered_at", "allocated_to"},
       "id"},
      {"case_stages", {"case_id", "stage", "state", "entered_at"}, "case_id"},
      {"tasks",
       {"id", "case_id", "kind", "payload", "actor", "role", "state", "stage", "occurred_at", "recorded_at"},
       "id"},
      {"clocks",
       {"case_id", "clock", "cycle", "started_at", "due_at", "due_date", "calendar_version", "met_at", "stopped",
        "team", "anchor"},
       "case_id"},
      {"clock_counts", {"due_date", "clock", "team", "met_on_time", "met_late", "open"}, "due_date"},
      {"settings", {"key", "value"}, "key"},
      {"calendar_changes", {"id", "kind", "date", "value"}, "id"},
      {"access_grants",
       {"id", "case_id", "user_id", "role", "reason", "granted_at", "expires_at", "reviewed_by", "reviewed_at",
        "review_note"},
       "id"},
      {"idempotency_keys", {"user_id", "key", "request_sha256", "reply", "stored_at"}, "user_id, key"},
      {"audit_log",
       {"seq", "at", "case_id", "actor", "role", "action", "outcome", "detail", "prev_hash", "hash"},
       "seq"},
  };
  return all;
}

// The tables whose ids PostgreSQL assigns: their sequences continue after the copied ids.
constexpr std::array<const char*, 4> identity_tables{"cases", "tasks", "calendar_changes", "access_grants"};

struct NotEmpty : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ChainBroken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void copy_table(sqlite::Database& from, pg::Connection& to, const Table& table, ChainCheck* chain) {
  std::string columns;
  for (std::size_t i = 0; i < table.columns.size(); ++i) columns += (i ? ", " : "") + std::string(table.columns[i]);
  sqlite::Statement read(from, ("SELECT " + columns + " FROM " + table.name + " ORDER BY " + table.order).c_str());
  pg::CopyIn write(to, std::string("COPY ") + table.name + " (" + columns + ") FROM STDIN");
  const int count = static_cast<int>(table.columns.size());
  auto q = read.start();
  std::vector<pg::Value> values(table.columns.size());
  while (q.step()) {
    for (int c = 0; c < count; ++c) {
      if (q.is_null(c))
        values[c].reset();
      else
        values[c] = q.text(c);
    }
    if (chain) {
      if (!chain->next(q.integer(0), q.text_view(1), [&] { return read_audit(q); }))
        throw ChainBroken(chain->report().problem);
    }
    write.row(values);
  }
  write.finish();
}

// The head of the chain copied.
ChainHead copy_all(sqlite::Database& from, pg::Connection& to) {
  pg::Statement lock_head(to, "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE");
  if (lock_head.run().integer(0, 0) != 0) throw NotEmpty("the target database already has an audit log");
  for (const Table& table : tables()) {
    pg::Statement any(to, std::string("SELECT 1 FROM ") + table.name + " LIMIT 1");
    if (any.run().size() > 0) throw NotEmpty(std::string("the target database already has ") + table.name);
  }
  ChainCheck chain;
  for (const Table& table : tables())
    copy_table(from, to, table, std::string_view(table.name) == "audit_log" ? &chain : nullptr);
  pg::Statement set_head(to, "UPDATE audit_head SET seq = $1::bigint, hash = $2::text WHERE id = 1");
  set_head.run({pg::number(chain.report().head.seq), chain.report().head.hash});
  for (const char* table : identity_tables) {
    pg::Statement continue_ids(to, std::string("SELECT setval(pg_get_serial_sequence('") + table +
                                       "', 'id'), coalesce((SELECT max(id) FROM " + table + "), 0) + 1, false)");
    continue_ids.run();
  }
  return chain.report().head;
}

}  // namespace

Result<ChainHead> copy_sqlite_to_postgres(const std::string& sqlite_path, const std::string& uri) {
  try {
    SqliteConnection source(sqlite_path, SqliteOptions{});
    PgConnection target(uri, PostgresOptions{});
    source.db().execute("BEGIN");  // one snapshot of the source
    target.db().execute("BEGIN");
    ChainHead head;
    try {
      head = copy_all(source.db(), target.db());
      target.db().execute("COMMIT");
    } catch (...) {
      target.db().execute_quietly("ROLLBACK");
      sqlite3_exec(source.db().handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    source.db().execute("COMMIT");
    // Fresh statistics, so that the first reports on the copy are planned as well as later ones.
    target.db().execute("ANALYZE");
    return head;
  } catch (const NotEmpty& error) {
    return Status::invalid_input(std::string(error.what()) + ": copy only into an empty database");
  } catch (const ChainBroken& error) {
    return Status::integrity(std::string("the source audit chain does not verify, nothing was copied: ") +
                             error.what());
  } catch (const SchemaTooNew& error) {
    return Status::integrity(error.what());
  } catch (const pg::PgError& error) {
    return to_status(error);
  } catch (const sqlite::SqliteError& error) {
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

}  // namespace casegate
