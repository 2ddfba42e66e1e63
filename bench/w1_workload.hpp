#pragma once
// Workload W1 (shared/bench/W1.md): its users and its twelve steps, shared by the in-process
// run (w1) and the run over HTTP (http).
#include <string>

#include "casegate/engine.hpp"

namespace casegate::bench {

inline const char* const worker = "sw.jones";
inline const char* const chair = "chair.patel";

// The eleven steps after the open.
struct Step {
  const char* as;
  bool is_fire;
  const char* name;  // event or task kind
  const char* payload;
  FireOutcome expected;
};
extern const Step w1_steps[11];

[[noreturn]] void die(const std::string& what);

// User and system time of every thread of the process so far (the store checkpoints on a thread
// of its own, so a command's CPU time is not the calling thread's alone).
double process_cpu_seconds();

// The admin, the worker and the chair W1 runs as.
void add_w1_users(Engine& engine);

// One W1 case, start to finish; dies on any outcome W1 does not expect.
void run_case(Engine& engine, int n);

}  // namespace casegate::bench
