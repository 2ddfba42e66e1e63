// casegate-bench: workload W1 (shared/bench/W1.md) through the public engine API.
//   casegate-bench w1 --cases N --sync FULL|NORMAL|OFF --db PATH|:memory: [--threads K]
//                     [--wal-checkpoint background|inline] [--keep]
//   casegate-bench floor (same options): W1's storage work alone, for the engine's own overhead
//   casegate-bench http [--cases N] [--connections C] [--sync FULL|NORMAL|both] [--rss-requests M]:
//     W1 over loopback HTTP against casegate serve (bench/http_load.hpp)
// Each case: open, 7 records and fires with 2 refusals, 12 commands, each its own durable
// command that re-reads the case and its tasks. Prints commands/s, seconds, peak RSS, the WAL
// pages each command wrote (sqlite_wal_pages_appended), the CPU time each command took in all
// threads (the store checkpoints on a thread of its own), for w1 the commands each commit
// carried, and a final line "RESULT {json}".
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "casegate/casegate.hpp"
#include "dashboard_calls.hpp"
#include "generate.hpp"
#include "http_load.hpp"
#include "postgres_floor.hpp"
#include "storage_floor.hpp"
#include "w1_workload.hpp"

using namespace casegate;
using namespace casegate::bench;

namespace {

// A database file and its WAL and shared-memory files; nothing for :memory:.
void remove_database(const std::string& db) {
  if (db == ":memory:") return;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"casegate-bench: reference workloads through the public API"};
  app.require_subcommand(1);
  int cases = 2000, threads = 1;
  std::string sync = "FULL", db = "casegate-w1.db", wal_checkpoint = "background";
  bool keep = false;
  const auto wal_checkpoint_help =
      "who copies the WAL into the database file: background (default, the store's own thread) "
      "or inline (the committing thread, as SQLite does by itself)";
  auto* w1 = app.add_subcommand("w1", "workload W1: one child-protection pathway per case, 12 commands each");
  w1->add_option("--cases", cases, "number of cases (default 2000)")->check(CLI::Range(1, 10000000));
  w1->add_option("--sync", sync, "FULL (default), NORMAL or OFF")->check(CLI::IsMember({"FULL", "NORMAL", "OFF"}));
  w1->add_option("--db", db, "database file, or :memory: (default casegate-w1.db, recreated)");
  w1->add_option("--threads", threads, "submitting threads sharing one engine (default 1)")->check(CLI::Range(1, 64));
  w1->add_option("--wal-checkpoint", wal_checkpoint, wal_checkpoint_help)
      ->check(CLI::IsMember({"background", "inline"}));
  w1->add_flag("--keep", keep, "keep the database file afterwards");
  auto* floor = app.add_subcommand(
      "floor", "W1's storage work alone: the engine's statements on its schema, values scripted (same options)");
  floor->add_option("--cases", cases, "number of cases (default 2000)")->check(CLI::Range(1, 10000000));
  floor->add_option("--sync", sync, "FULL (default), NORMAL or OFF")->check(CLI::IsMember({"FULL", "NORMAL", "OFF"}));
  floor->add_option("--db", db, "database file, or :memory: (default casegate-w1.db, recreated)");
  floor->add_option("--wal-checkpoint", wal_checkpoint, wal_checkpoint_help)
      ->check(CLI::IsMember({"background", "inline"}));
  floor->add_flag("--keep", keep, "keep the database file afterwards");
  std::string floor_uri;
  auto* pg_floor = app.add_subcommand(
      "postgres-floor", "W1's commands from plain libpq on PostgreSQL, the floor for `w1 --db postgresql://...`");
  pg_floor->add_option("--cases", cases, "number of cases (default 2000)")->check(CLI::Range(1, 10000000));
  pg_floor->add_option("--db", floor_uri, "an empty PostgreSQL database (its floor_* tables are created)")->required();
  std::int64_t generate_cases = 100000;
  int audit_per_case = 20;
  std::string generate_db = "casegate-large.db";
  auto* generate = app.add_subcommand("generate", "a large database for timing oversight reports (written in bulk)");
  generate->add_option("--cases", generate_cases, "cases (default 100000)")->check(CLI::Range(1, 100000000));
  generate->add_option("--audit-per-case", audit_per_case, "audit entries per case (default 20)")
      ->check(CLI::Range(1, 1000));
  generate
      ->add_option("--db", generate_db,
                   "database file to create (must not exist), or an empty PostgreSQL database's URI "
                   "(generated in a scratch SQLite file, then loaded with copy_sqlite_to_postgres)")
      ->required();
  int report_runs = 5;
  auto* reports = app.add_subcommand("reports", "time the overdue and timeliness reports on a database");
  reports->add_option("--db", generate_db, "database file or PostgreSQL URI")->required();
  reports->add_option("--runs", report_runs, "runs of each report; the median is printed (default 5)")
      ->check(CLI::Range(1, 100));
  auto* dashboard =
      app.add_subcommand("dashboard", "time the server side of the dashboard overview's API calls on a database");
  dashboard->add_option("--db", generate_db, "database file or PostgreSQL URI")->required();
  dashboard->add_option("--runs", report_runs, "runs of each call; the median is printed (default 5)")
      ->check(CLI::Range(1, 100));
  HttpBenchOptions http_options;
  std::string http_sync = "both";
  http_options.casegate = (std::filesystem::canonical("/proc/self/exe").parent_path() / "casegate").string();
  http_options.dir = (std::filesystem::temp_directory_path() / "casegate-bench-http").string();
  auto* http = app.add_subcommand(
      "http", "W1 over loopback HTTP against casegate serve, beside the in-process W1 of the same run");
  http->add_option("--cases", http_options.cases, "W1 cases, 12 requests each (default 2000)")
      ->check(CLI::Range(1, 10000000));
  http->add_option("--connections", http_options.connections, "keep-alive connections (default 64)")
      ->check(CLI::Range(1, 1024));
  http->add_option("--server-threads", http_options.server_threads, "casegate serve --threads (default 32)")
      ->check(CLI::Range(1, 256));
  http->add_option("--sync", http_sync, "FULL, NORMAL or both (default)")
      ->check(CLI::IsMember({"FULL", "NORMAL", "both"}));
  http->add_option("--rounds", http_options.rounds, "rounds, alternating the modes (default 1)")
      ->check(CLI::Range(1, 20));
  http->add_option("--rss-requests", http_options.rss_requests,
                   "also report the server's RSS after 10,000 requests and after this many (at NORMAL)")
      ->check(CLI::Range(0L, 100000000L));
  http->add_option("--casegate", http_options.casegate, "the casegate binary (default: beside this one)");
  http->add_option("--dir", http_options.dir, "scratch folder (default in the temporary folder)");
  CLI11_PARSE(app, argc, argv);

  if (http->parsed()) {
    if (http_sync != "both") http_options.syncs = {http_sync};
    return run_http_bench(http_options);
  }

  if (generate->parsed()) {
    // PostgreSQL is loaded from a SQLite file written the same way, so both hold the same rows.
    const bool postgres = is_postgres_uri(generate_db);
    const std::string file =
        postgres
            ? (std::filesystem::temp_directory_path() / ("casegate-generate-" + std::to_string(::getpid()) + ".db"))
                  .string()
            : generate_db;
    if (std::filesystem::exists(file)) die(file + " exists: generate writes a new database");
    auto figures = bench::generate(file, generate_cases, audit_per_case, SystemClock().now());
    auto bytes = std::filesystem::file_size(file);
    if (postgres) {
      auto load_start = std::chrono::steady_clock::now();
      auto copied = copy_sqlite_to_postgres(file, generate_db);
      remove_database(file);
      if (!copied) die("loading PostgreSQL: " + copied.status().to_string());
      double load = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
      std::cout << "loaded into PostgreSQL in " << load << " s\n";
      figures.seconds += load;
    }
    std::cout << "generated " << figures.cases << " cases, " << figures.tasks << " tasks, " << figures.clocks
              << " clocks, " << figures.audit_entries << " audit entries in " << figures.seconds << " s ("
              << bytes / (1024 * 1024) << " MB as SQLite)\n";
    std::cout << "RESULT "
              << nlohmann::json{{"cases", figures.cases},
                                {"audit_entries", figures.audit_entries},
                                {"clocks", figures.clocks},
                                {"seconds", figures.seconds},
                                {"bytes", bytes}}
                     .dump()
              << "\n";
    return 0;
  }
  if (reports->parsed()) return bench::time_reports(generate_db, report_runs);
  if (dashboard->parsed()) return bench::time_dashboard(generate_db, report_runs);
  if (pg_floor->parsed()) {
    auto figures = bench::postgres_floor(floor_uri, cases);
    double rate = static_cast<double>(figures.commands) / figures.seconds;
    std::cout << "raw libpq floor, W1: " << cases << " cases, " << figures.commands << " commands\n  "
              << static_cast<long>(rate) << " commands/s, " << figures.seconds << " s\n";
    std::cout << "RESULT "
              << nlohmann::json{{"impl", "postgres_floor"},
                                {"n", cases},
                                {"commands", figures.commands},
                                {"seconds", figures.seconds},
                                {"cmds_per_sec", static_cast<long>(rate)}}
                     .dump()
              << "\n";
    return 0;
  }
  if (floor->parsed()) {
    remove_database(db);
    auto figures = bench::storage_floor(db, cases, sync, wal_checkpoint == "background");
    const double cpu_us = figures.cpu_seconds * 1e6 / static_cast<double>(figures.commands);
    double rate = static_cast<double>(figures.commands) / figures.seconds;
    const double pages_per_command = static_cast<double>(figures.wal_pages) / static_cast<double>(figures.commands);
    std::cout << "casegate storage floor, W1: " << cases << " cases, " << figures.commands << " commands, db=" << db
              << " sync=" << sync << " wal_checkpoint=" << wal_checkpoint << "\n  " << static_cast<long>(rate)
              << " commands/s, " << figures.seconds << " s, peak RSS " << static_cast<double>(peak_rss_kb()) / 1024.0
              << " MB, " << pages_per_command << " WAL pages per command, " << cpu_us << " µs CPU per command\n";
    std::cout << "RESULT "
              << nlohmann::json{{"impl", "casegate_storage_floor"},
                                {"n", cases},
                                {"db", db},
                                {"sync", sync},
                                {"wal_checkpoint", wal_checkpoint},
                                {"commands", figures.commands},
                                {"seconds", figures.seconds},
                                {"cmds_per_sec", static_cast<long>(rate)},
                                {"wal_pages", figures.wal_pages},
                                {"wal_pages_per_cmd", pages_per_command},
                                {"cpu_us_per_cmd", cpu_us},
                                {"peak_rss_kb", peak_rss_kb()}}
                     .dump()
              << "\n";
    if (!keep) remove_database(db);
    return 0;
  }

  remove_database(db);
  SqliteOptions options;
  options.synchronous = sync == "FULL" ? Synchronous::full : sync == "NORMAL" ? Synchronous::normal : Synchronous::off;
  options.wal_checkpoint_in_background = wal_checkpoint == "background";
  auto opened = open_engine(db, options);
  if (!opened) die(opened.status().to_string());
  Engine& engine = **opened;
  add_w1_users(engine);

  const auto pages_before = sqlite_wal_pages_appended();
  const double cpu_before = process_cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  auto work = [&] {
    for (int n = next++; n < cases; n = next++) run_case(engine, n);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_us = (process_cpu_seconds() - cpu_before) * 1e6 / static_cast<double>(12L * cases);
  const auto pages_written = sqlite_wal_pages_appended() - pages_before;
  const CommitStats commits = engine.commit_stats();  // before the end-state check adds its own

  // The end state W1 requires: every case in a plan, 12 entries per case, 2 refusals, chain intact
  // (read by the chair, who may read every case).
  auto report = engine.verify();
  if (!report || !report->ok) die("audit chain does not verify");
  const long commands = 12L * cases;
  const long setup_entries = 3;
  if (report->entries_verified != commands + setup_entries)
    die("expected " + std::to_string(commands + setup_entries) + " audit entries, found " +
        std::to_string(report->entries_verified));
  long refusals = 0, in_plan = 0;
  for (CaseId id = 1; id <= cases; ++id) {
    auto history = engine.history(chair, id);
    if (!history) die(history.status().to_string());
    for (const auto& e : *history) refusals += e.entry.outcome == "refused";
    auto status = engine.status(chair, id);
    in_plan += status && status->record.state == "child_protection_plan";
  }
  if (refusals != 2L * cases)
    die("expected " + std::to_string(2L * cases) + " refusals, found " + std::to_string(refusals));
  if (in_plan != cases) die(std::to_string(cases - in_plan) + " cases are not in child_protection_plan");

  double rate = static_cast<double>(commands) / seconds;
  const double pages_per_command = static_cast<double>(pages_written) / static_cast<double>(commands);
  std::cout << "casegate W1: " << cases << " cases, " << commands << " commands, " << threads << " thread(s), db=" << db
            << " sync=" << sync << " wal_checkpoint=" << wal_checkpoint << "\n"
            << "  " << static_cast<long>(rate) << " commands/s, " << seconds << " s, peak RSS "
            << static_cast<double>(peak_rss_kb()) / 1024.0 << " MB, " << pages_per_command << " WAL pages per command, "
            << cpu_us << " µs CPU per command; end state verified\n";
  std::uint64_t commit_count = 0;
  std::cout << "  commits by commands carried:";
  for (std::size_t b = 0; b < CommitStats::buckets; ++b) {
    commit_count += commits.commits_by_size[b];
    if (commits.commits_by_size[b] == 0) continue;
    const bool last = b + 1 == CommitStats::buckets;
    std::cout << (last ? " >" : " <=") << CommitStats::bucket_limit(last ? b - 1 : b) << ": "
              << commits.commits_by_size[b];
  }
  const double per_commit =
      commit_count ? static_cast<double>(commits.commands) / static_cast<double>(commit_count) : 0.0;
  std::cout << " (" << per_commit << " commands per commit)\n";
  nlohmann::json result{{"impl", "casegate"},
                        {"n", cases},
                        {"threads", threads},
                        {"db", db},
                        {"sync", sync},
                        {"wal_checkpoint", wal_checkpoint},
                        {"commands", commands},
                        {"seconds", seconds},
                        {"cmds_per_sec", static_cast<long>(rate)},
                        {"wal_pages", pages_written},
                        {"wal_pages_per_cmd", pages_per_command},
                        {"cpu_us_per_cmd", cpu_us},
                        {"commands_per_commit", per_commit},
                        {"peak_rss_kb", peak_rss_kb()},
                        {"verified", true}};
  std::cout << "RESULT " << result.dump() << "\n";
  if (!keep) remove_database(db);
  return 0;
}
