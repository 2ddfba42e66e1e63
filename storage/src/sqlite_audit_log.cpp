#include "sqlite_audit_log.hpp"

#include "casegate/digest.hpp"
#include "sqlite_rows.hpp"

namespace casegate::storage {
namespace {

std::string audit_select(const char* rest) {
  return std::string("SELECT ") + audit_columns + " FROM audit_log " + rest;
}

}  // namespace

SqliteAuditLog::SqliteAuditLog(SqliteConnection& connection)
    : connection_(connection),
      audit_tip_(connection.db(), "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"),
      insert_audit_(connection.db(),
                    "INSERT INTO audit_log (seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
      // An entry of a case is listed in the case directory (schema 9: kind 2, n the seq).
      list_entry_(connection.db(), "INSERT INTO case_directory (case_id, kind, n) VALUES (?1, 2, ?2)"),
      // A case's entries are found through the case directory (schema 9), not an index of the log;
      // ordered by the directory's key, which is the log's order, so SQLite sorts nothing.
      audit_of_case_(
          connection.db(),
          (std::string("SELECT ") + audit_columns +
           " FROM (SELECT n FROM case_directory WHERE case_id = ?1 AND kind = 2) d JOIN audit_log ON seq = d.n "
           "ORDER BY d.n")
              .c_str()),
      audit_all_(connection.db(), audit_select("ORDER BY seq").c_str()),
      audit_hash_at_(connection.db(), "SELECT hash FROM audit_log WHERE seq = ?1"),
      tip_(connection) {}

Result<AuditEntry> SqliteAuditLog::append(const AuditDraft& draft) {
  return guarded([&]() -> Result<AuditEntry> {
    AuditEntry entry;
    entry.entry = draft;
    const Tip* tip = tip_.get();
    if (tip == nullptr) {
      auto q = audit_tip_.start();
      tip = &tip_.set(q.step() ? Tip{q.integer(0), q.text(1)} : Tip{0, std::string(genesis_hash)});
    }
    entry.seq = tip->seq + 1;
    entry.prev_hash = tip->hash;
    entry.hash = audit_entry_hash(entry.prev_hash, entry.seq, draft);
    insert_audit_.start()
        .bind(1, entry.seq)
        .bind_copy(2, format_instant(draft.at))
        .bind(3, draft.case_id)
        .bind(4, draft.actor)
        .bind(5, draft.role)
        .bind(6, draft.action)
        .bind(7, draft.outcome)
        .bind(8, draft.detail_json)
        .bind(9, entry.prev_hash)
        .bind(10, entry.hash)
        .run();
    if (draft.case_id) list_entry_.start().bind(1, *draft.case_id).bind(2, entry.seq).run();
    tip_.set(Tip{entry.seq, entry.hash});
    return entry;
  });
}

Result<std::vector<AuditEntry>> SqliteAuditLog::entries_of_case(CaseId id) {
  return guarded([&]() -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> entries;
    auto q = audit_of_case_.start();
    q.bind(1, id);
    while (q.step()) entries.push_back(read_audit(q));
    return entries;
  });
}

Result<ChainReport> SqliteAuditLog::verify_chain() {
  return guarded([&]() -> Result<ChainReport> {
    // One read transaction: the chain is checked as of one moment, writers carry on.
    connection_.db().execute("BEGIN");
    ChainCheck check;
    try {
      {
        auto q = audit_all_.start();
        while (q.step() && check.next(q.integer(0), q.text_view(1), [&] { return read_audit(q); })) {
        }
      }  // the read statement is reset before the transaction ends
      connection_.db().execute("COMMIT");
    } catch (...) {
      connection_.rollback_command();
      throw;
    }
    return check.report();
  });
}

Result<std::optional<std::string>> SqliteAuditLog::hash_at(std::int64_t seq) {
  return guarded([&]() -> Result<std::optional<std::string>> {
    auto q = audit_hash_at_.start();
    q.bind(1, seq);
    if (!q.step()) return std::optional<std::string>();
    return std::optional<std::string>(q.text(0));
  });
}

}  // namespace casegate::storage

namespace casegate {

std::string audit_canonical_form(std::int64_t seq, const AuditDraft& entry) {
  constexpr char unit_separator = '\x1f';
  std::string text = std::to_string(seq);
  for (const std::string& field :
       {format_instant(entry.at), entry.case_id ? std::to_string(*entry.case_id) : std::string(), entry.actor,
        entry.role, entry.action, entry.outcome, entry.detail_json}) {
    text += unit_separator;
    text += field;
  }
  return text;
}

std::string audit_entry_hash(const std::string& prev_hash_hex, std::int64_t seq, const AuditDraft& entry) {
  return sha256_hex({storage::hex_to_bytes(prev_hash_hex), audit_canonical_form(seq, entry)});
}

}  // namespace casegate
