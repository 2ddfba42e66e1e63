#pragma once
// The SQLite implementation of the CaseStore seam.

#include <memory>
#include <string>

#include "casegate/case_store.hpp"
#include "casegate/status.hpp"

namespace casegate {

struct SqliteStoreOptions {
  // PRAGMA synchronous: "FULL" (default), "NORMAL" or "OFF".
  std::string synchronous = "FULL";
  // How long a command waits for another writer. Default: 5000 ms.
  int busy_timeout_ms = 5000;
};

// Opens or creates the database at `path` (":memory:" for a private in-memory one), in WAL
// mode, and migrates its schema to the latest version.
// integrity: the schema is newer than this casegate; internal: the file cannot be opened.
Result<std::unique_ptr<CaseStore>> open_sqlite_store(const std::string& path, const SqliteStoreOptions& options = {});

// The canonical form of an audit entry, hashed as SHA-256(prev_hash bytes || canonical):
// seq, at, case_id (empty when none), actor, role, action, outcome, detail, joined by the byte
// 0x1F. See docs/audit.md.
std::string audit_canonical_form(std::int64_t seq, const AuditDraft& entry);
// The hash of an entry given the previous entry's hash (64 hex digits; 64 zeros for the first).
std::string audit_entry_hash(const std::string& prev_hash_hex, std::int64_t seq, const AuditDraft& entry);

}  // namespace casegate
