// Commands on a case: open it, record a task, fire an event.
#include <nlohmann/json.hpp>

#include "casegate/digest.hpp"
#include "casegate/task_kinds.hpp"
#include "engine_impl.hpp"

namespace casegate {

Result<CaseRecord> Engine::open_case(std::string_view as, const OpenCaseRequest& request) {
  return impl_->runner.audited<CaseRecord>(
      as, "open", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<CaseRecord> {
        audit.detail.text("event", "open");
        audit.detail.text("workflow", request.workflow.substr(0, max_id_bytes));
        audit.detail.null("from");
        if (actor.role != Role::social_worker && actor.role != Role::team_manager)
          return Status::refused("a " + std::string(role_name(actor.role)) +
                                 " does not open cases; social workers and team managers do");
        if (actor.team.empty()) return access_denied(actor, 0);
        if (!request.team.empty() && request.team != actor.team)
          return Status::refused(actor.id + " opens cases for their own team, " + shown_name(actor.team) +
                                 "; a team manager transfers a case to another team");
        const Workflow* workflow = request.workflow_version
                                       ? impl_->workflows.find(request.workflow, *request.workflow_version)
                                       : impl_->workflows.latest(request.workflow);
        if (workflow == nullptr)
          return Status::invalid_input(
              "unknown workflow " + shown_name(request.workflow) +
              (request.workflow_version ? " version " + std::to_string(*request.workflow_version) : ""));
        if (auto s = check_text("subject", request.subject, true); !s) return s;
        if (auto s = check_text("team", request.team, false); !s) return s;
        Instant now = impl_->clock->now();
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
        record.team = actor.team;
        record.state = workflow->initial_state();
        record.attributes_json = attributes.dump();
        record.received_at = received;
        record.opened_at = now;
        record.state_entered_at = now;
        auto id = impl_->cases().insert_case(record);
        if (!id) return id.status();
        record.id = *id;
        const std::vector<TaskRecord> no_tasks;
        if (auto s = impl_->update_clocks(*workflow, record, &no_tasks); !s) return s;
        audit.draft.case_id = record.id;
        audit.detail.number("workflow_version", record.workflow_version);
        audit.detail.text("to", record.state);
        audit.detail.text("subject_sha256", sha256_hex(record.subject));
        audit.detail.text("received_at", format_instant(received));
        return record;
      });
}

Result<TaskReceipt> Engine::record_task(std::string_view as, const RecordTaskRequest& request) {
  const TaskKindCatalogue& kinds = impl_->workflows.task_kinds();
  // Worked out before the command queues, from the request alone: under group commit one thread
  // runs a whole batch, and parsing, checking and hashing payloads is work any caller can do.
  // Its outcome is used at the same point as before, so the checks keep their order.
  const std::string payload_sha256 = sha256_hex(request.payload_json);
  const Result<std::string> payload = kinds.validate_payload(request.kind, request.payload_json);
  return impl_->runner.audited<TaskReceipt>(
      as, "record", request.case_id, [&](const User& actor, AuditBuilder& audit) -> Result<TaskReceipt> {
        audit.detail.text("event", request.kind.substr(0, max_id_bytes));
        audit.detail.text("payload_sha256", payload_sha256);
        auto record = impl_->case_for(actor, request.case_id, CaseRight::record, audit.detail);
        if (!record) return record.status();
        audit.detail.text("from", record->state);
        audit.detail.text("to", record->state);
        const TaskKind* kind = kinds.find(request.kind);
        if (kind == nullptr) return Status::invalid_input("unknown task kind " + shown_name(request.kind));
        if (kind->recorded_only_by && *kind->recorded_only_by != actor.role)
          return Status::refused(kind->name + " is recorded only by " +
                                 with_article(role_name(*kind->recorded_only_by)) + "; " + actor.id + " is " +
                                 std::string(role_name(actor.role)));
        if (!kind->recorded_only_by && actor.role != Role::social_worker && actor.role != Role::team_manager)
          return Status::refused(kind->name + " is a case task, recorded by a social_worker or team_manager; " +
                                 actor.id + " is " + std::string(role_name(actor.role)));
        if (!payload) return payload.status();
        Instant now = impl_->clock->now();
        Instant occurred = request.occurred_at.value_or(now);
        if (occurred > now + allowed_clock_skew)
          return Status::invalid_input("occurred_at " + format_instant(occurred) + " is in the future");
        if (occurred < record->received_at)
          return Status::invalid_input("occurred_at " + format_instant(occurred) + " is before " +
                                       case_name(record->id) + " was received (" + format_instant(record->received_at) +
                                       ")");
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
        auto id = impl_->cases().insert_task(task);
        if (!id) return id.status();
        auto workflow = impl_->workflow_of(*record);
        if (!workflow) return workflow.status();
        if ((*workflow)->clock_inputs().reads_kind(task.kind))
          if (auto s = impl_->update_clocks(**workflow, *record, nullptr); !s) return s;
        audit.detail.number("task_id", *id);
        audit.detail.text("occurred_at", format_instant(occurred));
        return TaskReceipt{*id, record->id, task.kind, record->state, task.payload_json};
      });
}

Result<FireResult> Engine::fire(std::string_view as, const FireRequest& request) {
  return impl_->runner.audited<FireResult>(
      as, "fire", request.case_id, [&](const User& actor, AuditBuilder& audit) -> Result<FireResult> {
        audit.detail.text("event", request.event.substr(0, max_id_bytes));
        auto record = impl_->case_for(actor, request.case_id,
                                      request.override_gate ? CaseRight::override_gate : CaseRight::fire, audit.detail);
        if (!record) return record.status();
        audit.detail.text("from", record->state);
        audit.detail.text("to", record->state);
        if (request.expected_version && *request.expected_version != record->version)
          return Status::conflict(case_name(record->id) + " is at version " + std::to_string(record->version) +
                                  ", not the expected " + std::to_string(*request.expected_version));
        auto found = impl_->workflow_of(*record);
        if (!found) return found.status();
        const Workflow* workflow = *found;
        FireResult result;
        result.case_id = record->id;
        result.event = request.event;
        result.from = record->state;
        result.to = record->state;
        result.version = record->version;
        if (request.override_gate) {
          if (auto s = check_text("override reason", request.reason, true); !s) return s;
          audit.detail.text("reason", request.reason);
        }
        auto tasks = impl_->cases().tasks_of(record->id);
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
            Instant now = impl_->clock->now();
            if (auto s = impl_->cases().move_case(record->id, record->version, decision->to, now); !s) return s;
            CaseRecord moved = *record;  // as move_case left it
            moved.state = decision->to;
            moved.stage += 1;
            moved.version += 1;
            moved.state_entered_at = now;
            if (workflow->clock_inputs().reads_state(moved.state) || workflow->is_final(moved.state))
              if (auto s = impl_->update_clocks(*workflow, moved, &*tasks); !s) return s;
            result.to = decision->to;
            result.version = record->version + 1;
            result.missing = decision->missing;
            if (result.missing.empty()) {
              result.outcome = FireOutcome::accepted;
              result.message = request.event + ": " + result.from + " -> " + result.to;
            } else {
              result.outcome = FireOutcome::override;
              result.message = request.event + " overridden by " + actor.id + ": " + result.from + " -> " + result.to +
                               " without " + describe_all(result.missing);
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
}

}  // namespace casegate
