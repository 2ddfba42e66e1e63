// casegate-bench floor: W1's storage work on casegate's own store, with nothing else. The same
// calls in the same transactions as the engine makes for each W1 command (read the user, the
// case, its tasks, its stages and clocks where the engine does; write the task, case, stage,
// clock and hash-chained audit rows), through the store's own seams and so its own statements,
// with the values scripted: no workflow, no payload validation, no JSON, no calendar. What the
// engine adds is the ratio of casegate-bench w1 to this, measured in the same run.
#include "storage_floor.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "casegate/sqlite_store.hpp"
#include "w1_workload.hpp"

namespace casegate::bench {
namespace {

// W1's worker and chair (w1_workload.hpp) record and fire, as in the engine's run.

// A clock the script starts, or meets, in one command.
struct ClockWrite {
  const char* clock;
  bool meets;  // else starts
  std::chrono::hours due_in;
};

// One W1 command as storage sees it.
struct ScriptedCommand {
  enum class Kind { open, record, fire } kind;
  const char* name;  // task kind or event
  const char* payload;
  const char* actor;
  const char* outcome;
  const char* to;  // accepted fire: the new state
  bool clock_pass;
  std::vector<ClockWrite> clocks;
  const char* detail;  // the audit detail, of the engine's length and shape
};

const std::vector<ScriptedCommand>& script() {
  using K = ScriptedCommand::Kind;
  using std::chrono::hours;
  // One command a line: the script reads as W1's table.
  // clang-format off
  static const std::vector<ScriptedCommand> commands{
      {K::open, "open", nullptr, worker, "accepted", nullptr, true, {{"referral_decision", false, hours(40)}},
       R"({"event":"open","workflow":"child_protection","from":null,"workflow_version":2,"to":"referral","subject_sha256":"1f1cca61060db50b148e7bc596c766938c14b807d4d5865f6510bbaab3fe4be9","received_at":"2026-11-26T04:54:48.179Z"})"},
      {K::record, "referral_decision", R"({"decision":"significant_harm","urgency":"within_24h"})", worker, "accepted", nullptr, true,
       {{"referral_decision", true, hours(40)}, {"strategy_discussion", false, hours(24)}, {"assessment", false, hours(24 * 63)}},
       R"({"event":"referral_decision","payload_sha256":"4a9da5672029ebfde79b5a95d4067b945da95c90481bcd2647496e74db3708f3","from":"referral","to":"referral","task_id":1,"occurred_at":"2026-11-26T04:54:48.179Z"})"},
      {K::fire, "refer_to_strategy", nullptr, worker, "accepted", "strategy_discussion", false, {},
       R"({"event":"refer_to_strategy","from":"referral","to":"strategy_discussion","missing":[]})"},
      {K::fire, "start_section_47", nullptr, worker, "refused", nullptr, false, {},
       R"({"event":"start_section_47","from":"strategy_discussion","to":"strategy_discussion","missing":[{"task":"strategy_meeting","condition":"participants include social_care, police, health","role":null,"scope":"stage"}],"message":"start_section_47 refused: missing strategy_meeting with participants include social_care, police, health"})"},
      {K::record, "strategy_meeting", R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"written"}]})", worker, "accepted", nullptr, true,
       {{"strategy_discussion", true, hours(24)}},
       R"({"event":"strategy_meeting","payload_sha256":"fa72cf3052af4a39a461bfcc127dadce72b60628e0af04110ca25ac680ee93b8","from":"strategy_discussion","to":"strategy_discussion","task_id":2,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "start_section_47", nullptr, worker, "accepted", "section_47_enquiry", true, {{"initial_conference", false, hours(24 * 21)}},
       R"({"event":"start_section_47","from":"strategy_discussion","to":"section_47_enquiry","missing":[]})"},
      {K::record, "assessment", R"({"outcome":"concerns_substantiated","type":"section_47"})", worker, "accepted", nullptr, true,
       {{"assessment", true, hours(24 * 63)}},
       R"({"event":"assessment","payload_sha256":"ba7265027bca50f9208e69176efbbe135af6b07442d6369bfc585a515e135e97","from":"section_47_enquiry","to":"section_47_enquiry","task_id":3,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "convene_initial_conference", nullptr, worker, "refused", nullptr, false, {},
       R"({"event":"convene_initial_conference","from":"section_47_enquiry","to":"section_47_enquiry","missing":[{"task":"voice_of_child","condition":null,"role":null,"scope":"stage"}],"message":"convene_initial_conference refused: missing voice_of_child"})"},
      {K::record, "voice_of_child", R"({"child_seen":true,"method":"direct","seen_alone":true,"summary":"Child seen alone at school; said she feels scared when dad shouts and wants help."})", worker, "accepted", nullptr, false, {},
       R"({"event":"voice_of_child","payload_sha256":"d192bb5103a47b71a98903f5ba1c6357dfcd8f8e8dfb80d714410339df28a9de","from":"section_47_enquiry","to":"section_47_enquiry","task_id":4,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "convene_initial_conference", nullptr, worker, "accepted", "initial_conference", false, {},
       R"({"event":"convene_initial_conference","from":"section_47_enquiry","to":"initial_conference","missing":[]})"},
      {K::record, "conference_decision", R"({"category":"neglect","outcome":"plan"})", chair, "accepted", nullptr, true,
       {{"initial_conference", true, hours(24 * 21)}, {"core_group", false, hours(24 * 14)}, {"review_conference", false, hours(24 * 92)}},
       R"({"event":"conference_decision","payload_sha256":"24a85cd1ead6ceceed7ae14e1b339f417e6378165dc54f37504e6773b02afe96","from":"initial_conference","to":"initial_conference","task_id":5,"occurred_at":"2026-11-26T04:54:48.180Z"})"},
      {K::fire, "start_plan", nullptr, worker, "accepted", "child_protection_plan", false, {},
       R"({"event":"start_plan","from":"initial_conference","to":"child_protection_plan","missing":[]})"},
  };
  // clang-format on
  return commands;
}

// Stops the run: the floor is only a floor if every write happened.
template <class T>
T value(Result<T> result) {
  if (!result) throw std::runtime_error("storage floor: " + result.status().to_string());
  return std::move(*result);
}
void check(const Status& status) {
  if (!status) throw std::runtime_error("storage floor: " + status.to_string());
}

// Runs the script through the store's own seams: its statements, its caches, its transactions.
class Floor {
 public:
  explicit Floor(const Storage& storage) : store_(storage) {}

  // Returns the case's id.
  CaseId run_case(const Instant now) {
    CaseRecord record;
    for (const ScriptedCommand& command : script()) {
      check(store_.transactions->begin_command());
      const User actor = *value(store_.cases->find_user(command.actor));
      if (command.kind == ScriptedCommand::Kind::open) {
        record = CaseRecord{0, "child_protection", 2, "CHILD", "north", "referral", 1, 1, "{}", now, now, now, ""};
        record.id = value(store_.cases->insert_case(record));
      } else {
        record = *value(store_.cases->find_case(record.id));
      }
      if (command.kind == ScriptedCommand::Kind::record)
        value(store_.cases->insert_task(TaskRecord{0, record.id, command.name, command.payload, actor.id, actor.role,
                                                   record.state, record.stage, now, now}));
      bool reads_tasks = command.kind == ScriptedCommand::Kind::fire || command.clock_pass;
      if (reads_tasks && command.kind != ScriptedCommand::Kind::open) value(store_.cases->tasks_of(record.id));
      if (command.to) check(store_.cases->move_case(record.id, record.version, command.to, now));
      if (command.clock_pass) clock_pass(record, command, now);
      const char* action = command.kind == ScriptedCommand::Kind::open     ? "open"
                           : command.kind == ScriptedCommand::Kind::record ? "record"
                                                                           : "fire";
      value(store_.audit->append(AuditDraft{now, record.id, actor.id, std::string(role_name(actor.role)), action,
                                            command.outcome, command.detail}));
      check(store_.transactions->commit_command());
    }
    return record.id;
  }

 private:
  void clock_pass(const CaseRecord& record, const ScriptedCommand& command, Instant now) {
    value(store_.cases->stages_of(record.id));
    std::vector<ClockRecord> stored = value(store_.cases->clocks_of(record.id));
    for (const ClockWrite& write : command.clocks) {
      const Instant due = now + write.due_in;
      if (!write.meets) {
        ClockRecord started{record.id, write.clock,  1,     now,         due, format_date(london_date(due)),
                            0,         std::nullopt, false, record.team, ""};
        check(store_.cases->save_clock(started, nullptr));
        continue;
      }
      auto same =
          std::find_if(stored.begin(), stored.end(), [&](const ClockRecord& c) { return c.clock == write.clock; });
      if (same == stored.end()) throw std::runtime_error(std::string("storage floor: no clock ") + write.clock);
      const ClockRecord before = *same;
      same->met_at = now;
      check(store_.cases->save_clock(*same, &before));
    }
  }

  const Storage& store_;
};

}  // namespace

FloorFigures storage_floor(const std::string& path, int cases, const std::string& synchronous,
                           bool wal_checkpoint_in_background) {
  SqliteOptions options;
  options.synchronous = synchronous == "FULL"     ? Synchronous::full
                        : synchronous == "NORMAL" ? Synchronous::normal
                                                  : Synchronous::off;
  options.wal_checkpoint_in_background = wal_checkpoint_in_background;
  const Storage storage = value(open_sqlite_store(path, options));
  check(storage.transactions->begin_command());
  check(storage.cases->insert_user(User{worker, "Sam Jones", Role::social_worker, "north", true}));
  check(storage.cases->insert_user(User{chair, "Priya Patel", Role::conference_chair, "", true}));
  check(storage.transactions->commit_command());
  Floor floor(storage);
  const Instant now = SystemClock().now();
  std::vector<CaseId> ids;
  ids.reserve(static_cast<std::size_t>(cases));
  const auto pages_before = sqlite_wal_pages_appended();
  const double cpu_before = process_cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < cases; ++n) ids.push_back(floor.run_case(now));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = process_cpu_seconds() - cpu_before;
  const auto pages = sqlite_wal_pages_appended() - pages_before;
  for (CaseId id : ids) {
    auto entries = value(storage.audit->entries_of_case(id));
    if (value(storage.cases->find_case(id))->state != "child_protection_plan" || entries.size() != 12)
      throw std::runtime_error("the storage floor did not leave every case in a plan with 12 audit entries");
  }
  return {12L * cases, seconds, static_cast<long>(pages), cpu_seconds};
}

}  // namespace casegate::bench
