// The registered workflows (list, show, check), scenario files, and the demo.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "casegate/lint.hpp"
#include "casegate/seed_workflows.hpp"
#include "casegate/workflow_views.hpp"
#include "cli.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

struct Options {
  std::string name, format = "table";
  int version = 0;
  std::vector<std::string> scenario_files;
  std::string demo_db = "casegate-demo.db";
};

json show_request(const Options& o) {
  json request{{"command", "workflow show"}, {"workflow", o.name}};
  if (o.version > 0) request["version"] = o.version;
  return request;
}

}  // namespace

std::vector<Command> workflow_commands() {
  auto o = std::make_shared<Options>();
  std::vector<Command> table{
      {"workflow", "the registered workflows"},
      {"workflow list",
       "names and versions",
       {},
       [](Session&) {
         for (const auto* w : seed_workflows().all()) std::cout << w->name() << "\tversion " << w->version() << "\n";
         return 0;
       }},
      {"workflow show", "states, events, gates and clocks, from the compiled machine",
       [o](CLI::App& c) {
         c.add_option("NAME", o->name, "workflow name")->required();
         c.add_option("--version", o->version, "version (default: newest)");
         c.add_option("--format", o->format, "table (default), dot (Graphviz), mermaid or json (also --json)")
             ->check(CLI::IsMember({"table", "dot", "mermaid", "json"}));
       },
       [o](Session& s) {
         if (o->format == "json") return run_request(s, show_request(*o), false, false);
         auto registry = seed_workflows();
         const Workflow* w = o->version > 0 ? registry.find(o->name, o->version) : registry.latest(o->name);
         if (w == nullptr) return report(Status::not_found("no workflow '" + o->name + "'"));
         if (o->format == "dot")
           std::cout << workflow_dot(*w);
         else if (o->format == "mermaid")
           std::cout << workflow_mermaid(*w);
         else
           print_workflow(std::cout, *w);
         return 0;
       }},
      {"workflow check", "lint registered workflows; exit 0 when clean, 3 with findings",
       [o](CLI::App& c) { c.add_option("NAME", o->name, "only this workflow (every version)"); },
       [o](Session&) {
         auto lint = lint_workflows(seed_workflows(), o->name);
         if (!lint) return report(lint.status());
         if (lint->findings.empty()) std::cout << "checked " << lint->checked << " workflow(s): no findings\n";
         for (const auto& f : lint->findings) std::cout << f << "\n";
         return lint->findings.empty() ? 0 : 3;
       }},
      {"scenario", "workflow tests written as JSON scenario files"},
      {"scenario run", "run scenarios on fresh in-memory databases with a virtual clock",
       [o](CLI::App& c) { c.add_option("FILE", o->scenario_files, "scenario files")->required(); },
       [o](Session&) { return run_scenarios(o->scenario_files); }},
      {"demo", "walk one child-protection case from referral to a plan",
       [o](CLI::App& c) {
         c.add_option("--demo-db", o->demo_db,
                      "database file to (re)create, or an empty PostgreSQL database's URI (default: casegate-demo.db)");
       },
       [o](Session& s) {
         spdlog::set_level(spdlog::level::from_str(s.log_level));
         return run_demo(s.globals, o->demo_db);
       }},
  };
  // With --json (or --format json) these answer through the protocol, from the compiled workflows.
  set_request(
      table, "workflow list",
      [] {
        return Result<json>(json{{"command", "workflow list"}});
      },
      false, false);
  set_request(
      table, "workflow show", [o] { return Result<json>(show_request(*o)); }, false, false);
  set_request(
      table, "workflow check",
      [o] {
        json request{{"command", "workflow check"}};
        put_text(request, "workflow", o->name);
        return Result<json>(request);
      },
      false, false);
  return table;
}

}  // namespace casegate::cli
