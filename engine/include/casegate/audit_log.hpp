#pragma once
// The AuditLog seam: the append-only, hash-chained record of every command and every view.
// It is casegate's security core, kept apart so that it can be reviewed on its own. The canonical
// form each entry is hashed in is in docs/audit.md.

#include <optional>
#include <string>
#include <vector>

#include "casegate/records.hpp"
#include "casegate/status.hpp"

namespace casegate {

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends one entry to the hash chain, inside the open command, and returns it as stored.
  virtual Result<AuditEntry> append(const AuditDraft& draft) = 0;
  // Every entry naming the case, oldest first.
  virtual Result<std::vector<AuditEntry>> entries_of_case(CaseId id) = 0;
  // Recomputes the whole chain from the first entry, as of one moment.
  virtual Result<ChainReport> verify_chain() = 0;
  // The stored hash of entry `seq`, or nullopt when there is no such entry.
  virtual Result<std::optional<std::string>> hash_at(std::int64_t seq) = 0;
};

}  // namespace casegate
