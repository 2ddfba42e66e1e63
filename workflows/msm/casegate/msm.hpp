#pragma once
// The vocabulary for writing a workflow, and the Boost.MSM adapter: the only header that includes
// MSM, opt-in through the CMake target casegate::msm. A workflow is written as an MSM
// front-end whose transition table uses `gated<Source, Event, Target, need<...>...>` rows;
// MsmWorkflow<Front> turns it into a casegate::Workflow. Include this from exactly one
// translation unit per machine (compile time).
//
// Restoring a stored state: MSM has no state setter, but its serialize() visits the active-state
// array first, so StateRestorer (an "archive" that only writes that array) sets the state by id
// without running entry actions. State ids follow table order, so only names are ever stored.

#include <algorithm>
#include <boost/mpl/for_each.hpp>
#include <boost/mpl/push_front.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "casegate/seed_task_kinds.hpp"
#include "casegate/workflow.hpp"

namespace casegate::workflows {

// A string usable as a template argument: need<"assessment">, state<"referral">.
template <std::size_t N>
struct fixed_string {
  char value[N]{};
  constexpr fixed_string(const char (&text)[N]) { std::copy_n(text, N, value); }  // NOLINT: implicit by design
  constexpr std::string_view view() const { return {value, N - 1}; }
};

template <fixed_string Name>
struct state : boost::msm::front::state<> {
  static constexpr std::string_view name = Name.view();
  static constexpr bool is_final = false;
};

// A state with no way out; a case that reaches it is finished.
template <fixed_string Name>
struct final_state : boost::msm::front::state<> {
  static constexpr std::string_view name = Name.view();
  static constexpr bool is_final = true;
};

template <fixed_string Name>
struct event {
  static constexpr std::string_view name = Name.view();
};

// ---- payload conditions -------------------------------------------------------------------

struct any_payload {
  static std::vector<FieldCondition> conditions() { return {}; }
  static bool holds(const nlohmann::json&) { return true; }
};

// A string field equals a value: field_is<"decision", "significant_harm">.
template <fixed_string Field, fixed_string Value>
struct field_is {
  static std::vector<FieldCondition> conditions() {
    return {{std::string(Field.view()), FieldCondition::Compare::equals, {std::string(Value.view())}}};
  }
  static bool holds(const nlohmann::json& payload) {
    auto it = payload.find(Field.view());
    return it != payload.end() && it->is_string() && it->template get_ref<const std::string&>() == Value.view();
  }
};

// A boolean field is true or false: flag_is<"effective", true>.
template <fixed_string Field, bool Value>
struct flag_is {
  static std::vector<FieldCondition> conditions() {
    return {{std::string(Field.view()), FieldCondition::Compare::equals, {Value ? "true" : "false"}}};
  }
  static bool holds(const nlohmann::json& payload) {
    auto it = payload.find(Field.view());
    return it != payload.end() && it->is_boolean() && it->template get<bool>() == Value;
  }
};

// A string field is one of several values: field_in<"method", "observation", "parent_report">.
template <fixed_string Field, fixed_string... Values>
struct field_in {
  static std::vector<FieldCondition> conditions() {
    return {{std::string(Field.view()), FieldCondition::Compare::one_of, {std::string(Values.view())...}}};
  }
  static bool holds(const nlohmann::json& payload) {
    auto it = payload.find(Field.view());
    if (it == payload.end() || !it->is_string()) return false;
    const auto& value = it->template get_ref<const std::string&>();
    return ((value == Values.view()) || ...);
  }
};

// Every condition holds.
template <class... Conditions>
struct all_of {
  static std::vector<FieldCondition> conditions() {
    std::vector<FieldCondition> all;
    (std::ranges::copy(Conditions::conditions(), std::back_inserter(all)), ...);
    return all;
  }
  static bool holds(const nlohmann::json& payload) { return (Conditions::holds(payload) && ...); }
};

// A list of records (its field List) has one whose field Key is each of Values:
// includes<"participants", "agency", "police", "health">.
template <fixed_string List, fixed_string Key, fixed_string... Values>
struct includes {
  static std::vector<FieldCondition> conditions() {
    return {{std::string(List.view()),
             FieldCondition::Compare::includes,
             {std::string(Values.view())...},
             std::string(Key.view())}};
  }
  static bool holds(const nlohmann::json& payload) {
    auto it = payload.find(List.view());
    if (it == payload.end() || !it->is_array()) return false;
    auto present = [&](std::string_view value) {
      return std::any_of(it->begin(), it->end(), [&](const nlohmann::json& record) {
        auto field = record.find(Key.view());
        return field != record.end() && field->is_string() && field->template get_ref<const std::string&>() == value;
      });
    };
    return (present(Values.view()) && ...);
  }
};

// A strategy meeting's participants include every one of these agencies (any mode).
template <fixed_string... Agencies>
using participants_include = includes<"participants", "agency", Agencies...>;

// ---- requirements and gates ---------------------------------------------------------------

// The per-dispatch context the guards read the ledger from and report into.
struct GateContext {
  std::span<const TaskFact> ledger;
  bool override_gate = false;
  std::vector<Requirement> missing;
  std::string first_gated_target;
};

// What a gate knows of a task kind at compile time: that it exists, and the only role that may
// record it. The seed kinds are known; a workflow with kinds of its own specialises this for each
//   template <> struct task_kind_traits<"complaint_note"> {
//     static constexpr bool declared = true;
//     static constexpr std::optional<Role> recorded_only_by = std::nullopt;
//   };
// and registers the kind's payload rules with WorkflowRegistry::add_task_kind (workflow check
// flags a gate whose role disagrees with them).
template <fixed_string Kind>
struct task_kind_traits {
  static constexpr const SeedTaskKind* seed = find_seed_task_kind(Kind.view());
  static constexpr bool declared = seed != nullptr;
  static constexpr std::optional<Role> recorded_only_by = seed ? seed->recorded_only_by : std::nullopt;
};

// A gate requirement: a task of Kind satisfying Condition within Scope. The role comes from the
// kind's traits (a kind recorded only by one role needs a record by that role).
template <fixed_string Kind, class Condition = any_payload, Scope In = Scope::stage>
struct need {
  static_assert(task_kind_traits<Kind>::declared,
                "a gate names a task kind that is neither a seed kind nor declared with task_kind_traits");
  static constexpr std::optional<Role> role = task_kind_traits<Kind>::recorded_only_by;

  static Requirement describe() { return Requirement{std::string(Kind.view()), Condition::conditions(), role, In}; }

  static bool satisfied(std::span<const TaskFact> ledger) {
    for (const TaskFact& fact : ledger) {
      if (fact.kind != Kind.view()) continue;
      if (In == Scope::stage && !fact.in_current_stage) continue;
      if (role && fact.role != *role) continue;
      if constexpr (std::is_same_v<Condition, any_payload>) {
        return true;
      } else {
        auto payload = nlohmann::json::parse(fact.payload_json, nullptr, false);
        if (!payload.is_discarded() && Condition::holds(payload)) return true;
      }
    }
    return false;
  }
};

// The guard of a gated row: every requirement is checked (not just up to the first missing
// one) so that a refusal names everything that is missing.
template <class... Needs>
struct gate {
  static std::vector<Requirement> describe() { return {Needs::describe()...}; }

  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    GateContext& context = *fsm.context;
    std::vector<Requirement> missing;
    ((Needs::satisfied(context.ledger) ? void() : missing.push_back(Needs::describe())), ...);
    if (missing.empty()) return true;
    if (context.first_gated_target.empty()) context.first_gated_target = Target::name;
    context.missing.insert(context.missing.end(), missing.begin(), missing.end());
    return context.override_gate;
  }
};

template <class Source, class Event, class Target, class... Needs>
using gated = boost::msm::front::Row<Source, Event, Target, boost::msm::front::none, gate<Needs...>>;

template <class Source, class Event, class Target>
using ungated = boost::msm::front::Row<Source, Event, Target, boost::msm::front::none, boost::msm::front::none>;

// A transition table of any length (a plain mpl::vector stops at 20 rows).
template <class... Rows>
struct table_of;
template <>
struct table_of<> {
  using type = boost::mpl::vector0<>;
};
template <class Row, class... Rest>
struct table_of<Row, Rest...> {
  using type = typename boost::mpl::push_front<typename table_of<Rest...>::type, Row>::type;
};
template <class... Rows>
using table = typename table_of<Rows...>::type;

// The base of every workflow front-end.
template <class Derived>
struct machine : boost::msm::front::state_machine_def<Derived> {
  GateContext* context = nullptr;

  // No row for this event in this state: the adapter reports it from HANDLED_FALSE.
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {}

  // MSM's default swallows exceptions and reports success; let them reach the adapter.
  template <class Fsm, class Event>
  void exception_caught(const Event&, Fsm&, std::exception&) {
    throw;
  }
};

// ---- the adapter ----------------------------------------------------------------------------

namespace detail {

// Carries a type through mpl::for_each without constructing it (no nested ::type, so MPL's
// lambda leaves it as it is).
template <class T>
struct type_tag {
  using held = T;
};

// Writes the active-state ids during MSM's serialize(); everything else is ignored.
template <int Regions>
struct StateRestorer {
  const int* ids;
  bool written = false;
  template <class T>
  StateRestorer& operator&(T&) {
    return *this;
  }
  StateRestorer& operator&(int (&states)[Regions]) {
    if (!written) std::copy(ids, ids + Regions, states);
    written = true;
    return *this;
  }
};

template <class Guard>
std::vector<Requirement> describe_guard() {
  if constexpr (std::is_same_v<Guard, boost::msm::front::none>)
    return {};
  else
    return Guard::describe();
}

}  // namespace detail

template <class Front>
class MsmWorkflow final : public Workflow {
 public:
  using Backend = boost::msm::back::state_machine<Front>;
  using Table = typename Front::transition_table;
  using Stt = typename Backend::stt;
  static constexpr int regions = Backend::nr_regions::value;
  static_assert(regions == 1, "casegate workflows have a single region (no orthogonal regions)");

  MsmWorkflow(std::string name, int version) : name_(std::move(name)), version_(version) {
    // Clocks and required attributes are optional in a front-end.
    static_assert(
        !requires(const ClockContext& c) { Front::clocks(c); } || requires { Front::clock_inputs(); },
        "a workflow with clocks() declares clock_inputs(): the task kinds and states its clocks read");
    if constexpr (requires { Front::clock_definitions(); }) clock_definitions_ = Front::clock_definitions();
    if constexpr (requires { Front::clock_inputs(); }) clock_inputs_ = Front::clock_inputs();
    if constexpr (requires { Front::required_attributes(); }) required_attributes_ = Front::required_attributes();
    if constexpr (requires { Front::state_renames(); }) state_renames_ = Front::state_renames();
    using StateSet = typename boost::msm::back::generate_state_set<Stt>::type;
    boost::mpl::for_each<StateSet, detail::type_tag<boost::mpl::placeholders::_1>>([this](auto tag) {
      using S = typename decltype(tag)::held;
      int id = boost::msm::back::get_state_id<Stt, S>::value;
      bool initial = std::is_same_v<S, typename Front::initial_state>;
      id_by_name_.emplace(std::string(S::name), id);
      name_by_id_.emplace(id, std::string(S::name));
      states_.push_back(StateInfo{std::string(S::name), initial, S::is_final});
    });
    std::sort(states_.begin(), states_.end(),
              [&](const StateInfo& a, const StateInfo& b) { return id_by_name_.at(a.name) < id_by_name_.at(b.name); });
    boost::mpl::for_each<Table, detail::type_tag<boost::mpl::placeholders::_1>>([this](auto tag) {
      using R = typename decltype(tag)::held;
      transitions_.push_back(TransitionInfo{std::string(R::Source::name), std::string(R::Evt::name),
                                            std::string(R::Target::name), detail::describe_guard<typename R::Guard>()});
      using E = typename R::Evt;
      dispatch_.emplace(std::string(E::name), [](Backend& fsm) { return fsm.process_event(E{}); });
    });
  }

  const std::string& name() const override { return name_; }
  int version() const override { return version_; }
  const std::vector<StateInfo>& states() const override { return states_; }
  const std::vector<TransitionInfo>& transitions() const override { return transitions_; }
  const std::vector<ClockDefinition>& clock_definitions() const override { return clock_definitions_; }
  const ClockInputs& clock_inputs() const override { return clock_inputs_; }
  std::vector<ClockInstance> clocks(const ClockContext& context) const override {
    if constexpr (requires { Front::clocks(context); })
      return Front::clocks(context);
    else
      return {};
  }
  const std::vector<AttributeRule>& required_attributes() const override { return required_attributes_; }
  const std::map<std::string, std::string, std::less<>>& state_renames() const override { return state_renames_; }

  Result<Decision> decide(std::string_view state, std::string_view event, std::span<const TaskFact> ledger,
                          bool override_gate) const override {
    auto at = id_by_name_.find(state);
    if (at == id_by_name_.end()) return unknown_state(state);
    Decision decision;
    auto dispatch = dispatch_.find(event);
    if (dispatch == dispatch_.end()) {
      decision.kind = DecisionKind::unknown_event;
      return decision;
    }
    Backend& fsm = machine();
    restore(fsm, at->second);
    GateContext context{ledger, override_gate, {}, {}};
    fsm.context = &context;
    boost::msm::back::HandledEnum handled;
    try {
      handled = dispatch->second(fsm);
    } catch (const std::exception& error) {
      fsm = Backend();  // a machine interrupted mid-event is not reused
      return Status::internal("workflow " + name_ + " failed on " + std::string(event) + ": " + error.what());
    }
    fsm.context = nullptr;
    switch (handled) {
      case boost::msm::back::HANDLED_TRUE:
        decision.kind = DecisionKind::accepted;
        decision.to = name_by_id_.at(fsm.current_state()[0]);
        // A candidate row refused before another accepted: nothing was overridden.
        if (!override_gate) context.missing.clear();
        decision.missing = std::move(context.missing);
        break;
      case boost::msm::back::HANDLED_GUARD_REJECT:
        decision.kind = DecisionKind::gated;
        decision.to = context.first_gated_target;
        decision.missing = std::move(context.missing);
        break;
      default:
        decision.kind = DecisionKind::not_valid_in_state;
        decision.valid_events = events_from(state);
        break;
    }
    return decision;
  }

  Result<std::string> restore(std::string_view state) const override {
    auto at = id_by_name_.find(state);
    if (at == id_by_name_.end()) return unknown_state(state);
    Backend& fsm = machine();
    restore(fsm, at->second);
    return name_by_id_.at(fsm.current_state()[0]);
  }

 private:
  Status unknown_state(std::string_view state) const {
    return Status::internal("state '" + std::string(state) + "' is not a state of " + name_ + " version " +
                            std::to_string(version_));
  }

  // One machine per thread, restored before each use: constructing an MSM back-end allocates
  // (its event queue), and a decision is made on every command.
  static Backend& machine() {
    thread_local Backend fsm;
    return fsm;
  }

  static void restore(Backend& fsm, int id) {
    detail::StateRestorer<regions> archive{&id};
    fsm.serialize(archive, 0);
  }

  std::string name_;
  int version_;
  std::vector<StateInfo> states_;
  std::vector<TransitionInfo> transitions_;
  std::vector<ClockDefinition> clock_definitions_;
  ClockInputs clock_inputs_;
  std::vector<AttributeRule> required_attributes_;
  std::map<std::string, std::string, std::less<>> state_renames_;
  std::map<std::string, int, std::less<>> id_by_name_;
  std::map<int, std::string> name_by_id_;
  std::map<std::string, boost::msm::back::HandledEnum (*)(Backend&), std::less<>> dispatch_;
};

}  // namespace casegate::workflows
