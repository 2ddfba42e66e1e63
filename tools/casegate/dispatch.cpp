// The command table turned into CLI11 subcommands, the global options, and parsing: all that
// main() does.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "casegate/protocol.hpp"
#include "cli.hpp"

namespace casegate::cli {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : std::move(fallback);
}

}  // namespace

int Session::ready(bool needs_user) {
  spdlog::set_level(spdlog::level::from_str(log_level));
  globals.db = db_option.empty() ? env_or("CASEGATE_DB", "casegate.db") : db_option;
  if (globals.as.empty()) globals.as = env_or("CASEGATE_USER", "");
  if (needs_user && globals.as.empty())
    return report(Status::invalid_input("no acting user: give --as USER or set CASEGATE_USER"));
  auto opened = open(globals, globals.db);
  if (!opened) return report(opened.status());
  engine = std::move(*opened);
  return 0;
}

Result<std::optional<Instant>> optional_instant(const std::string& text, const char* field) {
  if (text.empty()) return std::optional<Instant>();
  auto parsed = parse_instant(text, field);
  if (!parsed) return parsed.status();
  return std::optional<Instant>(*parsed);
}

Result<CaseId> parse_case_id(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return Status::invalid_input("case id '" + text.substr(0, 40) + "' is not a positive whole number");
  return static_cast<CaseId>(std::stoll(text));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (buffer.str().size() > 1024 * 1024) return Status::invalid_input("'" + path + "' is larger than 1 MiB");
  return buffer.str();
}

Status write_file(const std::string& path, const std::string& text, bool secret) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, secret ? 0600 : 0644);
  if (fd < 0) return Status::invalid_input("cannot create '" + path + "': " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  return ok ? Status::ok() : Status::internal("cannot write '" + path + "'");
}

void set_request(std::vector<Command>& table, std::string_view path, std::function<Result<nlohmann::json>()> request,
                 bool needs_user, bool needs_database) {
  for (Command& command : table)
    if (command.path == path) {
      command.request = std::move(request);
      command.needs_user = needs_user;
      command.needs_database = needs_database;
      return;
    }
  throw std::logic_error("no command " + std::string(path) + " to give a request");
}

void put_text(nlohmann::json& request, const char* field, const std::string& value) {
  if (!value.empty()) request[field] = value;
}

int run_request(Session& session, const nlohmann::json& request, bool needs_user, bool needs_database) {
  if (needs_database) {
    if (int failed = session.ready(needs_user)) return failed;
  } else {
    spdlog::set_level(spdlog::level::from_str(session.log_level));
    auto opened = open(session.globals, ":memory:");
    if (!opened) return report(opened.status());
    session.engine = std::move(*opened);
  }
  auto response = execute_request(*session.engine, session.globals.as, request.dump(), session.globals.db);
  auto body = nlohmann::json::parse(response.json, nullptr, false);
  bool error_only = body.is_object() && body.size() == 1 && body.contains("error");
  if (!error_only) std::cout << response.json << "\n";
  if (response.code != 0) std::cerr << "casegate: " << response.message << "\n";
  return response.code;
}

int run_printed(Session& session, const nlohmann::json& request,
                const std::function<void(const nlohmann::json&)>& print) {
  if (int failed = session.ready(true)) return failed;
  auto response = execute_request(*session.engine, session.globals.as, request.dump(), session.globals.db);
  if (response.code != 0) {
    std::cerr << "casegate: " << response.message << "\n";
    return response.code;
  }
  print(nlohmann::json::parse(response.json));
  return 0;
}

namespace {

// --json: the command through the protocol.
int run_protocol(const Command& command, Session& session) {
  auto request = command.request();
  if (!request) return report(request.status());
  return run_request(session, *request, command.needs_user, command.needs_database);
}

}  // namespace

void add_commands(CLI::App& app, const std::vector<Command>& table, Session& session, int& code) {
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--db", session.db_option,
                 "database file, or a postgresql:// URI (default: $CASEGATE_DB, else ./casegate.db)");
  app.add_option("--as", session.globals.as, "acting user (default: $CASEGATE_USER)");
  app.add_flag("--json", session.globals.json, "machine-readable output on stdout");
  app.add_option("--sync", session.globals.sync, "SQLite synchronous mode: FULL (default), NORMAL or OFF")
      ->check(CLI::IsMember({"FULL", "NORMAL", "OFF"}));
  app.add_option("--wal-checkpoint", session.globals.wal_checkpoint,
                 "SQLite: who copies the write-ahead log into the database file: background (default, a "
                 "thread of the store's own) or inline (the committing thread, as SQLite does by itself)")
      ->check(CLI::IsMember({"background", "inline"}));
  app.add_option("--busy-timeout-ms", session.globals.busy_timeout_ms,
                 "wait this long for another writer (default 5000)")
      ->check(CLI::Range(0, 600000));
  app.add_option("--log-level", session.log_level, "diagnostics on stderr: off, error, warn (default), info, debug")
      ->check(CLI::IsMember({"off", "error", "warn", "info", "debug"}));
  app.footer(
      "Exit codes: 0 ok, 1 internal error, 2 invalid input or usage, 3 refused, 4 not found,\n"
      "5 conflict (stale --expect-version, busy), 6 integrity failure.");

  std::map<std::string, CLI::App*> groups;  // by path
  for (const Command& command : table) {
    auto space = command.path.rfind(' ');
    CLI::App* parent = space == std::string::npos ? &app : groups.at(command.path.substr(0, space));
    CLI::App* sub =
        parent->add_subcommand(command.path.substr(space == std::string::npos ? 0 : space + 1), command.help);
    if (command.options) command.options(*sub);
    groups[command.path] = sub;  // a command may also be a group ("access", "access review")
    if (command.run)
      sub->callback([&command, &session, &code, sub] {
        if (!sub->get_subcommands().empty()) return;  // one of its own commands ran instead
        code = session.globals.json && command.request ? run_protocol(command, session) : command.run(session);
      });
    else
      sub->require_subcommand(1);
  }
}

int parse_and_run(CLI::App& app, int argc, char** argv, const int& code) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    auto left = app.remaining();
    if (!left.empty() && app.get_subcommands().empty())
      std::cerr << "casegate: unknown command '" << left.front() << "' (see casegate --help)\n";
    else {
      std::string what = e.what();  // CLI11 lists every unexpected argument: keep it to one short line
      for (char& c : what)
        if (c == '\n') c = ' ';
      if (what.size() > 200) what = what.substr(0, 200) + "...";
      std::cerr << "casegate: " << what << " (see casegate --help)\n";
    }
    return 2;
  }
  return code;
}

}  // namespace casegate::cli
