#pragma once
// An engine on an in-memory database with a fixed clock and one user of each role.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "casegate/engine.hpp"
#include "casegate/time.hpp"

namespace casegate::testing {

inline const char* const social_worker = "sw.jones";
inline const char* const team_manager = "tm.khan";
inline const char* const conference_chair = "chair.patel";
inline const char* const auditor = "aud.lee";
inline const char* const board_chair = "board.ross";
inline const char* const admin = "admin.ali";
// Team "south": the cases of the north users above are not theirs.
inline const char* const south_worker = "sw.osei";
inline const char* const south_manager = "tm.south";

Instant at(const char* iso);

// A payload that satisfies `requirement`, written by hand from workflows.md.
std::string payload_for(const Requirement& requirement);
// The attributes a case of `workflow` is opened with in tests.
std::map<std::string, std::string> attributes_for(const std::string& workflow);
// The user who records tasks of `kind` (the only role allowed, else the social worker).
std::string recorder_of(const std::string& kind);

struct EngineFixture {
  // `storage` nullopt: an in-memory SQLite database.
  explicit EngineFixture(std::optional<Storage> storage = std::nullopt);

  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Engine> engine;

  CaseId open_case(const std::string& workflow = "child_protection", std::optional<int> version = std::nullopt);
  TaskReceipt record(CaseId id, const std::string& kind, const std::string& payload, const std::string& as = "");
  FireResult fire(CaseId id, const std::string& event, const std::string& as = social_worker);
  // Records what `requirement` needs, as the right role.
  void satisfy(CaseId id, const Requirement& requirement);
  // A new case driven along the shortest path of the workflow's table to `state`.
  CaseId case_in_state(const std::string& state, const std::string& workflow = "child_protection",
                       std::optional<int> version = std::nullopt);
  std::string state_of(CaseId id);
  std::vector<AuditEntry> audit_of(CaseId id);
};

}  // namespace casegate::testing
