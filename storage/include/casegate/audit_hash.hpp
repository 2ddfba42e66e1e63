#pragma once
// How every store hashes the audit chain, so that a chain copied from one store to another
// verifies with the same head hash.

#include <cstdint>
#include <string>

#include "casegate/records.hpp"

namespace casegate {

// The canonical form of an audit entry, hashed as SHA-256(prev_hash bytes || canonical):
// seq, at, case_id (empty when none), actor, role, action, outcome, detail, joined by the byte
// 0x1F. See docs/audit.md.
std::string audit_canonical_form(std::int64_t seq, const AuditDraft& entry);
// The hash of an entry given the previous entry's hash (64 hex digits; 64 zeros for the first).
std::string audit_entry_hash(const std::string& prev_hash_hex, std::int64_t seq, const AuditDraft& entry);

}  // namespace casegate
