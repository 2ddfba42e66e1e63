// Runs child-protection commands against DB in a loop until killed, writing one line to stdout
// after each command the engine has acknowledged (returned from, so durable at FULL):
//   open CASE | record CASE TASK_ID | fire CASE VERSION
// Used by the crash test, which kills it with SIGKILL at random moments.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "casegate/casegate.hpp"

using namespace casegate;

namespace {

void ack(const std::string& line) {
  std::string out = line + "\n";
  // write(2), not stdio: the line must leave the process the moment the command returns.
  if (::write(1, out.data(), out.size()) != static_cast<ssize_t>(out.size())) _exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: crash_worker DB\n");
    return 2;
  }
  auto opened = open_engine(argv[1]);
  if (!opened) {
    std::fprintf(stderr, "crash_worker: %s\n", opened.status().to_string().c_str());
    return 1;
  }
  Engine& engine = **opened;
  (void)engine.init("admin", "");  // refused after the first run: fine
  (void)engine.add_user("admin", User{"sw", "", Role::social_worker, "north", true});  // likewise
  const char* steps[][2] = {
      {"referral_decision", R"({"decision":"significant_harm"})"},
      {"refer_to_strategy", nullptr},
      {"strategy_meeting",
       R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"video"}]})"},
      {"start_section_47", nullptr},
      {"assessment", R"({"type":"section_47","outcome":"ongoing"})"},
      {"voice_of_child", R"({"child_seen":true,"method":"direct"})"},
      {"convene_initial_conference", nullptr},
  };
  for (;;) {
    auto opened_case = engine.open_case("sw", OpenCaseRequest{"child_protection", "CRASH", "", std::nullopt, {}});
    if (!opened_case) return 1;
    CaseId id = opened_case->id;
    ack("open " + std::to_string(id));
    for (auto [name, payload] : steps) {
      if (payload) {
        auto receipt = engine.record_task("sw", RecordTaskRequest{id, name, payload, std::nullopt});
        if (!receipt) return 1;
        ack("record " + std::to_string(id) + " " + std::to_string(receipt->task_id));
      } else {
        auto fired = engine.fire("sw", FireRequest{id, name, false, "", std::nullopt});
        if (!fired || fired->outcome != FireOutcome::accepted) return 1;
        ack("fire " + std::to_string(id) + " " + std::to_string(fired->version));
      }
    }
  }
}
