#include "casegate/engine.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <nlohmann/json.hpp>

#include "casegate/digest.hpp"
#include "casegate/json.hpp"
#include "casegate/task_kinds.hpp"
#include "command_queue.hpp"
#include "detail_json.hpp"
#include "utf8.hpp"

namespace casegate {
namespace {

using std::chrono::minutes;

// Business times may run ahead of the engine's clock by this much (clock skew between machines).
constexpr minutes allowed_clock_skew{5};
constexpr std::size_t max_text_bytes = 4000;
constexpr std::size_t max_id_bytes = 64;
constexpr std::size_t max_attributes = 64;

// A name from the input, quoted and safe to put in a one-line message.
std::string shown_name(std::string_view text) {
  return "'" + printable(text) + "'";
}

Status check_identifier(std::string_view what, std::string_view id) {
  if (id.empty()) return Status::invalid_input(std::string(what) + " must not be empty");
  if (id.size() > max_id_bytes)
    return Status::invalid_input(std::string(what) + " " + shown_name(id) + " is longer than 64 characters");
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '@';
    if (!ok)
      return Status::invalid_input(std::string(what) + " " + shown_name(id) +
                                   " may hold only letters, digits and . _ - @");
  }
  return Status::ok();
}

Status check_text(std::string_view what, std::string_view text, bool required) {
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Status::invalid_input(std::string(what) + " must not be empty");
  if (text.size() > max_text_bytes)
    return Status::invalid_input(std::string(what) + " is longer than " + std::to_string(max_text_bytes) + " bytes");
  if (first_invalid_utf8(text)) return Status::invalid_input(std::string(what) + " is not valid UTF-8");
  if (text.find('\0') != std::string_view::npos)
    return Status::invalid_input(std::string(what) + " contains a NUL byte");
  return Status::ok();
}

std::string_view outcome_for(Code code) {
  switch (code) {
    case Code::invalid_input: return "invalid";
    case Code::refused: return "refused";
    case Code::not_found: return "not_found";
    case Code::conflict: return "conflict";
    default: return "error";
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string describe_all(const std::vector<Requirement>& missing) {
  std::string text;
  for (const auto& r : missing) text += (text.empty() ? "" : "; ") + describe(r);
  return text;
}

std::string case_name(CaseId id) {
  return "case " + std::to_string(id);
}

// The case's tasks as its gates see them, from the stage the case is in.
std::vector<TaskFact> ledger_of(const std::vector<TaskRecord>& tasks, std::int64_t stage) {
  std::vector<TaskFact> ledger;
  ledger.reserve(tasks.size());
  for (const auto& t : tasks) ledger.push_back({t.kind, t.role, t.stage == stage, t.payload_json});
  return ledger;
}

}  // namespace

std::string_view fire_outcome_name(FireOutcome outcome) {
  switch (outcome) {
    case FireOutcome::accepted: return "accepted";
    case FireOutcome::override: return "override";
    case FireOutcome::refused: return "refused";
  }
  return "refused";
}

// One command: its audit entry under construction, filled in by the command's body.
struct AuditBuilder {
  AuditDraft draft;
  DetailJson detail;
};

Engine::Engine(std::unique_ptr<CaseStore> store, WorkflowRegistry workflows, std::shared_ptr<const Clock> clock)
    : store_(std::move(store)), workflows_(std::move(workflows)), clock_(std::move(clock)) {
  if (!clock_) clock_ = std::make_shared<SystemClock>();
  queue_ = std::make_unique<CommandQueue>(*store_);
}

// Runs `body` (one whole command, transactions included) through the group-commit queue.
template <class T, class Body>
Result<T> Engine::serialised(bool exclusive, Body&& body) {
  std::optional<Result<T>> result;
  CommandQueue::Job job;
  job.run = [&] { result.emplace(body()); };
  job.fail = [&](const Status& status) { result.emplace(status); };
  job.exclusive = exclusive;
  queue_->submit(job);
  return std::move(*result);
}

Engine::~Engine() = default;

namespace {

// Runs `body` as one transaction and appends its audit entry in it. When the body fails, its
// writes are rolled back and the attempt is audited in a transaction of its own.
template <class T, class Body>
Result<T> run_command(CaseStore& store, const Clock& clock, std::string_view as, std::string_view action,
                      std::optional<CaseId> case_id, Body&& body) {
  if (auto s = store.begin_command(); !s) return s;
  auto found = store.find_user(as);
  if (!found) {
    store.rollback_command();
    return found.status();
  }
  if (!found->has_value()) {
    store.rollback_command();
    if (auto s = check_identifier("user", as); !s) return s;
    return Status::not_found("user " + shown_name(as) + " does not exist");
  }
  const User user = **found;
  AuditBuilder audit;
  audit.draft =
      AuditDraft{clock.now(), case_id, user.id, std::string(role_name(user.role)), std::string(action), "accepted", ""};
  Result<T> result =
      user.active ? body(user, audit) : Result<T>(Status::refused("user " + shown_name(user.id) + " is inactive"));
  if (result) {
    audit.draft.detail_json = audit.detail.str();
    Status written = store.append_audit(audit.draft).status();
    if (written) written = store.commit_command();
    if (written) return result;
    store.rollback_command();
    result = Result<T>(written);
  } else {
    store.rollback_command();
  }
  // The attempt is audited on its own: the command's writes are gone, the entry is not.
  audit.draft.outcome = outcome_for(result.status().code());
  audit.detail.text("error", result.status().message());
  audit.draft.detail_json = audit.detail.str();
  if (store.begin_command()) {
    if (store.append_audit(audit.draft) && store.commit_command()) return result;
    store.rollback_command();
  }
  return result;
}

Result<CaseRecord> load_case(CaseStore& store, CaseId id) {
  auto found = store.find_case(id);
  if (!found) return found.status();
  if (!found->has_value()) return Status::not_found(case_name(id) + " does not exist");
  return std::move(**found);
}

}  // namespace

Result<std::shared_ptr<const Calendar>> Engine::current_calendar() {
  auto data = store_->calendar();
  if (!data) return data.status();
  if (!calendar_ || calendar_->version() != data->version || calendar_->jurisdiction() != data->jurisdiction)
    calendar_ = std::make_shared<const Calendar>(data->jurisdiction, data->changes, data->version);
  return calendar_;
}

Result<Settings> Engine::current_settings() {
  auto stored = store_->settings();
  if (!stored) return stored.status();
  std::map<std::string, std::int64_t, std::less<>> values;
  for (const auto& [key, value] : *stored) {
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    // Validated when set; a value edited in the file by hand falls back to the default.
    if (Settings::find(key) && error == std::errc() && end == value.data() + value.size()) values[key] = number;
  }
  return Settings(std::move(values));
}

Status Engine::update_clocks(const Workflow& workflow, const CaseRecord& record,
                             const std::vector<TaskRecord>* known_tasks) {
  const CaseId id = record.id;
  Result<std::vector<TaskRecord>> loaded = std::vector<TaskRecord>{};
  if (known_tasks == nullptr) loaded = store_->tasks_of(id);
  if (!loaded) return loaded.status();
  const ClockInputs& inputs = workflow.clock_inputs();
  std::vector<TaskRecord> tasks;
  for (const TaskRecord& task : known_tasks ? *known_tasks : *loaded)
    if (inputs.reads_kind(task.kind)) tasks.push_back(task);
  std::vector<StageRecord> stages;
  if (!inputs.states.empty()) {
    auto all_stages = store_->stages_of(id);
    if (!all_stages) return all_stages.status();
    for (StageRecord& stage : *all_stages)
      if (inputs.reads_state(stage.state)) stages.push_back(std::move(stage));
  }
  auto stored = store_->clocks_of(id);
  if (!stored) return stored.status();
  auto calendar = current_calendar();
  if (!calendar) return calendar.status();
  auto settings = current_settings();
  if (!settings) return settings.status();
  ClockContext context{record, tasks, stages, **calendar, *settings};
  const bool finished = workflow.is_final(record.state);
  for (const ClockInstance& instance : workflow.clocks(context)) {
    auto same = std::find_if(stored->begin(), stored->end(), [&](const ClockRecord& c) {
      return c.clock == instance.clock && c.cycle == instance.cycle;
    });
    if (same == stored->end()) {
      ClockRecord clock{id,
                        instance.clock,
                        instance.cycle,
                        instance.started_at,
                        instance.due_at,
                        format_date(london_date(instance.due_at)),
                        (*calendar)->version(),
                        instance.met_at,
                        finished && !instance.met_at,
                        record.team,
                        instance.anchor};
      if (auto s = store_->save_clock(clock, nullptr); !s) return s;
      continue;
    }
    if (same->met_at || same->stopped) continue;
    const ClockRecord before = *same;
    // A deadline once set keeps its due time (calendar or setting changes do not move it), unless
    // an anchor that had not happened (a birth) now sets an earlier one.
    bool changed = false;
    if (instance.anchor != same->anchor) {
      same->anchor = instance.anchor;
      same->due_at = instance.due_at;
      same->due_date = format_date(london_date(instance.due_at));
      same->calendar_version = (*calendar)->version();
      changed = true;
    }
    if (instance.met_at) {
      same->met_at = instance.met_at;
      changed = true;
    }
    if (changed)
      if (auto s = store_->save_clock(*same, &before); !s) return s;
  }
  if (finished)
    for (ClockRecord& clock : *stored)
      if (!clock.met_at && !clock.stopped) {
        const ClockRecord before = clock;
        clock.stopped = true;
        if (auto s = store_->save_clock(clock, &before); !s) return s;
      }
  return Status::ok();
}

// A command that only reads (no audit entry): one transaction, the acting user known and active,
// then rolled back.
template <class T, class Body>
Result<T> Engine::read_only(std::string_view as, Body&& body) {
  return serialised<T>(false, [&]() -> Result<T> {
    if (auto s = store_->begin_command(); !s) return s;
    auto found = store_->find_user(as);
    Result<T> result = Status::internal("unset");
    if (!found)
      result = found.status();
    else if (!found->has_value())
      result = Status::not_found("user " + shown_name(as) + " does not exist");
    else if (!(*found)->active)
      result = Status::refused("user " + shown_name(as) + " is inactive");
    else
      result = body();
    store_->rollback_command();
    return result;
  });
}

Status Engine::init(const std::string& admin_id, const std::string& admin_name) {
  if (auto s = check_identifier("admin id", admin_id); !s) return s;
  if (auto s = check_text("admin name", admin_name, false); !s) return s;
  auto result = serialised<bool>(false, [&]() -> Result<bool> {
    if (auto s = store_->begin_command(); !s) return s;
    auto any = store_->has_users();
    Status status = any.status();
    if (any && *any) status = Status::refused("the database is already initialised; an admin adds users");
    User admin{admin_id, admin_name.empty() ? admin_id : admin_name, Role::admin, "", true};
    if (status) status = store_->insert_user(admin);
    if (status) {
      DetailJson detail;
      detail.text("user", admin.id);
      detail.text("role", "admin");
      status = store_
                   ->append_audit(
                       AuditDraft{clock_->now(), std::nullopt, admin.id, "admin", "init", "accepted", detail.str()})
                   .status();
    }
    if (status) status = store_->commit_command();
    if (!status) store_->rollback_command();
    if (!status) return status;
    return true;
  });
  return result ? Status::ok() : result.status();
}

Status Engine::add_user(std::string_view as, const User& user) {
  auto result = serialised<bool>(false, [&] {
    return run_command<bool>(*store_, *clock_, as, "user_add", std::nullopt,
                             [&](const User& actor, AuditBuilder& audit) -> Result<bool> {
                               audit.detail.text("user", user.id.substr(0, max_id_bytes));
                               audit.detail.text("role", role_name(user.role));
                               if (actor.role != Role::admin)
                                 return Status::refused("only an admin adds users; " + actor.id + " is " +
                                                        std::string(role_name(actor.role)));
                               if (auto s = check_identifier("user id", user.id); !s) return s;
                               if (auto s = check_text("user name", user.name, false); !s) return s;
                               if (auto s = check_text("team", user.team, false); !s) return s;
                               auto existing = store_->find_user(user.id);
                               if (!existing) return existing.status();
                               if (existing->has_value())
                                 return Status::invalid_input("user " + shown_name(user.id) + " already exists");
                               User stored = user;
                               if (stored.name.empty()) stored.name = stored.id;
                               stored.active = true;
                               audit.detail.text("team", stored.team);
                               if (auto s = store_->insert_user(stored); !s) return s;
                               return true;
                             });
  });
  return result ? Status::ok() : result.status();
}

Status Engine::set_user_active(std::string_view as, std::string_view user_id, bool active) {
  auto result = serialised<bool>(false, [&] {
    return run_command<bool>(*store_, *clock_, as, "user_update", std::nullopt,
                             [&](const User& actor, AuditBuilder& audit) -> Result<bool> {
                               audit.detail.text("user", std::string(user_id.substr(0, max_id_bytes)));
                               audit.detail.flag("active", active);
                               if (actor.role != Role::admin)
                                 return Status::refused("only an admin changes users; " + actor.id + " is " +
                                                        std::string(role_name(actor.role)));
                               if (actor.id == user_id && !active)
                                 return Status::refused("an admin cannot deactivate themself");
                               auto existing = store_->find_user(user_id);
                               if (!existing) return existing.status();
                               if (!existing->has_value())
                                 return Status::not_found("user " + shown_name(user_id) + " does not exist");
                               if (auto s = store_->set_user_active(user_id, active); !s) return s;
                               return true;
                             });
  });
  return result ? Status::ok() : result.status();
}

Result<std::vector<User>> Engine::list_users(std::string_view as) {
  return read_only<std::vector<User>>(as, [&] { return store_->list_users(); });
}

Result<CaseRecord> Engine::open_case(std::string_view as, const OpenCaseRequest& request) {
  return serialised<CaseRecord>(false, [&] {
    return run_command<CaseRecord>(
        *store_, *clock_, as, "open", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<CaseRecord> {
          audit.detail.text("event", "open");
          audit.detail.text("workflow", request.workflow.substr(0, max_id_bytes));
          audit.detail.null("from");
          if (!works_cases(actor.role)) return Status::refused("an admin does not open cases");
          const Workflow* workflow = request.workflow_version
                                         ? workflows_.find(request.workflow, *request.workflow_version)
                                         : workflows_.latest(request.workflow);
          if (workflow == nullptr)
            return Status::invalid_input(
                "unknown workflow " + shown_name(request.workflow) +
                (request.workflow_version ? " version " + std::to_string(*request.workflow_version) : ""));
          if (auto s = check_text("subject", request.subject, true); !s) return s;
          if (auto s = check_text("team", request.team, false); !s) return s;
          Instant now = clock_->now();
          Instant received = request.received_at.value_or(now);
          if (received > now + allowed_clock_skew)
            return Status::invalid_input("received_at " + format_instant(received) + " is in the future");
          if (request.attributes.size() > max_attributes)
            return Status::invalid_input(std::to_string(request.attributes.size()) + " attributes given; at most " +
                                         std::to_string(max_attributes) + " are kept on a case");
          for (const AttributeRule& rule : workflow->required_attributes()) {
            auto given = request.attributes.find(rule.name);
            if (given == request.attributes.end() || given->second.empty())
              return Status::invalid_input(workflow->name() + " needs the attribute " + rule.name +
                                           (rule.is_date ? " (a date YYYY-MM-DD)" : ""));
            if (rule.is_date)
              if (auto date = parse_date(given->second, "attribute " + rule.name); !date) return date.status();
          }
          nlohmann::json attributes = nlohmann::json::object();
          for (const auto& [key, value] : request.attributes) {
            if (auto s = check_identifier("attribute name", key); !s) return s;
            if (auto s = check_text("attribute " + key, value, false); !s) return s;
            attributes[key] = value;
          }
          CaseRecord record;
          record.workflow = workflow->name();
          record.workflow_version = workflow->version();
          record.subject = request.subject;
          record.team = request.team.empty() ? actor.team : request.team;
          record.state = workflow->initial_state();
          record.attributes_json = attributes.dump();
          record.received_at = received;
          record.opened_at = now;
          record.state_entered_at = now;
          auto id = store_->insert_case(record);
          if (!id) return id.status();
          record.id = *id;
          const std::vector<TaskRecord> no_tasks;
          if (auto s = update_clocks(*workflow, record, &no_tasks); !s) return s;
          audit.draft.case_id = record.id;
          audit.detail.number("workflow_version", record.workflow_version);
          audit.detail.text("to", record.state);
          audit.detail.text("subject_sha256", sha256_hex(record.subject));
          audit.detail.text("received_at", format_instant(received));
          return record;
        });
  });
}

Result<TaskReceipt> Engine::record_task(std::string_view as, const RecordTaskRequest& request) {
  return serialised<TaskReceipt>(false, [&] {
    return run_command<TaskReceipt>(
        *store_, *clock_, as, "record", request.case_id,
        [&](const User& actor, AuditBuilder& audit) -> Result<TaskReceipt> {
          audit.detail.text("event", request.kind.substr(0, max_id_bytes));
          audit.detail.text("payload_sha256", sha256_hex(request.payload_json));
          if (!works_cases(actor.role)) return Status::refused("an admin does not record tasks");
          auto record = load_case(*store_, request.case_id);
          if (!record) return record.status();
          audit.detail.text("from", record->state);
          audit.detail.text("to", record->state);
          const TaskKindInfo* kind = find_task_kind(request.kind);
          if (kind == nullptr) return Status::invalid_input("unknown task kind " + shown_name(request.kind));
          if (kind->recorded_only_by && *kind->recorded_only_by != actor.role)
            return Status::refused(std::string(kind->name) + " is recorded only by a " +
                                   std::string(role_name(*kind->recorded_only_by)) + "; " + actor.id + " is " +
                                   std::string(role_name(actor.role)));
          auto payload = validate_payload(request.kind, request.payload_json);
          if (!payload) return payload.status();
          Instant now = clock_->now();
          Instant occurred = request.occurred_at.value_or(now);
          if (occurred > now + allowed_clock_skew)
            return Status::invalid_input("occurred_at " + format_instant(occurred) + " is in the future");
          if (occurred < record->received_at)
            return Status::invalid_input("occurred_at " + format_instant(occurred) + " is before " +
                                         case_name(record->id) + " was received (" +
                                         format_instant(record->received_at) + ")");
          TaskRecord task;
          task.case_id = record->id;
          task.kind = request.kind;
          task.payload_json = *payload;
          task.actor = actor.id;
          task.role = actor.role;
          task.state = record->state;
          task.stage = record->stage;
          task.occurred_at = occurred;
          task.recorded_at = now;
          auto id = store_->insert_task(task);
          if (!id) return id.status();
          const Workflow* workflow = workflows_.find(record->workflow, record->workflow_version);
          if (workflow == nullptr)
            return Status::internal(case_name(record->id) + " uses an unregistered workflow version");
          if (workflow->clock_inputs().reads_kind(task.kind))
            if (auto s = update_clocks(*workflow, *record, nullptr); !s) return s;
          audit.detail.number("task_id", *id);
          audit.detail.text("occurred_at", format_instant(occurred));
          return TaskReceipt{*id, record->id, task.kind, record->state, task.payload_json};
        });
  });
}

Result<FireResult> Engine::fire(std::string_view as, const FireRequest& request) {
  return serialised<FireResult>(false, [&] {
    return run_command<FireResult>(
        *store_, *clock_, as, "fire", request.case_id,
        [&](const User& actor, AuditBuilder& audit) -> Result<FireResult> {
          audit.detail.text("event", request.event.substr(0, max_id_bytes));
          if (!works_cases(actor.role)) return Status::refused("an admin does not fire events");
          auto record = load_case(*store_, request.case_id);
          if (!record) return record.status();
          audit.detail.text("from", record->state);
          audit.detail.text("to", record->state);
          if (request.expected_version && *request.expected_version != record->version)
            return Status::conflict(case_name(record->id) + " is at version " + std::to_string(record->version) +
                                    ", not the expected " + std::to_string(*request.expected_version));
          const Workflow* workflow = workflows_.find(record->workflow, record->workflow_version);
          if (workflow == nullptr)
            return Status::internal(case_name(record->id) + " uses workflow " + record->workflow + " version " +
                                    std::to_string(record->workflow_version) + ", which is not registered");
          FireResult result;
          result.case_id = record->id;
          result.event = request.event;
          result.from = record->state;
          result.to = record->state;
          result.version = record->version;
          if (request.override_gate) {
            if (auto s = check_text("override reason", request.reason, true); !s) return s;
            audit.detail.text("reason", request.reason);
            if (actor.role != Role::team_manager) {
              result.refusal = RefusalReason::role_not_allowed;
              result.message =
                  "only a team_manager may override a gate; " + actor.id + " is " + std::string(role_name(actor.role));
              audit.draft.outcome = "refused";
              audit.detail.text("message", result.message);
              return result;
            }
          }
          auto tasks = store_->tasks_of(record->id);
          if (!tasks) return tasks.status();
          std::vector<TaskFact> ledger = ledger_of(*tasks, record->stage);
          auto decision = workflow->decide(record->state, request.event, ledger, request.override_gate);
          if (!decision) return decision.status();
          switch (decision->kind) {
            case DecisionKind::unknown_event:
              return Status::invalid_input("unknown event " + shown_name(request.event) + " for workflow " +
                                           workflow->name());
            case DecisionKind::not_valid_in_state:
              result.refusal = RefusalReason::not_valid_in_state;
              result.message = request.event + " is not valid in state " + record->state + "; valid: " +
                               (decision->valid_events.empty() ? "none (final state)" : join(decision->valid_events));
              break;
            case DecisionKind::gated:
              result.refusal = RefusalReason::gate_unmet;
              result.missing = decision->missing;
              result.message = request.event + " refused: missing " + describe_all(result.missing);
              break;
            case DecisionKind::accepted: {
              Instant now = clock_->now();
              if (auto s = store_->move_case(record->id, record->version, decision->to, now); !s) return s;
              CaseRecord moved = *record;  // as move_case left it
              moved.state = decision->to;
              moved.stage += 1;
              moved.version += 1;
              moved.state_entered_at = now;
              if (workflow->clock_inputs().reads_state(moved.state) || workflow->is_final(moved.state))
                if (auto s = update_clocks(*workflow, moved, &*tasks); !s) return s;
              result.to = decision->to;
              result.version = record->version + 1;
              result.missing = decision->missing;
              if (result.missing.empty()) {
                result.outcome = FireOutcome::accepted;
                result.message = request.event + ": " + result.from + " -> " + result.to;
              } else {
                result.outcome = FireOutcome::override;
                result.message = request.event + " overridden by " + actor.id + ": " + result.from + " -> " +
                                 result.to + " without " + describe_all(result.missing);
              }
              break;
            }
          }
          audit.draft.outcome = std::string(fire_outcome_name(result.outcome));
          audit.detail.text("to", result.to);
          audit.detail.requirements("missing", result.missing);
          if (result.outcome == FireOutcome::refused) audit.detail.text("message", result.message);
          return result;
        });
  });
}

Result<CaseStatus> Engine::status(std::string_view as, CaseId case_id, std::optional<Instant> as_of) {
  return serialised<CaseStatus>(false, [&] {
    return run_command<CaseStatus>(
        *store_, *clock_, as, "view", case_id, [&](const User&, AuditBuilder& audit) -> Result<CaseStatus> {
          audit.detail.text("view", "status");
          auto record = load_case(*store_, case_id);
          if (!record) return record.status();
          const Workflow* workflow = workflows_.find(record->workflow, record->workflow_version);
          if (workflow == nullptr)
            return Status::internal(case_name(case_id) + " uses an unregistered workflow version");
          auto tasks = store_->tasks_of(case_id);
          if (!tasks) return tasks.status();
          std::vector<TaskFact> ledger = ledger_of(*tasks, record->stage);
          CaseStatus status;
          for (const auto& event : workflow->events_from(record->state)) {
            auto decision = workflow->decide(record->state, event, ledger, false);
            if (!decision) return decision.status();
            status.events.push_back(
                EventReadiness{event, decision->to, decision->kind == DecisionKind::accepted, decision->missing});
          }
          status.final = workflow->is_final(record->state);
          status.as_of = as_of.value_or(clock_->now());
          auto clocks = store_->clocks_of(case_id);
          if (!clocks) return clocks.status();
          std::stable_sort(clocks->begin(), clocks->end(),
                           [](const ClockRecord& a, const ClockRecord& b) { return a.started_at < b.started_at; });
          std::map<std::string, std::string> delay_reasons;  // the latest reason given for each clock wins
          for (const auto& t : *tasks)
            if (t.kind == "delay_reason") {
              auto payload = nlohmann::json::parse(t.payload_json, nullptr, false);
              if (payload.is_object()) delay_reasons[payload.value("clock", "")] = payload.value("reason", "");
            }
          for (ClockRecord& clock : *clocks) {
            auto reason = delay_reasons.find(clock.clock);
            status.clocks.push_back(ClockView{clock, clock.state(status.as_of),
                                              reason == delay_reasons.end() ? std::string() : reason->second});
          }
          status.record = std::move(*record);
          return status;
        });
  });
}

Result<std::vector<AuditEntry>> Engine::history(std::string_view as, CaseId case_id) {
  return serialised<std::vector<AuditEntry>>(false, [&] {
    return run_command<std::vector<AuditEntry>>(
        *store_, *clock_, as, "view", case_id,
        [&](const User&, AuditBuilder& audit) -> Result<std::vector<AuditEntry>> {
          audit.detail.text("view", "history");
          auto record = load_case(*store_, case_id);
          if (!record) return record.status();
          return store_->audit_of_case(case_id);
        });
  });
}

Result<ChainReport> Engine::verify(const Checkpoint* checkpoint, std::string_view pinned_public_key) {
  return serialised<ChainReport>(true, [&]() -> Result<ChainReport> {
    auto report = store_->verify_chain();
    if (!report || !report->ok || checkpoint == nullptr) return report;
    auto broken = [&](std::int64_t seq, std::string problem) {
      report->ok = false;
      report->first_bad_seq = seq;
      report->problem = std::move(problem);
      return report;
    };
    if (Status signature = check_checkpoint_signature(*checkpoint, pinned_public_key); !signature)
      return broken(0, signature.message());
    const ChainHead& held = checkpoint->head;
    if (report->head.seq < held.seq)
      return broken(report->head.seq + 1, "the log ends at entry " + std::to_string(report->head.seq) +
                                              " but the checkpoint of " + format_instant(checkpoint->at) +
                                              " holds entry " + std::to_string(held.seq) + ": entries were removed");
    auto hash = store_->audit_hash_at(held.seq);
    if (!hash) return hash.status();
    if (held.seq > 0 && (!hash->has_value() || **hash != held.hash))
      return broken(held.seq, "entry " + std::to_string(held.seq) + " is not the one checkpointed at " +
                                  format_instant(checkpoint->at) + ": the log was rewritten");
    return report;
  });
}

Result<Checkpoint> Engine::checkpoint(std::string_view private_key_pem) {
  auto report = verify();
  if (!report) return report.status();
  if (!report->ok)
    return Status::integrity("audit chain does not verify at entry " + std::to_string(report->first_bad_seq) + ": " +
                             report->problem + "; not checkpointed");
  return sign_checkpoint(report->head, clock_->now(), private_key_pem);
}

}  // namespace casegate

namespace casegate {
namespace {

bool may_oversee(Role role) {
  return role != Role::social_worker;
}
bool may_configure(Role role) {
  return role == Role::team_manager || role == Role::admin;
}

}  // namespace

Status Engine::set_setting(std::string_view as, std::string_view key, std::string_view value) {
  auto result = serialised<bool>(false, [&] {
    return run_command<bool>(
        *store_, *clock_, as, "settings", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<bool> {
          audit.detail.text("key", key.substr(0, max_id_bytes));
          audit.detail.text("value", value.substr(0, max_id_bytes));
          if (!may_configure(actor.role)) return Status::refused("only a team_manager or an admin changes settings");
          if (key == "calendar.jurisdiction") {
            if (!parse_jurisdiction(value))
              return Status::invalid_input("calendar.jurisdiction: " + shown_name(value) +
                                           " is not england_and_wales, scotland or northern_ireland");
            if (auto s = store_->set_setting(key, value); !s) return s;
            if (auto s = store_->add_calendar_change("jurisdiction", std::nullopt, value); !s) return s;
            return true;
          }
          const Settings::Definition* definition = Settings::find(key);
          if (definition == nullptr) return Status::invalid_input("unknown setting " + shown_name(key));
          std::int64_t number = 0;
          auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
          if (error != std::errc() || end != value.data() + value.size())
            return Status::invalid_input(definition->key + ": " + shown_name(value) + " is not a whole number");
          if (number < definition->min || number > definition->max)
            return Status::invalid_input(definition->key + ": " + std::to_string(number) + " is outside " +
                                         std::to_string(definition->min) + ".." + std::to_string(definition->max));
          if (auto s = store_->set_setting(key, std::to_string(number)); !s) return s;
          return true;
        });
  });
  return result ? Status::ok() : result.status();
}

Result<std::vector<SettingView>> Engine::settings(std::string_view as) {
  return read_only<std::vector<SettingView>>(as, [&]() -> Result<std::vector<SettingView>> {
    auto stored = store_->settings();
    if (!stored) return stored.status();
    std::vector<SettingView> list;
    auto jurisdiction = stored->find("calendar.jurisdiction");
    list.push_back({"calendar.jurisdiction", jurisdiction == stored->end() ? "england_and_wales" : jurisdiction->second,
                    jurisdiction == stored->end(), "bank holidays by the rules of this jurisdiction"});
    for (const auto& d : Settings::definitions()) {
      auto it = stored->find(d.key);
      list.push_back(
          {d.key, it == stored->end() ? std::to_string(d.default_value) : it->second, it == stored->end(), d.meaning});
    }
    return list;
  });
}

Status Engine::change_calendar(std::string_view as, std::string_view kind, Date date, std::string_view reason) {
  auto result = serialised<bool>(false, [&] {
    return run_command<bool>(
        *store_, *clock_, as, "calendar", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<bool> {
          audit.detail.text("change", kind.substr(0, max_id_bytes));
          audit.detail.text("date", format_date(date));
          audit.detail.text("reason", reason.substr(0, max_text_bytes));
          if (!may_configure(actor.role))
            return Status::refused("only a team_manager or an admin changes the calendar");
          if (kind != "closure" && kind != "working")
            return Status::invalid_input("calendar change " + shown_name(kind) + " is not closure or working");
          if (!date.ok()) return Status::invalid_input("not a date");
          if (auto s = check_text("reason", reason, true); !s) return s;
          if (auto s = store_->add_calendar_change(kind, date, reason); !s) return s;
          return true;
        });
  });
  return result ? Status::ok() : result.status();
}

Result<std::shared_ptr<const Calendar>> Engine::calendar(std::string_view as) {
  return read_only<std::shared_ptr<const Calendar>>(as, [&] { return current_calendar(); });
}

// A report: run as a command so that it is audited as a view, read only.
template <class T, class Body>
Result<T> run_report(CaseStore& store, const Clock& clock, std::string_view as, std::string_view report, Body&& body) {
  return run_command<T>(store, clock, as, "view", std::nullopt,
                        [&](const User& actor, AuditBuilder& audit) -> Result<T> {
                          audit.detail.text("report", report);
                          if (!may_oversee(actor.role))
                            return Status::refused("oversight reports are for managers, chairs and auditors");
                          return body(audit);
                        });
}

Result<OverdueReport> Engine::overdue(std::string_view as, std::optional<Instant> as_of, std::string_view team,
                                      std::int64_t limit) {
  return serialised<OverdueReport>(false, [&] {
    return run_report<OverdueReport>(*store_, *clock_, as, "overdue",
                                     [&](AuditBuilder& audit) -> Result<OverdueReport> {
                                       Instant when = as_of.value_or(clock_->now());
                                       audit.detail.text("as_of", format_instant(when));
                                       if (!team.empty()) audit.detail.text("team", team.substr(0, max_text_bytes));
                                       if (limit < 1 || limit > 100000)
                                         return Status::invalid_input("limit must be 1..100000");
                                       return store_->overdue_clocks(when, team, limit);
                                     });
  });
}

Result<TimelinessReport> Engine::timeliness(std::string_view as, Date from, Date to, std::optional<Instant> as_of,
                                            bool by_team) {
  return serialised<TimelinessReport>(false, [&] {
    return run_report<TimelinessReport>(*store_, *clock_, as, "timeliness",
                                        [&](AuditBuilder& audit) -> Result<TimelinessReport> {
                                          audit.detail.text("from", format_date(from));
                                          audit.detail.text("to", format_date(to));
                                          if (std::chrono::sys_days{to} < std::chrono::sys_days{from})
                                            return Status::invalid_input("--to is before --from");
                                          return store_->timeliness(from, to, as_of.value_or(clock_->now()), by_team);
                                        });
  });
}

Result<std::vector<AuditEntry>> Engine::exceptions(std::string_view as, std::string_view outcome, Instant from,
                                                   Instant to) {
  return serialised<std::vector<AuditEntry>>(false, [&] {
    return run_report<std::vector<AuditEntry>>(*store_, *clock_, as, outcome == "override" ? "overrides" : "refusals",
                                               [&](AuditBuilder& audit) -> Result<std::vector<AuditEntry>> {
                                                 audit.detail.text("from", format_instant(from));
                                                 audit.detail.text("to", format_instant(to));
                                                 if (outcome != "refused" && outcome != "override")
                                                   return Status::invalid_input("outcome must be refused or override");
                                                 return store_->audit_with_outcome(outcome, from, to);
                                               });
  });
}

Result<std::vector<VoiceRow>> Engine::voice(std::string_view as, Instant from, Instant to, std::string_view team) {
  return serialised<std::vector<VoiceRow>>(false, [&] {
    return run_report<std::vector<VoiceRow>>(*store_, *clock_, as, "voice",
                                             [&](AuditBuilder& audit) -> Result<std::vector<VoiceRow>> {
                                               audit.detail.text("from", format_instant(from));
                                               audit.detail.text("to", format_instant(to));
                                               return store_->voice(from, to, team);
                                             });
  });
}

Result<std::vector<StrategyMeetingRow>> Engine::strategy_meetings(std::string_view as, Instant from, Instant to,
                                                                  std::string_view team) {
  return serialised<std::vector<StrategyMeetingRow>>(false, [&] {
    return run_report<std::vector<StrategyMeetingRow>>(
        *store_, *clock_, as, "strategy_meetings", [&](AuditBuilder& audit) -> Result<std::vector<StrategyMeetingRow>> {
          audit.detail.text("from", format_instant(from));
          audit.detail.text("to", format_instant(to));
          return store_->strategy_meetings(from, to, team);
        });
  });
}

Result<std::vector<ActionsRow>> Engine::actions(std::string_view as, std::optional<Instant> as_of, bool by_theme) {
  return serialised<std::vector<ActionsRow>>(false, [&] {
    return run_report<std::vector<ActionsRow>>(*store_, *clock_, as, "actions",
                                               [&](AuditBuilder& audit) -> Result<std::vector<ActionsRow>> {
                                                 Instant when = as_of.value_or(clock_->now());
                                                 audit.detail.text("as_of", format_instant(when));
                                                 auto rows = store_->actions(when, by_theme);
                                                 if (rows && !by_theme && rows->size() == 1 &&
                                                     rows->front().completed_on_time + rows->front().completed_late +
                                                             rows->front().open_overdue + rows->front().open_on_track ==
                                                         0)
                                                   rows->clear();
                                                 return rows;
                                               });
  });
}

Result<std::vector<MigrationItem>> Engine::migration_plan(std::string_view name, int to_version,
                                                          const std::vector<CaseId>& selected) {
  const Workflow* target = workflows_.find(name, to_version);
  if (target == nullptr)
    return Status::invalid_input("no workflow " + shown_name(name) + " version " + std::to_string(to_version));
  auto candidates = store_->cases_below_version(name, to_version);
  if (!candidates) return candidates.status();
  std::vector<MigrationItem> plan;
  for (const CaseRecord& record : *candidates) {
    if (!selected.empty() && std::find(selected.begin(), selected.end(), record.id) == selected.end()) continue;
    const Workflow* source = workflows_.find(name, record.workflow_version);
    if (source == nullptr) return Status::internal(case_name(record.id) + " uses an unregistered workflow version");
    if (source->is_final(record.state)) continue;  // closed cases keep the version they ended with
    MigrationItem item{record.id, record.workflow_version, record.state, "", true, {}};
    if (target->has_state(record.state))
      item.new_state = record.state;
    else if (auto renamed = target->state_renames().find(record.state);
             renamed != target->state_renames().end() && target->has_state(renamed->second))
      item.new_state = renamed->second;
    item.mappable = !item.new_state.empty();
    if (item.mappable) {
      auto tasks = store_->tasks_of(record.id);
      if (!tasks) return tasks.status();
      std::vector<TaskFact> ledger = ledger_of(*tasks, record.stage);
      std::vector<std::string> events = source->events_from(record.state);
      for (const auto& e : target->events_from(item.new_state))
        if (std::find(events.begin(), events.end(), e) == events.end()) events.push_back(e);
      for (const auto& event : events) {
        auto before = source->decide(record.state, event, ledger, false);
        auto after = target->decide(item.new_state, event, ledger, false);
        if (!before || !after) return before ? after.status() : before.status();
        MigrationItem::EventChange change{event,
                                          before->kind == DecisionKind::accepted,
                                          after->kind == DecisionKind::accepted,
                                          before->kind == DecisionKind::accepted || before->kind == DecisionKind::gated,
                                          after->kind == DecisionKind::accepted || after->kind == DecisionKind::gated,
                                          after->missing};
        if (change.ready_before != change.ready_after || change.exists_before != change.exists_after ||
            (!change.ready_after && before->missing != after->missing))
          item.changes.push_back(std::move(change));
      }
    }
    plan.push_back(std::move(item));
  }
  for (CaseId id : selected)
    if (std::none_of(plan.begin(), plan.end(), [&](const MigrationItem& i) { return i.case_id == id; }))
      return Status::not_found(case_name(id) + " is not an open " + std::string(name) + " case below version " +
                               std::to_string(to_version));
  return plan;
}

Result<std::vector<MigrationItem>> Engine::plan_migration(std::string_view as, std::string_view workflow,
                                                          int to_version, const std::vector<CaseId>& cases) {
  return serialised<std::vector<MigrationItem>>(false, [&] {
    return run_command<std::vector<MigrationItem>>(
        *store_, *clock_, as, "view", std::nullopt,
        [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<MigrationItem>> {
          audit.detail.text("report", "migration plan");
          audit.detail.text("workflow", workflow.substr(0, max_id_bytes));
          audit.detail.number("to_version", to_version);
          if (!may_configure(actor.role)) return Status::refused("only a team_manager or an admin migrates cases");
          return migration_plan(workflow, to_version, cases);
        });
  });
}

Result<std::vector<MigrationItem>> Engine::migrate(std::string_view as, std::string_view workflow, int to_version,
                                                   const std::vector<CaseId>& cases) {
  return serialised<std::vector<MigrationItem>>(false, [&] {
    // One transaction: an audit entry for each case moved, and run_command's own entry for the
    // migration as a whole.
    return run_command<std::vector<MigrationItem>>(
        *store_, *clock_, as, "migrate", std::nullopt,
        [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<MigrationItem>> {
          audit.detail.text("workflow", workflow.substr(0, max_id_bytes));
          audit.detail.number("to_version", to_version);
          if (!may_configure(actor.role)) return Status::refused("only a team_manager or an admin migrates cases");
          auto plan = migration_plan(workflow, to_version, cases);
          if (!plan) return plan;
          std::string unmappable;
          for (const auto& item : *plan)
            if (!item.mappable)
              unmappable += (unmappable.empty() ? "" : ", ") + case_name(item.case_id) + " (" + item.state + ")";
          if (!unmappable.empty())
            return Status::refused("version " + std::to_string(to_version) + " has no place for " + unmappable +
                                   ": give the state a mapping in the new version; nothing was migrated");
          for (const auto& item : *plan) {
            auto record = load_case(*store_, item.case_id);
            if (!record) return record.status();
            if (auto s = store_->migrate_case(item.case_id, record->version, to_version, item.new_state); !s) return s;
            DetailJson detail;
            detail.text("workflow", workflow);
            detail.number("from_version", item.from_version);
            detail.number("to_version", to_version);
            detail.text("from", item.state);
            detail.text("to", item.new_state);
            auto entry = store_->append_audit(AuditDraft{clock_->now(), item.case_id, actor.id,
                                                         std::string(role_name(actor.role)), "migrate", "accepted",
                                                         detail.str()});
            if (!entry) return entry.status();
          }
          audit.detail.number("cases", static_cast<std::int64_t>(plan->size()));
          return plan;
        });
  });
}

Status Engine::export_table(std::string_view as, std::string_view table,
                            const std::function<void(const ExportTable&)>& chunk) {
  auto result = serialised<bool>(false, [&] {
    return run_report<bool>(*store_, *clock_, as, "export", [&](AuditBuilder& audit) -> Result<bool> {
      audit.detail.text("table", table.substr(0, max_id_bytes));
      if (auto s = store_->export_table(table, chunk); !s) return s;
      return true;
    });
  });
  return result ? Status::ok() : result.status();
}

}  // namespace casegate
