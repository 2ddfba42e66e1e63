// libFuzzer target: payload validation. The first byte picks the task kind, the rest is the
// payload. Checks, beyond "no crash, no sanitizer report": an accepted payload is stored in a
// form that validates again to itself, and a refusal is one non-empty line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "casegate/seed_workflows.hpp"
#include "casegate/task_kinds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casegate;
  if (size == 0) return 0;
  static const WorkflowRegistry seeds = seed_workflows();
  static const std::vector<const TaskKind*> kinds = seeds.task_kinds().all();
  const TaskKindCatalogue& catalogue = seeds.task_kinds();
  std::string_view kind = kinds[data[0] % kinds.size()]->name;
  std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  auto result = catalogue.validate_payload(kind, payload);
  if (result) {
    auto again = catalogue.validate_payload(kind, *result);
    if (!again || *again != *result) std::abort();
  } else {
    const std::string& message = result.status().message();
    if (message.empty() || message.find('\n') != std::string::npos || result.status().code() != Code::invalid_input)
      std::abort();
  }
  return 0;
}
