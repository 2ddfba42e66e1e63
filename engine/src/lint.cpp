#include "casegate/lint.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <sstream>

#include "casegate/task_kinds.hpp"
#include "casegate/utf8.hpp"
#include "validation.hpp"

namespace casegate {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Why no payload of `kind` can meet `condition`, or "".
std::string unsatisfiable(const TaskKindCatalogue& kinds, const std::string& kind, const FieldCondition& condition) {
  if (condition.compare == FieldCondition::Compare::includes) {
    auto list = kinds.describe_field(kind, condition.field);
    if (!list || list->type != FieldType::record_list) return "kind " + kind + " has no " + condition.field;
    auto field = kinds.describe_field(kind, condition.field, condition.item_field);
    if (!field) return kind + "." + condition.field + " has no field '" + condition.item_field + "'";
    for (const auto& value : condition.values)
      if (!contains(field->choices, value)) return "'" + value + "' is not " + with_article(condition.item_field);
    return "";
  }
  auto field = kinds.describe_field(kind, condition.field);
  if (!field) return kind + " has no field '" + condition.field + "'";
  for (const auto& value : condition.values) {
    if (field->type == FieldType::boolean && value != "true" && value != "false")
      return kind + "." + condition.field + " is true or false, never '" + value + "'";
    if (field->type == FieldType::choice && !contains(field->choices, value))
      return kind + "." + condition.field + " is never '" + value + "'";
  }
  return "";
}

}  // namespace

std::vector<std::string> lint_workflow(const Workflow& workflow, const TaskKindCatalogue& kinds) {
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
      const TaskKind* kind = kinds.find(r.task);
      if (kind == nullptr) {
        note(row + ": gate needs unknown task kind '" + r.task + "'");
        continue;
      }
      if (r.role && kind->recorded_only_by && *r.role != *kind->recorded_only_by)
        note(row + ": gate needs " + r.task + " recorded by " + std::string(role_name(*r.role)) + ", but only a " +
             std::string(role_name(*kind->recorded_only_by)) + " may record it");
      if (r.role && *r.role == Role::admin) note(row + ": gate needs a task recorded by an admin, who records none");
      for (const FieldCondition& condition : r.conditions)
        if (auto why = unsatisfiable(kinds, r.task, condition); !why.empty())
          note(row + ": gate condition '" + describe({condition}) + "' can never hold: " + why);
    }
  }

  std::map<std::string, int> clock_names;
  for (const auto& c : workflow.clock_definitions()) {
    if (++clock_names[c.name] == 2) note("clock name '" + c.name + "' is used twice");
    const std::string& state = c.met_by.state;
    if (c.met_by.task.empty()) {
      if (!state_names.count(state))
        note("clock '" + c.name + "' is met on entering '" + state + "', which is not a state");
      else if (!reached.count(state))
        note("clock '" + c.name + "' is met on entering '" + state + "', which is never reached");
      continue;
    }
    if (!kinds.find(c.met_by.task)) note("clock '" + c.name + "' is met by unknown task kind '" + c.met_by.task + "'");
    if (state.empty()) continue;
    if (!state_names.count(state))
      note("clock '" + c.name + "' is met in '" + state + "', which is not a state");
    else if (!reached.count(state))
      note("clock '" + c.name + "' is met in '" + state + "', which is never reached");
  }
  const ClockInputs& inputs = workflow.clock_inputs();
  for (const auto& kind : inputs.task_kinds)
    if (!kinds.find(kind)) note("clocks read unknown task kind '" + kind + "'");
  for (const auto& state : inputs.states)
    if (!state_names.count(state)) note("clocks read stages in '" + state + "', which is not a state");
  return findings;
}

Result<LintReport> lint_workflows(const WorkflowRegistry& registry, std::string_view name) {
  LintReport report;
  for (const Workflow* w : registry.all()) {
    if (!name.empty() && w->name() != name) continue;
    ++report.checked;
    for (auto& finding : lint_workflow(*w, registry.task_kinds())) report.findings.push_back(std::move(finding));
  }
  if (report.checked == 0) return Status::not_found("no workflow '" + printable(name) + "'");
  return report;
}

}  // namespace casegate
