// Crash safety and multi-process concurrency, run against real files and real processes, and
// (the postgresql variant, see support/test_store.hpp) a real PostgreSQL server.
// CASEGATE_LONG builds the long variant (more kills, more processes' work).
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "casegate/casegate.hpp"
#include "test_database.hpp"

using namespace casegate;
using casegate::testing::test_database;

namespace {

#ifdef CASEGATE_LONG
constexpr int kill_rounds = 200;
constexpr int concurrent_cases = 40;
#else
constexpr int kill_rounds = 25;
constexpr int concurrent_cases = 8;
#endif

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) {
    path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Reads the database directly, behind the engine, with SQL both stores take; where they differ
// (integrity checks, JSON) the caller gives each its own.
struct RawDb {
  sqlite3* db = nullptr;
  PGconn* pg = nullptr;
  explicit RawDb(const std::string& path) {
    if (is_postgres_uri(path)) {
      pg = PQconnectdb(path.c_str());
      REQUIRE(PQstatus(pg) == CONNECTION_OK);
    } else {
      REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    }
  }
  ~RawDb() {
    if (pg) PQfinish(pg);
    sqlite3_close(db);
  }
  std::string text(const std::string& sql) {
    std::string value;
    if (pg) {
      PGresult* result = PQexec(pg, sql.c_str());
      INFO(sql << ": " << PQresultErrorMessage(result));
      CHECK(PQresultStatus(result) == PGRES_TUPLES_OK);
      if (PQntuples(result) > 0 && !PQgetisnull(result, 0, 0)) value = PQgetvalue(result, 0, 0);
      PQclear(result);
      return value;
    }
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
  }
  // SQLite's own check of the file; PostgreSQL keeps its pages consistent itself.
  bool storage_intact() { return pg || text("PRAGMA integrity_check") == "ok"; }
  // The task id an accepted record's audit detail names.
  std::string task_id_in_detail() const {
    return pg ? "(detail::jsonb ->> 'task_id')::bigint" : "json_extract(detail,'$.task_id')";
  }
  std::int64_t number(const std::string& sql) { return std::stoll(text(sql)); }
};

// Runs `argv` with stdout into a pipe; returns the pid and the read end.
std::pair<pid_t, int> spawn(std::vector<std::string> args) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

}  // namespace

TEST_CASE("commands acknowledged before a SIGKILL are all there, and none is half-applied", "[reliability][crash]") {
  TempDir dir("casegate-crash");
  std::string db = test_database((dir.path / "crash.db").string());
  std::mt19937 random(20261126);
  std::uniform_int_distribution<int> delay_ms(5, 120);
  long acknowledged = 0;
  // The schema first: a kill in the worker's first milliseconds would otherwise leave a file
  // whose migration has not run yet, and the checks below read its tables directly.
  REQUIRE(open_engine(db).is_ok());
  for (int round = 0; round < kill_rounds; ++round) {
    auto [pid, out] = spawn({CASEGATE_CRASH_WORKER, db});
    // Every other round waits for the worker's first acknowledgement before the random delay, so
    // that kills land among running commands however slowly the worker starts (a sanitizer
    // build takes longer to start than the longest delay); the other rounds may kill it while
    // it is still opening the database.
    std::string first_ack;
    if (round % 2 == 0)
      for (char c = 0; c != '\n' && read(out, &c, 1) == 1;) first_ack += c;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    INFO("round " << round);
    REQUIRE(WIFSIGNALED(status));
    std::istringstream acks(first_ack + read_all(out));

    RawDb raw(db);
    REQUIRE(raw.storage_intact());
    std::string kind;
    while (acks >> kind) {
      std::int64_t case_id = 0, value = 0;
      acks >> case_id;
      if (kind != "open") acks >> value;
      ++acknowledged;
      std::string where = std::to_string(case_id);
      if (kind == "open") CHECK(raw.number("SELECT count(*) FROM cases WHERE id=" + where) == 1);
      if (kind == "record") CHECK(raw.number("SELECT count(*) FROM tasks WHERE id=" + std::to_string(value)) == 1);
      if (kind == "fire") CHECK(raw.number("SELECT version FROM cases WHERE id=" + where) >= value);
    }
    // Nothing half-applied: every row has its audit entry and every accepted fire its version.
    CHECK(raw.number("SELECT count(*) FROM tasks WHERE id NOT IN (SELECT " + raw.task_id_in_detail() +
                     " FROM audit_log WHERE action='record' AND outcome='accepted')") == 0);
    CHECK(raw.number(
              "SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM audit_log WHERE action='open')") == 0);
    CHECK(raw.number("SELECT count(*) FROM cases c WHERE version - 1 != (SELECT count(*) FROM audit_log a WHERE "
                     "a.case_id=c.id AND a.action='fire' AND a.outcome='accepted')") == 0);
    auto store = open_engine(db);
    REQUIRE(store.is_ok());
    auto report = (*store)->verify();
    REQUIRE(report.is_ok());
    CHECK(report->ok);
  }
  std::cout << "crash: " << kill_rounds << " SIGKILLs survived, " << acknowledged
            << " acknowledged commands all found, chain and integrity_check ok\n";
  CHECK(acknowledged > kill_rounds);  // the worker did get work done between kills
}

TEST_CASE("processes racing on the same cases lose no update, and every stale version is refused",
          "[reliability][concurrency]") {
  TempDir dir("casegate-race");
  std::string db = test_database((dir.path / "race.db").string());
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {CASEGATE_BIN, "--db", db, "--busy-timeout-ms", "20000"});
    auto [pid, out] = spawn(args);
    std::string printed = read_all(out);
    int status = 0;
    waitpid(pid, &status, 0);
    return std::pair{WEXITSTATUS(status), printed};
  };
  REQUIRE(cli({"init"}).first == 0);
  REQUIRE(cli({"--as", "admin", "user", "add", "sw", "--role", "social_worker", "--team", "north"}).first == 0);
  for (int n = 0; n < concurrent_cases; ++n)
    REQUIRE(cli({"--as", "sw", "open", "child_protection", "--subject", "R"}).first == 0);

  // Four processes at once: each records a referral decision on every case, reads it, and tries
  // to move it on as of version 1. One wins per case; the others must be refused as stale.
  constexpr int processes = 4;
  std::vector<pid_t> racers;
  for (int p = 0; p < processes; ++p) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int wins = 0, stale = 0, other = 0;
      for (int n = 1; n <= concurrent_cases; ++n) {
        std::string id = std::to_string(n);
        if (cli({"--as", "sw", "record", id, "referral_decision", "--data", R"({"decision":"significant_harm"})"})
                .first != 0)
          ++other;
        if (cli({"--as", "sw", "status", id}).first != 0) ++other;
        int code = cli({"--as", "sw", "fire", id, "refer_to_strategy", "--expect-version", "1"}).first;
        (code == 0 ? wins : code == 5 ? stale : other)++;
      }
      _exit(other == 0 ? 0 : 10);
    }
    racers.push_back(pid);
  }
  for (pid_t pid : racers) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  RawDb raw(db);
  CHECK(raw.number("SELECT count(*) FROM tasks") == processes * concurrent_cases);  // no record lost
  CHECK(raw.number("SELECT count(*) FROM cases WHERE state='strategy_discussion' AND version=2") == concurrent_cases);
  CHECK(raw.number("SELECT count(*) FROM audit_log WHERE action='fire' AND outcome='accepted'") == concurrent_cases);
  CHECK(raw.number("SELECT count(*) FROM audit_log WHERE action='fire' AND outcome='conflict'") ==
        (processes - 1) * concurrent_cases);
  CHECK(raw.number("SELECT max(seq) - count(*) FROM audit_log") == 0);  // no gaps
  auto verified = cli({"verify"});
  CHECK(verified.first == 0);
  std::cout << "concurrency: " << processes << " processes, " << concurrent_cases << " cases, "
            << (processes - 1) * concurrent_cases << " stale fires refused with exit 5, "
            << raw.number("SELECT count(*) FROM audit_log") << " audit entries without a gap\n";
}

TEST_CASE("a full disk fails the command cleanly, and the engine works again once space returns",
          "[reliability][disk_full][sqlite]") {
  TempDir dir("casegate-full");
  std::string db = (dir.path / "full.db").string();
  // In a child process: RLIMIT_FSIZE stands in for a full disk without touching the machine.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto fail = [](int code, const std::string& why) {
      std::cerr << "disk full child: " << why << "\n";
      _exit(code);
    };
    signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG instead of killing us
    auto engine = std::move(open_engine(db).value());
    if (!engine->init("admin", "")) fail(18, "init");
    if (!engine->add_user("admin", User{"sw", "", Role::social_worker, "north", true})) fail(18, "add_user");
    auto before = engine->open_case("sw", OpenCaseRequest{"child_protection", "BEFORE", "", std::nullopt, {}});
    if (!before) fail(19, "before: " + before.status().to_string());
    rlimit limit{};
    getrlimit(RLIMIT_FSIZE, &limit);
    rlimit tight = limit;
    tight.rlim_cur = static_cast<rlim_t>(std::filesystem::file_size(db + "-wal") + 64 * 1024);
    if (setrlimit(RLIMIT_FSIZE, &tight) != 0) fail(20, "setrlimit");
    std::string big_note(30000, 'n');
    Status failure;
    CaseId last_ok = before->id;
    for (int n = 0; n < 10000 && failure; ++n) {
      auto opened = engine->open_case(
          "sw", OpenCaseRequest{"child_protection", "FULL-" + std::to_string(n), "", std::nullopt, {}});
      if (!opened) {
        failure = opened.status();
        break;
      }
      auto recorded = engine->record_task(
          "sw", RecordTaskRequest{opened->id, "referral_decision",
                                  R"({"decision":"child_in_need","notes":")" + big_note + "\"}", std::nullopt});
      if (!recorded) {
        failure = recorded.status();
        break;
      }
      last_ok = opened->id;
    }
    if (failure.is_ok()) fail(21, "the limit was never reached");
    if (failure.code() != Code::internal) fail(22, "unexpected code: " + failure.to_string());
    if (failure.message().find('\n') != std::string::npos || failure.message().empty())
      fail(23, "message not one line");
    std::cerr << "disk full child: the command failed with: " << failure.to_string() << "\n";
    // Space returns.
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) fail(24, "setrlimit back");
    auto after = engine->open_case("sw", OpenCaseRequest{"child_protection", "AFTER", "", std::nullopt, {}});
    if (!after) fail(25, "after: " + after.status().to_string());
    auto status = engine->status("sw", last_ok);
    if (!status || status->record.state != "referral") fail(26, "last good case lost");
    auto report = engine->verify();
    if (!report || !report->ok) fail(27, "chain does not verify");
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  RawDb raw(db);
  CHECK(raw.storage_intact());
  // Every case that exists was opened and audited; none is missing its record half.
  CHECK(raw.number("SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM audit_log WHERE action='open')") ==
        0);
  CHECK(raw.number("SELECT count(*) FROM tasks WHERE id NOT IN (SELECT " + raw.task_id_in_detail() +
                   " FROM audit_log WHERE action='record' AND outcome='accepted')") == 0);
}

TEST_CASE("a restart of the PostgreSQL server fails commands cleanly, half-writes nothing, and the engine reconnects",
          "[reliability][postgres_restart]") {
  std::string db = test_database("");
  REQUIRE(is_postgres_uri(db));  // registered for the postgresql variant only
  std::string cluster = std::getenv("CASEGATE_TEST_POSTGRES");
  auto host = cluster.find("host=");
  REQUIRE(host != std::string::npos);
  std::string dir = cluster.substr(host + 5, cluster.find('&', host) - host - 5);

  auto engine = std::move(open_engine(db).value());
  REQUIRE(engine->init("admin", "Ali Admin").is_ok());
  REQUIRE(engine->add_user("admin", User{"sw", "Sam", Role::social_worker, "north", true}).is_ok());
  std::atomic<bool> restarted{false}, stop{false};
  std::map<Code, int> before, after;
  std::vector<std::string> unexpected;
  std::thread worker([&] {
    while (!stop) {
      auto& seen = restarted ? after : before;
      auto note = [&](const Status& status) {
        ++seen[status.code()];
        if (!status.is_ok() && status.code() != Code::internal && status.code() != Code::conflict &&
            status.code() != Code::refused)
          unexpected.push_back(status.to_string());
      };
      auto opened = engine->open_case("sw", OpenCaseRequest{"child_protection", "R", "", std::nullopt, {}});
      note(opened.status());
      if (!opened) continue;
      auto recorded = engine->record_task(
          "sw", RecordTaskRequest{opened->id, "referral_decision", R"({"decision":"significant_harm"})", std::nullopt});
      note(recorded.status());
      auto fired = engine->fire("sw", FireRequest{opened->id, "refer_to_strategy", false, "", std::nullopt});
      note(fired.status());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(std::system(("'" CASEGATE_PG_SCRATCH "' restart '" + dir + "'").c_str()) == 0);
  restarted = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  stop = true;
  worker.join();

  for (const auto& failure : unexpected) FAIL_CHECK("not a clean failure: " << failure);
  CHECK(before[Code::ok] > 0);
  CHECK(after[Code::internal] + before[Code::internal] >= 1);  // the command the restart cut off
  CHECK(after[Code::ok] > 0);                                  // then the engine reconnected
  RawDb raw(db);
  CHECK(raw.number("SELECT count(*) FROM tasks WHERE id NOT IN (SELECT " + raw.task_id_in_detail() +
                   " FROM audit_log WHERE action='record' AND outcome='accepted')") == 0);
  CHECK(raw.number("SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM audit_log WHERE action='open')") ==
        0);
  CHECK(raw.number("SELECT count(*) FROM cases c WHERE version - 1 != (SELECT count(*) FROM audit_log a WHERE "
                   "a.case_id=c.id AND a.action='fire' AND a.outcome='accepted')") == 0);
  auto report = engine->verify();
  REQUIRE(report.is_ok());
  CHECK(report->ok);
  std::cout << "postgres restart: " << before[Code::ok] << " commands before, " << after[Code::ok] << " after, "
            << before[Code::internal] + after[Code::internal] << " failed cleanly\n";
}
