// The registered workflows (list, show, check), scenario files, and the demo.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "casegate/seed_workflows.hpp"
#include "cli.hpp"

namespace casegate::cli {

std::vector<Command> workflow_commands() {
  struct Options {
    std::string name, format = "table";
    int version = 0;
    std::vector<std::string> scenario_files;
    std::string demo_db = "casegate-demo.db";
  };
  auto o = std::make_shared<Options>();
  return {
      {"workflow", "the registered workflows"},
      {"workflow list",
       "names and versions",
       {},
       [](Session& s) {
         auto registry = seed_workflows();
         nlohmann::json list = nlohmann::json::array();
         for (const auto* w : registry.all()) {
           if (s.globals.json)
             list.push_back({{"name", w->name()}, {"version", w->version()}, {"initial_state", w->initial_state()}});
           else
             std::cout << w->name() << "\tversion " << w->version() << "\n";
         }
         if (s.globals.json) std::cout << list.dump() << "\n";
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
         auto registry = seed_workflows();
         const Workflow* w = o->version > 0 ? registry.find(o->name, o->version) : registry.latest(o->name);
         if (w == nullptr) return report(Status::not_found("no workflow '" + o->name + "'"));
         if (s.globals.json || o->format == "json")
           std::cout << workflow_json(*w).dump() << "\n";
         else if (o->format == "dot")
           print_dot(std::cout, *w);
         else if (o->format == "mermaid")
           print_mermaid(std::cout, *w);
         else
           print_workflow(std::cout, *w);
         return 0;
       }},
      {"workflow check", "lint registered workflows; exit 0 when clean, 3 with findings",
       [o](CLI::App& c) { c.add_option("NAME", o->name, "only this workflow (every version)"); },
       [o](Session& s) {
         auto registry = seed_workflows();
         std::vector<const Workflow*> selected;
         for (const Workflow* w : registry.all())
           if (o->name.empty() || w->name() == o->name) selected.push_back(w);
         if (selected.empty()) return report(Status::not_found("no workflow '" + o->name + "'"));
         return check_workflows(selected, registry.task_kinds(), s.globals.json);
       }},
      {"scenario", "workflow tests written as JSON scenario files"},
      {"scenario run", "run scenarios on fresh in-memory databases with a virtual clock",
       [o](CLI::App& c) { c.add_option("FILE", o->scenario_files, "scenario files")->required(); },
       [o](Session&) { return run_scenarios(o->scenario_files); }},
      {"demo", "walk one child-protection case from referral to a plan",
       [o](CLI::App& c) {
         c.add_option("--demo-db", o->demo_db, "database file to (re)create (default: casegate-demo.db)");
       },
       [o](Session& s) {
         spdlog::set_level(spdlog::level::from_str(s.log_level));
         return run_demo(s.globals, o->demo_db);
       }},
  };
}

}  // namespace casegate::cli
