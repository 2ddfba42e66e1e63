#pragma once
// Plain records shared by the engine API and the CaseStore seam.

#include <cstdint>
#include <optional>
#include <string>

#include "casegate/roles.hpp"
#include "casegate/time.hpp"

namespace casegate {

using CaseId = std::int64_t;

struct User {
  std::string id;  // login-style key, e.g. "sw.jones"
  std::string name;
  Role role = Role::social_worker;
  std::string team;
  bool active = true;
};

struct CaseRecord {
  CaseId id = 0;
  std::string workflow;
  int workflow_version = 0;
  std::string subject;  // the caller's reference for the child or action, never a name we parse
  std::string team;
  std::string state;
  std::int64_t stage = 1;    // how many states the case has entered; tasks carry the stage they were recorded in
  std::int64_t version = 1;  // increases by one on every change of state
  std::string attributes_json = "{}";
  Instant received_at;
  Instant opened_at;
  Instant state_entered_at;
  std::string allocated_to;  // the worker the case is allocated to; empty: unallocated
};

// Break-glass: a user without a relationship with a case, given their role's rights on it
// until `expires_at`, for a stated reason (docs/access.md).
struct AccessGrant {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string user;
  Role role = Role::social_worker;
  std::string reason;
  Instant granted_at;
  Instant expires_at;
  std::string reviewed_by;  // empty: not reviewed yet
  std::optional<Instant> reviewed_at;
  std::string review_note;
};

struct TaskRecord {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string kind;
  std::string payload_json;
  std::string actor;
  Role role = Role::social_worker;
  std::string state;  // the state the case was in when this was recorded
  std::int64_t stage = 0;
  Instant occurred_at;
  Instant recorded_at;
};

// What the engine asks the store to append; the store assigns seq and the hashes.
struct AuditDraft {
  Instant at;
  std::optional<CaseId> case_id;
  std::string actor;
  std::string role;
  std::string action;   // init, user_add, user_update, open, record, fire, view, allocate, transfer, access, ...
  std::string outcome;  // accepted, refused, denied, override, invalid, conflict
  std::string detail_json;
};

struct AuditEntry {
  std::int64_t seq = 0;
  AuditDraft entry;
  std::string prev_hash;  // 64 lowercase hex digits
  std::string hash;
};

struct ChainHead {
  std::int64_t seq = 0;  // 0: the log is empty
  std::string hash;      // that entry's hash, 64 hex digits
};

struct ChainReport {
  bool ok = true;
  std::int64_t entries_verified = 0;  // entries checked before the first failure (all when ok)
  ChainHead head;                     // the last entry that verified
  std::int64_t first_bad_seq = 0;     // when !ok: the first entry that does not verify
  std::string problem;                // when !ok: what is wrong with it
};

}  // namespace casegate
