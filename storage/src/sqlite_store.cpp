#include "casegate/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>

#include "casegate/digest.hpp"
#include "schema.hpp"
#include "sqlite.hpp"

namespace casegate {
namespace {

using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

const std::string genesis_hash(64, '0');

Status to_status(const SqliteError& error) {
  switch (error.code()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::conflict("database is busy: " + std::string(error.what()));
    case SQLITE_FULL: return Status::internal("disk full: " + std::string(error.what()));
    case SQLITE_IOERR:
      return Status::internal("cannot write the database file (disk full or I/O error): " + std::string(error.what()));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::integrity("database file is damaged: " + std::string(error.what()));
    default: return Status::internal("database error: " + std::string(error.what()));
  }
}

// Runs `body`, turning storage exceptions into a Status: nothing throws past the store.
template <class F>
auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SqliteError& error) {
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

Instant parse_stored_time(std::string_view text) {
  auto parsed = parse_instant(text, "stored time");
  if (!parsed) throw std::runtime_error(parsed.status().message());
  return *parsed;
}

Role parse_stored_role(std::string_view text) {
  auto role = parse_role(text);
  if (!role) throw std::runtime_error("stored role '" + std::string(text) + "' is not a role");
  return *role;
}

std::string hex_to_bytes(const std::string& hex) {
  std::string bytes(hex.size() / 2, '\0');
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
  return bytes;
}

bool is_hash_text(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

class SqliteStore final : public CaseStore {
 public:
  SqliteStore(const std::string& path, const SqliteStoreOptions& options)
      // NOMUTEX: the Engine serialises every use of a store, so SQLite's own per-call locking is
      // pure cost (about a tenth of a command's CPU time in memory).
      : db_(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX) {
    sqlite3_db_config(db_.handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_busy_timeout(db_.handle(), options.busy_timeout_ms);
    db_.execute("PRAGMA journal_mode=WAL");
    if (options.synchronous == "FULL")
      db_.execute("PRAGMA synchronous=FULL");
    else if (options.synchronous == "NORMAL")
      db_.execute("PRAGMA synchronous=NORMAL");
    else if (options.synchronous == "OFF")
      db_.execute("PRAGMA synchronous=OFF");
    else
      throw std::invalid_argument("synchronous must be FULL, NORMAL or OFF, not '" + options.synchronous + "'");
    db_.execute("PRAGMA foreign_keys=ON");
    // Without it, INSERT OR REPLACE deletes rows without firing the append-only DELETE trigger.
    db_.execute("PRAGMA recursive_triggers=ON");
    storage::migrate(db_);
    prepare();
  }

  Status begin_command() override {
    return guarded([&] {
      if (in_batch_) {
        savepoint_->start().run();
        return Status::ok();
      }
      begin_->start().run();
      check_other_writers();
      return Status::ok();
    });
  }
  Status commit_command() override {
    return guarded([&] {
      try {
        (in_batch_ ? release_ : commit_)->start().run();
      } catch (...) {
        forget_cached();
        throw;
      }
      return Status::ok();
    });
  }
  void rollback_command() noexcept override {
    forget_cached();  // they may hold what the rolled-back command wrote
    if (in_batch_) {
      sqlite3_exec(db_.handle(), "ROLLBACK TO command; RELEASE command", nullptr, nullptr, nullptr);
      return;
    }
    if (!sqlite3_get_autocommit(db_.handle())) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  Status begin_batch() override {
    return guarded([&] {
      begin_->start().run();
      check_other_writers();
      in_batch_ = true;
      return Status::ok();
    });
  }
  Status commit_batch() override {
    in_batch_ = false;
    return guarded([&] {
      try {
        commit_->start().run();
      } catch (...) {
        forget_cached();
        throw;
      }
      return Status::ok();
    });
  }
  void rollback_batch() noexcept override {
    in_batch_ = false;
    forget_cached();
    if (!sqlite3_get_autocommit(db_.handle())) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  Result<std::optional<User>> find_user(std::string_view id) override {
    return guarded([&]() -> Result<std::optional<User>> {
      if (auto hit = user_cache_.find(id); hit != user_cache_.end()) return std::optional<User>(hit->second);
      auto q = find_user_->start();
      q.bind(1, id);
      if (!q.step()) return std::optional<User>();
      User user = read_user(q);
      user_cache_.emplace(user.id, user);
      return std::optional<User>(std::move(user));
    });
  }

  Result<std::vector<User>> list_users() override {
    return guarded([&]() -> Result<std::vector<User>> {
      std::vector<User> users;
      auto q = list_users_->start();
      while (q.step()) users.push_back(read_user(q));
      return users;
    });
  }

  Result<bool> has_users() override {
    return guarded([&]() -> Result<bool> { return has_users_->start().step(); });
  }

  Status insert_user(const User& user) override {
    return guarded([&] {
      insert_user_->start()
          .bind(1, user.id)
          .bind(2, user.name)
          .bind(3, role_name(user.role))
          .bind(4, user.team)
          .bind(5, std::int64_t{user.active})
          .run();
      return Status::ok();
    });
  }

  Status set_user_active(std::string_view id, bool active) override {
    user_cache_.erase(std::string(id));
    return guarded([&] {
      set_user_active_->start().bind(1, std::int64_t{active}).bind(2, id).run();
      return Status::ok();
    });
  }

  Result<std::optional<CaseRecord>> find_case(CaseId id) override {
    return guarded([&]() -> Result<std::optional<CaseRecord>> {
      auto q = find_case_->start();
      q.bind(1, id);
      if (!q.step()) return std::optional<CaseRecord>();
      return std::optional<CaseRecord>(read_case(q));
    });
  }

  Result<std::vector<CaseRecord>> cases_below_version(std::string_view workflow, int version) override {
    return guarded([&]() -> Result<std::vector<CaseRecord>> {
      std::vector<CaseRecord> cases;
      auto q = cases_below_version_->start();
      q.bind(1, workflow).bind(2, std::int64_t{version});
      while (q.step()) cases.push_back(read_case(q));
      return cases;
    });
  }

  Status migrate_case(CaseId id, std::int64_t expected_version, int workflow_version, std::string_view state) override {
    return guarded([&] {
      migrate_case_->start()
          .bind(1, std::int64_t{workflow_version})
          .bind(2, state)
          .bind(3, id)
          .bind(4, expected_version)
          .run();
      if (sqlite3_changes(db_.handle()) != 1)
        return Status::conflict("case " + std::to_string(id) + " changed while it was being migrated");
      rename_current_stage_->start().bind(1, state).bind(2, id).run();
      return Status::ok();
    });
  }

  Result<CaseId> insert_case(const CaseRecord& r) override {
    return guarded([&]() -> Result<CaseId> {
      insert_case_->start()
          .bind(1, r.workflow)
          .bind(2, std::int64_t{r.workflow_version})
          .bind(3, r.subject)
          .bind(4, r.team)
          .bind(5, r.state)
          .bind(6, r.attributes_json)
          .bind(7, format_instant(r.received_at))
          .bind(8, format_instant(r.opened_at))
          .bind(9, format_instant(r.state_entered_at))
          .run();
      CaseId id = sqlite3_last_insert_rowid(db_.handle());
      insert_stage_->start()
          .bind(1, id)
          .bind(2, std::int64_t{1})
          .bind(3, r.state)
          .bind(4, format_instant(r.state_entered_at))
          .run();
      return id;
    });
  }

  Status move_case(CaseId id, std::int64_t expected_version, std::string_view state, Instant entered_at) override {
    return guarded([&] {
      move_case_->start()
          .bind(1, state)
          .bind(2, format_instant(entered_at))
          .bind(3, id)
          .bind(4, expected_version)
          .run();
      if (sqlite3_changes(db_.handle()) != 1)
        return Status::conflict("case " + std::to_string(id) + " changed while the command ran");
      record_current_stage_->start().bind(1, id).run();
      return Status::ok();
    });
  }

  Result<std::vector<TaskRecord>> tasks_of(CaseId id) override {
    return guarded([&]() -> Result<std::vector<TaskRecord>> {
      std::vector<TaskRecord> tasks;
      tasks.reserve(16);
      auto q = tasks_of_->start();
      q.bind(1, id);
      while (q.step()) {
        TaskRecord t;
        t.id = q.integer(0);
        t.case_id = id;
        t.kind = q.text(1);
        t.payload_json = q.text(2);
        t.actor = q.text(3);
        t.role = parse_stored_role(q.text_view(4));
        t.state = q.text(5);
        t.stage = q.integer(6);
        t.occurred_at = parse_stored_time(q.text_view(7));
        t.recorded_at = parse_stored_time(q.text_view(8));
        tasks.push_back(std::move(t));
      }
      return tasks;
    });
  }

  Result<std::int64_t> insert_task(const TaskRecord& t) override {
    return guarded([&]() -> Result<std::int64_t> {
      insert_task_->start()
          .bind(1, t.case_id)
          .bind(2, t.kind)
          .bind(3, t.payload_json)
          .bind(4, t.actor)
          .bind(5, role_name(t.role))
          .bind(6, t.state)
          .bind(7, t.stage)
          .bind(8, format_instant(t.occurred_at))
          .bind(9, format_instant(t.recorded_at))
          .run();
      return sqlite3_last_insert_rowid(db_.handle());
    });
  }

  Result<AuditEntry> append_audit(const AuditDraft& draft) override {
    return guarded([&]() -> Result<AuditEntry> {
      AuditEntry entry;
      entry.entry = draft;
      if (!cached_tip_) {
        auto tip = audit_tip_->start();
        cached_tip_ = tip.step() ? std::pair{tip.integer(0), tip.text(1)} : std::pair{std::int64_t{0}, genesis_hash};
      }
      entry.seq = cached_tip_->first + 1;
      entry.prev_hash = cached_tip_->second;
      entry.hash = audit_entry_hash(entry.prev_hash, entry.seq, draft);
      insert_audit_->start()
          .bind(1, entry.seq)
          .bind(2, format_instant(draft.at))
          .bind(3, draft.case_id)
          .bind(4, draft.actor)
          .bind(5, draft.role)
          .bind(6, draft.action)
          .bind(7, draft.outcome)
          .bind(8, draft.detail_json)
          .bind(9, entry.prev_hash)
          .bind(10, entry.hash)
          .run();
      cached_tip_ = {entry.seq, entry.hash};
      return entry;
    });
  }

  Result<std::vector<AuditEntry>> audit_of_case(CaseId id) override {
    return guarded([&]() -> Result<std::vector<AuditEntry>> {
      std::vector<AuditEntry> entries;
      auto q = audit_of_case_->start();
      q.bind(1, id);
      while (q.step()) entries.push_back(read_audit(q));
      return entries;
    });
  }

  Result<ChainReport> verify_chain() override {
    return guarded([&]() -> Result<ChainReport> {
      // One read transaction: the chain is checked as of one moment, writers carry on.
      db_.execute("BEGIN");
      ChainReport report;
      report.head = {0, genesis_hash};
      try {
        {
          std::string prev = genesis_hash;
          std::int64_t expected_seq = 1;
          auto q = audit_all_->start();
          while (q.step()) {
            std::int64_t seq = q.integer(0);
            auto fail = [&](std::int64_t at, std::string problem) {
              report.ok = false;
              report.first_bad_seq = at;
              report.problem = std::move(problem);
            };
            if (seq != expected_seq) {
              fail(expected_seq,
                   "entry " + std::to_string(expected_seq) + " is missing (next entry is " + std::to_string(seq) + ")");
              break;
            }
            // The stored text is what was hashed: an entry whose time no longer reads back to the
            // same text was edited.
            std::string at_text = q.text(1);
            auto at = parse_instant(at_text, "at");
            if (!at || format_instant(*at) != at_text) {
              fail(seq, "entry " + std::to_string(seq) + " was altered (its time is not as written)");
              break;
            }
            AuditEntry entry = read_audit(q);
            if (entry.prev_hash != prev) {
              fail(seq, "entry " + std::to_string(seq) + " does not follow entry " + std::to_string(seq - 1) +
                            " (prev_hash differs)");
              break;
            }
            if (!is_hash_text(entry.hash) || audit_entry_hash(prev, seq, entry.entry) != entry.hash) {
              fail(seq, "entry " + std::to_string(seq) + " was altered (hash does not match its content)");
              break;
            }
            prev = entry.hash;
            ++expected_seq;
            ++report.entries_verified;
            report.head = {seq, entry.hash};
          }
        }  // the read statement is reset before the transaction ends
        db_.execute("COMMIT");
      } catch (...) {
        rollback_command();
        throw;
      }
      return report;
    });
  }

  Result<std::optional<std::string>> audit_hash_at(std::int64_t seq) override {
    return guarded([&]() -> Result<std::optional<std::string>> {
      auto q = audit_hash_at_->start();
      q.bind(1, seq);
      if (!q.step()) return std::optional<std::string>();
      return std::optional<std::string>(q.text(0));
    });
  }

  Result<std::vector<StageRecord>> stages_of(CaseId id) override {
    return guarded([&]() -> Result<std::vector<StageRecord>> {
      std::vector<StageRecord> stages;
      auto q = stages_of_->start();
      q.bind(1, id);
      while (q.step()) stages.push_back({q.integer(0), q.text(1), parse_stored_time(q.text_view(2))});
      return stages;
    });
  }

  Result<std::vector<ClockRecord>> clocks_of(CaseId id) override {
    return guarded([&]() -> Result<std::vector<ClockRecord>> {
      std::vector<ClockRecord> clocks;
      auto q = clocks_of_->start();
      q.bind(1, id);
      while (q.step()) clocks.push_back(read_clock(q, 0));
      return clocks;
    });
  }

  Status save_clock(const ClockRecord& c, const ClockRecord* before) override {
    return guarded([&] {
      std::optional<std::string> met = c.met_at ? std::optional<std::string>(format_instant(*c.met_at)) : std::nullopt;
      std::string started = format_instant(c.started_at), due = format_instant(c.due_at);
      {
        auto q = (before ? update_clock_ : insert_clock_)->start();
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

  Result<std::map<std::string, std::string, std::less<>>> settings() override {
    return guarded([&]() -> Result<std::map<std::string, std::string, std::less<>>> {
      if (!settings_cache_) {
        std::map<std::string, std::string, std::less<>> values;
        auto q = settings_->start();
        while (q.step()) values.emplace(q.text(0), q.text(1));
        settings_cache_ = std::move(values);
      }
      return *settings_cache_;
    });
  }

  Status set_setting(std::string_view key, std::string_view value) override {
    settings_cache_.reset();
    return guarded([&] {
      set_setting_->start().bind(1, key).bind(2, value).run();
      return Status::ok();
    });
  }

  Result<CalendarData> calendar() override {
    return guarded([&]() -> Result<CalendarData> {
      if (!calendar_cache_) {
        CalendarData data;
        auto q = calendar_changes_->start();
        while (q.step()) {
          data.version = q.integer(0);
          std::string kind = q.text(1), value = q.text(3);
          if (kind == "jurisdiction") {
            if (auto j = parse_jurisdiction(value)) data.jurisdiction = *j;
            continue;
          }
          auto date = parse_date(q.text_view(2));
          if (!date) throw std::runtime_error("stored calendar change has a bad date");
          data.changes.push_back({*date, kind == "working", value});
        }
        calendar_cache_ = std::move(data);
      }
      return *calendar_cache_;
    });
  }

  Status add_calendar_change(std::string_view kind, std::optional<Date> date, std::string_view value) override {
    calendar_cache_.reset();
    return guarded([&] {
      std::string day = date ? format_date(*date) : std::string();
      auto q = add_calendar_change_->start();
      q.bind(1, kind).bind(3, value);
      if (date)
        q.bind(2, day);
      else
        q.bind_null(2);
      q.run();
      return Status::ok();
    });
  }

  Result<OverdueReport> overdue_clocks(Instant as_of, std::string_view team, std::int64_t limit) override {
    return guarded([&]() -> Result<OverdueReport> {
      OverdueReport report;
      report.as_of = as_of;
      report.team = std::string(team);
      std::string cutoff = format_instant(as_of);
      {
        // Whole days before today from the counts; today's open clocks one by one.
        Date today = london_date(as_of);
        std::string day = format_date(today), day_start = format_instant(london_start_of_day(today));
        auto q = overdue_count_->start();
        q.bind(1, day).bind(2, team).bind(3, day_start).bind(4, cutoff);
        q.step();
        report.total = q.integer(0);
      }
      auto q = (team.empty() ? overdue_ : overdue_team_)->start();
      q.bind(1, cutoff).bind(3, limit);
      if (!team.empty())
        q.bind(2, team);
      else
        q.bind_null(2);
      while (q.step()) {
        OverdueClock row;
        row.clock = read_clock(q, 0);
        row.subject = q.text(11);
        row.workflow = q.text(12);
        row.state = q.text(13);
        row.days_overdue = std::chrono::duration<double, std::ratio<86400>>(as_of - row.clock.due_at).count();
        report.clocks.push_back(std::move(row));
      }
      return report;
    });
  }

  Result<TimelinessReport> timeliness(Date from, Date to, Instant as_of, bool by_team) override {
    return guarded([&]() -> Result<TimelinessReport> {
      TimelinessReport report{from, to, as_of, by_team ? "team" : "clock", {}};
      std::string first = format_date(from), last = format_date(to);
      Date today = london_date(as_of);
      std::string day = format_date(today), day_start = format_instant(london_start_of_day(today)),
                  day_end = format_instant(london_end_of_day(today)), cutoff = format_instant(as_of);
      std::map<std::pair<std::string, std::string>, TimelinessRow> rows;
      {
        // Open clocks due before today are overdue, after today running (from the counts)...
        auto q = (by_team ? timeliness_by_team_ : timeliness_)->start();
        q.bind(1, first).bind(2, last).bind(3, day);
        while (q.step())
          rows[{q.text(0), q.text(1)}] =
              TimelinessRow{q.text(0), q.text(1), q.integer(2), q.integer(3), q.integer(4), q.integer(5), std::nullopt};
      }
      if (first <= day && day <= last) {
        // ... and those due today depend on the hour.
        auto q = (by_team ? due_today_by_team_ : due_today_)->start();
        q.bind(1, day_start).bind(2, day_end).bind(3, cutoff);
        while (q.step()) {
          auto& row = rows[{q.text(0), q.text(1)}];
          row.clock = q.text(0);
          row.team = q.text(1);
          row.overdue += q.integer(2);
          row.running += q.integer(3);
        }
      }
      for (auto& [key, row] : rows) {
        std::int64_t judged = row.met_on_time + row.met_late + row.overdue;
        if (judged > 0)
          row.percent_on_time = 100.0 * static_cast<double>(row.met_on_time) / static_cast<double>(judged);
        if (judged + row.running > 0) report.rows.push_back(std::move(row));
      }
      return report;
    });
  }

  Result<std::vector<AuditEntry>> audit_with_outcome(std::string_view outcome, Instant from, Instant to) override {
    return guarded([&]() -> Result<std::vector<AuditEntry>> {
      std::vector<AuditEntry> entries;
      std::string first = format_instant(from), last = format_instant(to);
      auto q = (outcome == "override" ? overrides_ : refusals_)->start();
      q.bind(1, first).bind(2, last);
      while (q.step()) entries.push_back(read_audit(q));
      return entries;
    });
  }

  Result<std::vector<VoiceRow>> voice(Instant from, Instant to, std::string_view team) override {
    return guarded([&]() -> Result<std::vector<VoiceRow>> {
      std::vector<VoiceRow> rows;
      std::string first = format_instant(from), last = format_instant(to);
      auto q = voice_->start();
      q.bind(1, first).bind(2, last).bind(3, team);
      while (q.step()) {
        VoiceRow row;
        row.case_id = q.integer(0);
        row.team = q.text(1);
        row.stage = q.integer(2);
        row.state = q.text(3);
        row.stage_entered_at = parse_stored_time(q.text_view(4));
        row.captured = !q.is_null(5);
        if (row.captured) {
          row.first_captured_at = parse_stored_time(q.text_view(5));
          row.days_after_stage_began =
              std::chrono::duration<double, std::ratio<86400>>(*row.first_captured_at - row.stage_entered_at).count();
          auto payload = nlohmann::json::parse(q.text_view(6), nullptr, false);
          if (payload.is_object()) {
            if (payload.contains("child_seen")) row.child_seen = payload["child_seen"].get<bool>();
            if (payload.contains("seen_alone")) row.seen_alone = payload["seen_alone"].get<bool>();
            row.method = payload.value("method", "");
            row.advocate = payload.value("advocate", "");
          }
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

  Result<std::vector<StrategyMeetingRow>> strategy_meetings(Instant from, Instant to, std::string_view team) override {
    return guarded([&]() -> Result<std::vector<StrategyMeetingRow>> {
      std::vector<StrategyMeetingRow> rows;
      std::string first = format_instant(from), last = format_instant(to);
      auto q = strategy_meetings_->start();
      q.bind(1, first).bind(2, last).bind(3, team);
      while (q.step()) {
        StrategyMeetingRow row;
        row.task_id = q.integer(0);
        row.case_id = q.integer(1);
        row.team = q.text(2);
        row.occurred_at = parse_stored_time(q.text_view(3));
        auto payload = nlohmann::json::parse(q.text_view(4), nullptr, false);
        if (payload.is_object() && payload.contains("participants"))
          for (const auto& p : payload["participants"])
            row.participants.emplace_back(p.value("agency", ""), p.value("mode", ""));
        if (q.is_null(5)) {
          row.timeliness = "no clock";
        } else {
          Instant started = parse_stored_time(q.text_view(5));
          row.due_at = parse_stored_time(q.text_view(6));
          row.allowed_hours = std::chrono::duration_cast<std::chrono::hours>(*row.due_at - started).count();
          row.timeliness = row.occurred_at <= *row.due_at ? "within" : "late";
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

  Result<std::vector<ActionsRow>> actions(Instant as_of, bool by_theme) override {
    return guarded([&]() -> Result<std::vector<ActionsRow>> {
      std::vector<ActionsRow> rows;
      std::string cutoff = format_instant(as_of);
      auto q = (by_theme ? actions_by_theme_ : actions_)->start();
      q.bind(1, cutoff);
      while (q.step()) rows.push_back({q.text(0), q.integer(1), q.integer(2), q.integer(3), q.integer(4)});
      return rows;
    });
  }

  Status export_table(std::string_view table, const std::function<void(const ExportTable&)>& chunk) override {
    Statement* statement = table == "cases"    ? export_cases_.get()
                           : table == "tasks"  ? export_tasks_.get()
                           : table == "audit"  ? export_audit_.get()
                           : table == "clocks" ? export_clocks_.get()
                                               : nullptr;
    if (statement == nullptr)
      return Status::invalid_input("no table '" + std::string(table.substr(0, 40)) +
                                   "' to export: cases, tasks, audit or clocks");
    return guarded([&] {
      ExportTable out;
      auto q = statement->start();
      int columns = sqlite3_column_count(statement_handle(*statement));
      for (int c = 0; c < columns; ++c) out.columns.emplace_back(sqlite3_column_name(statement_handle(*statement), c));
      while (q.step()) {
        std::vector<std::optional<std::string>> row;
        for (int c = 0; c < columns; ++c)
          row.push_back(q.is_null(c) ? std::nullopt : std::optional<std::string>(q.text(c)));
        out.rows.push_back(std::move(row));
        if (out.rows.size() == 10000) {  // bounded memory for large tables
          chunk(out);
          out.rows.clear();
        }
      }
      if (!out.rows.empty() || out.columns.empty()) chunk(out);
      return Status::ok();
    });
  }

 private:
  static CaseRecord read_case(const Statement::Use& q) {
    CaseRecord r;
    r.id = q.integer(0);
    r.workflow = q.text(1);
    r.workflow_version = static_cast<int>(q.integer(2));
    r.subject = q.text(3);
    r.team = q.text(4);
    r.state = q.text(5);
    r.stage = q.integer(6);
    r.version = q.integer(7);
    r.attributes_json = q.text(8);
    r.received_at = parse_stored_time(q.text_view(9));
    r.opened_at = parse_stored_time(q.text_view(10));
    r.state_entered_at = parse_stored_time(q.text_view(11));
    return r;
  }

  // Adds (or with -1 takes away) a clock's share of its day in clock_counts.
  // A clock's counts: met on time, met late, open (neither met nor stopped).
  struct ClockCounts {
    std::int64_t on_time = 0, late = 0, open = 0;
    explicit ClockCounts(const ClockRecord& c) {
      if (c.met_at)
        (*c.met_at <= c.due_at ? on_time : late) = 1;
      else if (!c.stopped)
        open = 1;
    }
  };

  // Moves a clock's contribution in clock_counts from `before` (null: a new clock) to `after`;
  // one upsert when its row (due date, clock, team) stays the same.
  void count_clock(const ClockRecord* before, const ClockRecord& after) {
    auto add = [&](const ClockRecord& c, std::int64_t on_time, std::int64_t late, std::int64_t open) {
      if (on_time == 0 && late == 0 && open == 0) return;
      count_clock_->start()
          .bind(1, c.due_date)
          .bind(2, c.clock)
          .bind(3, c.team)
          .bind(4, on_time)
          .bind(5, late)
          .bind(6, open)
          .run();
    };
    ClockCounts now(after);
    if (before == nullptr) return add(after, now.on_time, now.late, now.open);
    ClockCounts was(*before);
    if (before->due_date == after.due_date && before->clock == after.clock && before->team == after.team)
      return add(after, now.on_time - was.on_time, now.late - was.late, now.open - was.open);
    add(*before, -was.on_time, -was.late, -was.open);
    add(after, now.on_time, now.late, now.open);
  }

  static sqlite3_stmt* statement_handle(Statement& statement) { return statement.handle(); }

  static ClockRecord read_clock(const Statement::Use& q, int at) {
    ClockRecord c;
    c.case_id = q.integer(at);
    c.clock = q.text(at + 1);
    c.cycle = q.integer(at + 2);
    c.started_at = parse_stored_time(q.text_view(at + 3));
    c.due_at = parse_stored_time(q.text_view(at + 4));
    c.due_date = q.text(at + 5);
    c.calendar_version = q.integer(at + 6);
    if (!q.is_null(at + 7)) c.met_at = parse_stored_time(q.text_view(at + 7));
    c.stopped = q.integer(at + 8) != 0;
    c.team = q.text(at + 9);
    c.anchor = q.text(at + 10);
    return c;
  }

  void prepare() {
    auto make = [&](const char* sql) { return std::make_unique<Statement>(db_, sql); };
    data_version_ = make("PRAGMA data_version");
    find_user_ = make("SELECT id, name, role, team, active FROM users WHERE id = ?1");
    list_users_ = make("SELECT id, name, role, team, active FROM users ORDER BY id");
    has_users_ = make("SELECT 1 FROM users LIMIT 1");
    insert_user_ = make("INSERT INTO users (id, name, role, team, active) VALUES (?1, ?2, ?3, ?4, ?5)");
    set_user_active_ = make("UPDATE users SET active = ?1 WHERE id = ?2");
    const std::string case_columns =
        "SELECT id, workflow, workflow_version, subject, team, state, stage, version, attributes, "
        "received_at, opened_at, state_entered_at FROM cases ";
    find_case_ = make((case_columns + "WHERE id = ?1").c_str());
    cases_below_version_ = make((case_columns + "WHERE workflow = ?1 AND workflow_version < ?2 ORDER BY id").c_str());
    migrate_case_ = make(
        "UPDATE cases SET workflow_version = ?1, state = ?2, version = version + 1 WHERE id = ?3 AND version = ?4");
    record_current_stage_ = make(
        "INSERT INTO case_stages (case_id, stage, state, entered_at) SELECT id, stage, state, state_entered_at FROM "
        "cases "
        "WHERE id = ?1");
    rename_current_stage_ = make(
        "UPDATE case_stages SET state = ?1 WHERE case_id = ?2 AND stage = (SELECT stage FROM cases WHERE id = ?2)");
    insert_case_ = make(
        "INSERT INTO cases (workflow, workflow_version, subject, team, state, attributes, received_at, "
        "opened_at, state_entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    move_case_ = make(
        "UPDATE cases SET state = ?1, state_entered_at = ?2, stage = stage + 1, version = version + 1 "
        "WHERE id = ?3 AND version = ?4");
    tasks_of_ = make(
        "SELECT id, kind, payload, actor, role, state, stage, occurred_at, recorded_at FROM tasks "
        "WHERE case_id = ?1 ORDER BY id");
    insert_task_ = make(
        "INSERT INTO tasks (case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    audit_hash_at_ = make("SELECT hash FROM audit_log WHERE seq = ?1");
    audit_tip_ = make("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    insert_audit_ = make(
        "INSERT INTO audit_log (seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    const char* audit_columns =
        "SELECT seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash FROM audit_log ";
    audit_of_case_ = make((std::string(audit_columns) + "WHERE case_id = ?1 ORDER BY seq").c_str());
    audit_all_ = make((std::string(audit_columns) + "ORDER BY seq").c_str());
    insert_stage_ = make("INSERT INTO case_stages (case_id, stage, state, entered_at) VALUES (?1, ?2, ?3, ?4)");
    stages_of_ = make("SELECT stage, state, entered_at FROM case_stages WHERE case_id = ?1 ORDER BY stage");
    const std::string clock_columns =
        "k.case_id, k.clock, k.cycle, k.started_at, k.due_at, k.due_date, k.calendar_version, k.met_at, k.stopped, "
        "k.team, "
        "k.anchor";
    // In key order (clock, cycle): sorting here would cost a temporary b-tree on every command.
    clocks_of_ = make(("SELECT " + clock_columns + " FROM clocks k WHERE k.case_id = ?1").c_str());
    insert_clock_ = make(
        "INSERT INTO clocks (case_id, clock, cycle, started_at, due_at, due_date, calendar_version, met_at, stopped, "
        "team, anchor) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    update_clock_ = make(
        "UPDATE clocks SET started_at = ?4, due_at = ?5, due_date = ?6, calendar_version = ?7, met_at = ?8, stopped = "
        "?9, "
        "team = ?10, anchor = ?11 WHERE case_id = ?1 AND clock = ?2 AND cycle = ?3");
    count_clock_ = make(
        "INSERT INTO clock_counts (due_date, clock, team, met_on_time, met_late, open) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (due_date, clock, team) DO UPDATE SET met_on_time = met_on_time + excluded.met_on_time, "
        "met_late = met_late + excluded.met_late, open = open + excluded.open");
    settings_ = make("SELECT key, value FROM settings");
    set_setting_ = make(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    calendar_changes_ = make("SELECT id, kind, date, value FROM calendar_changes ORDER BY id");
    add_calendar_change_ = make("INSERT INTO calendar_changes (kind, date, value) VALUES (?1, ?2, ?3)");
    const std::string open_overdue =
        " FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.met_at IS NULL AND k.stopped = 0 AND k.due_at < ?1";
    overdue_count_ = make(
        "SELECT (SELECT coalesce(sum(open), 0) FROM clock_counts WHERE due_date < ?1 AND (?2 = '' OR team = ?2)) + "
        "(SELECT count(*) FROM clocks WHERE met_at IS NULL AND stopped = 0 AND due_at >= ?3 AND due_at < ?4 "
        "AND (?2 = '' OR team = ?2))");
    overdue_ = make(("SELECT " + clock_columns + ", c.subject, c.workflow, c.state" + open_overdue +
                     " AND ?2 IS NULL ORDER BY k.due_at LIMIT ?3")
                        .c_str());
    overdue_team_ = make(("SELECT " + clock_columns + ", c.subject, c.workflow, c.state" + open_overdue +
                          " AND k.team = ?2 ORDER BY k.due_at LIMIT ?3")
                             .c_str());
    const std::string counts =
        "sum(met_on_time), sum(met_late), sum(CASE WHEN due_date < ?3 THEN open ELSE 0 END), "
        "sum(CASE WHEN due_date > ?3 THEN open ELSE 0 END) FROM clock_counts WHERE due_date BETWEEN ?1 AND ?2";
    timeliness_ = make(("SELECT clock, '', " + counts + " GROUP BY clock").c_str());
    timeliness_by_team_ = make(("SELECT clock, team, " + counts + " GROUP BY clock, team").c_str());
    const std::string today =
        "sum(due_at < ?3), sum(due_at >= ?3) FROM clocks "
        "WHERE met_at IS NULL AND stopped = 0 AND due_at BETWEEN ?1 AND ?2";
    due_today_ = make(("SELECT clock, '', " + today + " GROUP BY clock").c_str());
    due_today_by_team_ = make(("SELECT clock, team, " + today + " GROUP BY clock, team").c_str());
    const std::string audit_select =
        "SELECT seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash FROM audit_log ";
    refusals_ =
        make((audit_select + "WHERE outcome IN ('refused', 'override') AND outcome = 'refused' AND action = 'fire' "
                             "AND at BETWEEN ?1 AND ?2 ORDER BY at, seq")
                 .c_str());
    overrides_ = make((audit_select + "WHERE outcome IN ('refused', 'override') AND outcome = 'override' "
                                      "AND at BETWEEN ?1 AND ?2 ORDER BY at, seq")
                          .c_str());
    voice_ = make(
        "SELECT s.case_id, c.team, s.stage, s.state, s.entered_at, v.occurred_at, v.payload "
        "FROM case_stages s JOIN cases c ON c.id = s.case_id "
        "LEFT JOIN tasks v ON v.id = (SELECT min(t.id) FROM tasks t WHERE t.case_id = s.case_id AND t.stage = s.stage "
        "                              AND t.kind = 'voice_of_child') "
        "WHERE s.entered_at BETWEEN ?1 AND ?2 AND (?3 = '' OR c.team = ?3) ORDER BY s.entered_at, s.case_id");
    strategy_meetings_ = make(
        "SELECT t.id, t.case_id, c.team, t.occurred_at, t.payload, k.started_at, k.due_at "
        "FROM tasks t JOIN cases c ON c.id = t.case_id "
        "LEFT JOIN clocks k ON k.case_id = t.case_id AND k.clock = 'strategy_discussion' AND k.cycle = 1 "
        "WHERE t.kind = 'strategy_meeting' AND t.occurred_at BETWEEN ?1 AND ?2 AND (?3 = '' OR c.team = ?3) "
        "ORDER BY t.occurred_at, t.id");
    const std::string action_counts =
        "sum(k.met_at IS NOT NULL AND k.met_at <= k.due_at), sum(k.met_at IS NOT NULL AND k.met_at > k.due_at), "
        "sum(k.met_at IS NULL AND k.stopped = 0 AND k.due_at < ?1), sum(k.met_at IS NULL AND k.stopped = 0 AND "
        "k.due_at >= ?1) "
        "FROM clocks k JOIN cases c ON c.id = k.case_id WHERE c.workflow = 'improvement_action' AND k.clock = 'target'";
    actions_ = make(("SELECT '', " + action_counts).c_str());
    actions_by_theme_ =
        make(("SELECT coalesce(json_extract(c.attributes, '$.theme'), ''), " + action_counts + " GROUP BY 1 ORDER BY 1")
                 .c_str());
    export_cases_ = make(
        "SELECT id, workflow, workflow_version, subject, team, state, stage, version, attributes, received_at, "
        "opened_at, state_entered_at FROM cases ORDER BY id");
    export_tasks_ = make(
        "SELECT id, case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at FROM tasks ORDER BY "
        "id");
    export_audit_ = make((audit_select + "ORDER BY seq").c_str());
    export_clocks_ = make(
        "SELECT case_id, clock, cycle, started_at, due_at, due_date, calendar_version, met_at, stopped, team, anchor "
        "FROM clocks ORDER BY case_id, started_at, clock, cycle");
    begin_ = make("BEGIN IMMEDIATE");
    commit_ = make("COMMIT");
    savepoint_ = make("SAVEPOINT command");
    release_ = make("RELEASE command");
  }

  static User read_user(const Statement::Use& q) {
    return User{q.text(0), q.text(1), parse_stored_role(q.text_view(2)), q.text(3), q.integer(4) != 0};
  }

  static AuditEntry read_audit(const Statement::Use& q) {
    AuditEntry e;
    e.seq = q.integer(0);
    e.entry.at = parse_stored_time(q.text_view(1));
    if (!q.is_null(2)) e.entry.case_id = q.integer(2);
    e.entry.actor = q.text(3);
    e.entry.role = q.text(4);
    e.entry.action = q.text(5);
    e.entry.outcome = q.text(6);
    e.entry.detail_json = q.text(7);
    e.prev_hash = q.text(8);
    e.hash = q.text(9);
    return e;
  }

  Database db_;
  std::unique_ptr<Statement> find_user_, list_users_, has_users_, insert_user_, set_user_active_, find_case_,
      insert_case_, move_case_, tasks_of_, insert_task_, audit_tip_, insert_audit_, audit_of_case_, audit_all_, begin_,
      commit_, savepoint_, release_, data_version_, audit_hash_at_, insert_stage_, stages_of_, clocks_of_,
      insert_clock_, update_clock_, count_clock_, cases_below_version_, migrate_case_, rename_current_stage_,
      record_current_stage_, settings_, set_setting_, calendar_changes_, add_calendar_change_, overdue_count_, overdue_,
      overdue_team_, timeliness_, timeliness_by_team_, due_today_, due_today_by_team_, refusals_, overrides_, voice_,
      strategy_meetings_, actions_, actions_by_theme_, export_cases_, export_tasks_, export_audit_, export_clocks_;
  std::optional<std::map<std::string, std::string, std::less<>>> settings_cache_;
  std::optional<CalendarData> calendar_cache_;
  bool in_batch_ = false;
  // Users and the audit chain's tip are read by every command and cached between commands.
  // Called with the write lock just taken: nobody else can write until we commit, so if no other
  // connection has committed since our last command (PRAGMA data_version), the caches hold.
  void check_other_writers() {
    auto version = data_version_->start();
    version.step();
    std::int64_t now = version.integer(0);
    if (now != cached_data_version_) {
      forget_cached();
      cached_data_version_ = now;
    }
  }

  void forget_cached() noexcept {
    user_cache_.clear();
    cached_tip_.reset();
    settings_cache_.reset();
    calendar_cache_.reset();
  }

  std::map<std::string, User, std::less<>> user_cache_;
  std::optional<std::pair<std::int64_t, std::string>> cached_tip_;  // seq and hash of the newest entry
  std::int64_t cached_data_version_ = -1;
};

}  // namespace

std::string audit_canonical_form(std::int64_t seq, const AuditDraft& entry) {
  constexpr char unit_separator = '\x1f';
  std::string text = std::to_string(seq);
  for (const std::string& field :
       {format_instant(entry.at), entry.case_id ? std::to_string(*entry.case_id) : std::string(), entry.actor,
        entry.role, entry.action, entry.outcome, entry.detail_json}) {
    text += unit_separator;
    text += field;
  }
  return text;
}

std::string audit_entry_hash(const std::string& prev_hash_hex, std::int64_t seq, const AuditDraft& entry) {
  return sha256_hex({hex_to_bytes(prev_hash_hex), audit_canonical_form(seq, entry)});
}

Result<std::unique_ptr<CaseStore>> open_sqlite_store(const std::string& path, const SqliteStoreOptions& options) {
  try {
    return std::unique_ptr<CaseStore>(std::make_unique<SqliteStore>(path, options));
  } catch (const storage::SchemaTooNew& error) {
    return Status::integrity(error.what());
  } catch (const std::invalid_argument& error) {
    return Status::invalid_input(error.what());
  } catch (const SqliteError& error) {
    spdlog::warn("cannot open {}: {}", path, error.what());
    return to_status(error);
  } catch (const std::exception& error) {
    return Status::internal(error.what());
  }
}

}  // namespace casegate
