// What only the PostgreSQL store has: copying a SQLite database into it, the audit log's triggers
// against the cluster's superuser, its schema version table, and several engines on one database.
// The store-neutral behaviour is proven by the engine, workflows and CLI tests' second run.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "casegate/casegate.hpp"
#include "cli_runner.hpp"
#include "fixture.hpp"
#include "test_store.hpp"

using namespace casegate;
using namespace casegate::testing;
using nlohmann::json;

namespace {

// A SQLite database with something in every table: users, cases, tasks, stages, clocks and their
// counts, settings, a calendar change, a break-glass grant, a refusal and an override.
void fill(const Cli& sqlite) {
  sqlite.set_up_team();
  auto as = [&](const char* user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--as", user});
    return sqlite(args).exit_code;
  };
  REQUIRE(as("sw.jones", {"open", "child_protection", "--subject", "C-1"}) == 0);
  REQUIRE(as("sw.jones", {"open", "pre_birth", "--subject", "P-1", "--attr", "expected_delivery_date=2027-09-01"}) ==
          0);
  REQUIRE(as("sw.jones", {"fire", "1", "refer_to_strategy"}) == 3);
  REQUIRE(as("tm.khan", {"record", "1", "referral_decision", "--data", R"({"decision":"significant_harm"})"}) == 0);
  REQUIRE(as("tm.khan", {"fire", "1", "refer_to_strategy"}) == 0);
  REQUIRE(as("tm.khan", {"fire", "1", "start_section_47", "--override", "--reason", "police at the door"}) == 0);
  REQUIRE(as("tm.khan", {"settings", "set", "strategy_discussion.hours", "12"}) == 0);
  REQUIRE(as("tm.khan", {"calendar", "add-closure", "2027-12-24", "--reason", "office move"}) == 0);
  REQUIRE(as("admin.ali", {"user", "add", "sw.south", "--role", "social_worker", "--team", "south"}) == 0);
  REQUIRE(as("sw.south", {"access", "1", "--reason", "child found out of area at night"}) == 0);
}

json export_of(const Cli& cli, const char* table) {
  Run run = cli({"--as", "auditor.lee", "--json", "export", "--table", table});
  REQUIRE(run.exit_code == 0);
  return run.parsed();
}

}  // namespace

TEST_CASE("copy moves a SQLite database into PostgreSQL with every row and hash, and refuses a non-empty target",
          "[postgresql]") {
  Cli sqlite("source.db");
  fill(sqlite);
  REQUIRE(sqlite({"--as", "admin.ali", "user", "add", "auditor.lee", "--role", "auditor"}).exit_code == 0);
  Cli postgres;  // a fresh schema

  CHECK(sqlite({"copy", "--to", sqlite.db()}).exit_code == 2);  // --to must be PostgreSQL
  Run copied = sqlite({"copy", "--to", postgres.db()});
  INFO(copied.err);
  REQUIRE(copied.exit_code == 0);
  CHECK_THAT(copied.out, Catch::Contains("audit chain verified on both"));

  Run source = sqlite({"--json", "verify"}), target = postgres({"--json", "verify"});
  REQUIRE(source.exit_code == 0);
  REQUIRE(target.exit_code == 0);
  CHECK(target.parsed()["head"] == source.parsed()["head"]);
  const std::int64_t head_seq = source.parsed()["head"]["seq"].get<std::int64_t>();
  for (const char* table : {"cases", "tasks", "clocks", "audit"}) {
    INFO(table);
    // Each export is a view, audited in each log at its own time: compare the entries copied.
    auto copied_part = [&](json rows) {
      json kept = json::array();
      for (auto& row : rows)
        if (std::string(table) != "audit" || std::stoll(row["seq"].get<std::string>()) <= head_seq) kept.push_back(row);
      return kept;
    };
    json from = copied_part(export_of(sqlite, table)), to = copied_part(export_of(postgres, table));
    CHECK_FALSE(from.empty());
    CHECK(to == from);
  }
  for (std::vector<std::string> report :
       {std::vector<std::string>{"timeliness", "--from", "2026-01-01", "--to", "2030-01-01", "--as-of", "2029-01-01"},
        {"overdue", "--as-of", "2029-01-01"},
        {"due", "--as-of", "2026-01-01"},
        {"caseload"},
        {"refusals", "--from", "2020-01-01", "--to", "2040-01-01"},
        {"overrides", "--from", "2020-01-01", "--to", "2040-01-01"},
        {"access", "--from", "2020-01-01", "--to", "2040-01-01"}}) {
    INFO(report[0]);
    std::vector<std::string> args{"--as", "tm.khan", "--json", "oversight"};
    args.insert(args.end(), report.begin(), report.end());
    Run a = sqlite(args), b = postgres(args);
    CHECK(a.exit_code == b.exit_code);
    CHECK(a.out == b.out);
  }
  // Ids go on from the copied ones.
  Run opened = postgres({"--as", "sw.jones", "--json", "open", "child_protection", "--subject", "C-3"});
  REQUIRE(opened.exit_code == 0);
  CHECK(opened.parsed()["case"] == 3);
  CHECK(postgres({"verify"}).exit_code == 0);

  Run again = sqlite({"copy", "--to", postgres.db()});
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("copy only into an empty database"));
  CHECK(postgres({"--as", "sw.jones", "status", "3"}).exit_code == 0);  // nothing was lost by the refusal
}

TEST_CASE("a broken source chain is not copied", "[postgresql]") {
  Cli sqlite("source.db");
  fill(sqlite);
  edit_as_owner(sqlite.db(), "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='x' WHERE seq=2;", "");
  Cli postgres;
  Run copied = sqlite({"copy", "--to", postgres.db()});
  CHECK(copied.exit_code == 6);
  CHECK(postgres({"--json", "verify"}).parsed()["entries_verified"] == 0);
}

TEST_CASE("the audit log refuses UPDATE, DELETE and TRUNCATE, even from the cluster's superuser", "[postgresql]") {
  std::string db = test_database(":memory:");
  {
    EngineFixture f(open_test_store(db));
    REQUIRE(f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", std::nullopt, {}}));
  }
  for (const char* sql : {"UPDATE audit_log SET actor = 'x' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2",
                          "TRUNCATE audit_log"}) {
    INFO(sql);
    CHECK_THAT(postgres_error_of(db, sql), Catch::Contains("audit_log is append-only"));
  }
  auto engine = open_engine(db).value();
  auto report = engine->verify().value();
  CHECK(report.ok);
  CHECK(report.entries_verified > 5);
}

TEST_CASE("a database migrated by a newer casegate is refused, naming both versions", "[postgresql]") {
  std::string db = test_database(":memory:");
  REQUIRE(open_engine(db).is_ok());
  REQUIRE(postgres_error_of(db, "INSERT INTO casegate_schema (version, why) VALUES (99, 'from the future')").empty());
  auto opened = open_engine(db);
  REQUIRE_FALSE(opened.is_ok());
  CHECK(opened.status().code() == Code::integrity);
  CHECK_THAT(opened.status().message(), Catch::Contains("99") && Catch::Contains("newer than this casegate"));
}

TEST_CASE("engines on one database, each on its own connection, append one chain with no gap or fork", "[postgresql]") {
  std::string db = test_database(":memory:");
  { EngineFixture f(open_test_store(db)); }  // users
  constexpr int engines = 4, cases_each = 15;
  std::vector<std::thread> threads;
  std::vector<int> opened(engines, 0);
  for (int e = 0; e < engines; ++e)
    threads.emplace_back([&, e] {
      auto engine = open_engine(db).value();
      for (int i = 0; i < cases_each; ++i) {
        auto made = engine->open_case(
            social_worker, OpenCaseRequest{"child_protection", "E" + std::to_string(e), "", std::nullopt, {}});
        if (made) ++opened[e];
      }
    });
  for (auto& t : threads) t.join();
  auto engine = open_engine(db).value();
  auto report = engine->verify().value();
  CHECK(report.ok);
  for (int e = 0; e < engines; ++e) CHECK(opened[e] == cases_each);
  // Every case exactly once, with consecutive ids.
  CaseQuery all;
  all.limit = 1000;
  auto page = engine->cases(auditor, all).value();
  std::set<CaseId> ids;
  for (const auto& c : page.cases) ids.insert(c.id);
  CHECK(ids.size() == engines * cases_each);
  CHECK(*ids.rbegin() == engines * cases_each);
}

TEST_CASE("the application role of docs/postgres-roles.sql works cases but cannot touch the audit log or the schema",
          "[postgresql]") {
  const std::string cluster = std::getenv("CASEGATE_TEST_POSTGRES");
  std::string script = slurp(std::string(CASEGATE_SOURCE_DIR) + "/docs/postgres-roles.sql");
  const std::string marker = "-- After the owner's first connection";
  auto split = script.find(marker);
  REQUIRE(split != std::string::npos);
  REQUIRE(postgres_error_of(cluster,
                            "SET client_min_messages = warning; DROP SCHEMA IF EXISTS casegate CASCADE; "
                            "DROP ROLE IF EXISTS casegate_app; DROP ROLE IF EXISTS casegate_owner")
              .empty());
  REQUIRE(postgres_error_of(cluster, script.substr(0, split)) == "");
  auto as = [&](const std::string& role) {
    std::string uri = cluster;
    uri.replace(uri.find("user=postgres"), 13, "user=" + role);
    return uri;
  };
  { EngineFixture owner(open_test_store(as("casegate_owner"))); }  // migrates, adds the users
  REQUIRE(postgres_error_of(cluster, script.substr(split)) == "");

  auto app = open_engine(as("casegate_app"));
  REQUIRE(app.is_ok());
  auto opened = (*app)->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", std::nullopt, {}});
  REQUIRE(opened.is_ok());
  REQUIRE((*app)->record_task(team_manager, RecordTaskRequest{opened->id, "referral_decision",
                                                              R"({"decision":"significant_harm"})", std::nullopt}));
  auto fired = (*app)->fire(team_manager, FireRequest{opened->id, "refer_to_strategy", false, "", std::nullopt});
  REQUIRE(fired.is_ok());
  CHECK(fired->outcome == FireOutcome::accepted);
  CHECK((*app)->verify().value().ok);

  for (const char* sql :
       {"UPDATE audit_log SET actor = 'x' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2", "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER USER", "DELETE FROM cases", "CREATE TABLE notes (id int)"}) {
    INFO(sql);
    std::string error = postgres_error_of(as("casegate_app"), sql);
    CHECK((error.find("permission denied") != std::string::npos || error.find("must be owner") != std::string::npos));
  }
}

TEST_CASE("a connection the server closed while the engine was idle is replaced before the next command",
          "[postgresql]") {
  const std::string db = test_database(":memory:") + "&application_name=casegate_idle_test";
  auto engine = std::move(open_engine(db).value());
  REQUIRE(engine->init("admin", "Ali Admin").is_ok());
  // What a restart, a failover or idle_session_timeout does to an idle connection.
  REQUIRE(postgres_error_of(db,
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                            "'casegate_idle_test' AND pid <> pg_backend_pid()")
              .empty());
  Status added = engine->add_user("admin", User{"sw", "Sam", Role::social_worker, "north", true});
  CHECK(added.to_string() == "ok");
  auto report = engine->verify().value();
  CHECK(report.ok);
  CHECK(report.entries_verified == 2);
}
