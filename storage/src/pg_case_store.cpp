#include "pg_case_store.hpp"

namespace casegate::storage {
namespace {

using pg::number;
using pg::text;
using pg::Value;

Value optional_text(std::string_view value) {
  return value.empty() ? std::nullopt : text(value);
}

User read_user(const pg::Row& q) {
  return User{q.text(0), q.text(1), parse_stored_role(q.text_view(2)), q.text(3), q.integer(4) != 0};
}

std::string case_select(const char* rest) {
  return std::string("SELECT ") + case_columns + " FROM cases c " + rest;
}

// The rows touched by a statement that must touch exactly one.
bool one_row(const pg::Rows& rows) {
  return rows.affected() == 1;
}

}  // namespace

PgCaseStore::PgCaseStore(PgConnection& connection)
    : find_user_(connection.db(), "SELECT id, name, role, team, active FROM users WHERE id = $1::text"),
      list_users_(connection.db(), "SELECT id, name, role, team, active FROM users ORDER BY id"),
      has_users_(connection.db(), "SELECT 1 FROM users LIMIT 1"),
      insert_user_(connection.db(),
                   "INSERT INTO users (id, name, role, team, active) VALUES ($1::text, $2::text, $3::text, $4::text, "
                   "$5::integer)"),
      set_user_active_(connection.db(), "UPDATE users SET active = $1::integer WHERE id = $2::text"),
      find_case_(connection.db(), case_select("WHERE c.id = $1::bigint")),
      cases_below_version_(
          connection.db(),
          case_select("WHERE c.workflow = $1::text AND c.workflow_version < $2::integer ORDER BY c.id")),
      insert_case_(connection.db(),
                   "INSERT INTO cases (workflow, workflow_version, subject, team, state, attributes, received_at, "
                   "opened_at, state_entered_at) VALUES ($1::text, $2::integer, $3::text, $4::text, $5::text, "
                   "$6::text, $7::text, $8::text, $9::text) RETURNING id"),
      insert_stage_(connection.db(),
                    "INSERT INTO case_stages (case_id, stage, state, entered_at) VALUES ($1::bigint, $2::bigint, "
                    "$3::text, $4::text)"),
      move_case_(connection.db(),
                 "UPDATE cases SET state = $1::text, state_entered_at = $2::text, stage = stage + 1, "
                 "version = version + 1 WHERE id = $3::bigint AND version = $4::bigint"),
      record_current_stage_(connection.db(),
                            "INSERT INTO case_stages (case_id, stage, state, entered_at) "
                            "SELECT id, stage, state, state_entered_at FROM cases WHERE id = $1::bigint"),
      migrate_case_(connection.db(),
                    "UPDATE cases SET workflow_version = $1::integer, state = $2::text, version = version + 1 "
                    "WHERE id = $3::bigint AND version = $4::bigint"),
      rename_current_stage_(connection.db(),
                            "UPDATE case_stages SET state = $1::text "
                            "WHERE case_id = $2::bigint AND stage = (SELECT stage FROM cases WHERE id = $2::bigint)"),
      allocate_case_(connection.db(), "UPDATE cases SET allocated_to = $2::text WHERE id = $1::bigint"),
      transfer_case_(connection.db(), "UPDATE cases SET team = $2::text, allocated_to = NULL WHERE id = $1::bigint"),
      insert_grant_(connection.db(),
                    "INSERT INTO access_grants (case_id, user_id, role, reason, granted_at, expires_at) "
                    "VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text) RETURNING id"),
      find_grant_(connection.db(),
                  std::string("SELECT ") + grant_columns + " FROM access_grants g WHERE g.id = $1::bigint"),
      grant_in_force_(
          connection.db(),
          std::string("SELECT ") + grant_columns +
              " FROM access_grants g WHERE g.case_id = $1::bigint AND g.user_id = $2::text "
              "AND g.granted_at <= $3::text AND g.expires_at > $3::text ORDER BY g.expires_at DESC LIMIT 1"),
      review_grant_(connection.db(),
                    "UPDATE access_grants SET reviewed_by = $2::text, reviewed_at = $3::text, review_note = $4::text "
                    "WHERE id = $1::bigint AND reviewed_by IS NULL"),
      tasks_of_(connection.db(),
                "SELECT id, kind, payload, actor, role, state, stage, occurred_at, recorded_at FROM tasks "
                "WHERE case_id = $1::bigint ORDER BY id"),
      insert_task_(connection.db(),
                   "INSERT INTO tasks (case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at) "
                   "VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bigint, $8::text, "
                   "$9::text) RETURNING id"),
      stages_of_(connection.db(),
                 "SELECT stage, state, entered_at FROM case_stages WHERE case_id = $1::bigint ORDER BY stage"),
      clocks_of_(connection.db(), std::string("SELECT ") + clock_columns +
                                      " FROM clocks k WHERE k.case_id = $1::bigint ORDER BY clock, cycle"),
      insert_clock_(connection.db(),
                    "INSERT INTO clocks (case_id, clock, cycle, started_at, due_at, due_date, calendar_version, "
                    "met_at, stopped, team, anchor) VALUES ($1::bigint, $2::text, $3::bigint, $4::text, $5::text, "
                    "$6::text, $7::bigint, $8::text, $9::integer, $10::text, $11::text)"),
      update_clock_(connection.db(),
                    "UPDATE clocks SET started_at = $4::text, due_at = $5::text, due_date = $6::text, "
                    "calendar_version = $7::bigint, met_at = $8::text, stopped = $9::integer, team = $10::text, "
                    "anchor = $11::text WHERE case_id = $1::bigint AND clock = $2::text AND cycle = $3::bigint"),
      count_clock_(connection.db(),
                   "INSERT INTO clock_counts AS n (due_date, clock, team, met_on_time, met_late, open) "
                   "VALUES ($1::text, $2::text, $3::text, $4::integer, $5::integer, $6::integer) "
                   "ON CONFLICT (due_date, clock, team) DO UPDATE SET "
                   "met_on_time = n.met_on_time + excluded.met_on_time, met_late = n.met_late + excluded.met_late, "
                   "open = n.open + excluded.open"),
      settings_(connection.db(), "SELECT key, value FROM settings"),
      set_setting_(connection.db(),
                   "INSERT INTO settings (key, value) VALUES ($1::text, $2::text) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      calendar_changes_(connection.db(), "SELECT id, kind, date, value FROM calendar_changes ORDER BY id"),
      add_calendar_change_(connection.db(),
                           "INSERT INTO calendar_changes (kind, date, value) VALUES ($1::text, $2::text, $3::text)"),
      find_reply_(connection.db(),
                  "SELECT request_sha256, reply FROM idempotency_keys WHERE user_id = $1::text AND key = $2::text"),
      store_reply_(connection.db(),
                   "INSERT INTO idempotency_keys (user_id, key, request_sha256, reply, stored_at) "
                   "VALUES ($1::text, $2::text, $3::text, $4::text, $5::text) ON CONFLICT DO NOTHING"),
      forget_replies_(connection.db(), "DELETE FROM idempotency_keys WHERE stored_at < $1::text"),
      users_(connection),
      settings_cache_(connection),
      calendar_cache_(connection) {}

Result<std::optional<User>> PgCaseStore::find_user(std::string_view id) {
  return pg_guarded([&]() -> Result<std::optional<User>> {
    auto* users = users_.get();
    if (users == nullptr) users = &users_.set({});
    if (auto hit = users->find(id); hit != users->end()) return std::optional<User>(hit->second);
    auto rows = find_user_.run({text(id)});
    if (rows.size() == 0) return std::optional<User>();
    User user = read_user(pg::Row(rows, 0));
    users->emplace(user.id, user);
    return std::optional<User>(std::move(user));
  });
}

Result<std::vector<User>> PgCaseStore::list_users() {
  return pg_guarded([&]() -> Result<std::vector<User>> {
    std::vector<User> users;
    auto rows = list_users_.run();
    for (int r = 0; r < rows.size(); ++r) users.push_back(read_user(pg::Row(rows, r)));
    return users;
  });
}

Result<bool> PgCaseStore::has_users() {
  return pg_guarded([&]() -> Result<bool> { return has_users_.run().size() > 0; });
}

Status PgCaseStore::insert_user(const User& user) {
  return pg_guarded([&] {
    insert_user_.defer(
        {text(user.id), text(user.name), text(role_name(user.role)), text(user.team), number(user.active ? 1 : 0)});
    return Status::ok();
  });
}

Status PgCaseStore::set_user_active(std::string_view id, bool active) {
  users_.reset();
  return pg_guarded([&] {
    set_user_active_.defer({number(active ? 1 : 0), text(id)});
    return Status::ok();
  });
}

Result<std::optional<CaseRecord>> PgCaseStore::find_case(CaseId id) {
  return pg_guarded([&]() -> Result<std::optional<CaseRecord>> {
    auto rows = find_case_.run({number(id)});
    if (rows.size() == 0) return std::optional<CaseRecord>();
    return std::optional<CaseRecord>(read_case(pg::Row(rows, 0)));
  });
}

Result<std::vector<CaseRecord>> PgCaseStore::cases_below_version(std::string_view workflow, int version) {
  return pg_guarded([&]() -> Result<std::vector<CaseRecord>> {
    std::vector<CaseRecord> cases;
    auto rows = cases_below_version_.run({text(workflow), number(version)});
    for (int r = 0; r < rows.size(); ++r) cases.push_back(read_case(pg::Row(rows, r)));
    return cases;
  });
}

Status PgCaseStore::migrate_case(CaseId id, std::int64_t expected_version, int workflow_version,
                                 std::string_view state) {
  return pg_guarded([&] {
    if (!one_row(migrate_case_.run({number(workflow_version), text(state), number(id), number(expected_version)})))
      return Status::conflict("case " + std::to_string(id) + " changed while it was being migrated");
    rename_current_stage_.defer({text(state), number(id)});
    return Status::ok();
  });
}

Status PgCaseStore::allocate_case(CaseId id, std::string_view user) {
  return pg_guarded([&] {
    if (!one_row(allocate_case_.run({number(id), optional_text(user)})))
      return Status::not_found("case " + std::to_string(id) + " does not exist");
    return Status::ok();
  });
}

Status PgCaseStore::transfer_case(CaseId id, std::string_view team) {
  return pg_guarded([&] {
    if (!one_row(transfer_case_.run({number(id), text(team)})))
      return Status::not_found("case " + std::to_string(id) + " does not exist");
    return Status::ok();
  });
}

Result<std::int64_t> PgCaseStore::insert_grant(const AccessGrant& g) {
  return pg_guarded([&]() -> Result<std::int64_t> {
    auto rows = insert_grant_.run({number(g.case_id), text(g.user), text(role_name(g.role)), text(g.reason),
                                   time_value(g.granted_at), time_value(g.expires_at)});
    return rows.integer(0, 0);
  });
}

Result<std::optional<AccessGrant>> PgCaseStore::find_grant(std::int64_t id) {
  return pg_guarded([&]() -> Result<std::optional<AccessGrant>> {
    auto rows = find_grant_.run({number(id)});
    if (rows.size() == 0) return std::optional<AccessGrant>();
    return std::optional<AccessGrant>(read_grant(pg::Row(rows, 0)));
  });
}

Result<std::optional<AccessGrant>> PgCaseStore::grant_in_force(CaseId id, std::string_view user, Instant now) {
  return pg_guarded([&]() -> Result<std::optional<AccessGrant>> {
    auto rows = grant_in_force_.run({number(id), text(user), time_value(now)});
    if (rows.size() == 0) return std::optional<AccessGrant>();
    return std::optional<AccessGrant>(read_grant(pg::Row(rows, 0)));
  });
}

Status PgCaseStore::review_grant(std::int64_t id, std::string_view by, Instant at, std::string_view note) {
  return pg_guarded([&] {
    if (!one_row(review_grant_.run({number(id), text(by), time_value(at), text(note)})))
      return Status::conflict("break-glass grant " + std::to_string(id) + " has already been reviewed");
    return Status::ok();
  });
}

Result<CaseId> PgCaseStore::insert_case(const CaseRecord& r) {
  return pg_guarded([&]() -> Result<CaseId> {
    auto rows = insert_case_.run({text(r.workflow), number(r.workflow_version), text(r.subject), text(r.team),
                                  text(r.state), text(r.attributes_json), time_value(r.received_at),
                                  time_value(r.opened_at), time_value(r.state_entered_at)});
    CaseId id = rows.integer(0, 0);
    insert_stage_.defer({number(id), number(1), text(r.state), time_value(r.state_entered_at)});
    return id;
  });
}

Status PgCaseStore::move_case(CaseId id, std::int64_t expected_version, std::string_view state, Instant entered_at) {
  return pg_guarded([&] {
    if (!one_row(move_case_.run({text(state), time_value(entered_at), number(id), number(expected_version)})))
      return Status::conflict("case " + std::to_string(id) + " changed while the command ran");
    record_current_stage_.defer({number(id)});
    return Status::ok();
  });
}

Result<std::vector<TaskRecord>> PgCaseStore::tasks_of(CaseId id) {
  return pg_guarded([&]() -> Result<std::vector<TaskRecord>> {
    std::vector<TaskRecord> tasks;
    auto rows = tasks_of_.run({number(id)});
    tasks.reserve(static_cast<std::size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r) tasks.push_back(read_task(pg::Row(rows, r), id));
    return tasks;
  });
}

Result<std::int64_t> PgCaseStore::insert_task(const TaskRecord& t) {
  return pg_guarded([&]() -> Result<std::int64_t> {
    auto rows =
        insert_task_.run({number(t.case_id), text(t.kind), text(t.payload_json), text(t.actor), text(role_name(t.role)),
                          text(t.state), number(t.stage), time_value(t.occurred_at), time_value(t.recorded_at)});
    return rows.integer(0, 0);
  });
}

Result<std::vector<StageRecord>> PgCaseStore::stages_of(CaseId id) {
  return pg_guarded([&]() -> Result<std::vector<StageRecord>> {
    std::vector<StageRecord> stages;
    auto rows = stages_of_.run({number(id)});
    for (int r = 0; r < rows.size(); ++r)
      stages.push_back({rows.integer(r, 0), rows.text(r, 1), parse_stored_time(rows.text_view(r, 2))});
    return stages;
  });
}

Result<std::vector<ClockRecord>> PgCaseStore::clocks_of(CaseId id) {
  return pg_guarded([&]() -> Result<std::vector<ClockRecord>> {
    std::vector<ClockRecord> clocks;
    auto rows = clocks_of_.run({number(id)});
    for (int r = 0; r < rows.size(); ++r) clocks.push_back(read_clock(pg::Row(rows, r), 0));
    return clocks;
  });
}

Status PgCaseStore::save_clock(const ClockRecord& c, const ClockRecord* before) {
  return pg_guarded([&] {
    (before ? update_clock_ : insert_clock_)
        .defer({number(c.case_id), text(c.clock), number(c.cycle), time_value(c.started_at), time_value(c.due_at),
                text(c.due_date), number(c.calendar_version), c.met_at ? time_value(*c.met_at) : std::nullopt,
                number(c.stopped ? 1 : 0), text(c.team), text(c.anchor)});
    count_clock(before, c);
    return Status::ok();
  });
}

Result<std::map<std::string, std::string, std::less<>>> PgCaseStore::settings() {
  return pg_guarded([&]() -> Result<std::map<std::string, std::string, std::less<>>> {
    if (auto* cached = settings_cache_.get()) return *cached;
    std::map<std::string, std::string, std::less<>> values;
    auto rows = settings_.run();
    for (int r = 0; r < rows.size(); ++r) values.emplace(rows.text(r, 0), rows.text(r, 1));
    return settings_cache_.set(std::move(values));
  });
}

Status PgCaseStore::set_setting(std::string_view key, std::string_view value) {
  settings_cache_.reset();
  return pg_guarded([&] {
    set_setting_.defer({text(key), text(value)});
    return Status::ok();
  });
}

Result<CaseStore::CalendarData> PgCaseStore::calendar() {
  return pg_guarded([&]() -> Result<CalendarData> {
    if (auto* cached = calendar_cache_.get()) return *cached;
    CalendarData data;
    auto rows = calendar_changes_.run();
    for (int r = 0; r < rows.size(); ++r)
      add_calendar_row(data, rows.integer(r, 0), rows.text(r, 1), rows.text_view(r, 2), rows.text(r, 3));
    return calendar_cache_.set(std::move(data));
  });
}

Status PgCaseStore::add_calendar_change(std::string_view kind, std::optional<Date> date, std::string_view value) {
  calendar_cache_.reset();
  return pg_guarded([&] {
    add_calendar_change_.defer({text(kind), date ? text(format_date(*date)) : std::nullopt, text(value)});
    return Status::ok();
  });
}

Result<std::optional<CaseStore::StoredReply>> PgCaseStore::find_reply(std::string_view user, std::string_view key) {
  return pg_guarded([&]() -> Result<std::optional<StoredReply>> {
    auto rows = find_reply_.run({text(user), text(key)});
    if (rows.size() == 0) return std::optional<StoredReply>();
    return std::optional<StoredReply>(StoredReply{rows.text(0, 0), rows.text(0, 1)});
  });
}

Status PgCaseStore::store_reply(std::string_view user, std::string_view key, const StoredReply& reply, Instant at,
                                Instant forget_before) {
  return pg_guarded([&] {
    forget_replies_.defer({time_value(forget_before)});
    if (!one_row(
            store_reply_.run({text(user), text(key), text(reply.request_sha256), text(reply.reply), time_value(at)})))
      return Status::conflict("the idempotency key is already in use");
    return Status::ok();
  });
}

void PgCaseStore::count_clock(const ClockRecord* before, const ClockRecord& after) {
  count_clock_change(
      before, after, [&](const ClockRecord& c, std::int64_t on_time, std::int64_t late, std::int64_t open) {
        count_clock_.defer(
            {text(c.due_date), text(c.clock), text(c.team), number(on_time), number(late), number(open)});
      });
}

}  // namespace casegate::storage
