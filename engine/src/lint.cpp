#include "casegate/lint.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <sstream>

#include "casegate/task_kinds.hpp"

namespace casegate {
namespace {

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + separator.size())
    parts.push_back(text.substr(start, at - start));
  parts.push_back(text.substr(start));
  return parts;
}

bool contains(const std::vector<std::string_view>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Why no payload of `kind` can satisfy `condition` (in the forms the MSM conditions write:
// "f=v", "f in a|b", "participants include a, b", clauses joined by ", "), or "".
std::string unsatisfiable(const std::string& kind, const std::string& condition) {
  if (condition.empty()) return "";
  const std::string include = "participants include ";
  if (condition.rfind(include, 0) == 0) {
    auto field = describe_field(kind, "participants");
    if (!field) return "kind " + kind + " has no participants";
    for (const auto& agency : split(condition.substr(include.size()), ", "))
      if (!contains(field->choices, agency)) return "'" + agency + "' is not an agency";
    return "";
  }
  for (const auto& clause : split(condition, ", ")) {
    std::string name, values;
    if (auto eq = clause.find('='); eq != std::string::npos) {
      name = clause.substr(0, eq);
      values = clause.substr(eq + 1);
    } else if (auto in = clause.find(" in "); in != std::string::npos) {
      name = clause.substr(0, in);
      values = clause.substr(in + 4);
    } else {
      return "condition '" + clause + "' is not one the linter can read";
    }
    auto field = describe_field(kind, name);
    if (!field) return kind + " has no field '" + name + "'";
    for (const auto& value : split(values, "|")) {
      if (field->type == FieldInfo::Type::boolean && value != "true" && value != "false")
        return kind + "." + name + " is true or false, never '" + value + "'";
      if (field->type == FieldInfo::Type::choice && !contains(field->choices, value))
        return kind + "." + name + " is never '" + value + "'";
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> lint_workflow(const Workflow& workflow) {
  std::vector<std::string> findings;
  const std::string who = workflow.name() + " v" + std::to_string(workflow.version()) + ": ";
  auto note = [&](const std::string& text) { findings.push_back(who + text); };

  std::map<std::string, int> state_names;
  for (const auto& s : workflow.states()) ++state_names[s.name];
  for (const auto& [name, count] : state_names)
    if (count > 1) note("state name '" + name + "' is used by " + std::to_string(count) + " states");

  // Reachability from the initial state.
  std::set<std::string> reached{workflow.initial_state()};
  std::deque<std::string> queue{workflow.initial_state()};
  while (!queue.empty()) {
    std::string from = queue.front();
    queue.pop_front();
    for (const auto& t : workflow.transitions())
      if (t.from == from && reached.insert(t.to).second) queue.push_back(t.to);
  }
  for (const auto& s : workflow.states()) {
    if (!reached.count(s.name)) note("state '" + s.name + "' is not reachable from '" + workflow.initial_state() + "'");
    bool has_exit = !workflow.events_from(s.name).empty();
    if (!s.final && !has_exit) note("state '" + s.name + "' is not final and has no way out");
    if (s.final && has_exit) note("final state '" + s.name + "' has a way out");
  }

  std::set<std::string> transitions;
  for (const auto& t : workflow.transitions()) {
    std::string row = t.from + " --" + t.event + "--> " + t.to;
    if (!transitions.insert(t.from + "\x1f" + t.event + "\x1f" + t.to).second)
      note("transition " + row + " is listed twice");
    for (const auto& r : t.gate) {
      const TaskKindInfo* kind = find_task_kind(r.task);
      if (kind == nullptr) {
        note(row + ": gate needs unknown task kind '" + r.task + "'");
        continue;
      }
      if (r.role && kind->recorded_only_by && *r.role != *kind->recorded_only_by)
        note(row + ": gate needs " + r.task + " recorded by " + std::string(role_name(*r.role)) + ", but only a " +
             std::string(role_name(*kind->recorded_only_by)) + " may record it");
      if (r.role && *r.role == Role::admin) note(row + ": gate needs a task recorded by an admin, who records none");
      if (auto why = unsatisfiable(r.task, r.condition); !why.empty())
        note(row + ": gate condition '" + r.condition + "' can never hold: " + why);
    }
  }

  std::map<std::string, int> clock_names;
  for (const auto& c : workflow.clock_definitions()) {
    if (++clock_names[c.name] == 2) note("clock name '" + c.name + "' is used twice");
    // met_by reads "<task kind>[ recorded in <state>]" or "entering <state>".
    const std::string entering = "entering ", recorded_in = " recorded in ";
    if (c.met_by.rfind(entering, 0) == 0) {
      std::string state = c.met_by.substr(entering.size());
      if (!state_names.count(state))
        note("clock '" + c.name + "' is met on entering '" + state + "', which is not a state");
      else if (!reached.count(state))
        note("clock '" + c.name + "' is met on entering '" + state + "', which is never reached");
      continue;
    }
    std::string kind = c.met_by.substr(0, c.met_by.find(' '));
    if (!find_task_kind(kind)) note("clock '" + c.name + "' is met by unknown task kind '" + kind + "'");
    if (auto at = c.met_by.find(recorded_in); at != std::string::npos) {
      std::string state = c.met_by.substr(at + recorded_in.size());
      if (!state_names.count(state))
        note("clock '" + c.name + "' is met in '" + state + "', which is not a state");
      else if (!reached.count(state))
        note("clock '" + c.name + "' is met in '" + state + "', which is never reached");
    }
  }
  const ClockInputs& inputs = workflow.clock_inputs();
  for (const auto& kind : inputs.task_kinds)
    if (!find_task_kind(kind)) note("clocks read unknown task kind '" + kind + "'");
  for (const auto& state : inputs.states)
    if (!state_names.count(state)) note("clocks read stages in '" + state + "', which is not a state");
  return findings;
}

}  // namespace casegate
