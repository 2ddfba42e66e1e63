#include "sqlite_case_store.hpp"

#include "sqlite_rows.hpp"

namespace casegate::storage {
namespace {

User read_user(const sqlite::Statement::Use& q) {
  return User{q.text(0), q.text(1), parse_stored_role(q.text_view(2)), q.text(3), q.integer(4) != 0};
}

std::string case_select(const char* rest) {
  return std::string("SELECT ") + case_columns + " FROM cases c " + rest;
}

std::string clock_select(const char* rest) {
  return std::string("SELECT ") + clock_columns + rest;
}

}  // namespace

SqliteCaseStore::SqliteCaseStore(SqliteConnection& connection)
    : connection_(connection),
      find_user_(connection.db(), "SELECT id, name, role, team, active FROM users WHERE id = ?1"),
      list_users_(connection.db(), "SELECT id, name, role, team, active FROM users ORDER BY id"),
      has_users_(connection.db(), "SELECT 1 FROM users LIMIT 1"),
      insert_user_(connection.db(), "INSERT INTO users (id, name, role, team, active) VALUES (?1, ?2, ?3, ?4, ?5)"),
      set_user_active_(connection.db(), "UPDATE users SET active = ?1 WHERE id = ?2"),
      find_case_(connection.db(), case_select("WHERE c.id = ?1").c_str()),
      cases_below_version_(connection.db(),
                           case_select("WHERE c.workflow = ?1 AND c.workflow_version < ?2 ORDER BY c.id").c_str()),
      insert_case_(connection.db(),
                   "INSERT INTO cases (workflow, workflow_version, subject, team, state, attributes, received_at, "
                   "opened_at, state_entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
      insert_stage_(connection.db(),
                    "INSERT INTO case_directory (case_id, kind, n, state, entered_at) VALUES (?1, 0, ?2, ?3, ?4)"),
      move_case_(connection.db(),
                 "UPDATE cases SET state = ?1, state_entered_at = ?2, stage = stage + 1, version = version + 1 "
                 "WHERE id = ?3 AND version = ?4"),
      record_current_stage_(connection.db(),
                            "INSERT INTO case_directory (case_id, kind, n, state, entered_at) "
                            "SELECT id, 0, stage, state, state_entered_at FROM cases WHERE id = ?1"),
      migrate_case_(connection.db(),
                    "UPDATE cases SET workflow_version = ?1, state = ?2, version = version + 1 "
                    "WHERE id = ?3 AND version = ?4"),
      rename_current_stage_(connection.db(),
                            "UPDATE case_directory SET state = ?1 "
                            "WHERE case_id = ?2 AND kind = 0 AND n = (SELECT stage FROM cases WHERE id = ?2)"),
      allocate_case_(connection.db(), "UPDATE cases SET allocated_to = ?2 WHERE id = ?1"),
      transfer_case_(connection.db(), "UPDATE cases SET team = ?2, allocated_to = NULL WHERE id = ?1"),
      insert_grant_(connection.db(),
                    "INSERT INTO access_grants (case_id, user_id, role, reason, granted_at, expires_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
      find_grant_(connection.db(),
                  (std::string("SELECT ") + grant_columns + " FROM access_grants g WHERE g.id = ?1").c_str()),
      grant_in_force_(connection.db(),
                      (std::string("SELECT ") + grant_columns +
                       " FROM access_grants g WHERE g.case_id = ?1 AND g.user_id = ?2 "
                       "AND g.granted_at <= ?3 AND g.expires_at > ?3 ORDER BY g.expires_at DESC LIMIT 1")
                          .c_str()),
      review_grant_(connection.db(),
                    "UPDATE access_grants SET reviewed_by = ?2, reviewed_at = ?3, review_note = ?4 "
                    "WHERE id = ?1 AND reviewed_by IS NULL"),
      tasks_of_(connection.db(),
                "SELECT t.id, t.kind, t.payload, t.actor, t.role, t.state, t.stage, t.occurred_at, t.recorded_at "
                "FROM case_directory d JOIN tasks t ON t.id = d.n WHERE d.case_id = ?1 AND d.kind = 1 ORDER BY d.n"),
      insert_task_(connection.db(),
                   "INSERT INTO tasks (case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
      // A task is listed in its case's directory (schema 9: kind 1, n its id).
      list_task_(connection.db(), "INSERT INTO case_directory (case_id, kind, n) VALUES (?1, 1, ?2)"),
      stages_of_(connection.db(),
                 "SELECT n, state, entered_at FROM case_directory WHERE case_id = ?1 AND kind = 0 ORDER BY n"),
      // In key order (clock, cycle): sorting here would cost a temporary b-tree on every command.
      clocks_of_(connection.db(), clock_select(" FROM clocks k WHERE k.case_id = ?1").c_str()),
      insert_clock_(connection.db(),
                    "INSERT INTO clocks (case_id, clock, cycle, started_at, due_at, due_date, calendar_version, "
                    "met_at, stopped, team, anchor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
      update_clock_(connection.db(),
                    "UPDATE clocks SET started_at = ?4, due_at = ?5, due_date = ?6, calendar_version = ?7, "
                    "met_at = ?8, stopped = ?9, team = ?10, anchor = ?11 "
                    "WHERE case_id = ?1 AND clock = ?2 AND cycle = ?3"),
      count_clock_(connection.db(),
                   "INSERT INTO clock_counts (due_date, clock, team, met_on_time, met_late, open) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (due_date, clock, team) DO UPDATE SET "
                   "met_on_time = met_on_time + excluded.met_on_time, met_late = met_late + excluded.met_late, "
                   "open = open + excluded.open"),
      settings_(connection.db(), "SELECT key, value FROM settings"),
      set_setting_(connection.db(),
                   "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      calendar_changes_(connection.db(), "SELECT id, kind, date, value FROM calendar_changes ORDER BY id"),
      add_calendar_change_(connection.db(), "INSERT INTO calendar_changes (kind, date, value) VALUES (?1, ?2, ?3)"),
      find_reply_(connection.db(),
                  "SELECT request_sha256, reply FROM idempotency_keys WHERE user_id = ?1 AND key = ?2"),
      store_reply_(connection.db(),
                   "INSERT INTO idempotency_keys (user_id, key, request_sha256, reply, stored_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"),
      forget_replies_(connection.db(), "DELETE FROM idempotency_keys WHERE stored_at < ?1"),
      users_(connection),
      settings_cache_(connection),
      calendar_cache_(connection) {}

Result<std::optional<User>> SqliteCaseStore::find_user(std::string_view id) {
  return guarded([&]() -> Result<std::optional<User>> {
    auto* users = users_.get();
    if (users == nullptr) users = &users_.set({});
    if (auto hit = users->find(id); hit != users->end()) return std::optional<User>(hit->second);
    auto q = find_user_.start();
    q.bind(1, id);
    if (!q.step()) return std::optional<User>();
    User user = read_user(q);
    users->emplace(user.id, user);
    return std::optional<User>(std::move(user));
  });
}

Result<std::vector<User>> SqliteCaseStore::list_users() {
  return guarded([&]() -> Result<std::vector<User>> {
    std::vector<User> users;
    auto q = list_users_.start();
    while (q.step()) users.push_back(read_user(q));
    return users;
  });
}

Result<bool> SqliteCaseStore::has_users() {
  return guarded([&]() -> Result<bool> { return has_users_.start().step(); });
}

Status SqliteCaseStore::insert_user(const User& user) {
  return guarded([&] {
    insert_user_.start()
        .bind(1, user.id)
        .bind(2, user.name)
        .bind(3, role_name(user.role))
        .bind(4, user.team)
        .bind(5, std::int64_t{user.active})
        .run();
    return Status::ok();
  });
}

Status SqliteCaseStore::set_user_active(std::string_view id, bool active) {
  users_.reset();
  return guarded([&] {
    set_user_active_.start().bind(1, std::int64_t{active}).bind(2, id).run();
    return Status::ok();
  });
}

Result<std::optional<CaseRecord>> SqliteCaseStore::find_case(CaseId id) {
  return guarded([&]() -> Result<std::optional<CaseRecord>> {
    auto q = find_case_.start();
    q.bind(1, id);
    if (!q.step()) return std::optional<CaseRecord>();
    return std::optional<CaseRecord>(read_case(q));
  });
}

Result<std::vector<CaseRecord>> SqliteCaseStore::cases_below_version(std::string_view workflow, int version) {
  return guarded([&]() -> Result<std::vector<CaseRecord>> {
    std::vector<CaseRecord> cases;
    auto q = cases_below_version_.start();
    q.bind(1, workflow).bind(2, std::int64_t{version});
    while (q.step()) cases.push_back(read_case(q));
    return cases;
  });
}

Status SqliteCaseStore::migrate_case(CaseId id, std::int64_t expected_version, int workflow_version,
                                     std::string_view state) {
  return guarded([&] {
    migrate_case_.start()
        .bind(1, std::int64_t{workflow_version})
        .bind(2, state)
        .bind(3, id)
        .bind(4, expected_version)
        .run();
    if (sqlite3_changes(connection_.db().handle()) != 1)
      return Status::conflict("case " + std::to_string(id) + " changed while it was being migrated");
    rename_current_stage_.start().bind(1, state).bind(2, id).run();
    return Status::ok();
  });
}

Status SqliteCaseStore::allocate_case(CaseId id, std::string_view user) {
  return guarded([&] {
    auto q = allocate_case_.start();
    q.bind(1, id);
    if (user.empty())
      q.bind_null(2);
    else
      q.bind(2, user);
    q.run();
    if (sqlite3_changes(connection_.db().handle()) != 1)
      return Status::not_found("case " + std::to_string(id) + " does not exist");
    return Status::ok();
  });
}

Status SqliteCaseStore::transfer_case(CaseId id, std::string_view team) {
  return guarded([&] {
    transfer_case_.start().bind(1, id).bind(2, team).run();
    if (sqlite3_changes(connection_.db().handle()) != 1)
      return Status::not_found("case " + std::to_string(id) + " does not exist");
    return Status::ok();
  });
}

Result<std::int64_t> SqliteCaseStore::insert_grant(const AccessGrant& g) {
  return guarded([&]() -> Result<std::int64_t> {
    insert_grant_.start()
        .bind(1, g.case_id)
        .bind(2, g.user)
        .bind(3, role_name(g.role))
        .bind(4, g.reason)
        .bind_copy(5, format_instant(g.granted_at))
        .bind_copy(6, format_instant(g.expires_at))
        .run();
    return std::int64_t{sqlite3_last_insert_rowid(connection_.db().handle())};
  });
}

Result<std::optional<AccessGrant>> SqliteCaseStore::find_grant(std::int64_t id) {
  return guarded([&]() -> Result<std::optional<AccessGrant>> {
    auto q = find_grant_.start();
    q.bind(1, id);
    if (!q.step()) return std::optional<AccessGrant>();
    return std::optional<AccessGrant>(read_grant(q));
  });
}

Result<std::optional<AccessGrant>> SqliteCaseStore::grant_in_force(CaseId id, std::string_view user, Instant now) {
  return guarded([&]() -> Result<std::optional<AccessGrant>> {
    auto q = grant_in_force_.start();
    q.bind(1, id).bind(2, user).bind_copy(3, format_instant(now));
    if (!q.step()) return std::optional<AccessGrant>();
    return std::optional<AccessGrant>(read_grant(q));
  });
}

Status SqliteCaseStore::review_grant(std::int64_t id, std::string_view by, Instant at, std::string_view note) {
  return guarded([&] {
    review_grant_.start().bind(1, id).bind(2, by).bind_copy(3, format_instant(at)).bind(4, note).run();
    if (sqlite3_changes(connection_.db().handle()) != 1)
      return Status::conflict("break-glass grant " + std::to_string(id) + " has already been reviewed");
    return Status::ok();
  });
}

Result<CaseId> SqliteCaseStore::insert_case(const CaseRecord& r) {
  return guarded([&]() -> Result<CaseId> {
    insert_case_.start()
        .bind(1, r.workflow)
        .bind(2, std::int64_t{r.workflow_version})
        .bind(3, r.subject)
        .bind(4, r.team)
        .bind(5, r.state)
        .bind(6, r.attributes_json)
        .bind_copy(7, format_instant(r.received_at))
        .bind_copy(8, format_instant(r.opened_at))
        .bind_copy(9, format_instant(r.state_entered_at))
        .run();
    CaseId id = sqlite3_last_insert_rowid(connection_.db().handle());
    insert_stage_.start()
        .bind(1, id)
        .bind(2, std::int64_t{1})
        .bind(3, r.state)
        .bind_copy(4, format_instant(r.state_entered_at))
        .run();
    return id;
  });
}

Status SqliteCaseStore::move_case(CaseId id, std::int64_t expected_version, std::string_view state,
                                  Instant entered_at) {
  return guarded([&] {
    move_case_.start()
        .bind(1, state)
        .bind_copy(2, format_instant(entered_at))
        .bind(3, id)
        .bind(4, expected_version)
        .run();
    if (sqlite3_changes(connection_.db().handle()) != 1)
      return Status::conflict("case " + std::to_string(id) + " changed while the command ran");
    record_current_stage_.start().bind(1, id).run();
    return Status::ok();
  });
}

Result<std::vector<TaskRecord>> SqliteCaseStore::tasks_of(CaseId id) {
  return guarded([&]() -> Result<std::vector<TaskRecord>> {
    std::vector<TaskRecord> tasks;
    tasks.reserve(16);
    auto q = tasks_of_.start();
    q.bind(1, id);
    while (q.step()) tasks.push_back(read_task(q, id));
    return tasks;
  });
}

Result<std::int64_t> SqliteCaseStore::insert_task(const TaskRecord& t) {
  return guarded([&]() -> Result<std::int64_t> {
    insert_task_.start()
        .bind(1, t.case_id)
        .bind(2, t.kind)
        .bind(3, t.payload_json)
        .bind(4, t.actor)
        .bind(5, role_name(t.role))
        .bind(6, t.state)
        .bind(7, t.stage)
        .bind_copy(8, format_instant(t.occurred_at))
        .bind_copy(9, format_instant(t.recorded_at))
        .run();
    std::int64_t id = sqlite3_last_insert_rowid(connection_.db().handle());
    list_task_.start().bind(1, t.case_id).bind(2, id).run();
    return id;
  });
}

Result<std::vector<StageRecord>> SqliteCaseStore::stages_of(CaseId id) {
  return guarded([&]() -> Result<std::vector<StageRecord>> {
    std::vector<StageRecord> stages;
    auto q = stages_of_.start();
    q.bind(1, id);
    while (q.step()) stages.push_back({q.integer(0), q.text(1), parse_stored_time(q.text_view(2))});
    return stages;
  });
}

Result<std::vector<ClockRecord>> SqliteCaseStore::clocks_of(CaseId id) {
  return guarded([&]() -> Result<std::vector<ClockRecord>> {
    std::vector<ClockRecord> clocks;
    auto q = clocks_of_.start();
    q.bind(1, id);
    while (q.step()) clocks.push_back(read_clock(q, 0));
    return clocks;
  });
}

Status SqliteCaseStore::save_clock(const ClockRecord& c, const ClockRecord* before) {
  return guarded([&] {
    std::optional<std::string> met = c.met_at ? std::optional<std::string>(format_instant(*c.met_at)) : std::nullopt;
    std::string started = format_instant(c.started_at), due = format_instant(c.due_at);
    {
      auto q = (before ? update_clock_ : insert_clock_).start();
      q.bind(1, c.case_id)
          .bind(2, c.clock)
          .bind(3, c.cycle)
          .bind(4, started)
          .bind(5, due)
          .bind(6, c.due_date)
          .bind(7, c.calendar_version)
          .bind(9, std::int64_t{c.stopped})
          .bind(10, c.team)
          .bind(11, c.anchor);
      if (met)
        q.bind(8, *met);
      else
        q.bind_null(8);
      q.run();
    }
    count_clock(before, c);
    return Status::ok();
  });
}

Result<std::map<std::string, std::string, std::less<>>> SqliteCaseStore::settings() {
  return guarded([&]() -> Result<std::map<std::string, std::string, std::less<>>> {
    if (auto* cached = settings_cache_.get()) return *cached;
    std::map<std::string, std::string, std::less<>> values;
    auto q = settings_.start();
    while (q.step()) values.emplace(q.text(0), q.text(1));
    return settings_cache_.set(std::move(values));
  });
}

Status SqliteCaseStore::set_setting(std::string_view key, std::string_view value) {
  settings_cache_.reset();
  return guarded([&] {
    set_setting_.start().bind(1, key).bind(2, value).run();
    return Status::ok();
  });
}

Result<CaseStore::CalendarData> SqliteCaseStore::calendar() {
  return guarded([&]() -> Result<CalendarData> {
    if (auto* cached = calendar_cache_.get()) return *cached;
    {
      CalendarData data;
      auto q = calendar_changes_.start();
      while (q.step()) add_calendar_row(data, q.integer(0), q.text(1), q.text_view(2), q.text(3));
      return calendar_cache_.set(std::move(data));
    }
  });
}

Status SqliteCaseStore::add_calendar_change(std::string_view kind, std::optional<Date> date, std::string_view value) {
  calendar_cache_.reset();
  return guarded([&] {
    std::string day = date ? format_date(*date) : std::string();
    auto q = add_calendar_change_.start();
    q.bind(1, kind).bind(3, value);
    if (date)
      q.bind(2, day);
    else
      q.bind_null(2);
    q.run();
    return Status::ok();
  });
}

Result<std::optional<CaseStore::StoredReply>> SqliteCaseStore::find_reply(std::string_view user, std::string_view key) {
  return guarded([&]() -> Result<std::optional<StoredReply>> {
    auto q = find_reply_.start();
    q.bind(1, user).bind(2, key);
    if (!q.step()) return std::optional<StoredReply>();
    return std::optional<StoredReply>(StoredReply{q.text(0), q.text(1)});
  });
}

Status SqliteCaseStore::store_reply(std::string_view user, std::string_view key, const StoredReply& reply, Instant at,
                                    Instant forget_before) {
  return guarded([&] {
    forget_replies_.start().bind_copy(1, format_instant(forget_before)).run();
    store_reply_.start()
        .bind(1, user)
        .bind(2, key)
        .bind(3, reply.request_sha256)
        .bind(4, reply.reply)
        .bind_copy(5, format_instant(at))
        .run();
    if (sqlite3_changes(connection_.db().handle()) != 1)
      return Status::conflict("the idempotency key is already in use");
    return Status::ok();
  });
}

void SqliteCaseStore::count_clock(const ClockRecord* before, const ClockRecord& after) {
  count_clock_change(before, after,
                     [&](const ClockRecord& c, std::int64_t on_time, std::int64_t late, std::int64_t open) {
                       count_clock_.start()
                           .bind(1, c.due_date)
                           .bind(2, c.clock)
                           .bind(3, c.team)
                           .bind(4, on_time)
                           .bind(5, late)
                           .bind(6, open)
                           .run();
                     });
}

}  // namespace casegate::storage
