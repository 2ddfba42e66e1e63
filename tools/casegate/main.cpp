// casegate: the command-line face of the engine. main() only builds the command table, parses
// and dispatches; each command lives in a table row (case_commands.cpp, integrity_commands.cpp,
// workflow_commands.cpp, oversight.cpp, action_plan_commands.cpp, access_commands.cpp,
// serve_commands.cpp).
#include <spdlog/spdlog.h>

#include "cli.hpp"

int main(int argc, char** argv) {
  using namespace casegate::cli;
  spdlog::set_level(spdlog::level::warn);
  std::vector<Command> table;
  for (auto family : {case_commands, integrity_commands, workflow_commands, manager_commands, action_plan_commands,
                      access_commands, serve_commands})
    for (Command& command : family()) table.push_back(std::move(command));
  Session session;
  int code = 0;
  CLI::App app{"casegate: gated, audited children's social care case workflows"};
  add_commands(app, table, session, code);
  return parse_and_run(app, argc, argv, code);
}
