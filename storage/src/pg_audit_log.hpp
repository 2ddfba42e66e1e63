#pragma once
// The AuditLog seam on PostgreSQL: the append-only audit_log table (its triggers refuse UPDATE,
// DELETE and TRUNCATE) and the hash chain over it, appended under the chain-head row that the
// command's transaction holds locked (see pg_connection.hpp).
#include <string>

#include "casegate/audit_log.hpp"
#include "pg_connection.hpp"

namespace casegate::storage {

class PgAuditLog final : public AuditLog {
 public:
  explicit PgAuditLog(PgConnection& connection);

  Result<AuditEntry> append(const AuditDraft& draft) override;
  Result<std::vector<AuditEntry>> entries_of_case(CaseId id) override;
  Result<ChainReport> verify_chain() override;
  Result<std::optional<std::string>> hash_at(std::int64_t seq) override;

 private:
  PgConnection& connection_;
  pg::Statement append_, audit_of_case_, audit_page_, audit_hash_at_;
};

}  // namespace casegate::storage
