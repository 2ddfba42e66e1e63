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

struct Column {
  const char* name;
  const char* type;  // the PostgreSQL type its text is cast to
};

struct Table {
  const char* name;
  std::vector<Column> columns;
  const char* order;  // SQLite ORDER BY: parents before children, the audit log in seq order
};

// Every table, parents first. The names are constants: no SQL is built from input.
const std::vector<Table>& tables() {
  static const std::vector<Table> all{
      {"users", {{"id", "text"}, {"name", "text"}, {"role", "text"}, {"team", "text"}, {"active", "integer"}}, "id"},
      {"cases",
       {{"id", "bigint"},
        {"workflow", "text"},
        {"workflow_version", "integer"},
        {"subject", "text"},
        {"team", "text"},
        {"state", "text"},
        {"stage", "bigint"},
        {"version", "bigint"},
        {"attributes", "text"},
        {"received_at", "text"},
        {"opened_at", "text"},
        {"state_entered_at", "text"},
        {"allocated_to", "text"}},
       "id"},
      {"case_stages",
       {{"case_id", "bigint"}, {"stage", "bigint"}, {"state", "text"}, {"entered_at", "text"}},
       "case_id"},
      {"tasks",
       {{"id", "bigint"},
        {"case_id", "bigint"},
        {"kind", "text"},
        {"payload", "text"},
        {"actor", "text"},
        {"role", "text"},
        {"state", "text"},
        {"stage", "bigint"},
        {"occurred_at", "text"},
        {"recorded_at", "text"}},
       "id"},
      {"clocks",
       {{"case_id", "bigint"},
        {"clock", "text"},
        {"cycle", "bigint"},
        {"started_at", "text"},
        {"due_at", "text"},
        {"due_date", "text"},
        {"calendar_version", "bigint"},
        {"met_at", "text"},
        {"stopped", "integer"},
        {"team", "text"},
        {"anchor", "text"}},
       "case_id"},
      {"clock_counts",
       {{"due_date", "text"},
        {"clock", "text"},
        {"team", "text"},
        {"met_on_time", "integer"},
        {"met_late", "integer"},
        {"open", "integer"}},
       "due_date"},
      {"settings", {{"key", "text"}, {"value", "text"}}, "key"},
      {"calendar_changes", {{"id", "bigint"}, {"kind", "text"}, {"date", "text"}, {"value", "text"}}, "id"},
      {"access_grants",
       {{"id", "bigint"},
        {"case_id", "bigint"},
        {"user_id", "text"},
        {"role", "text"},
        {"reason", "text"},
        {"granted_at", "text"},
        {"expires_at", "text"},
        {"reviewed_by", "text"},
        {"reviewed_at", "text"},
        {"review_note", "text"}},
       "id"},
      {"idempotency_keys",
       {{"user_id", "text"}, {"key", "text"}, {"request_sha256", "text"}, {"reply", "text"}, {"stored_at", "text"}},
       "user_id, key"},
      {"audit_log",
       {{"seq", "bigint"},
        {"at", "text"},
        {"case_id", "bigint"},
        {"actor", "text"},
        {"role", "text"},
        {"action", "text"},
        {"outcome", "text"},
        {"detail", "text"},
        {"prev_hash", "text"},
        {"hash", "text"}},
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
  std::string columns, params;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i) {
      columns += ", ";
      params += ", ";
    }
    columns += table.columns[i].name;
    params += "$" + std::to_string(i + 1) + "::" + table.columns[i].type;
  }
  sqlite::Statement read(from, ("SELECT " + columns + " FROM " + table.name + " ORDER BY " + table.order).c_str());
  pg::Statement write(to, std::string("INSERT INTO ") + table.name + " (" + columns + ") VALUES (" + params + ")");
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
    write.run(values);
  }
}

void copy_all(sqlite::Database& from, pg::Connection& to) {
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
}

}  // namespace

Status copy_sqlite_to_postgres(const std::string& sqlite_path, const std::string& uri) {
  try {
    SqliteConnection source(sqlite_path, SqliteOptions{});
    PgConnection target(uri, PostgresOptions{});
    source.db().execute("BEGIN");  // one snapshot of the source
    target.db().execute("BEGIN");
    try {
      copy_all(source.db(), target.db());
      target.db().execute("COMMIT");
    } catch (...) {
      target.db().execute_quietly("ROLLBACK");
      sqlite3_exec(source.db().handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    source.db().execute("COMMIT");
    return Status::ok();
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
