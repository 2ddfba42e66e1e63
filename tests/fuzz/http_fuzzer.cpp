// libFuzzer target: casegate serve's request parsing and routing (server/src/http_api.cpp),
// without the network. The first byte picks the method and whether a valid token is sent; the
// rest is the target, a line for If-Match, and the body. Checks, beyond "no crash, no leak, no
// sanitizer report": the status is one the contract names, never a 500, and every problem is
// JSON whose "status" is the response's.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "casegate/casegate.hpp"
#include "http_api.hpp"
#include "test_signing_key.hpp"

namespace {

struct World {
  std::unique_ptr<casegate::Engine> engine;
  std::unique_ptr<casegate::server::Identity> identity;
  std::string token;
};

World& world() {
  static World w = [] {
    World made;
    made.engine = std::move(casegate::open_engine(":memory:").value());
    if (!made.engine->init("admin", "")) std::abort();
    if (!made.engine->add_user("admin", {"sw", "", casegate::Role::social_worker, "north", true})) std::abort();
    if (!made.engine->open_case("sw", {"child_protection", "F", "", std::nullopt, {}})) std::abort();
    auto jwks_path = std::filesystem::temp_directory_path() / ("casegate-http-fuzzer-" + std::to_string(getpid()));
    std::ofstream(jwks_path) << casegate::server::public_jwks(test_key, "k").value();
    made.identity = std::move(casegate::server::Identity::load({jwks_path.string(), "iss", "aud", "sub"}).value());
    std::filesystem::remove(jwks_path);
    made.token =
        casegate::server::sign_token({test_key, "k", "sw", "iss", "aud", 7 * 24 * 3600, made.engine->clock().now()})
            .value();
    return made;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const methods[] = {"GET", "POST", "DELETE", "PUT"};
  World& w = world();
  casegate::server::HttpRequest request;
  request.method = methods[data[0] % 4];
  if (data[0] & 4) request.authorization = "Bearer " + w.token;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  auto first = rest.find('\n');
  request.target = rest.substr(0, first);
  if (first != std::string::npos) {
    auto second = rest.find('\n', first + 1);
    // The second line is one of the headers the API reads.
    std::string header = rest.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    switch ((data[0] >> 3) % 3) {
      case 0: request.if_match = header; break;
      case 1: request.idempotency_key = header; break;
      default: request.last_event_id = header; break;
    }
    if (second != std::string::npos) request.body = rest.substr(second + 1);
  }
  casegate::server::ApiContext context{*w.engine, *w.identity};
  casegate::server::HttpResponse response = casegate::server::handle(context, request);
  static const std::set<int> allowed{200, 201, 400, 401, 403, 404, 405, 409, 412, 422};
  if (!allowed.count(response.status)) std::abort();
  if (response.content_type == "application/problem+json") {
    auto problem = nlohmann::json::parse(response.body, nullptr, false);
    if (!problem.is_object() || problem.value("status", 0) != response.status) std::abort();
  }
  return 0;
}
