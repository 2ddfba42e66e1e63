// casegate workflow show --format table|dot|mermaid|json, and workflow check: drawn from the
// compiled machine, never a hand-written copy.
#include <iostream>
#include <nlohmann/json.hpp>

#include "casegate/lint.hpp"
#include "cli.hpp"

namespace casegate::cli {
namespace {

using nlohmann::json;

std::string gate_text(const TransitionInfo& t, const char* separator) {
  std::string text;
  for (const auto& r : t.gate) text += (text.empty() ? "" : separator) + describe(r);
  return text.empty() ? "(no gate)" : text;
}

std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out;
}

}  // namespace

void print_dot(std::ostream& out, const Workflow& w) {
  out << "digraph \"" << w.name() << "_v" << w.version() << "\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (const auto& s : w.states())
    out << "  \"" << s.name << "\"" << (s.final ? " [shape=doublecircle]" : s.initial ? " [penwidth=2]" : "") << ";\n";
  for (const auto& t : w.transitions())
    out << "  \"" << t.from << "\" -> \"" << t.to << "\" [label=\"" << dot_escape(t.event + "\\n" + gate_text(t, "\\n"))
        << "\"];\n";
  out << "}\n";
}

void print_mermaid(std::ostream& out, const Workflow& w) {
  out << "stateDiagram-v2\n  [*] --> " << w.initial_state() << "\n";
  for (const auto& t : w.transitions()) {
    std::string label = t.event + ": " + gate_text(t, "; ");
    for (char& c : label)
      if (c == ':' && &c != &label[t.event.size()]) c = ' ';  // one colon only: mermaid's separator
    out << "  " << t.from << " --> " << t.to << " : " << label << "\n";
  }
  for (const auto& s : w.states())
    if (s.final) out << "  " << s.name << " --> [*]\n";
}

json workflow_json(const Workflow& w) {
  json states = json::array(), clocks = json::array(), attributes = json::array();
  for (const auto& s : w.states()) states.push_back(json{{"name", s.name}, {"initial", s.initial}, {"final", s.final}});
  for (const auto& c : w.clock_definitions())
    clocks.push_back(json{{"clock", c.name}, {"anchor", c.anchor}, {"due", c.due}, {"met_by", describe(c.met_by)}});
  for (const auto& a : w.required_attributes()) attributes.push_back(json{{"name", a.name}, {"date", a.is_date}});
  return json{{"name", w.name()}, {"version", w.version()},
              {"states", states}, {"transitions", w.transitions()},
              {"clocks", clocks}, {"required_attributes", attributes}};
}

int check_workflows(const std::vector<const Workflow*>& workflows, const TaskKindCatalogue& kinds, bool as_json) {
  std::vector<std::string> findings;
  for (const Workflow* w : workflows)
    for (auto& finding : lint_workflow(*w, kinds)) findings.push_back(std::move(finding));
  if (as_json)
    std::cout << json{{"checked", workflows.size()}, {"findings", findings}}.dump() << "\n";
  else if (findings.empty())
    std::cout << "checked " << workflows.size() << " workflow(s): no findings\n";
  else
    for (const auto& f : findings) std::cout << f << "\n";
  return findings.empty() ? 0 : 3;
}

}  // namespace casegate::cli
