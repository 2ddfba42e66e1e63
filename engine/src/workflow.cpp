#include "casegate/workflow.hpp"

#include <algorithm>

namespace casegate {

std::string_view scope_name(Scope scope) {
  return scope == Scope::stage ? "stage" : "case";
}

std::string describe(const std::vector<FieldCondition>& conditions) {
  std::string text;
  for (const FieldCondition& c : conditions) {
    if (!text.empty()) text += ", ";
    text += c.field;
    std::string_view joint = c.compare == FieldCondition::Compare::equals   ? "="
                             : c.compare == FieldCondition::Compare::one_of ? " in "
                                                                            : " include ";
    std::string_view between = c.compare == FieldCondition::Compare::includes ? ", " : "|";
    text += joint;
    for (std::size_t i = 0; i < c.values.size(); ++i) text += (i ? std::string(between) : "") + c.values[i];
  }
  return text;
}

std::string describe(const ClockMetBy& met_by) {
  if (met_by.task.empty()) return "entering " + met_by.state;
  return met_by.state.empty() ? met_by.task : met_by.task + " recorded in " + met_by.state;
}

std::string describe(const Requirement& requirement) {
  std::string text = requirement.task;
  if (!requirement.conditions.empty()) text += " with " + describe(requirement.conditions);
  if (requirement.role) text += " (recorded by " + std::string(role_name(*requirement.role)) + ")";
  if (requirement.scope == Scope::whole_case) text += " at any time in the case";
  return text;
}

const std::string& Workflow::initial_state() const {
  const auto& all = states();
  auto it = std::find_if(all.begin(), all.end(), [](const StateInfo& s) { return s.initial; });
  return it != all.end() ? it->name : all.front().name;
}

bool ClockInputs::reads_kind(std::string_view kind) const {
  return std::find(task_kinds.begin(), task_kinds.end(), kind) != task_kinds.end();
}

bool ClockInputs::reads_state(std::string_view state) const {
  return std::find(states.begin(), states.end(), state) != states.end();
}

bool Workflow::has_state(std::string_view state) const {
  const auto& all = states();
  return std::any_of(all.begin(), all.end(), [&](const StateInfo& s) { return s.name == state; });
}

bool Workflow::is_final(std::string_view state) const {
  const auto& all = states();
  return std::any_of(all.begin(), all.end(), [&](const StateInfo& s) { return s.name == state && s.final; });
}

std::vector<std::string> Workflow::events_from(std::string_view state) const {
  std::vector<std::string> events;
  for (const auto& t : transitions())
    if (t.from == state && std::find(events.begin(), events.end(), t.event) == events.end()) events.push_back(t.event);
  return events;
}

Status WorkflowRegistry::add(std::shared_ptr<const Workflow> workflow) {
  if (!workflow) return Status::invalid_input("cannot register a null workflow");
  auto& versions = by_name_[workflow->name()];
  if (versions.count(workflow->version()) != 0)
    return Status::invalid_input("workflow " + workflow->name() + " version " + std::to_string(workflow->version()) +
                                 " is already registered");
  versions.emplace(workflow->version(), std::move(workflow));
  return Status::ok();
}

const Workflow* WorkflowRegistry::find(std::string_view name, int version) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : v->second.get();
}

const Workflow* WorkflowRegistry::latest(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end() || it->second.empty()) return nullptr;
  return it->second.rbegin()->second.get();
}

Status WorkflowRegistry::add_task_kind(TaskKind kind) {
  return task_kinds_.add(std::move(kind));
}

Status WorkflowRegistry::add_setting(SettingDefinition setting) {
  if (find_setting(setting.key) != nullptr)
    return Status::invalid_input("setting " + setting.key + " is registered already");
  if (setting.min > setting.max || setting.default_value < setting.min || setting.default_value > setting.max)
    return Status::invalid_input("setting " + setting.key + ": its default is outside its bounds");
  settings_.push_back(std::move(setting));
  return Status::ok();
}

const SettingDefinition* WorkflowRegistry::find_setting(std::string_view key) const {
  for (const auto& s : settings_)
    if (s.key == key) return &s;
  return nullptr;
}

std::vector<const Workflow*> WorkflowRegistry::all() const {
  std::vector<const Workflow*> list;
  for (const auto& [name, versions] : by_name_)
    for (const auto& [version, workflow] : versions) list.push_back(workflow.get());
  return list;
}

}  // namespace casegate
