#include "pg_audit_log.hpp"

namespace casegate::storage {
namespace {

using pg::number;
using pg::text;

std::string audit_select(const char* rest) {
  return std::string("SELECT ") + audit_columns + " FROM audit_log " + rest;
}

// Verify reads the log in pages of this many entries, all in one snapshot.
constexpr std::int64_t verify_page = 10000;

}  // namespace

PgAuditLog::PgAuditLog(PgConnection& connection)
    : connection_(connection),
      // The entry and the head it moves, in one statement.
      append_(connection.db(),
              "WITH moved AS (UPDATE audit_head SET seq = $1::bigint, hash = $10::text WHERE id = 1) "
              "INSERT INTO audit_log (seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash) "
              "VALUES ($1::bigint, $2::text, $3::bigint, $4::text, $5::text, $6::text, $7::text, $8::text, "
              "$9::text, $10::text)"),
      audit_of_case_(connection.db(), audit_select("WHERE case_id = $1::bigint ORDER BY seq")),
      audit_page_(connection.db(), audit_select("WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint")),
      audit_hash_at_(connection.db(), "SELECT hash FROM audit_log WHERE seq = $1::bigint") {}

Result<AuditEntry> PgAuditLog::append(const AuditDraft& draft) {
  return pg_guarded([&]() -> Result<AuditEntry> {
    ChainHead& head = connection_.head();
    AuditEntry entry;
    entry.entry = draft;
    entry.seq = head.seq + 1;
    entry.prev_hash = head.hash;
    entry.hash = audit_entry_hash(entry.prev_hash, entry.seq, draft);
    append_.defer({number(entry.seq), format_instant(draft.at), draft.case_id ? number(*draft.case_id) : std::nullopt,
                   text(draft.actor), text(draft.role), text(draft.action), text(draft.outcome),
                   text(draft.detail_json), text(entry.prev_hash), text(entry.hash)});
    head = {entry.seq, entry.hash};
    return entry;
  });
}

Result<std::vector<AuditEntry>> PgAuditLog::entries_of_case(CaseId id) {
  return pg_guarded([&]() -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> entries;
    auto rows = audit_of_case_.run({number(id)});
    for (int r = 0; r < rows.size(); ++r) entries.push_back(read_audit(pg::Row(rows, r)));
    return entries;
  });
}

Result<ChainReport> PgAuditLog::verify_chain() {
  return pg_guarded([&]() -> Result<ChainReport> {
    // One snapshot: the chain is checked as of one moment, writers on every server carry on.
    pg::Connection& db = connection_.db();
    db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    ChainCheck check;
    try {
      for (bool more = true; more;) {
        auto rows = audit_page_.run({number(check.report().head.seq), number(verify_page)});
        more = rows.size() == verify_page;
        for (int r = 0; r < rows.size(); ++r) {
          pg::Row row(rows, r);
          if (!check.next(row.integer(0), row.text_view(1), [&] { return read_audit(row); })) {
            more = false;
            break;
          }
        }
      }
      db.execute("COMMIT");
    } catch (...) {
      db.execute_quietly("ROLLBACK");
      throw;
    }
    return check.report();
  });
}

Result<std::optional<std::string>> PgAuditLog::hash_at(std::int64_t seq) {
  return pg_guarded([&]() -> Result<std::optional<std::string>> {
    auto rows = audit_hash_at_.run({number(seq)});
    if (rows.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(rows.text(0, 0));
  });
}

}  // namespace casegate::storage
