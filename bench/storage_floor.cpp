// casegate-bench floor: W1's storage work on casegate's own schema, with nothing else. The same
// statements in the same transactions as the engine issues for each W1 command (read the case,
// its tasks, its stages and clocks where the engine does; write the task, case, stage, clock,
// clock count and hash-chained audit rows), through the store's own SQLite wrapper, with the
// values scripted: no workflow, no payload validation, no JSON, no calendar. What the engine
// adds is the ratio of casegate-bench w1 to this, measured in the same run.
#include "storage_floor.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

#include "casegate/sqlite_store.hpp"
#include "schema.hpp"
#include "sqlite.hpp"

namespace casegate::bench {
namespace {

using sqlite::Database;
using sqlite::Statement;

const char* const worker = "sw.jones";
const char* const chair = "chair.patel";

// A clock the script starts, or meets, in one command.
struct ClockWrite {
  const char* clock;
  bool meets;  // else starts
  std::chrono::hours due_in;
};

// One W1 command as storage sees it.
struct ScriptedCommand {
  enum class Kind { open, record, fire } kind;
  const char* name;  // task kind or event
  const char* payload;
  const char* actor;
  const char* outcome;
  const char* to;  // accepted fire: the new state
  bool clock_pass;
  std::vector<ClockWrite> clocks;
  const char* detail;  // the audit detail, of the engine's length and shape
};

const std::vector<ScriptedCommand>& script() {
  using K = ScriptedCommand::Kind;
  using std::chrono::hours;
  // One command a line: the script reads as W1's table.
  // clang-format off
  static const std::vector<ScriptedCommand> commands{
      {K::open, "open", nullptr, worker, "accepted", nullptr, true, {{"referral_decision", false, hours(40)}},
       R"({"event":"open","workflow":"child_protection","from":null,"workflow_version":2,"to":"referral","subject_sha256":"1f1cca61060db50b148e7bc596c766938c14b807d4d5865f6510bbaab3fe4be9","received_at":"2026-11-26T04:54:48.179Z"})"},
      {K::record, "referral_decision", R"({"decision":"significant_harm","urgency":"within_24h"})", worker, "accepted", nullptr, true,
       {{"referral_decision", true, hours(40)}, {"strategy_discussion", false, hours(24)}, {"assessment", false, hours(24 * 63)}},
       R"({"event":"referral_decision","payload_sha256":"4a9da5672029ebfde79b5a95d4067b945da95c90481bcd2647496e74db3708f3","from":"referral","to":"referral","task_id":1,"occurred_at":"2026-11-26T04:54:48.179Z"})"},
      {K::fire, "refer_to_strategy", nullptr, worker, "accepted", "strategy_discussion", false, {},
       R"({"event":"refer_to_strategy","from":"referral","to":"strategy_discussion","missing":[]})"},
      {K::fire, "start_section_47", nullptr, worker, "refused", nullptr, false, {},
       R"({"event":"start_section_47","from":"strategy_discussion","to":"strategy_discussion","missing":[{"task":"strategy_meeting","condition":"participants include social_care, police, health","role":null,"scope":"stage"}],"message":"start_section_47 refused: missing strategy_meeting with participants include social_care, police, health"})"},
      {K::record, "strategy_meeting", R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"written"}]})", worker, "accepted", nullptr, true,
       {{"strategy_discussion", true, hours(24)}},
       R"({"event":"strategy_meeting","payload_sha256":"fa72cf3052af4a39a461bfcc127dadce72b60628e0af04110ca25ac680ee93b8","from":"strategy_discussion","to":"strategy_discussion","task_id":2,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "start_section_47", nullptr, worker, "accepted", "section_47_enquiry", true, {{"initial_conference", false, hours(24 * 21)}},
       R"({"event":"start_section_47","from":"strategy_discussion","to":"section_47_enquiry","missing":[]})"},
      {K::record, "assessment", R"({"outcome":"concerns_substantiated","type":"section_47"})", worker, "accepted", nullptr, true,
       {{"assessment", true, hours(24 * 63)}},
       R"({"event":"assessment","payload_sha256":"ba7265027bca50f9208e69176efbbe135af6b07442d6369bfc585a515e135e97","from":"section_47_enquiry","to":"section_47_enquiry","task_id":3,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "convene_initial_conference", nullptr, worker, "refused", nullptr, false, {},
       R"({"event":"convene_initial_conference","from":"section_47_enquiry","to":"section_47_enquiry","missing":[{"task":"voice_of_child","condition":null,"role":null,"scope":"stage"}],"message":"convene_initial_conference refused: missing voice_of_child"})"},
      {K::record, "voice_of_child", R"({"child_seen":true,"method":"direct","seen_alone":true,"summary":"Child seen alone at school; said she feels scared when dad shouts and wants help."})", worker, "accepted", nullptr, false, {},
       R"({"event":"voice_of_child","payload_sha256":"d192bb5103a47b71a98903f5ba1c6357dfcd8f8e8dfb80d714410339df28a9de","from":"section_47_enquiry","to":"section_47_enquiry","task_id":4,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "convene_initial_conference", nullptr, worker, "accepted", "initial_conference", false, {},
       R"({"event":"convene_initial_conference","from":"section_47_enquiry","to":"initial_conference","missing":[]})"},
      {K::record, "conference_decision", R"({"category":"neglect","outcome":"plan"})", chair, "accepted", nullptr, true,
       {{"initial_conference", true, hours(24 * 21)}, {"core_group", false, hours(24 * 14)}, {"review_conference", false, hours(24 * 92)}},
       R"({"event":"conference_decision","payload_sha256":"24a85cd1ead6ceceed7ae14e1b339f417e6378165dc54f37504e6773b02afe96","from":"initial_conference","to":"initial_conference","task_id":5,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "start_plan", nullptr, worker, "accepted", "child_protection_plan", false, {},
       R"({"event":"start_plan","from":"initial_conference","to":"child_protection_plan","missing":[]})"},
  };
  // clang-format on
  return commands;
}

// The engine's statements, as the store prepares them (storage/src/sqlite_store.cpp).
struct Statements {
  explicit Statements(Database& db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        data_version(db, "PRAGMA data_version"),
        find_case(db,
                  "SELECT id, workflow, workflow_version, subject, team, state, stage, version, attributes, "
                  "received_at, opened_at, state_entered_at FROM cases WHERE id = ?1"),
        insert_case(db,
                    "INSERT INTO cases (workflow, workflow_version, subject, team, state, attributes, received_at, "
                    "opened_at, state_entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        insert_stage(db, "INSERT INTO case_stages (case_id, stage, state, entered_at) VALUES (?1, ?2, ?3, ?4)"),
        move_case(db,
                  "UPDATE cases SET state = ?1, state_entered_at = ?2, stage = stage + 1, version = version + 1 "
                  "WHERE id = ?3 AND version = ?4"),
        record_stage(db,
                     "INSERT INTO case_stages (case_id, stage, state, entered_at) SELECT id, stage, state, "
                     "state_entered_at FROM cases WHERE id = ?1"),
        tasks_of(db,
                 "SELECT id, kind, payload, actor, role, state, stage, occurred_at, recorded_at FROM tasks "
                 "WHERE case_id = ?1 ORDER BY id"),
        insert_task(db,
                    "INSERT INTO tasks (case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        stages_of(db, "SELECT stage, state, entered_at FROM case_stages WHERE case_id = ?1 ORDER BY stage"),
        clocks_of(db,
                  "SELECT k.case_id, k.clock, k.cycle, k.started_at, k.due_at, k.due_date, k.calendar_version, "
                  "k.met_at, k.stopped, k.team, k.anchor FROM clocks k WHERE k.case_id = ?1"),
        insert_clock(db,
                     "INSERT INTO clocks (case_id, clock, cycle, started_at, due_at, due_date, calendar_version, "
                     "met_at, stopped, team, anchor) VALUES (?1, ?2, 1, ?3, ?4, ?5, 0, NULL, 0, 'north', '')"),
        meet_clock(db,
                   "UPDATE clocks SET started_at = ?3, due_at = ?4, due_date = ?5, calendar_version = 0, met_at = ?6, "
                   "stopped = 0, team = 'north', anchor = '' WHERE case_id = ?1 AND clock = ?2 AND cycle = 1"),
        count_clock(db,
                    "INSERT INTO clock_counts (due_date, clock, team, met_on_time, met_late, open) VALUES (?1, ?2, "
                    "'north', ?3, 0, ?4) ON CONFLICT (due_date, clock, team) DO UPDATE SET met_on_time = "
                    "met_on_time + excluded.met_on_time, met_late = met_late + excluded.met_late, open = open + "
                    "excluded.open"),
        insert_audit(db,
                     "INSERT INTO audit_log (seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)") {}
  Statement begin, commit, data_version, find_case, insert_case, insert_stage, move_case, record_stage, tasks_of,
      insert_task, stages_of, clocks_of, insert_clock, meet_clock, count_clock, insert_audit;
};

// Steps through every row and column of a read, as the store does when it builds its records.
std::size_t read_all(Statement::Use&& query, int columns) {
  std::size_t bytes = 0;
  while (query.step())
    for (int c = 0; c < columns; ++c) bytes += query.is_null(c) ? 0 : query.text_view(c).size();
  return bytes;
}

class Floor {
 public:
  Floor(Database& db, Statements& sql) : db_(db), sql_(sql) {}

  void run_case(const Instant now) {
    const std::string at = format_instant(now);
    CaseId id = 0;
    std::int64_t version = 1;
    for (const ScriptedCommand& command : script()) {
      sql_.begin.start().run();
      read_all(sql_.data_version.start(), 1);
      if (command.kind == ScriptedCommand::Kind::open) {
        sql_.insert_case.start()
            .bind(1, "child_protection")
            .bind(2, std::int64_t{2})
            .bind(3, "CHILD")
            .bind(4, "north")
            .bind(5, "referral")
            .bind(6, "{}")
            .bind(7, at)
            .bind(8, at)
            .bind(9, at)
            .run();
        id = sqlite3_last_insert_rowid(db_.handle());
        sql_.insert_stage.start().bind(1, id).bind(2, std::int64_t{1}).bind(3, "referral").bind(4, at).run();
      } else {
        read_all(std::move(sql_.find_case.start().bind(1, id)), 12);
      }
      if (command.kind == ScriptedCommand::Kind::record)
        sql_.insert_task.start()
            .bind(1, id)
            .bind(2, command.name)
            .bind(3, command.payload)
            .bind(4, command.actor)
            .bind(5, command.actor == chair ? "conference_chair" : "social_worker")
            .bind(6, "state")
            .bind(7, version)
            .bind(8, at)
            .bind(9, at)
            .run();
      bool reads_tasks = command.kind == ScriptedCommand::Kind::fire || command.clock_pass;
      if (reads_tasks && command.kind != ScriptedCommand::Kind::open)
        read_all(std::move(sql_.tasks_of.start().bind(1, id)), 9);
      if (command.to) {
        sql_.move_case.start().bind(1, command.to).bind(2, at).bind(3, id).bind(4, version).run();
        sql_.record_stage.start().bind(1, id).run();
        ++version;
      }
      if (command.clock_pass) {
        read_all(std::move(sql_.stages_of.start().bind(1, id)), 3);
        read_all(std::move(sql_.clocks_of.start().bind(1, id)), 11);
        for (const ClockWrite& clock : command.clocks) {
          const std::string due = format_instant(now + clock.due_in);
          const std::string due_date = due.substr(0, 10);
          if (clock.meets)
            sql_.meet_clock.start()
                .bind(1, id)
                .bind(2, clock.clock)
                .bind(3, at)
                .bind(4, due)
                .bind(5, due_date)
                .bind(6, at)
                .run();
          else
            sql_.insert_clock.start().bind(1, id).bind(2, clock.clock).bind(3, at).bind(4, due).bind(5, due_date).run();
          sql_.count_clock.start()
              .bind(1, due_date)
              .bind(2, clock.clock)
              .bind(3, std::int64_t{clock.meets ? 1 : 0})
              .bind(4, std::int64_t{clock.meets ? -1 : 1})
              .run();
        }
      }
      append_audit(now, id, command);
      sql_.commit.start().run();
    }
  }

  std::int64_t entries() const { return seq_; }

 private:
  void append_audit(Instant now, CaseId id, const ScriptedCommand& command) {
    const char* role = command.actor == chair ? "conference_chair" : "social_worker";
    const char* action = command.kind == ScriptedCommand::Kind::open     ? "open"
                         : command.kind == ScriptedCommand::Kind::record ? "record"
                                                                         : "fire";
    AuditDraft draft{now, id, command.actor, role, action, command.outcome, command.detail};
    ++seq_;
    std::string hash = audit_entry_hash(tip_, seq_, draft);
    sql_.insert_audit.start()
        .bind(1, seq_)
        .bind(2, format_instant(now))
        .bind(3, id)
        .bind(4, draft.actor)
        .bind(5, draft.role)
        .bind(6, draft.action)
        .bind(7, draft.outcome)
        .bind(8, draft.detail_json)
        .bind(9, tip_)
        .bind(10, hash)
        .run();
    tip_ = std::move(hash);
  }

  Database& db_;
  Statements& sql_;
  std::int64_t seq_ = 0;
  std::string tip_ = std::string(64, '0');
};

}  // namespace

FloorFigures storage_floor(const std::string& path, int cases, const std::string& synchronous) {
  Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX);
  db.execute("PRAGMA journal_mode=WAL");
  db.execute(("PRAGMA synchronous=" + synchronous).c_str());
  db.execute("PRAGMA foreign_keys=ON");
  db.execute("PRAGMA recursive_triggers=ON");
  storage::migrate(db);
  db.execute(
      "INSERT INTO users (id, name, role) VALUES ('sw.jones', 'Sam Jones', 'social_worker'), "
      "('chair.patel', 'Priya Patel', 'conference_chair')");
  Statements sql(db);
  Floor floor(db, sql);
  const Instant now = SystemClock().now();
  auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < cases; ++n) floor.run_case(now);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Statement count(db, "SELECT count(*) FROM cases WHERE state = 'child_protection_plan'");
  auto in_plan = count.start();
  in_plan.step();
  if (in_plan.integer(0) != cases || floor.entries() != 12L * cases)
    throw std::runtime_error("the storage floor did not leave every case in a plan with 12 audit entries");
  return {12L * cases, seconds};
}

}  // namespace casegate::bench
