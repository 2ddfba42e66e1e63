#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "casegate/casegate.hpp"
#include "casegate/sqlite_store.hpp"
#include "fixture.hpp"
#include "schema.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

// A database file in a fresh temporary folder, removed afterwards.
struct TempDb {
  std::filesystem::path dir;
  std::string path;
  TempDb() {
    dir = std::filesystem::temp_directory_path() /
          ("casegate-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir);
    path = (dir / "cases.db").string();
  }
  ~TempDb() { std::filesystem::remove_all(dir); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// Direct access to the file, as someone with the file (not the engine) would have.
struct RawDb {
  sqlite3* db = nullptr;
  explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db); }
  int exec(const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string error() const { return sqlite3_errmsg(db); }
  std::int64_t number(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::int64_t value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return value;
  }
};

// A file database with one case walked a few steps: 6 setup entries + 5.
void write_some_history(const std::string& path) {
  EngineFixture f(std::move(open_sqlite_store(path).value()));
  CaseId id = f.open_case();
  f.record(id, "referral_decision", R"({"decision":"significant_harm"})");
  f.fire(id, "start_plan");
  f.fire(id, "refer_to_strategy");
  f.record(id, "strategy_meeting", R"({"participants":[{"agency":"police","mode":"phone"}]})");
}

ChainReport verify_file(const std::string& path) {
  auto store = open_sqlite_store(path);
  REQUIRE(store.is_ok());
  auto report = store->audit->verify_chain();
  REQUIRE(report.is_ok());
  return *report;
}

}  // namespace

TEST_CASE("the audit log refuses updates and deletes, even through INSERT OR REPLACE", "[storage][audit]") {
  TempDb temp;
  write_some_history(temp.path);
  RawDb raw(temp.path);
  CHECK(raw.exec("UPDATE audit_log SET outcome='accepted' WHERE seq=11") == SQLITE_CONSTRAINT);
  CHECK_THAT(raw.error(), Catch::Contains("audit_log is append-only"));
  CHECK(raw.exec("DELETE FROM audit_log WHERE seq=13") == SQLITE_CONSTRAINT);
  raw.exec("PRAGMA recursive_triggers=ON");  // as the engine's own connection has it
  CHECK(raw.exec("INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq=1") == SQLITE_CONSTRAINT);
  CHECK(verify_file(temp.path).ok);
  CHECK(verify_file(temp.path).entries_verified == 13);
}

TEST_CASE("verify finds an entry whose detail was edited with the triggers dropped", "[storage][audit][tamper]") {
  TempDb temp;
  write_some_history(temp.path);
  RawDb raw(temp.path);
  REQUIRE(raw.exec("DROP TRIGGER audit_log_no_update") == SQLITE_OK);
  REQUIRE(raw.exec("UPDATE audit_log SET detail=replace(detail,'start_plan','refer_to_strategy') WHERE seq=11") ==
          SQLITE_OK);
  ChainReport report = verify_file(temp.path);
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == 11);
  CHECK(report.entries_verified == 10);
  CHECK_THAT(report.problem, Catch::Contains("altered"));
}

TEST_CASE("verify finds an edited time, actor or outcome", "[storage][audit][tamper]") {
  for (const char* edit : {"at='2026-03-02T09:00:00.001Z'", "at='2026-03-02T09:00:00Z'", "actor='tm.khan'",
                           "outcome='accepted'", "case_id=NULL", "hash=upper(hash)"}) {
    DYNAMIC_SECTION(edit) {
      TempDb temp;
      write_some_history(temp.path);
      RawDb raw(temp.path);
      REQUIRE(raw.exec("DROP TRIGGER audit_log_no_update") == SQLITE_OK);
      REQUIRE(raw.exec(std::string("UPDATE audit_log SET ") + edit + " WHERE seq=11") == SQLITE_OK);
      ChainReport report = verify_file(temp.path);
      CHECK_FALSE(report.ok);
      CHECK(report.first_bad_seq == 11);
    }
  }
}

TEST_CASE("verify finds a deleted entry", "[storage][audit][tamper]") {
  TempDb temp;
  write_some_history(temp.path);
  RawDb raw(temp.path);
  REQUIRE(raw.exec("DROP TRIGGER audit_log_no_delete") == SQLITE_OK);
  REQUIRE(raw.exec("DELETE FROM audit_log WHERE seq=11") == SQLITE_OK);
  ChainReport report = verify_file(temp.path);
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == 11);
  CHECK(report.problem == "entry 11 is missing (next entry is 12)");
}

TEST_CASE("verify finds a deleted entry even when the later ones are renumbered", "[storage][audit][tamper]") {
  TempDb temp;
  write_some_history(temp.path);
  RawDb raw(temp.path);
  REQUIRE(raw.exec("DROP TRIGGER audit_log_no_delete") == SQLITE_OK);
  REQUIRE(raw.exec("DROP TRIGGER audit_log_no_update") == SQLITE_OK);
  REQUIRE(raw.exec("DELETE FROM audit_log WHERE seq=11; UPDATE audit_log SET seq=seq-1 WHERE seq>11") == SQLITE_OK);
  ChainReport report = verify_file(temp.path);
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == 11);
}

TEST_CASE("verify finds two entries swapped", "[storage][audit][tamper]") {
  TempDb temp;
  write_some_history(temp.path);
  RawDb raw(temp.path);
  REQUIRE(raw.exec("DROP TRIGGER audit_log_no_update") == SQLITE_OK);
  REQUIRE(raw.exec("UPDATE audit_log SET seq=-1 WHERE seq=10; UPDATE audit_log SET seq=10 WHERE seq=11; "
                   "UPDATE audit_log SET seq=11 WHERE seq=-1") == SQLITE_OK);
  ChainReport report = verify_file(temp.path);
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == 10);
}

TEST_CASE("the canonical form and hash are as documented", "[storage][audit]") {
  AuditDraft draft{parse_instant("2026-03-02T09:00:00Z").value(),
                   7,
                   "sw.jones",
                   "social_worker",
                   "fire",
                   "refused",
                   R"({"event":"start_plan"})"};
  CHECK(audit_canonical_form(12, draft) ==
        "12\x1f"
        "2026-03-02T09:00:00.000Z\x1f"
        "7\x1fsw.jones\x1fsocial_worker\x1f"
        "fire\x1frefused\x1f{\"event\":\"start_plan\"}");
  draft.case_id.reset();
  CHECK(audit_canonical_form(1, draft).find("Z\x1f\x1fsw.jones") != std::string::npos);
  // Computed independently with Python: sha256(bytes(32) + canonical).hexdigest()
  AuditDraft first{
      parse_instant("2026-01-01T00:00:00Z").value(), std::nullopt, "admin", "admin", "init", "accepted", "{}"};
  CHECK(audit_entry_hash(std::string(64, '0'), 1, first) ==
        "da56ae5170ff1eefac7d5d793fdbd11e704c5786d2a05b3e8cc1924022984325");
}

TEST_CASE("a database from the previous schema version is upgraded on open", "[storage][migration]") {
  TempDb temp;
  {
    RawDb raw(temp.path);
    const auto& v1 = storage::migrations().front();
    REQUIRE(v1.version == 1);
    REQUIRE(raw.exec(v1.sql) == SQLITE_OK);
    REQUIRE(raw.exec("PRAGMA user_version=1") == SQLITE_OK);
    REQUIRE(raw.exec("INSERT INTO users (id, name, role) VALUES ('sw.old', 'Old Worker', 'social_worker')") ==
            SQLITE_OK);
    CHECK(raw.number("SELECT count(*) FROM sqlite_master WHERE name='audit_log_by_case'") == 0);
  }
  auto store = open_sqlite_store(temp.path);
  REQUIRE(store.is_ok());
  auto user = store->cases->find_user("sw.old");
  REQUIRE(user.is_ok());
  REQUIRE(user->has_value());
  CHECK((*user)->name == "Old Worker");
  *store = Storage{};  // closes the database
  RawDb raw(temp.path);
  CHECK(raw.number("PRAGMA user_version") == storage::latest_schema_version());
  // v2 indexed the log by case; v9 replaced that index with the case directory.
  CHECK(raw.number("SELECT count(*) FROM sqlite_master WHERE name='audit_log_by_case'") == 0);
  CHECK(raw.number("SELECT count(*) FROM sqlite_master WHERE name='case_directory'") == 1);
  // v4: one index of open clocks, and only strategy meetings indexed by time.
  CHECK(raw.number("SELECT count(*) FROM sqlite_master WHERE name IN ('clocks_open_by_team', 'tasks_by_kind_time')") ==
        0);
  CHECK(raw.number(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('clocks_open_by_due', 'tasks_strategy_meetings')") == 2);
}

TEST_CASE("a v4 database keeps its cases' teams and starts them unallocated", "[storage][migration]") {
  TempDb temp;
  {
    RawDb raw(temp.path);
    for (const auto& migration : storage::migrations())
      if (migration.version <= 4) REQUIRE(raw.exec(migration.sql) == SQLITE_OK);
    REQUIRE(raw.exec("PRAGMA user_version=4") == SQLITE_OK);
    REQUIRE(raw.exec("INSERT INTO users (id, name, role, team) VALUES ('sw.old', '', 'social_worker', 'north');"
                     "INSERT INTO cases (workflow, workflow_version, subject, team, state, received_at, opened_at, "
                     "state_entered_at) VALUES ('child_protection', 2, 'OLD-1', 'north', 'referral', "
                     "'2026-01-05T09:00:00.000Z', '2026-01-05T09:00:00.000Z', '2026-01-05T09:00:00.000Z')") ==
            SQLITE_OK);
  }
  auto store = open_sqlite_store(temp.path);
  REQUIRE(store.is_ok());
  auto found = store->cases->find_case(1);
  REQUIRE(found.is_ok());
  REQUIRE(found->has_value());
  CHECK((*found)->team == "north");
  CHECK((*found)->allocated_to.empty());
  auto grant = store->cases->grant_in_force(1, "sw.old", parse_instant("2026-06-01T00:00:00Z").value());
  REQUIRE(grant.is_ok());
  CHECK_FALSE(grant->has_value());
}

TEST_CASE("a v8 database keeps each case's stages, tasks and audit entries, read through the case directory",
          "[storage][migration]") {
  TempDb temp;
  {
    RawDb raw(temp.path);
    for (const auto& migration : storage::migrations())
      if (migration.version <= 8) REQUIRE(raw.exec(migration.sql) == SQLITE_OK);
    REQUIRE(raw.exec("PRAGMA user_version=8") == SQLITE_OK);
    const char* t0 = "'2026-01-05T09:00:00.000Z'";
    const char* t1 = "'2026-01-05T11:00:00.000Z'";
    auto sql =
        std::string("INSERT INTO users (id, name, role, team) VALUES ('sw.old', '', 'social_worker', 'north');") +
        "INSERT INTO cases (workflow, workflow_version, subject, team, state, stage, received_at, opened_at, "
        "state_entered_at) VALUES ('child_protection', 2, 'OLD-1', 'north', 'strategy_discussion', 2, " +
        t0 + ", " + t0 + ", " + t1 + "), ('child_protection', 2, 'OLD-2', 'north', 'referral', 1, " + t0 + ", " + t0 +
        ", " + t0 + ");" + "INSERT INTO case_stages VALUES (1, 1, 'referral', " + t0 +
        "), (1, 2, 'strategy_discussion', " + t1 + "), (2, 1, 'referral', " + t0 + ");" +
        "INSERT INTO tasks (case_id, kind, payload, actor, role, state, stage, occurred_at, recorded_at) VALUES "
        "(1, 'referral_decision', '{}', 'sw.old', 'social_worker', 'referral', 1, " +
        t0 + ", " + t0 + "), (2, 'referral_decision', '{}', 'sw.old', 'social_worker', 'referral', 1, " + t0 + ", " +
        t0 + "), (1, 'strategy_meeting', '{}', 'sw.old', 'social_worker', 'strategy_discussion', 2, " + t1 + ", " + t1 +
        ");" + "INSERT INTO audit_log VALUES (1, " + t0 +
        ", NULL, 'admin', 'admin', 'init', 'accepted', '{}', 'a', 'b'), "
        "(2, " +
        t0 +
        ", 1, 'sw.old', 'social_worker', 'open', 'accepted', '{}', 'b', 'c'), "
        "(3, " +
        t0 +
        ", 2, 'sw.old', 'social_worker', 'open', 'accepted', '{}', 'c', 'd'), "
        "(4, " +
        t1 + ", 1, 'sw.old', 'social_worker', 'fire', 'accepted', '{}', 'd', 'e');";
    REQUIRE(raw.exec(sql) == SQLITE_OK);
  }
  auto store = open_sqlite_store(temp.path);
  REQUIRE(store.is_ok());
  auto tasks = store->cases->tasks_of(1);
  REQUIRE(tasks.is_ok());
  REQUIRE(tasks->size() == 2);
  CHECK((*tasks)[0].id == 1);
  CHECK((*tasks)[1].kind == "strategy_meeting");
  CHECK(store->cases->tasks_of(2)->size() == 1);
  auto stages = store->cases->stages_of(1);
  REQUIRE(stages.is_ok());
  REQUIRE(stages->size() == 2);
  CHECK((*stages)[1].state == "strategy_discussion");
  CHECK((*stages)[1].entered_at == parse_instant("2026-01-05T11:00:00Z").value());
  auto entries = store->audit->entries_of_case(1);
  REQUIRE(entries.is_ok());
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].seq == 2);
  CHECK((*entries)[1].seq == 4);
  CHECK(store->audit->entries_of_case(2)->size() == 1);
  *store = Storage{};
  RawDb raw(temp.path);
  CHECK(raw.number("SELECT count(*) FROM case_directory") == 9);  // 3 stages, 3 tasks, 3 entries of cases
  CHECK(raw.number("SELECT count(*) FROM case_stages WHERE case_id = 1") == 2);  // the view, for readers of stages
  CHECK(raw.number("SELECT count(*) FROM sqlite_master WHERE name IN ('tasks_by_case', 'audit_log_by_case')") == 0);
}

TEST_CASE("a database from a newer casegate is refused, untouched", "[storage][migration]") {
  TempDb temp;
  {
    RawDb raw(temp.path);
    REQUIRE(raw.exec("CREATE TABLE future(x); PRAGMA user_version=99") == SQLITE_OK);
  }
  auto store = open_sqlite_store(temp.path);
  REQUIRE_FALSE(store.is_ok());
  CHECK(store.status().code() == Code::integrity);
  CHECK_THAT(store.status().message(), Catch::Contains("schema version 99 is newer"));
  RawDb raw(temp.path);
  CHECK(raw.number("PRAGMA user_version") == 99);
  CHECK(raw.number("SELECT count(*) FROM sqlite_master WHERE name='users'") == 0);
}

TEST_CASE("the engine's data survives closing and reopening the file", "[storage]") {
  TempDb temp;
  write_some_history(temp.path);
  auto engine = open_engine(temp.path);
  REQUIRE(engine.is_ok());
  auto status = (*engine)->status(team_manager, 1);
  REQUIRE(status.is_ok());
  CHECK(status->record.state == "strategy_discussion");
  CHECK(status->record.version == 2);
  CHECK((*engine)->verify()->entries_verified == 14);
}

TEST_CASE("a file that is not a database is reported, not crashed on", "[storage]") {
  TempDb temp;
  { std::ofstream(temp.path) << "this is not a database, it is a shopping list\n" << std::string(5000, 'x'); }
  auto store = open_sqlite_store(temp.path);
  REQUIRE_FALSE(store.is_ok());
  CHECK(store.status().code() == Code::integrity);
}
