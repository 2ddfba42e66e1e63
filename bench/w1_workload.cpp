#include "w1_workload.hpp"

#include <sys/resource.h>

#include <iostream>

namespace casegate::bench {

const Step w1_steps[11] = {
    {worker, false, "referral_decision", R"({"decision":"significant_harm","urgency":"within_24h"})",
     FireOutcome::accepted},
    {worker, true, "refer_to_strategy", nullptr, FireOutcome::accepted},
    {worker, true, "start_section_47", nullptr, FireOutcome::refused},
    {worker, false, "strategy_meeting",
     R"({"participants":[{"agency":"social_care","mode":"in_person"},{"agency":"police","mode":"phone"},{"agency":"health","mode":"written"}]})",
     FireOutcome::accepted},
    {worker, true, "start_section_47", nullptr, FireOutcome::accepted},
    {worker, false, "assessment", R"({"type":"section_47","outcome":"concerns_substantiated"})", FireOutcome::accepted},
    {worker, true, "convene_initial_conference", nullptr, FireOutcome::refused},
    {worker, false, "voice_of_child",
     R"({"child_seen":true,"seen_alone":true,"method":"direct","summary":"Child seen alone at school; said she feels scared when dad shouts and wants help."})",
     FireOutcome::accepted},
    {worker, true, "convene_initial_conference", nullptr, FireOutcome::accepted},
    {chair, false, "conference_decision", R"({"outcome":"plan","category":"neglect"})", FireOutcome::accepted},
    {worker, true, "start_plan", nullptr, FireOutcome::accepted},
};

void die(const std::string& what) {
  std::cerr << "casegate-bench: " << what << "\n";
  std::exit(2);
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void add_w1_users(Engine& engine) {
  if (auto s = engine.init("admin", "Admin"); !s) die(s.to_string());
  for (const User& u : {User{worker, "Sam Jones", Role::social_worker, "north", true},
                        User{chair, "Priya Patel", Role::conference_chair, "", true}})
    if (auto s = engine.add_user("admin", u); !s) die(s.to_string());
}

void run_case(Engine& engine, int n) {
  auto opened =
      engine.open_case(worker, OpenCaseRequest{"child_protection", "CHILD-" + std::to_string(n), "", std::nullopt, {}});
  if (!opened) die(opened.status().to_string());
  CaseId id = opened->id;
  for (const Step& step : w1_steps) {
    if (step.is_fire) {
      auto result = engine.fire(step.as, FireRequest{id, step.name, false, "", std::nullopt});
      if (!result) die(result.status().to_string());
      if (result->outcome != step.expected) die("case " + std::to_string(id) + ": " + result->message);
    } else {
      auto receipt = engine.record_task(step.as, RecordTaskRequest{id, step.name, step.payload, std::nullopt});
      if (!receipt) die(receipt.status().to_string());
    }
  }
}

}  // namespace casegate::bench
