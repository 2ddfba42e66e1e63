#pragma once
// The Workflow seam: what the engine needs from a workflow definition. Implementations
// live in workflows/ (Boost.MSM machines); nothing here depends on Boost.

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "casegate/clocks.hpp"
#include "casegate/roles.hpp"
#include "casegate/status.hpp"
#include "casegate/task_kinds.hpp"

namespace casegate {

// Where a gate looks for a task.
enum class Scope {
  stage,      // recorded since the case last entered its current state (the default)
  whole_case  // recorded any time in this case; stored and printed as "case"
};
std::string_view scope_name(Scope scope);

// One test of a task's payload: a field, how it is compared, and the values.
struct FieldCondition {
  enum class Compare {
    equals,    // the field is values[0] (a flag's value is "true" or "false")
    one_of,    // the field is one of the values
    includes,  // the field is a list of records, one of which has `item_field` equal to each value
  };
  std::string field;
  Compare compare = Compare::equals;
  std::vector<std::string> values;
  std::string item_field = {};  // includes only
  bool operator==(const FieldCondition&) const = default;
};
// The phrase people read, rendered from the data: "decision=significant_harm",
// "method in observation|parent_report", "participants include social_care, police"; several
// joined by ", ". Empty when there are none.
std::string describe(const std::vector<FieldCondition>& conditions);

// One requirement of a gate: a task of `task` kind whose payload meets every condition,
// optionally recorded by `role`, found within `scope`.
struct Requirement {
  std::string task;
  std::vector<FieldCondition> conditions = {};  // empty: any payload
  std::optional<Role> role = std::nullopt;
  Scope scope = Scope::stage;
  bool operator==(const Requirement&) const = default;
};
// "strategy_meeting with participants include social_care, police, health (recorded by
// team_manager) in any stage": one phrase for messages and tables.
std::string describe(const Requirement& requirement);

// What meets a clock: a task of `task` kind (recorded while the case is in `state`, when one is
// named), or, when no task is named, the case entering `state`.
struct ClockMetBy {
  std::string task;
  std::string state = {};
};
// "conference_decision recorded in initial_conference", "assessment", "entering completed".
std::string describe(const ClockMetBy& met_by);

struct ClockDefinition {
  std::string name;
  std::string anchor;  // for people: when the clock starts
  std::string due;     // for people: how its due time is set
  ClockMetBy met_by;
};

// What a workflow's clocks read of a case besides its record: tasks of these kinds and the
// stages it spent in these states. clocks() is shown nothing else, so recording a task of any
// other kind, or entering any other state that is not final, cannot start, meet or move a clock,
// and the engine does not recompute the clocks then.
struct ClockInputs {
  std::vector<std::string> task_kinds;
  std::vector<std::string> states;
  bool reads_kind(std::string_view kind) const;
  bool reads_state(std::string_view state) const;
};

// An attribute a case of this workflow must be opened with.
struct AttributeRule {
  std::string name;
  bool is_date = false;  // YYYY-MM-DD
};

struct StateInfo {
  std::string name;
  bool initial = false;
  bool final = false;
};

struct TransitionInfo {
  std::string from;
  std::string event;
  std::string to;
  std::vector<Requirement> gate;  // empty: ungated
};

// A task of the case as a gate sees it.
struct TaskFact {
  std::string_view kind;
  Role role;
  bool in_current_stage;
  std::string_view payload_json;  // as stored (validated, compact)
};

enum class DecisionKind {
  accepted,            // the gate held (or was overridden): the case moves to `to`
  gated,               // the event is valid here but its gate does not hold: see `missing`
  not_valid_in_state,  // no transition for this event from this state: see `valid_events`
  unknown_event,       // the workflow has no such event at all
};

struct Decision {
  DecisionKind kind = DecisionKind::unknown_event;
  std::string to;                         // accepted: the new state; gated: where it would lead
  std::vector<Requirement> missing;       // gated, or accepted by override: what was not there
  std::vector<std::string> valid_events;  // not_valid_in_state: the events this state has
};

class Workflow {
 public:
  virtual ~Workflow() = default;

  virtual const std::string& name() const = 0;
  virtual int version() const = 0;
  virtual const std::vector<StateInfo>& states() const = 0;
  virtual const std::vector<TransitionInfo>& transitions() const = 0;
  const std::string& initial_state() const;
  bool has_state(std::string_view state) const;
  bool is_final(std::string_view state) const;  // false when it is not a state here
  // Distinct events leaving `state`, in table order.
  std::vector<std::string> events_from(std::string_view state) const;

  // Restores the machine to `state` and returns the state name it then reports: the check
  // that a stored name still means the same state. internal when it is not a state here.
  virtual Result<std::string> restore(std::string_view state) const = 0;

  // Restores the machine to `state` and dispatches `event` against the case's tasks.
  // With `override_gate`, a gate that does not hold is passed anyway and what it lacked is
  // reported in `missing`. Errors only when `state` is not a state of this workflow.
  virtual Result<Decision> decide(std::string_view state, std::string_view event, std::span<const TaskFact> ledger,
                                  bool override_gate) const = 0;

  virtual const std::vector<AttributeRule>& required_attributes() const = 0;
  // States of the previous version that this one renamed or removed, and where their cases go
  // (old name -> new name). A state of the previous version that is neither here nor mapped
  // cannot be migrated.
  virtual const std::map<std::string, std::string, std::less<>>& state_renames() const = 0;

  // The workflow's clocks, described for people (name, anchor, due, met by).
  virtual const std::vector<ClockDefinition>& clock_definitions() const = 0;
  // What clocks() reads (see ClockInputs); empty for a workflow without clocks.
  virtual const ClockInputs& clock_inputs() const = 0;
  // Every clock the case has started so far, with its due time and, once met, when. `context`
  // holds only the tasks and stages clock_inputs() names. The record's state and stage are not
  // inputs: a clock that depends on a state reads its stage with first_stage.
  virtual std::vector<ClockInstance> clocks(const ClockContext& context) const = 0;
};

// Workflows by name and version, with the task kinds and settings they contribute. The newest
// version opens new cases; stored cases keep theirs.
class WorkflowRegistry {
 public:
  Status add(std::shared_ptr<const Workflow> workflow);
  const Workflow* find(std::string_view name, int version) const;
  const Workflow* latest(std::string_view name) const;
  std::vector<const Workflow*> all() const;  // by name, then version

  // invalid_input when the name is taken or a rule is malformed.
  Status add_task_kind(TaskKind kind);
  const TaskKindCatalogue& task_kinds() const { return task_kinds_; }
  // invalid_input when the key is taken or the default is outside min..max.
  Status add_setting(SettingDefinition setting);
  const std::vector<SettingDefinition>& settings() const { return settings_; }
  const SettingDefinition* find_setting(std::string_view key) const;

 private:
  std::map<std::string, std::map<int, std::shared_ptr<const Workflow>>, std::less<>> by_name_;
  TaskKindCatalogue task_kinds_;
  std::vector<SettingDefinition> settings_;
};

}  // namespace casegate
