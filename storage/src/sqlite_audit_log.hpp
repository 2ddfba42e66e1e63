#pragma once
// The AuditLog seam on SQLite: the append-only audit_log table (its triggers refuse UPDATE and
// DELETE) and the hash chain over it.
#include <string>

#include "casegate/audit_log.hpp"
#include "sqlite_connection.hpp"

namespace casegate::storage {

class SqliteAuditLog final : public AuditLog {
 public:
  explicit SqliteAuditLog(SqliteConnection& connection);

  Result<AuditEntry> append(const AuditDraft& draft) override;
  Result<std::vector<AuditEntry>> entries_of_case(CaseId id) override;
  Result<ChainReport> verify_chain() override;
  Result<std::optional<std::string>> hash_at(std::int64_t seq) override;

 private:
  SqliteConnection& connection_;
  sqlite::Statement audit_tip_, insert_audit_, list_entry_, audit_of_case_, audit_all_, audit_hash_at_;
  // The newest entry, read by every command and kept between commands while nobody else writes.
  struct Tip {
    std::int64_t seq;
    std::string hash;
  };
  Cached<Tip> tip_;
};

}  // namespace casegate::storage
