// casegate-bench generate: a large database shaped like years of real use, for timing the
// oversight reports. The schema comes from the engine (open_engine migrates the file); rows are
// then written in bulk through SQLite directly, with a valid audit hash chain.
#include "generate.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <tuple>

#include "casegate/casegate.hpp"
#include "casegate/sqlite_store.hpp"

namespace casegate::bench {
namespace {

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  }
  ~Db() { sqlite3_close(db); }
  void exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  }
};

struct Insert {
  sqlite3_stmt* st = nullptr;
  sqlite3* db;
  Insert(sqlite3* d, const char* sql) : db(d) {
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  }
  ~Insert() { sqlite3_finalize(st); }
  Insert& text(int i, const std::string& v) {
    sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Insert& integer(int i, std::int64_t v) {
    sqlite3_bind_int64(st, i, v);
    return *this;
  }
  Insert& null(int i) {
    sqlite3_bind_null(st, i);
    return *this;
  }
  void run() {
    if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
    sqlite3_reset(st);
  }
};

}  // namespace

GenerateFigures generate(const std::string& path, std::int64_t cases, int audit_per_case, Instant now) {
  auto start = std::chrono::steady_clock::now();
  {
    auto engine = open_engine(path);  // creates and migrates the schema
    if (!engine) throw std::runtime_error(engine.status().to_string());
    if (Status s = (*engine)->init("admin", ""); !s) throw std::runtime_error(s.to_string());
    // The workers and their manager are north's; the auditor sees every team (the "overdue"
    // report over every team is theirs).
    for (auto [id, role, team] : {std::tuple{"sw", Role::social_worker, "north"},
                                  {"tm", Role::team_manager, "north"},
                                  {"chair", Role::conference_chair, ""},
                                  {"aud", Role::auditor, ""}})
      if (Status s = (*engine)->add_user("admin", User{id, "", role, team, true}); !s)
        throw std::runtime_error(s.to_string());
  }
  Db db(path);
  db.exec("PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL; PRAGMA cache_size=-200000; BEGIN");
  Insert add_case(
      db.db,
      "INSERT INTO cases (id, workflow, workflow_version, subject, team, state, stage, version, attributes, "
      "received_at, opened_at, state_entered_at) VALUES (?1,'child_protection',1,?2,?3,?4,?5,?5,'{}',?6,?6,?7)");
  // The case directory (schema 9): a stage's line holds the stage (kind 0); a task's (kind 1) and an
  // audit entry's (kind 2) point at their rows, so that a case's history is read by case.
  Insert add_stage(db.db, "INSERT INTO case_directory (case_id, kind, n, state, entered_at) VALUES (?1,0,?2,?3,?4)");
  Insert add_line(db.db, "INSERT INTO case_directory (case_id, kind, n) VALUES (?1,?2,?3)");
  Insert add_task(db.db,
                  "INSERT INTO tasks (case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at) "
                  "VALUES (?1,?2,?3,'sw','social_worker',?4,?5,?6,?6)");
  Insert add_clock(db.db,
                   "INSERT INTO clocks (case_id, clock, cycle, started_at, due_at, due_date, calendar_version, met_at, "
                   "stopped, team) VALUES (?1,?2,1,?3,?4,?5,0,?6,0,?7)");
  Insert add_audit(db.db,
                   "INSERT INTO audit_log (seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash) "
                   "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  std::int64_t seq = 0;
  std::string prev;
  {
    sqlite3_stmt* tip = nullptr;
    sqlite3_prepare_v2(db.db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", -1, &tip, nullptr);
    if (sqlite3_step(tip) == SQLITE_ROW) {
      seq = sqlite3_column_int64(tip, 0);
      prev = reinterpret_cast<const char*>(sqlite3_column_text(tip, 1));
    }
    sqlite3_finalize(tip);
  }
  std::mt19937_64 random(20261126);
  auto uniform = [&](std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
  };
  const char* teams[] = {"north", "south", "east", "west", "central", "duty", "disabled_children", "court"};
  const char* states[] = {"strategy_discussion",   "section_47_enquiry", "initial_conference",
                          "child_protection_plan", "child_in_need",      "closed"};
  const char* clocks[] = {"referral_decision", "strategy_discussion", "assessment", "initial_conference"};
  const std::chrono::hours clock_hours[] = {std::chrono::hours(24), std::chrono::hours(24), std::chrono::hours(24 * 63),
                                            std::chrono::hours(24 * 21)};
  // Cases arrive evenly over the two years before `now`.
  const auto span = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24 * 730));
  std::int64_t tasks = 0, clock_rows = 0;
  auto append = [&](Instant at, CaseId id, const char* actor, const char* role, const char* action, const char* outcome,
                    const std::string& detail) {
    AuditDraft draft{at, id, actor, role, action, outcome, detail};
    ++seq;
    std::string hash = audit_entry_hash(prev, seq, draft);
    add_audit.integer(1, seq)
        .text(2, format_instant(at))
        .integer(3, id)
        .text(4, actor)
        .text(5, role)
        .text(6, action)
        .text(7, outcome)
        .text(8, detail)
        .text(9, prev)
        .text(10, hash)
        .run();
    add_line.integer(1, id).integer(2, 2).integer(3, seq).run();
    prev = std::move(hash);
  };
  for (CaseId id = 1; id <= cases; ++id) {
    Instant received = now - span + std::chrono::milliseconds(span.count() * (id - 1) / cases);
    std::string team = teams[uniform(0, 7)];
    int stage_count = static_cast<int>(uniform(1, 5));
    std::string state = stage_count == 1 ? "referral" : states[stage_count - 2];
    add_case.integer(1, id)
        .text(2, "CHILD-" + std::to_string(id))
        .text(3, team)
        .text(4, state)
        .integer(5, stage_count)
        .text(6, format_instant(received))
        .text(7, format_instant(received + std::chrono::hours(24 * stage_count)))
        .run();
    for (int s = 1; s <= stage_count; ++s)
      add_stage.integer(1, id)
          .integer(2, s)
          .text(3, s == 1 ? "referral" : states[s - 2])
          .text(4, format_instant(received + std::chrono::hours(24 * (s - 1))))
          .run();
    for (int c = 0; c < 4 && c < stage_count + 1; ++c) {
      Instant started = received + std::chrono::hours(24 * c);
      Instant due = started + clock_hours[c];
      // Most clocks are met, some late; recent ones may still be open.
      std::int64_t roll = uniform(0, 99);
      Instant met = started + std::chrono::minutes(uniform(
                                  10, static_cast<std::int64_t>(clock_hours[c].count()) * 60 * (roll < 80 ? 1 : 3)));
      bool open = roll >= 95 || met > now;
      add_clock.integer(1, id)
          .text(2, clocks[c])
          .text(3, format_instant(started))
          .text(4, format_instant(due))
          .text(5, format_date(london_date(due)))
          .text(7, team);
      if (open)
        add_clock.null(6);
      else
        add_clock.text(6, format_instant(met));
      add_clock.run();
      ++clock_rows;
    }
    add_task.integer(1, id)
        .text(2, "referral_decision")
        .text(3, R"({"decision":"significant_harm","urgency":"standard"})")
        .text(4, "referral")
        .integer(5, 1)
        .text(6, format_instant(received + std::chrono::hours(2)))
        .run();
    add_line.integer(1, id).integer(2, 1).integer(3, sqlite3_last_insert_rowid(db.db)).run();
    add_task.integer(1, id)
        .text(2, "voice_of_child")
        .text(3, R"({"child_seen":true,"method":"direct","seen_alone":true})")
        .text(4, state)
        .integer(5, stage_count)
        .text(6, format_instant(received + std::chrono::hours(30)))
        .run();
    add_line.integer(1, id).integer(2, 1).integer(3, sqlite3_last_insert_rowid(db.db)).run();
    tasks += 2;
    append(received, id, "sw", "social_worker", "open", "accepted", R"({"event":"open","from":null,"to":"referral"})");
    for (int e = 1; e < audit_per_case; ++e) {
      Instant at = received + std::chrono::minutes(e * 37);
      std::int64_t roll = uniform(0, 99);
      if (roll < 10)
        append(
            at, id, "sw", "social_worker", "fire", "refused",
            R"({"event":"start_section_47","from":"strategy_discussion","to":"strategy_discussion","missing":[{"task":"strategy_meeting","condition":null,"role":null,"scope":"stage"}]})");
      else if (roll < 11)
        append(
            at, id, "tm", "team_manager", "fire", "override",
            R"({"event":"start_section_47","reason":"police attending","from":"strategy_discussion","to":"section_47_enquiry","missing":[{"task":"strategy_meeting","condition":null,"role":null,"scope":"stage"}]})");
      else if (roll < 50)
        append(at, id, "sw", "social_worker", "record", "accepted",
               R"({"event":"assessment","from":"section_47_enquiry","to":"section_47_enquiry"})");
      else
        append(at, id, "tm", "team_manager", "view", "accepted", R"({"view":"status"})");
    }
    if (id % 100000 == 0) {
      db.exec("COMMIT; BEGIN");
      std::cerr << "  generated " << id << " cases\n";
    }
  }
  // The per-day counts the reports read, as the store's save_clock would have kept them.
  db.exec(
      "INSERT INTO clock_counts (due_date, clock, team, met_on_time, met_late, open) "
      "SELECT due_date, clock, team, sum(met_at IS NOT NULL AND met_at <= due_at), sum(met_at IS NOT NULL AND met_at > "
      "due_at), "
      "sum(met_at IS NULL AND stopped = 0) FROM clocks GROUP BY due_date, clock, team");
  db.exec("COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return GenerateFigures{cases, tasks, clock_rows, seq, seconds};
}

int time_reports(const std::string& path, int runs) {
  auto opened = open_engine(path);
  if (!opened) {
    std::cerr << "casegate-bench: " << opened.status().to_string() << "\n";
    return 2;
  }
  Engine& engine = **opened;
  Instant now = SystemClock().now();
  Date today = london_date(now);
  auto time = [&](const char* name, const std::function<std::string()>& report) {
    std::vector<double> ms;
    std::string figure;
    for (int r = 0; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      figure = report();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::cout << "  " << name << ": median " << ms[ms.size() / 2] << " ms over " << runs << " runs (" << figure
              << ")\n";
    std::cout << "RESULT " << nlohmann::json{{"report", name}, {"median_ms", ms[ms.size() / 2]}}.dump() << "\n";
  };
  time("overdue", [&] {
    auto r = engine.overdue("aud", now, "", 500);
    if (!r) throw std::runtime_error(r.status().to_string());
    return std::to_string(r->total) + " overdue, " + std::to_string(r->clocks.size()) + " listed";
  });
  time("overdue --team north", [&] {
    auto r = engine.overdue("tm", now, "north", 500);
    if (!r) throw std::runtime_error(r.status().to_string());
    return std::to_string(r->total) + " overdue";
  });
  for (int days : {90, 365})
    for (bool by_team : {false, true}) {
      std::string name = "timeliness, " + std::to_string(days) + " days, by " + (by_team ? "team" : "clock");
      time(name.c_str(), [&] {
        auto r = engine.timeliness("tm", add_days(today, -days), today, now, by_team);
        if (!r) throw std::runtime_error(r.status().to_string());
        std::int64_t clocks = 0;
        for (const auto& row : r->rows) clocks += row.met_on_time + row.met_late + row.overdue + row.running;
        return std::to_string(clocks) + " clocks in " + std::to_string(r->rows.size()) + " rows";
      });
    }
  return 0;
}

}  // namespace casegate::bench
