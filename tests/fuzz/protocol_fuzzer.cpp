// libFuzzer target: the C ABI's casegate_execute. The first byte picks the acting user, the rest
// is the request. Checks, beyond "no crash, no leak, no sanitizer report": every answer is a JSON
// document with a code in 0..6, and a non-zero code without a result of its own comes with
// {"error": {"code", "message"}} on one line.
#include <casegate.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

namespace {

casegate_engine* engine() {
  static casegate_engine* opened = [] {
    casegate_engine* e = nullptr;
    if (casegate_open(":memory:", "{\"synchronous\": \"OFF\"}", &e, nullptr) != 0) std::abort();
    const char* setup[][2] = {
        {"admin", R"({"command": "init", "admin": "admin"})"},
        {"admin", R"({"command": "user add", "user": "sw", "role": "social_worker", "team": "north"})"},
        {"admin", R"({"command": "user add", "user": "tm", "role": "team_manager", "team": "north"})"},
        {"sw", R"({"command": "open", "workflow": "child_protection", "subject": "F"})"},
    };
    for (auto& [as, request] : setup) {
      char* response = nullptr;
      if (casegate_execute(e, as, request, &response) != 0) std::abort();
      casegate_free(response);
    }
    return e;
  }();
  return opened;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const users[] = {"sw", "tm", "admin", "nobody", "bad user\n"};
  const char* as = users[data[0] % 5];
  std::string request(reinterpret_cast<const char*>(data + 1), size - 1);  // may hold NUL: C sees less
  char* response = nullptr;
  int code = casegate_execute(engine(), as, request.c_str(), &response);
  if (response == nullptr || code < 0 || code > 6) std::abort();
  auto body = nlohmann::json::parse(response, nullptr, false);
  if (body.is_discarded()) std::abort();
  if (code != 0 && body.contains("error")) {
    const auto& message = body["error"]["message"];
    if (!message.is_string() || message.get<std::string>().empty() ||
        message.get<std::string>().find('\n') != std::string::npos)
      std::abort();
  }
  casegate_free(response);
  return 0;
}
