#pragma once
// The CaseStore seam on SQLite: users, cases, tasks, stages, clocks (with the per-day counts the
// oversight reports read), settings and the calendar.
#include <map>
#include <string>

#include "casegate/case_store.hpp"
#include "sqlite_connection.hpp"

namespace casegate::storage {

class SqliteCaseStore final : public CaseStore {
 public:
  explicit SqliteCaseStore(SqliteConnection& connection);

  Result<std::optional<User>> find_user(std::string_view id) override;
  Result<std::vector<User>> list_users() override;
  Result<bool> has_users() override;
  Status insert_user(const User& user) override;
  Status set_user_active(std::string_view id, bool active) override;

  Result<std::optional<CaseRecord>> find_case(CaseId id) override;
  Result<CaseId> insert_case(const CaseRecord& record) override;
  Status move_case(CaseId id, std::int64_t expected_version, std::string_view state, Instant entered_at) override;
  Result<std::vector<CaseRecord>> cases_below_version(std::string_view workflow, int version) override;
  Status migrate_case(CaseId id, std::int64_t expected_version, int workflow_version, std::string_view state) override;

  Status allocate_case(CaseId id, std::string_view user) override;
  Status transfer_case(CaseId id, std::string_view team) override;
  Result<std::int64_t> insert_grant(const AccessGrant& grant) override;
  Result<std::optional<AccessGrant>> find_grant(std::int64_t id) override;
  Result<std::optional<AccessGrant>> grant_in_force(CaseId id, std::string_view user, Instant now) override;
  Status review_grant(std::int64_t id, std::string_view by, Instant at, std::string_view note) override;

  Result<std::vector<TaskRecord>> tasks_of(CaseId id) override;
  Result<std::int64_t> insert_task(const TaskRecord& task) override;
  Result<std::vector<StageRecord>> stages_of(CaseId id) override;
  Result<std::vector<ClockRecord>> clocks_of(CaseId id) override;
  Status save_clock(const ClockRecord& clock, const ClockRecord* before) override;

  Result<std::map<std::string, std::string, std::less<>>> settings() override;
  Status set_setting(std::string_view key, std::string_view value) override;
  Result<CalendarData> calendar() override;
  Status add_calendar_change(std::string_view kind, std::optional<Date> date, std::string_view value) override;

  Result<std::optional<StoredReply>> find_reply(std::string_view user, std::string_view key) override;
  Status store_reply(std::string_view user, std::string_view key, const StoredReply& reply, Instant at,
                     Instant forget_before) override;

 private:
  // Moves a clock's contribution in clock_counts from `before` (null: a new clock) to `after`.
  void count_clock(const ClockRecord* before, const ClockRecord& after);

  SqliteConnection& connection_;
  sqlite::Statement find_user_, list_users_, has_users_, insert_user_, set_user_active_;
  sqlite::Statement find_case_, cases_below_version_, insert_case_, insert_stage_, move_case_, record_current_stage_,
      migrate_case_, rename_current_stage_;
  sqlite::Statement allocate_case_, transfer_case_, insert_grant_, find_grant_, grant_in_force_, review_grant_;
  sqlite::Statement tasks_of_, insert_task_, list_task_, stages_of_;
  sqlite::Statement clocks_of_, insert_clock_, update_clock_, count_clock_;
  sqlite::Statement settings_, set_setting_, calendar_changes_, add_calendar_change_;
  sqlite::Statement find_reply_, store_reply_, forget_replies_;
  // Read by every command, so kept between commands while nobody else writes.
  Cached<std::map<std::string, User, std::less<>>> users_;
  Cached<std::map<std::string, std::string, std::less<>>> settings_cache_;
  Cached<CalendarData> calendar_cache_;
};

}  // namespace casegate::storage
