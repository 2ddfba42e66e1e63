// `casegate demo`: one child-protection case from referral to a plan, through the public API,
// with the refusals a social worker would meet on the way.
#include <filesystem>
#include <iostream>

#include "cli.hpp"

namespace casegate::cli {
namespace {

class Demo {
 public:
  explicit Demo(Engine& engine) : engine_(engine) {}

  void say(const std::string& text) { std::cout << "\n== " << text << "\n"; }

  bool record(const std::string& as, CaseId id, const std::string& kind, const std::string& payload) {
    std::cout << "$ casegate --as " << as << " record " << id << " " << kind << " --data '" << payload << "'\n";
    auto receipt = engine_.record_task(as, RecordTaskRequest{id, kind, payload, std::nullopt});
    if (!receipt) {
      std::cout << "refused: " << receipt.status().message() << "\n";
      return false;
    }
    print_record(std::cout, *receipt);
    return true;
  }

  FireOutcome fire(const std::string& as, CaseId id, const std::string& event) {
    std::cout << "$ casegate --as " << as << " fire " << id << " " << event << "\n";
    auto result = engine_.fire(as, FireRequest{id, event, false, "", std::nullopt});
    if (!result) {
      failed_ = result.status();
      return FireOutcome::refused;
    }
    print_fire(std::cout, *result);
    return result->outcome;
  }

  Status failed() const { return failed_; }

 private:
  Engine& engine_;
  Status failed_;
};

}  // namespace

int run_demo(const Globals& globals, const std::string& db_path) {
  // A file is made afresh; a PostgreSQL database must be empty (init refuses one already set up).
  if (!is_postgres_uri(db_path))
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  auto opened = open(globals, db_path);
  if (!opened) return report(opened.status());
  Engine& engine = **opened;
  Demo demo(engine);
  std::cout << "casegate demo on " << db_path << "\n";

  demo.say("An admin sets up the team");
  if (auto s = engine.init("admin.ali", "Ali Admin"); !s) return report(s);
  for (const User& user : {User{"sw.jones", "Sam Jones", Role::social_worker, "north", true},
                           User{"tm.khan", "Tariq Khan", Role::team_manager, "north", true},
                           User{"chair.patel", "Priya Patel", Role::conference_chair, "safeguarding", true}}) {
    if (auto s = engine.add_user("admin.ali", user); !s) return report(s);
    std::cout << "added " << user.id << " (" << role_name(user.role) << ")\n";
  }

  demo.say("A referral arrives; the social worker opens a child-protection case");
  auto opened_case =
      engine.open_case("sw.jones", OpenCaseRequest{"child_protection", "CHILD-0042", "", std::nullopt, {}});
  if (!opened_case) return report(opened_case.status());
  CaseId id = opened_case->id;
  std::cout << "opened case " << id << " in state " << opened_case->state << "\n";

  demo.say("Moving on before deciding is refused: the gate says what is missing");
  demo.fire("sw.jones", id, "refer_to_strategy");
  demo.record("sw.jones", id, "referral_decision", R"({"decision":"significant_harm","urgency":"within_24h"})");
  demo.fire("sw.jones", id, "refer_to_strategy");

  demo.say("A strategy discussion without the police is not enough for a section 47 enquiry");
  demo.record("sw.jones", id, "strategy_meeting",
              R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"health","mode":"phone"}]})");
  demo.fire("sw.jones", id, "start_section_47");
  demo.record(
      "sw.jones", id, "strategy_meeting",
      R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"written"}]})");
  demo.fire("sw.jones", id, "start_section_47");

  demo.say("The enquiry cannot go to conference until the child's own voice is recorded");
  demo.record("sw.jones", id, "assessment", R"({"type":"section_47","outcome":"concerns_substantiated"})");
  demo.fire("sw.jones", id, "convene_initial_conference");
  demo.record(
      "sw.jones", id, "voice_of_child",
      R"({"child_seen":true,"seen_alone":true,"method":"direct","summary":"Seen alone at school; says she feels scared when dad shouts and wants help."})");
  demo.fire("sw.jones", id, "convene_initial_conference");

  demo.say("Only the conference chair records the conference's decision");
  demo.record("sw.jones", id, "conference_decision", R"({"outcome":"plan","category":"neglect"})");
  demo.record("chair.patel", id, "conference_decision", R"({"outcome":"plan","category":"neglect"})");
  if (demo.fire("sw.jones", id, "start_plan") != FireOutcome::accepted) {
    if (!demo.failed()) return report(Status::internal("the demo case did not reach a plan"));
    return report(demo.failed());
  }

  demo.say("Where the case stands now");
  auto status = engine.status("tm.khan", id);
  if (!status) return report(status.status());
  print_status(std::cout, *status);

  demo.say("Anyone can check that the audit log has not been altered");
  std::cout << "$ casegate --db " << db_path << " verify\n";
  auto verified = engine.verify();
  if (!verified) return report(verified.status());
  if (!verified->ok) return report(Status::integrity(verified->problem));
  std::cout << "audit chain verified: " << verified->entries_verified << " entries\n";
  std::cout << "\nSee every step: build/bin/casegate --db " << db_path << " --as tm.khan history " << id << "\n";
  return 0;
}

}  // namespace casegate::cli
